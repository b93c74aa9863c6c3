"""No desk page fails on junk in its query string: the answer is a page or a 404, never a 500
(or a 400 naming the field, for text no database can store)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PAGES = {
    "/": ["after"],
    "/team/": ["team", "after"],
    "/office/": ["office", "after"],
    "/overdue/": ["after"],
    "/log/": ["channel", "customer", "q"],
    "/search/": ["q"],
    "/staff/manager/": [],
    "/staff/absences/": [],
}

cursors = st.builds(
    lambda when, pk: f"{when.isoformat()}~{pk}",
    st.datetimes(timezones=st.timezones()),
    st.integers(min_value=-(2**70), max_value=2**70),
)
junk = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["²", "٣", "0", "-1", "9" * 30, "\x00", "1e3", " 1", "abc", "~", "Z~1"]),
    cursors,
)
queries = st.sampled_from(sorted(PAGES)).flatmap(
    lambda path: st.tuples(
        st.just(path),
        st.dictionaries(st.sampled_from([*PAGES[path], "unknown"]), junk, max_size=3),
    )
)


@pytest.fixture
def manager_client(client, people):
    client.force_login(people.line_manager)
    return client


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(query=queries)
def test_no_desk_page_fails_on_junk_in_its_query_string(manager_client, query):
    path, params = query
    response = manager_client.get(path, params)
    if any("\x00" in value for value in params.values()):
        assert response.status_code == 400, (path, params, response.status_code)
        assert "(in the address)" in response.content.decode()
    else:
        assert response.status_code in (200, 302, 404), (path, params, response.status_code)


@pytest.mark.parametrize(
    "params",
    [
        {"team": "²"},
        {"office": "²"},
        {"after": "0001-01-01T00:00:00+14:00~1"},
        {"after": "9999-12-31T23:59:59-14:00~1"},
        {"after": "2025-01-01T00:00:00Z~99999999999999999999999"},
    ],
)
def test_the_reviewers_examples_answer_without_failing(manager_client, params):
    path = "/team/" if "team" in params else "/office/" if "office" in params else "/"
    assert manager_client.get(path, params).status_code in (200, 404)


def test_a_nul_in_the_customer_search_is_refused_with_the_field_named(manager_client):
    response = manager_client.get("/log/", {"q": "Smith\x00"})
    assert response.status_code == 400
    assert "q (in the address)" in response.content.decode()
