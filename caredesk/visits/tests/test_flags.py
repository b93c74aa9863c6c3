"""What is flagged before an appointment (visits.flags): the officer's identity card for a
home visit, on the booking page and the appointment page; an absence booked later that
clashes, told to the officer and their line manager in one notice; and whether the
identity card was shown, asked when what happened is recorded."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.urls import reverse

from caredesk.cases.models import Case
from caredesk.conftest import People, SettableClock, StaffClient, customer_case, letter_writer
from caredesk.core.clock import system_clock
from caredesk.notifications.models import Notification, NotificationKind
from caredesk.staff.models import AbsenceKind, Office
from caredesk.staff.services import absence_record
from caredesk.standards import load_policy
from caredesk.visits import appointments
from caredesk.visits.appointments import Wanted
from caredesk.visits.flags import id_card_flag
from caredesk.visits.models import Appointment, AppointmentKind, OpeningHours

HALTON = load_policy("halton")
MONDAY_8AM = datetime(2026, 6, 22, 7, 0, tzinfo=UTC)


@pytest.fixture
def desk(client: StaffClient, people: People, clock: SettableClock, monkeypatch) -> StaffClient:
    clock.moment = MONDAY_8AM
    monkeypatch.setattr(system_clock, "now", clock.now)
    office = Office.objects.get(name="Runcorn")
    for weekday in range(5):
        OpeningHours.objects.create(office=office, weekday=weekday, opens=time(9), closes=time(17))
    client.force_login(people.officer)
    return client


@pytest.fixture
def case(people: People, clock: SettableClock, desk: StaffClient) -> Case:
    letter_writer(people)
    return customer_case(people, clock, home_visits_needed=True, home_visit_reason="illness")


def book(people: People, case: Case, clock: SettableClock, day: int, hour: int) -> Appointment:
    """A home visit by the officer at `hour` (London) on `day` June 2026."""
    return appointments.appointment_book(
        case=case,
        wanted=Wanted(AppointmentKind.HOME_VISIT, 60),
        starts_at=datetime(2026, 6, day, hour - 1, tzinfo=UTC),
        officer=people.officer,
        by=people.officer,
        policy=HALTON,
        clock=clock,
        home_visit_why="illness",
    )


def card(people: People, expires: date | None, number: str = "HHT 0042") -> None:
    people.officer.id_card_number, people.officer.id_card_expires = number, expires
    people.officer.save()


# -- the identity card ----------------------------------------------------------------------


def test_a_card_expired_or_expiring_before_the_visit_or_missing_is_flagged(people: People):
    officer, today, visit = people.officer, date(2026, 6, 22), date(2026, 7, 1)

    card(people, date(2026, 6, 3))
    assert id_card_flag(officer=officer, visit_day=visit, today=today) == (
        "Olu Officer's identity card expired on 3 June: renew it before this visit."
    )
    card(people, date(2026, 6, 30))
    assert id_card_flag(officer=officer, visit_day=visit, today=today) == (
        "Olu Officer's identity card expires on 30 June, before this visit: renew it first."
    )
    card(people, date(2026, 7, 1))  # good on the day it expires
    assert id_card_flag(officer=officer, visit_day=visit, today=today) == ""
    card(people, None, number="")
    assert "Olu Officer has no identity card recorded" in id_card_flag(
        officer=officer, visit_day=visit, today=today
    )


def test_the_booking_page_warns_of_an_expired_card_beside_each_time_and_books_anyway(
    desk: StaffClient, people: People, case: Case
) -> None:
    card(people, date(2026, 6, 3))
    page = reverse("visits:book", args=[case.reference])
    wanted: dict[str, str | int] = {
        "kind": "home_visit",
        "minutes": 60,
        "home_visit_why": "illness",
        "officer": people.officer.pk,
    }

    offered = desk.get(page, wanted).content.decode()
    booked = desk.post(
        page, wanted | {"slot": f"2026-06-22T10:00:00+01:00|{people.officer.pk}"}, follow=True
    ).content.decode()

    warning = "Olu Officer&#x27;s identity card expired on 3 June: renew it before this visit."
    assert offered.count(warning) == 10  # every time offered is with the officer
    assert 'aria-describedby="slot-1-card"' in offered
    assert Appointment.objects.count() == 1  # a warning, not a refusal
    assert warning in booked


def test_an_office_appointment_is_not_flagged_for_the_card(
    desk: StaffClient, people: People, case: Case
) -> None:
    card(people, date(2026, 6, 3))
    office = Office.objects.get(name="Runcorn")
    wanted: dict[str, str | int] = {"kind": "office", "office": office.pk, "minutes": 30}
    offered = desk.get(reverse("visits:book", args=[case.reference]), wanted).content.decode()
    assert "identity card" not in offered


def test_the_appointment_page_flags_the_card(
    desk: StaffClient, people: People, case: Case, clock: SettableClock
) -> None:
    card(people, date(2026, 6, 3))
    visit = book(people, case, clock, 23, 10)

    html = desk.get(reverse("visits:appointment", args=[visit.pk])).content.decode()

    assert "Olu Officer&#x27;s identity card expired on 3 June: renew it before this visit." in html


def test_what_happened_at_a_home_visit_asks_whether_the_card_was_shown(
    desk: StaffClient, people: People, case: Case, clock: SettableClock
) -> None:
    visit = book(people, case, clock, 22, 10)
    clock.moment += timedelta(hours=4)
    desk.force_login(people.officer)
    page = reverse("visits:appointment", args=[visit.pk])

    asked = desk.get(page).content.decode()
    refused = desk.post(page, {"action": "outcome", "outcome-status": "kept"})
    desk.post(page, {"action": "outcome", "outcome-status": "kept", "outcome-id_shown": "no"})

    assert "Did you show your identity card?" in asked
    assert refused.status_code == 400
    assert "Say whether you showed your identity card" in refused.content.decode()
    visit.refresh_from_db()
    assert visit.id_shown is False


def test_the_card_shown_is_asked_of_home_visits_only(
    people: People, case: Case, clock: SettableClock
) -> None:
    office = Office.objects.get(name="Runcorn")
    at_office = appointments.appointment_book(
        case=case,
        wanted=Wanted(AppointmentKind.OFFICE, 30, office),
        starts_at=datetime(2026, 6, 22, 9, tzinfo=UTC),
        officer=people.officer,
        by=people.officer,
        policy=HALTON,
        clock=clock,
    )
    clock.moment += timedelta(hours=4)
    with pytest.raises(appointments.AppointmentError, match="asked of home visits"):
        appointments.appointment_outcome(
            appointment=at_office,
            status="kept",
            id_shown=True,
            by=people.officer,
            policy=HALTON,
            clock=clock,
        )


# -- an absence booked later ------------------------------------------------------------------


def test_an_absence_over_two_appointments_tells_the_officer_and_manager_once_naming_both(
    desk: StaffClient, people: People, case: Case, clock: SettableClock
) -> None:
    first, second = book(people, case, clock, 23, 10), book(people, case, clock, 25, 14)
    book(people, case, clock, 29, 10)  # after the leave: no clash

    absence_record(
        staff=people.officer,
        kind=AbsenceKind.ANNUAL_LEAVE,
        first_day=date(2026, 6, 23),
        last_day=date(2026, 6, 26),
        by=people.line_manager,
        clock=clock,
    )

    told = Notification.objects.filter(kind=NotificationKind.APPOINTMENTS_CLASH)
    assert sorted(told.values_list("recipient__username", flat=True)) == [
        "lena_manager",
        "olu_officer",
    ]
    notice = told.get(recipient=people.officer)
    assert notice.message == (
        "Olu Officer's annual leave, 23 to 26 June, clashes with 2 booked appointments: "
        "move them or give them to someone else."
    )
    assert notice.links == [
        [
            f"Tuesday 23 June at 10:00: home visit, {case.reference}",
            reverse("visits:appointment", args=[first.pk]),
        ],
        [
            f"Thursday 25 June at 14:00: home visit, {case.reference}",
            reverse("visits:appointment", args=[second.pk]),
        ],
    ]
    shown = desk.get(reverse("visits:appointment", args=[first.pk])).content.decode()
    assert "Clashes with Olu Officer&#x27;s annual leave, 23 to 26 June: move it." in shown


def test_an_absence_that_clashes_with_nothing_tells_nobody(
    people: People, case: Case, clock: SettableClock
) -> None:
    book(people, case, clock, 22, 10)

    absence_record(
        staff=people.officer,
        kind=AbsenceKind.SICKNESS,
        first_day=date(2026, 6, 23),
        last_day=date(2026, 6, 24),
        by=people.officer,
        clock=clock,
    )

    assert not Notification.objects.exists()


def test_why_someone_is_away_is_shown_only_to_those_who_may_know(
    client: StaffClient, people: People, case: Case, clock: SettableClock
) -> None:
    visit = book(people, case, clock, 23, 10)
    absence_record(
        staff=people.officer,
        kind=AbsenceKind.SICKNESS,
        first_day=date(2026, 6, 23),
        last_day=date(2026, 6, 23),
        by=people.officer,
        clock=clock,
    )
    client.force_login(people.teammate)

    shown = client.get(reverse("visits:appointment", args=[visit.pk])).content.decode()

    assert "Clashes with Olu Officer&#x27;s time away, 23 June: move it." in shown
