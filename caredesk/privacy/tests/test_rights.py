"""A customer's requests to correct their data and to restrict its use, end to end:
the month from the engine; the correction made through the record's own edit, naming
the request, and listed on the request's page; the restriction shown on every page of
the customer's and refusing others' changes, lifted only once they were told; and the
answer to the customer (done, or refused with their right to complain to the ICO), which
meets the deadline."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from caredesk.cases.models import Case, CaseKind, Channel, DeadlineStatus, EventKind
from caredesk.cases.services import case_create
from caredesk.conftest import People, SettableClock
from caredesk.core.clock import system_clock
from caredesk.customers.models import Customer, CustomerAccess, CustomerEvent, CustomerType
from caredesk.customers.services import customer_create
from caredesk.errors import NotAllowed
from caredesk.privacy import rights
from caredesk.privacy.models import RightsAnswer
from caredesk.standards import due_at, load_policy, parse_duration

pytestmark = pytest.mark.django_db
HALTON = load_policy("halton")
RECEIVED = datetime(2026, 1, 31, 12, 0, tzinfo=UTC)  # Saturday 31 January 2026
WARNING = "Use of this person's data is restricted"
DETAILS = {
    "customer_type": "tenant",
    "first_name": "Jo",
    "last_name": "Jones",
    "phone": "0151 510 5000",
    "address": "12 Mersey Road\nRuncorn",
    "postcode": "WA7 1AA",
    "accessible_format": "standard",
}


@pytest.fixture(autouse=True)
def pages_on_the_test_clock(monkeypatch: Any, clock: SettableClock) -> None:
    monkeypatch.setattr(system_clock, "now", clock.now)


@pytest.fixture
def jo(clock: SettableClock) -> Customer:
    clock.moment = RECEIVED
    fields: dict[str, Any] = {k: v for k, v in DETAILS.items() if k != "customer_type"}
    return customer_create(customer_type=CustomerType.TENANT, clock=clock, **fields)


def _case(people: People, clock: SettableClock, customer: Customer, kind: str) -> Case:
    return case_create(
        kind=kind,
        channel=Channel.LETTER,
        received_at=clock.now(),
        subject="My surname is spelt wrongly: it is Jonas"
        if kind == CaseKind.RECTIFICATION_REQUEST
        else "Please stop using my address until you have checked it",
        customer=customer,
        by=people.officer,
        policy=HALTON,
        clock=clock,
    )


def test_the_month_runs_by_the_corresponding_date_rule(
    people: People, clock: SettableClock, jo: Customer
) -> None:
    """Received Saturday 31 January 2026: no 31 February, so the last day of February, a
    Saturday, so the next working day, Monday 2 March, at the close of the day."""
    for kind, key in (
        (CaseKind.RECTIFICATION_REQUEST, "rectification_request"),
        (CaseKind.RESTRICTION_REQUEST, "restriction_request"),
    ):
        deadline = _case(people, clock, jo, kind).deadlines.get(standard_key=key)
        assert deadline.due_at == datetime(2026, 3, 2, 17, 0, tzinfo=UTC)
        assert deadline.due_at == due_at(
            RECEIVED, parse_duration("1 month"), HALTON.working_calendar
        )


def test_a_correction_is_made_through_the_edit_and_answered(
    client: Client, people: People, clock: SettableClock, jo: Customer
) -> None:
    request = _case(people, clock, jo, CaseKind.RECTIFICATION_REQUEST)
    edit = reverse("customers:edit", args=[jo.pk])
    page = reverse("privacy:rectification", args=[request.reference])

    # an officer corrects the record, naming the request; another change names none
    client.force_login(people.officer)
    form = client.get(edit).content.decode()
    assert f"This change answers request {request.reference}" in form
    wrong = client.post(edit, DETAILS | {"last_name": "Jonas", "answers": "HHT-2026-999999"})
    assert wrong.status_code == 400
    assert "Choose a request from the list, or No" in wrong.content.decode()
    saved = client.post(edit, DETAILS | {"last_name": "Jonas", "answers": request.reference})
    assert saved.status_code == 302
    assert (
        client.post(edit, DETAILS | {"last_name": "Jonas", "postcode": "WA7 1AB"}).status_code
        == 302
    )
    assert list(
        CustomerEvent.objects.filter(customer=jo).values_list("request_reference", flat=True)
    ) == ["", request.reference, ""]
    history = client.get(reverse("customers:customer", args=[jo.pk])).content.decode()
    assert f"answering their request {request.reference} to correct their details" in history

    # the officer's page lists only the change made under it
    client.force_login(people.data_protection_officer)
    listed = client.get(reverse("privacy:requests")).content.decode()
    assert f'href="{page}"' in listed
    shown = client.get(page).content.decode()
    assert "Last name changed from Jones to Jonas" in shown
    assert "Postcode changed" not in shown
    assert "Monday 2 March 2026, 17:00" in shown
    assert CustomerAccess.objects.filter(
        staff=people.data_protection_officer, what__contains=request.reference
    ).exists()

    clock.moment = datetime(2026, 2, 10, 10, 0, tzinfo=UTC)
    client.force_login(people.data_protection_officer)
    answered = client.post(
        page, {"outcome": "corrected", "said": "We changed your surname to Jonas.", "how": "letter"}
    )
    assert answered.status_code == 302
    deadline = request.deadlines.get(standard_key="rectification_request")
    assert (deadline.status, deadline.met_at) == (DeadlineStatus.MET, clock.moment)
    answer = RightsAnswer.objects.get(case=request)
    assert (answer.outcome, answer.answered_by) == ("corrected", people.data_protection_officer)
    assert request.contacts.get(direction="outbound").channel == Channel.LETTER
    # answered, the request is no longer offered on the edit
    assert "This change answers request" not in client.get(edit).content.decode()
    again = client.post(
        page, {"outcome": "refused", "said": "x", "told_of_ico": "on", "how": "letter"}
    )
    assert again.status_code == 400
    assert "answered already" in again.content.decode()


def test_a_refusal_must_tell_them_of_the_ico(
    client: Client, people: People, clock: SettableClock, jo: Customer
) -> None:
    request = _case(people, clock, jo, CaseKind.RECTIFICATION_REQUEST)
    page = reverse("privacy:rectification", args=[request.reference])
    client.force_login(people.data_protection_officer)
    shown = client.get(page).content.decode()
    assert "Information Commissioner&#x27;s Office: ico.org.uk/make-a-complaint" in shown
    said = "Your tenancy agreement and your ID both give the name Jones."
    untold = client.post(page, {"outcome": "refused", "said": said, "how": "email"})
    assert untold.status_code == 400
    assert "then confirm that the answer says so" in untold.content.decode()
    assert request.deadlines.get().status == DeadlineStatus.OPEN
    told = client.post(
        page, {"outcome": "refused", "said": said, "told_of_ico": "on", "how": "email"}
    )
    assert told.status_code == 302
    assert RightsAnswer.objects.get(case=request).told_of_ico
    assert request.deadlines.get().status == DeadlineStatus.MET
    sent = client.get(page).content.decode()  # the page now shows the answer sent
    assert "Told they can complain to the Information Commissioner" in sent
    assert "Refused" in sent
    assert "By email, by" in sent
    with pytest.raises(rights.RightsRequestError):  # and the service refuses it too
        rights.rights_answer(
            case=_case(people, clock, jo, CaseKind.RECTIFICATION_REQUEST),
            outcome="refused",
            said=said,
            told_of_ico=False,
            how="email",
            by=people.data_protection_officer,
            clock=clock,
        )


def test_a_restriction_end_to_end(
    client: Client, people: People, clock: SettableClock, jo: Customer
) -> None:
    request = _case(people, clock, jo, CaseKind.RESTRICTION_REQUEST)
    other_case = case_create(
        kind=CaseKind.GENERAL_ENQUIRY,
        channel=Channel.PHONE,
        received_at=clock.now(),
        subject="Bins not collected",
        customer=jo,
        by=people.officer,
        policy=HALTON,
        clock=clock,
    )
    page = reverse("privacy:restriction", args=[request.reference])
    client.force_login(people.data_protection_officer)

    too_soon = client.post(
        page, {"action": "answer", "outcome": "restricted", "said": "Done.", "how": "letter"}
    )
    assert too_soon.status_code == 400
    assert "Restrict the use of Jo Jones" in too_soon.content.decode()
    restricted = client.post(
        page,
        {"action": "restrict", "ground": "accuracy", "reason": "Their address, while we check."},
    )
    assert restricted.status_code == 302
    restriction = jo.restrictions.get()
    assert (restriction.request_reference, restriction.in_force) == (request.reference, True)
    assert request.events.filter(kind=EventKind.REQUEST, data__step="restricted").exists()

    # every page of theirs says so, for anyone who opens it
    client.force_login(people.officer)
    for shown in (
        reverse("customers:customer", args=[jo.pk]),
        reverse("cases:case", args=[other_case.reference]),
        reverse("cases:case", args=[request.reference]),
    ):
        assert WARNING in client.get(shown).content.decode(), shown
    refused = client.post(
        reverse("customers:edit", args=[jo.pk]), DETAILS | {"phone": "0151 000 0001"}
    )
    assert refused.status_code == 400
    assert "is restricted, so their details cannot be changed" in refused.content.decode()

    clock.moment = datetime(2026, 2, 3, 9, 0, tzinfo=UTC)
    client.force_login(people.data_protection_officer)
    answered = client.post(
        page,
        {
            "action": "answer",
            "outcome": "restricted",
            "said": "We will keep your address but not use it until we have checked it.",
            "how": "letter",
        },
    )
    assert answered.status_code == 302
    deadline = request.deadlines.get(standard_key="restriction_request")
    assert (deadline.status, deadline.met_at) == (DeadlineStatus.MET, clock.moment)

    # lifting: only once they were told
    clock.moment = datetime(2026, 2, 20, 9, 0, tzinfo=UTC)
    client.force_login(people.data_protection_officer)
    lift = f"lift{restriction.pk}"
    form = {
        "action": lift,
        f"{lift}-told_on": "2026-02-18",
        f"{lift}-told_how": "Letter to their home",
        f"{lift}-reason": "The council confirmed the address.",
    }
    untold = client.post(page, form)
    assert untold.status_code == 400
    assert "Tell them first, then confirm that we did" in untold.content.decode()
    assert jo.restrictions.get().in_force
    lifted = client.post(page, form | {f"{lift}-told_before_lifting": "on"})
    assert lifted.status_code == 302
    restriction.refresh_from_db()
    assert restriction.lifted_by == people.data_protection_officer
    assert restriction.told_at is not None
    assert restriction.told_at.date() == datetime(2026, 2, 18).date()
    client.force_login(people.officer)
    assert (
        WARNING
        not in client.get(reverse("cases:case", args=[other_case.reference])).content.decode()
    )
    assert (
        client.post(
            reverse("customers:edit", args=[jo.pk]), DETAILS | {"phone": "0151 000 0000"}
        ).status_code
        == 302
    )


def test_only_the_data_protection_officer_answers(
    client: Client, people: People, clock: SettableClock, jo: Customer
) -> None:
    request = _case(people, clock, jo, CaseKind.RESTRICTION_REQUEST)
    with pytest.raises(NotAllowed):
        rights.restriction_for_request(
            case=request, ground="accuracy", reason="x", by=people.officer, clock=clock
        )
    with pytest.raises(NotAllowed):
        rights.rights_answer(
            case=request,
            outcome="refused",
            said="x",
            told_of_ico=True,
            how="email",
            by=people.line_manager,
            clock=clock,
        )
    for who in (people.officer, people.line_manager):
        client.force_login(who)
        for name in ("privacy:restriction", "privacy:rectification"):
            assert client.get(reverse(name, args=[request.reference])).status_code == 403


def test_the_wrong_kind_of_case_goes_back_to_the_case(
    client: Client, people: People, clock: SettableClock, jo: Customer
) -> None:
    request = _case(people, clock, jo, CaseKind.RESTRICTION_REQUEST)
    client.force_login(people.data_protection_officer)
    sent = client.get(reverse("privacy:rectification", args=[request.reference]))
    assert sent.status_code == 302
    assert sent["Location"] == reverse("cases:case", args=[request.reference])


def test_the_customer_page_lists_their_requests_for_the_officer_only(
    client: Client, people: People, clock: SettableClock, jo: Customer
) -> None:
    request = _case(people, clock, jo, CaseKind.RESTRICTION_REQUEST)
    page = reverse("customers:customer", args=[jo.pk])
    client.force_login(people.data_protection_officer)
    shown = client.get(page).content.decode()
    assert "Their requests about their data" in shown
    assert reverse("privacy:restriction", args=[request.reference]) in shown
    client.force_login(people.officer)
    assert "Their requests about their data" not in client.get(page).content.decode()
