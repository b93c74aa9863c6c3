"""Booking and changing appointments from a case (visits.appointment_views), without
JavaScript: what it needs, the free times as a choice, then booked."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from caredesk.cases.models import Case
from caredesk.conftest import People, SettableClock, StaffClient, customer_case, letter_writer
from caredesk.core.clock import system_clock
from caredesk.staff.models import Office
from caredesk.visits.models import Appointment, AppointmentStatus
from caredesk.visits.tests.factories import office_for_appointments

MONDAY_8AM = datetime(2026, 6, 22, 7, 0, tzinfo=UTC)  # 08:00 in London


@pytest.fixture
def office(people: People) -> Office:
    return office_for_appointments(people)


@pytest.fixture
def desk(client: StaffClient, people: People, clock: SettableClock, monkeypatch) -> StaffClient:
    clock.moment = MONDAY_8AM
    monkeypatch.setattr(system_clock, "now", clock.now)
    client.force_login(people.officer)
    return client


@pytest.fixture
def case(people: People, clock: SettableClock, desk: StaffClient) -> Case:
    letter_writer(people)
    return customer_case(people, clock, home_visits_needed=True, home_visit_reason="illness")


def needs(office: Office, **more: str | int) -> dict[str, str | int]:
    found: dict[str, str | int] = {"kind": "office", "office": office.pk, "minutes": 30}
    return found | more


def test_the_customers_record_fills_in_a_home_visit_and_its_reason(
    desk: StaffClient, case: Case, office: Office
) -> None:
    html = desk.get(reverse("visits:book", args=[case.reference])).content.decode()

    assert re.search(r'value="home_visit"[^>]* checked', html)
    assert not re.search(r'value="office"[^>]* checked', html)
    assert '<option value="illness" selected>' in html
    assert "Jo Jones needs" in html  # the needs, from the one place that words them


def test_the_free_times_are_offered_and_one_is_booked(
    desk: StaffClient, case: Case, office: Office, people: People
) -> None:
    page = desk.get(reverse("visits:book", args=[case.reference]), needs(office))
    html = page.content.decode()
    assert "Monday 22 June at 09:00, with" in html
    assert html.count('name="slot"') == 10

    answer = desk.post(
        reverse("visits:book", args=[case.reference]),
        needs(office) | {"slot": f"2026-06-22T09:00:00+01:00|{people.officer.pk}"},
        follow=True,
    )

    booked = Appointment.objects.get()
    assert booked.starts_at == datetime(2026, 6, 22, 8, 0, tzinfo=UTC)
    assert booked.officer == people.officer
    assert "At the office booked: Monday 22 June at 09:00 with Olu Officer, at Runcorn." in (
        answer.content.decode()
    )
    panel = desk.get(reverse("cases:case", args=[case.reference]), {"panels": "all"})
    assert "with Olu Officer at Runcorn: booked" in panel.content.decode()


def test_no_time_chosen_is_told_at_the_choice(
    desk: StaffClient, case: Case, office: Office
) -> None:
    answer = desk.post(reverse("visits:book", args=[case.reference]), needs(office))

    assert answer.status_code == 400
    assert "Choose a time" in answer.content.decode()
    assert not Appointment.objects.exists()


def test_a_time_taken_meanwhile_is_told_and_fresh_times_shown(
    desk: StaffClient, case: Case, office: Office, people: People
) -> None:
    slot = {"slot": f"2026-06-22T09:00:00+01:00|{people.officer.pk}"}
    desk.post(reverse("visits:book", args=[case.reference]), needs(office) | slot)

    answer = desk.post(reverse("visits:book", args=[case.reference]), needs(office) | slot)

    assert answer.status_code == 400
    assert "That time was taken meanwhile" in answer.content.decode()
    assert Appointment.objects.count() == 1


def test_a_home_visit_without_its_reason_is_refused_at_the_field(
    desk: StaffClient, case: Case, office: Office
) -> None:
    home: dict[str, str | int] = {"kind": "home_visit", "minutes": 60}
    answer = desk.get(reverse("visits:book", args=[case.reference]), home)

    assert answer.status_code == 400
    assert "Say why the customer needs a home visit" in answer.content.decode()


def test_cancelling_from_the_appointment_page(
    desk: StaffClient, case: Case, office: Office, people: People
) -> None:
    slot = {"slot": f"2026-06-22T10:00:00+01:00|{people.officer.pk}"}
    desk.post(reverse("visits:book", args=[case.reference]), needs(office) | slot)
    booked = Appointment.objects.get()
    page = reverse("visits:appointment", args=[booked.pk])

    refused = desk.post(page, {"action": "cancel", "cancel-reason": ""})
    desk.post(page, {"action": "cancel", "cancel-reason": "Officer off sick"})

    assert refused.status_code == 400
    assert "Enter why the appointment is cancelled" in refused.content.decode()
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.CANCELLED
    assert case.deadlines.filter(standard_key="appointment_change_notice").exists()


def test_what_happened_is_asked_only_once_the_time_has_come(
    desk: StaffClient, case: Case, office: Office, people: People, clock: SettableClock
) -> None:
    slot = {"slot": f"2026-06-22T10:00:00+01:00|{people.officer.pk}"}
    desk.post(reverse("visits:book", args=[case.reference]), needs(office) | slot)
    page = reverse("visits:appointment", args=[Appointment.objects.get().pk])

    before = desk.get(page).content.decode()
    clock.moment += timedelta(hours=3)
    desk.force_login(people.officer)  # three hours idle signs them out
    after = desk.get(page).content.decode()
    desk.post(page, {"action": "outcome", "outcome-status": "kept", "outcome-summary": "Rent"})

    assert "What happened" not in before
    assert "What happened" in after
    assert Appointment.objects.get().status == AppointmentStatus.KEPT


def test_moving_at_the_customers_request_owes_no_apology(
    desk: StaffClient, case: Case, office: Office, people: People
) -> None:
    slot = {"slot": f"2026-06-22T10:00:00+01:00|{people.officer.pk}"}
    desk.post(reverse("visits:book", args=[case.reference]), needs(office) | slot)
    booked = Appointment.objects.get()

    desk.post(
        reverse("visits:book", args=[case.reference]),
        needs(office)
        | {
            "move": booked.pk,
            "slot": f"2026-06-23T14:00:00+01:00|{people.officer.pk}",
            "reason": "The customer has a hospital appointment",
        },
    )

    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.MOVED
    assert booked.moved_to is not None
    assert booked.moved_to.starts_at == datetime(2026, 6, 23, 13, 0, tzinfo=UTC)
    assert not case.deadlines.filter(standard_key="appointment_change_notice").exists()
