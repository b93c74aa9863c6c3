"""The case page's actions: closed, their forms drawn when opened (htmx), or all with
the page without JavaScript (?actions=all), or the one sent with a mistake, open."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from caredesk.cases.models import CaseStatus
from caredesk.cases.selectors import case_seen_get
from caredesk.cases.views.action_forms import ACTIONS, MAKERS
from caredesk.conftest import customer_case

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def case(people, clock):
    return customer_case(people, clock)


def opened(client, case, name: str, seen: int = 7):
    url = reverse("cases:action_form", args=[case.reference, name])
    return client.get(f"{url}?seen={seen}", **HTMX)


def test_the_page_draws_no_action_form_until_one_is_opened(client, people, case):
    client.force_login(people.officer)
    page = client.get(reverse("cases:case", args=[case.reference])).content.decode()
    seen = case_seen_get(reference=case.reference)
    for name in ("respond", "contact", "calling_card", "note", "assign", "wait", "merge"):
        form_url = reverse("cases:action_form", args=[case.reference, name])
        assert f'hx-get="{form_url}?seen={seen}"' in page, name
        assert f'<a href="?actions=all#action-{name}">Show the form</a>' in page, name
    assert 'name="officer"' not in page  # the people to assign to are not read
    assert 'name="summary"' not in page


def test_without_javascript_the_page_with_every_form_is_one_link_away(client, people, case):
    client.force_login(people.officer)
    url = reverse("cases:case", args=[case.reference]) + "?actions=all"
    page = client.get(url).content.decode()
    seen = case_seen_get(reference=case.reference)
    for name in ("respond", "contact", "calling_card", "note", "assign", "wait", "merge"):
        action = reverse(ACTIONS[name].url, args=[case.reference])
        assert f'<form method="post" action="{action}"' in page, name
    assert 'name="officer"' in page
    assert re.findall(r'name="seen" value="(\d+)"', page)[0] == str(seen)


def test_an_opened_action_draws_its_form_saying_the_case_as_the_page_showed_it(
    client, people, case
):
    client.force_login(people.officer)
    for name in MAKERS:
        answer = opened(client, case, name, seen=7)
        assert answer.status_code == 200, name
        html = answer.content.decode()
        assert '<input type="hidden" name="seen" value="7">' in html, name
        assert "<html" not in html  # a part of the page, not a page
    assert "Olu Officer" in opened(client, case, "assign").content.decode()


def test_an_action_asked_for_outside_htmx_goes_to_the_page_with_every_form(client, people, case):
    client.force_login(people.officer)
    url = reverse("cases:action_form", args=[case.reference, "note"])
    answer = client.get(url)
    assert answer.status_code == 302
    page = reverse("cases:case", args=[case.reference])
    assert answer["Location"] == f"{page}?actions=all#action-note"


def test_an_unknown_action_or_case_is_not_found_and_reading_cases_is_not_enough(
    client, people, case
):
    client.force_login(people.officer)
    assert opened(client, case, "explode").status_code == 404
    url = reverse("cases:action_form", args=["HHT-1999-999999", "note"])
    assert client.get(url, **HTMX).status_code == 404
    client.force_login(people.data_protection_officer)
    assert opened(client, case, "note").status_code == 403


def test_a_form_sent_with_a_mistake_comes_back_drawn_and_open(client, people, case):
    client.force_login(people.officer)
    refused = client.post(reverse("cases:note", args=[case.reference]), {"text": ""})
    html = " ".join(refused.content.decode().split())
    assert refused.status_code == 400
    assert '<details id="action-note" open>' in html
    assert "Enter the note" in html
    assert 'name="officer"' not in html  # the others stay closed and undrawn


def test_a_resolved_case_offers_to_close_and_to_reopen_when_opened(client, people, case):
    client.force_login(people.officer)
    client.post(
        reverse("cases:finish", args=[case.reference]),
        {"status": "resolved", "outcome": "Sorted", "confirmed": "True"},
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.RESOLVED
    finish = opened(client, case, "finish").content.decode()
    assert "Close the case" in finish
    assert "Mark as resolved" not in finish
    assert "Reopen the case" in opened(client, case, "reopen").content.decode()
