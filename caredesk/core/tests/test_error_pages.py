"""The 403, 404 and 500 pages, served as production serves them (DEBUG off): the site's
header, a plain explanation, a way back, and nothing of the failure itself."""

from __future__ import annotations

import pytest
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path, reverse

from caredesk.conftest import People

SECRET_IN_THE_FAILURE = "tenant Grace Nwosu, 07700 900123"


@login_not_required
def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(SECRET_IN_THE_FAILURE)


# This module is also the URL configuration of its tests: the site's, and a page that fails.
urlpatterns = [path("test-boom/", boom), path("", include("caredesk.urls"))]
handler403 = "caredesk.core.error_pages.permission_denied"
handler404 = "caredesk.core.error_pages.page_not_found"
handler500 = "caredesk.core.error_pages.server_error"


@pytest.fixture(autouse=True)
def production(settings) -> None:
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver"]


@pytest.mark.urls(__name__)
def test_the_server_error_page_has_the_header_and_says_work_was_saved_not_what_failed(
    db: None, people: People
) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(people.officer)
    response = client.get("/test-boom/")
    assert response.status_code == 500
    page = response.content.decode()
    assert '<header class="site-header">' in page
    assert "<title>Sorry, there is a problem with the service" in page
    assert "What you last sent may not have been saved. Check before you do it again." in page
    assert f'href="{reverse("staff:home")}"' in page
    assert SECRET_IN_THE_FAILURE not in page
    assert "Traceback" not in page
    assert "olu" not in page.lower()  # not even the signed-in person's name


@pytest.mark.urls(__name__)
def test_the_server_error_page_needs_no_database(db: None, django_assert_num_queries) -> None:
    client = Client(raise_request_exception=False)
    with django_assert_num_queries(0):
        response = client.get("/test-boom/")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()


def test_a_page_that_does_not_exist_says_so_with_the_menu_and_a_way_back(
    client, people: People
) -> None:
    client.force_login(people.officer)
    response = client.get("/no-such-page/", HTTP_REFERER="http://testserver/overdue/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "<title>Page not found" in page
    assert "If you typed the web address, check it is correct." in page
    assert 'aria-label="Main"' in page  # the person's menu
    assert '<a href="http://testserver/overdue/">Go back to the page you were on</a>' in page
    assert f'<a href="{reverse("cases:my_work")}">My work</a>' in page


def test_a_missing_record_gets_the_same_page(client, people: People) -> None:
    client.force_login(people.officer)
    response = client.get(reverse("cases:case", args=["NOPE-0000"]))
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_the_way_back_never_points_to_another_site(client, people: People) -> None:
    client.force_login(people.officer)
    response = client.get("/no-such-page/", HTTP_REFERER="https://evil.example/phish")
    page = response.content.decode()
    assert "evil.example" not in page
    assert "Go back to the page you were on" not in page


def test_signed_out_the_not_found_page_offers_to_sign_in(db: None) -> None:
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert f'href="{reverse("staff:login")}">Sign in</a>' in response.content.decode()


def test_a_page_for_another_role_says_who_may_see_it_and_whom_to_ask(
    client, people: People
) -> None:
    client.force_login(people.officer)
    response = client.get(reverse("reporting:dashboard"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "<title>You do not have permission to see this page" in page
    assert "If you need it, ask your line manager." in page
    assert "You need to be" in page  # the reason the view gave
    assert '<header class="site-header">' in page
