"""A visit where nobody was in: the calling card is shown as it will print and recorded
as left (the card kept, the visit a contact by home visit) only from that page."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from caredesk.cases.models import Case, Channel, Contact, Direction
from caredesk.cases.services import note_add
from caredesk.conftest import customer_case, letter_writer
from caredesk.core.active_policy import active_policy
from caredesk.customers.models import AccessibleFormat
from caredesk.documents.calling_cards import VisitInFuture, calling_card_leave
from caredesk.documents.models import CaseLetter, DocumentKind

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def case(people, clock) -> Case:
    letter_writer(people)
    return customer_case(people, clock, accessible_format=AccessibleFormat.LARGE_PRINT)


@pytest.fixture
def officer(client, people):
    client.force_login(people.officer)
    return client


def url(case: Case) -> str:
    return reverse("documents:calling_card", args=[case.reference])


def token(html: str) -> str:
    found = re.search(r'name="checked" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


VISIT = {"visited_at": "19/06/2025 10:30"}


def test_the_service_keeps_the_card_and_records_the_visit_as_a_contact(people, case, clock):
    visited = datetime(2025, 6, 19, 14, 5, tzinfo=LONDON)
    card = calling_card_leave(
        case=case, visited_at=visited, by=people.officer, policy=active_policy(), clock=clock
    )
    assert card.kind == DocumentKind.CALLING_CARD
    assert "at 2:05pm on Thursday 19 June 2025" in card.body
    contact = Contact.objects.get(case=case, channel=Channel.HOME_VISIT)
    assert contact.direction == Direction.OUTBOUND
    assert contact.at == visited
    assert "nobody was in" in contact.summary
    assert case.events.filter(kind="contact").exists()


def test_the_service_refuses_a_visit_in_the_future(people, case, clock):
    with pytest.raises(VisitInFuture):
        calling_card_leave(
            case=case,
            visited_at=clock.now() + timedelta(hours=1),
            by=people.officer,
            policy=active_policy(),
            clock=clock,
        )
    assert not CaseLetter.objects.exists()


def test_the_case_page_offers_it(officer, case):
    page = officer.get(reverse("cases:case", args=[case.reference])).content.decode()
    assert "Record a visit where nobody was in" in page
    # its form is drawn when opened, or with every form (?actions=all, without JavaScript)
    every = reverse("cases:case", args=[case.reference]) + "?actions=all"
    assert url(case) in officer.get(every).content.decode()


def test_the_card_is_shown_as_it_will_print_then_recorded_as_left_from_there(officer, case):
    check = officer.post(url(case), VISIT)
    html = check.content.decode()
    assert check.status_code == 200
    assert "The calling card as it will print" in html
    assert "Sorry we missed you" in html
    assert "at 10:30am on Thursday 19 June 2025" in html
    assert "Olu Officer" in html  # who called, and how to reach them
    assert "Also sent in large print." in html
    assert not CaseLetter.objects.exists()
    # when
    sent = officer.post(url(case), VISIT | {"action": "send", "checked": token(html)})
    # then
    assert sent.status_code == 302
    card = CaseLetter.objects.get()
    assert card.kind == DocumentKind.CALLING_CARD
    assert Contact.objects.filter(case=case, channel=Channel.HOME_VISIT).count() == 1


def test_a_card_that_never_passed_the_check_page_is_refused(officer, case):
    sent = officer.post(url(case), VISIT | {"action": "send"})
    assert sent.status_code == 400
    assert "Check the calling card before you send it" in sent.content.decode()
    assert not CaseLetter.objects.exists()


def test_a_changed_time_must_be_checked_again(officer, case):
    html = officer.post(url(case), VISIT).content.decode()
    changed = {"visited_at": "19/06/2025 11:30", "action": "send", "checked": token(html)}
    assert officer.post(url(case), changed).status_code == 400
    assert not CaseLetter.objects.exists()


def test_a_checked_card_is_recorded_once_however_often_it_is_pressed(officer, case):
    html = officer.post(url(case), VISIT).content.decode()
    send = VISIT | {"action": "send", "checked": token(html)}
    assert officer.post(url(case), send).status_code == 302
    assert officer.post(url(case), send).status_code == 400  # its own event made it stale
    assert CaseLetter.objects.count() == 1


def test_a_case_changed_between_the_check_and_the_send_must_be_checked_again(officer, case, people):
    html = officer.post(url(case), VISIT).content.decode()
    note_add(case=case, text="Tried the neighbours", by=people.teammate)
    sent = officer.post(url(case), VISIT | {"action": "send", "checked": token(html)})
    assert sent.status_code == 400
    assert not CaseLetter.objects.exists()


def test_a_missing_time_is_asked_for_by_the_field(officer, case):
    page = officer.post(url(case), {"visited_at": ""})
    assert page.status_code == 400
    assert "Enter when you called" in page.content.decode()


def test_a_visit_in_the_future_is_refused_on_the_check_page(officer, case):
    future = {"visited_at": "19/06/2099 10:30"}
    html = officer.post(url(case), future).content.decode()
    sent = officer.post(url(case), future | {"action": "send", "checked": token(html)})
    assert sent.status_code == 400
    assert "cannot be in the future" in sent.content.decode()
