"""Two people, one case, one after the other: an action chosen on a page that someone
else's change has made stale is refused, saying who changed what and when; notes and
contacts are kept whatever changed. (The same at the same moment, on PostgreSQL with
real threads: test_races.py.)"""

import html
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from django.test import Client
from django.urls import reverse

from caredesk.cases import errors
from caredesk.cases.locks import case_lock
from caredesk.cases.models import CaseStatus, Channel, Direction, EventKind
from caredesk.cases.selectors import case_seen_get
from caredesk.cases.services import case_assign, case_finish, contact_log, response_send
from caredesk.conftest import customer_case

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2025, 6, 20, 12, 0, tzinfo=LONDON)  # a Friday, office open


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def case(people, clock):
    clock.moment = NOW
    return customer_case(people, clock)


def signed_in(client, person):
    client.force_login(person)
    return client


def seen_on_page(client, case) -> str:
    # every form drawn, as the page is without JavaScript (?actions=all)
    url = reverse("cases:case", args=[case.reference]) + "?actions=all"
    page = client.get(url).content.decode()
    found = re.search(r'name="seen" value="(\d+)"', page)
    assert found, "every action form sends what the page showed"
    return found.group(1)


def text(response) -> str:
    return " ".join(response.content.decode().split())


def test_an_action_from_a_page_someone_has_since_changed_is_refused_naming_them(
    client, people, case
):
    client = signed_in(client, people.officer)
    seen = seen_on_page(client, case)
    response_send(case=case, channel=Channel.EMAIL, summary="Booked", by=people.teammate)

    waited = client.post(
        reverse("cases:wait", args=[case.reference]),
        {"reason": "waiting_for_customer", "seen": seen},
    )

    assert waited.status_code == 400
    assert (
        "A response to this case was recorded by Tia Teammate at 12:00. "
        "Check the case before you try again."
    ) in text(waited)
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert not case.events.filter(kind=EventKind.STATUS_CHANGED).exists()
    # The page shown again is the case as it is now: from it, the action goes through.
    again = re.search(r'name="seen" value="(\d+)"', waited.content.decode())
    assert again
    assert again.group(1) == str(case_seen_get(reference=case.reference))
    retried = client.post(
        reverse("cases:wait", args=[case.reference]),
        {"reason": "waiting_for_customer", "seen": again.group(1)},
    )
    assert retried.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.WAITING_FOR_CUSTOMER


def test_a_resolve_refused_on_a_case_still_open_says_why_in_its_form(client, people, case):
    client = signed_in(client, people.officer)
    seen = seen_on_page(client, case)
    case_assign(case=case, officer=people.outsider, by=people.line_manager)

    resolved = client.post(
        reverse("cases:finish", args=[case.reference]),
        {"status": "resolved", "outcome": "Done", "confirmed": "True", "seen": seen},
    )

    assert resolved.status_code == 400
    summary = "There is a problem</h2> <ul> <li>"
    assert f"{summary}This case was given to Oscar Outsider by Lena Manager at 12:00" in (
        text(resolved)
    )
    assert '<details id="action-finish" open> <summary>Resolve or close</summary>' in text(resolved)
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_a_response_from_a_page_shown_before_the_case_was_resolved_is_refused(client, people, case):
    client = signed_in(client, people.officer)
    seen = seen_on_page(client, case)
    signed_in(Client(), people.teammate).post(
        reverse("cases:finish", args=[case.reference]),
        {"status": "resolved", "outcome": "Sorted out", "confirmed": "True"},
    )

    responded = client.post(
        reverse("cases:respond", args=[case.reference]),
        {"channel": "letter", "summary": "Late", "seen": seen},
    )

    assert responded.status_code == 400
    assert "This case was resolved by Tia Teammate at 12:00." in text(responded)
    assert not case.contacts.filter(summary="Late").exists()


def test_notes_and_contacts_are_kept_whatever_has_changed(client, people, case):
    client = signed_in(client, people.officer)
    seen = seen_on_page(client, case)
    case_finish(case=case, status=CaseStatus.RESOLVED, by=people.teammate)

    noted = client.post(
        reverse("cases:note", args=[case.reference]), {"text": "Rang back", "seen": seen}
    )
    contacted = client.post(
        reverse("cases:contact", args=[case.reference]),
        {"channel": "phone", "direction": "outbound", "summary": "Rang", "seen": seen},
    )

    assert noted.status_code == contacted.status_code == 302
    assert case.events.filter(kind=EventKind.NOTE).exists()
    assert case.contacts.filter(direction=Direction.OUTBOUND, summary="Rang").exists()


def test_a_refusal_names_the_day_when_it_was_not_today(people, case, clock):
    clock.moment = datetime(2025, 6, 3, 10, 30, tzinfo=LONDON)
    case_finish(case=case, status=CaseStatus.RESOLVED, by=people.teammate, clock=clock)
    clock.moment = NOW + timedelta(days=1)

    with pytest.raises(errors.CaseStatusForbids) as refused:
        response_send(
            case=case, channel=Channel.LETTER, summary="Late", by=people.officer, clock=clock
        )

    assert refused.value.message == (
        "This case was resolved by Tia Teammate at 10:30 on 3 June 2025, "
        "so you cannot record a response."
    )
    assert refused.value.code == "case_status_forbids"


def test_a_case_someone_changed_is_refused_with_its_own_code(people, case, clock):
    seen = case_seen_get(reference=case.reference)
    case_finish(case=case, status=CaseStatus.CLOSED, by=people.teammate, clock=clock)

    with pytest.raises(errors.CaseChanged) as refused, transaction.atomic():
        case_lock(case=case, now=clock.now(), seen=seen)

    assert refused.value.code == "case_changed_meanwhile"
    assert refused.value.message.startswith("This case was closed by Tia Teammate at 12:00.")


def holding_reply_checked(client, case, data) -> dict[str, str]:
    """The holding reply's check page for `data`: what its Send button posts."""
    check = client.post(reverse("mail:holding_reply", args=[case.reference]), data)
    assert check.status_code == 200, text(check)
    shown = re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', check.content.decode())
    return {name: html.unescape(value) for name, value in shown} | {"action": "send"}


def test_a_second_holding_reply_from_a_page_shown_before_the_first_is_refused(client, people, case):
    """Two officers sending a holding reply on one deadline: one letter, one new date."""
    for person in (people.officer, people.teammate):  # letters say who sent them
        person.phone, person.post_title = "0151 510 1234", "Housing Officer"
        person.save()
    url = reverse("mail:holding_reply", args=[case.reference])
    client = signed_in(client, people.officer)
    seen = seen_on_page(client, case)
    deadline = case.deadlines.get()  # due Thursday 3 July: a new date may be up to 17 July
    reply = {"deadline": deadline.pk, "reason": "Waiting for the contractor's report"}
    # their teammate checks and sends one first...
    teammate = signed_in(Client(), people.teammate)
    first_checked = holding_reply_checked(
        teammate,
        case,
        reply | {"revised_by": "12 working days", "seen": seen_on_page(teammate, case)},
    )
    first = teammate.post(url, first_checked)
    assert first.status_code == 302
    # ...then the officer chooses one from the page they were shown before it
    second_checked = holding_reply_checked(
        client, case, reply | {"revised_by": "15 working days", "seen": seen}
    )
    assert second_checked["seen"] == seen  # the check page carries what the case page showed

    second = client.post(url, second_checked)

    assert second.status_code == 400
    assert (
        "A holding reply giving a new response date was sent by Tia Teammate at 12:00. "
        "Check the case before you try again."
    ) in text(second)
    assert deadline.holding_replies.count() == 1
    assert case.events.filter(kind=EventKind.HOLDING_REPLY).count() == 1
    deadline.refresh_from_db()
    # sent Friday 20 June at noon: twelve working days on is Tuesday 8 July, at close
    assert deadline.revised_due_at == datetime(2025, 7, 8, 17, 0, tzinfo=LONDON)


def test_a_contact_that_is_not_an_acknowledgement_makes_no_page_stale(people, case, clock):
    seen = case_seen_get(reference=case.reference)
    contact_log(
        case=case,
        channel=Channel.PHONE,
        direction=Direction.OUTBOUND,
        summary="Rang",
        by=people.teammate,
        clock=clock,
    )

    with transaction.atomic():
        case_lock(case=case, now=clock.now(), seen=seen)  # not refused
