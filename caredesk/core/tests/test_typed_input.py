"""Page requests carrying characters no database can store are refused (400, naming where),
never a server error; a cookie carrying one is dropped."""

import pytest
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import given
from hypothesis import strategies as st

from caredesk.core.typed_input import unstorable_field

STORABLE = st.text(st.characters(exclude_characters="\x00", exclude_categories=["Cs"]))
WITH_NUL = st.builds(lambda before, after: f"{before}\x00{after}", STORABLE, STORABLE)


def _page_routes() -> list[str]:
    """Every page's route with each parameter filled in (the API is left to its schemas)."""
    routes: list[str] = []

    def walk(patterns: list[URLPattern | URLResolver], prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif not route.startswith("api/"):
                routes.append(route)

    walk(get_resolver().url_patterns, "")
    return routes


def _filled(route: str, text: str) -> str:
    """The route with each <int:...> parameter 1 and each other parameter `text`."""
    parts = []
    for piece in route.split("<"):
        if ">" not in piece:
            parts.append(piece)
            continue
        parameter, rest = piece.split(">", 1)
        parts.append(("1" if parameter.startswith("int:") else text) + rest)
    return "/" + "".join(parts)


def test_every_page_route_is_found():
    routes = _page_routes()
    assert "cases/<str:reference>/" in routes
    assert not any(route.startswith("api/") for route in routes)


@pytest.mark.django_db
def test_a_nul_anywhere_in_any_page_request_is_refused_with_where_it_was(people):
    client = Client(raise_request_exception=False)
    client.force_login(people.administrator)
    for route in _page_routes():
        if "<str:" in route or "<slug:" in route:
            response = client.get(_filled(route, "AB\x00C"))
            assert response.status_code == 400, route
            assert "the page address" in response.text
        address = _filled(route, "x")
        response = client.get(address, {"q": "rent\x00arrears"})
        assert response.status_code == 400, address
        assert "q (in the address)" in response.text
        assert "NUL character" in response.text
        response = client.post(address, {"summary": "Leak\x00"})
        assert response.status_code == 400, address
        assert "summary (in the form)" in response.text


@pytest.mark.django_db
def test_a_session_cookie_holding_a_nul_means_signed_out_not_a_server_error(people):
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "abcdefgh\x00ijklmnop"
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/")


@pytest.mark.django_db
def test_the_api_is_left_to_its_own_schemas(people):
    response = Client(raise_request_exception=False).get("/api/v1/cases", {"q": "a\x00"})
    assert "cannot be saved" not in response.text


@given(name=STORABLE, value=STORABLE)
def test_text_that_can_be_stored_passes(name, value):
    request = RequestFactory().post(f"/cases/?{name[:20]!s}=1", {name or "field": value})
    assert unstorable_field(request) is None


@given(value=WITH_NUL)
def test_a_nul_in_any_posted_value_is_found(value):
    request = RequestFactory().post("/log/", {"summary": value})
    assert unstorable_field(request) == (
        "summary (in the form)",
        "It contains a NUL character, which cannot be stored. Remove it and try again.",
    )
