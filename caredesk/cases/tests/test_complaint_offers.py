"""A customer unhappy with a service is offered a complaint (cases.complaint_offers): their
choice is kept, and a complaint they choose to make is opened about the case, which stays
open and linked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.urls import reverse

from caredesk.cases.errors import UnknownComplaintChoice
from caredesk.cases.intake import contact_receive
from caredesk.cases.models import Case, CaseEvent, CaseKind, CaseStatus, Channel, EventKind
from caredesk.conftest import People, SettableClock, customer_case
from caredesk.standards import load_policy

HALTON = load_policy("halton")


@pytest.fixture
def monday(clock: SettableClock) -> SettableClock:
    clock.moment = datetime(2026, 6, 22, 9, 0, tzinfo=UTC)
    return clock


def offered(case: Case) -> list[str]:
    rows = CaseEvent.objects.filter(case=case, kind=EventKind.COMPLAINT, data__step="offered")
    return [row.data["text"] for row in rows]


def call(people: People, clock: SettableClock, **more: Any) -> Any:
    fields: dict[str, Any] = {
        "channel": Channel.PHONE,
        "received_at": clock.now() - timedelta(minutes=5),
        "subject": "Repair not done",
        "by": people.officer,
        "assign_to": people.officer,
        "policy": HALTON,
        "clock": clock,
    } | more
    return contact_receive(**fields)


def test_a_customer_who_chooses_to_complain_has_a_complaint_opened_about_the_request(
    people: People, monday: SettableClock
) -> None:
    request = customer_case(people, monday)

    received = call(people, monday, thread=request, unhappy="complaint", channel=Channel.PHONE)

    complaint = received.complaint
    assert complaint is not None
    assert complaint.kind == CaseKind.COMPLAINT
    assert complaint.raised_from == request
    assert complaint.customer == request.customer
    assert complaint.channel == Channel.PHONE
    assert complaint.received_at == received.contact.at
    assert complaint.subject == "Complaint about Fence panel blown down"
    assert complaint.deadlines.filter(standard_key="complaint_stage_1_acknowledge").exists()
    request.refresh_from_db()
    assert request.status == CaseStatus.OPEN  # the request stays open
    assert offered(request) == [
        f"The customer was unhappy and chose to make a complaint: {complaint.reference}."
    ]


def test_a_customer_who_chooses_not_to_complain_has_that_kept_and_nothing_opened(
    people: People, monday: SettableClock
) -> None:
    received = call(people, monday, unhappy="no_complaint")

    assert received.complaint is None
    assert not Case.objects.filter(kind=CaseKind.COMPLAINT).exists()
    assert offered(received.case) == [
        "The customer was unhappy with the service, and chose not to make a complaint."
    ]


@pytest.mark.parametrize("kind", [CaseKind.COMPLAINT, CaseKind.COMPLIMENT])
def test_a_complaint_or_a_compliment_is_not_offered_another_complaint(
    people: People, monday: SettableClock, kind: str
) -> None:
    received = call(people, monday, kind=kind, unhappy="complaint")

    assert received.complaint is None
    assert Case.objects.count() == 1


def test_an_answer_that_is_not_a_choice_is_refused_and_nothing_is_logged(
    people: People, monday: SettableClock
) -> None:
    with pytest.raises(UnknownComplaintChoice):
        call(people, monday, unhappy="maybe")
    assert not Case.objects.exists()


def test_the_log_a_contact_page_offers_the_complaint(
    client: Any, people: People, monday: SettableClock, monkeypatch: Any
) -> None:
    from caredesk.core.clock import system_clock

    monkeypatch.setattr(system_clock, "now", monday.now)
    client.force_login(people.officer)
    page = reverse("cases:log_contact")
    assert "Is the customer unhappy with our service?" in client.get(page).content.decode()

    sent = client.post(
        page,
        {
            "channel": "phone",
            "kind": "general_enquiry",
            "subject": "Repair not done",
            "received_at": "2026-06-22T09:55",
            "unhappy": "complaint",
        },
        follow=True,
    )

    request = Case.objects.get(kind=CaseKind.GENERAL_ENQUIRY)
    complaint = Case.objects.get(kind=CaseKind.COMPLAINT)
    assert complaint.raised_from == request
    said = sent.content.decode()
    assert f"Their complaint about it is {complaint.reference}." in said
    assert (
        complaint.reference
        in client.get(
            reverse("cases:case", args=[request.reference]), {"panels": "all"}
        ).content.decode()
    )
