"""Appointments (visits.appointments): free times from the records, booking, moving and
cancelling with the customer told, and what happened at the time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from caredesk.cases.models import Case, DeadlineStatus
from caredesk.conftest import People, SettableClock, customer_case, letter_writer, make_staff
from caredesk.documents.models import CaseLetter, DocumentKind
from caredesk.errors import NotAllowed
from caredesk.staff.models import Absence, Office, Role, StaffMember
from caredesk.standards import load_policy
from caredesk.visits import appointments
from caredesk.visits.appointments import Wanted
from caredesk.visits.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    OfficerHours,
)
from caredesk.visits.tests.factories import office_for_appointments

HALTON = load_policy("halton")
STONEWALL = load_policy("stonewall")
LONDON = ZoneInfo("Europe/London")
# Monday 22 June 2026, 08:00 in London (British Summer Time)
MONDAY_8AM = datetime(2026, 6, 22, 7, 0, tzinfo=UTC)


def local(moment: datetime) -> str:
    return f"{moment.astimezone(LONDON):%a %H:%M}"


@pytest.fixture
def office(people: People) -> Office:
    return office_for_appointments(people)


@pytest.fixture
def monday(clock: SettableClock) -> SettableClock:
    clock.moment = MONDAY_8AM
    return clock


@pytest.fixture
def case(people: People, monday: SettableClock) -> Case:
    letter_writer(people)
    return customer_case(people, monday)


def book(
    people: People,
    case: Case,
    clock: SettableClock,
    wanted: Wanted,
    starts_at: datetime,
    *,
    by: StaffMember | None = None,
    why: str = "",
) -> Appointment:
    """The officer booked for `starts_at`, by `by` (the officer unless said)."""
    return appointments.appointment_book(
        case=case,
        wanted=wanted,
        starts_at=starts_at,
        officer=people.officer,
        by=by or people.officer,
        policy=HALTON,
        clock=clock,
        home_visit_why=why,
    )


def at_10(office: Office, hour: int = 10) -> tuple[Wanted, datetime]:
    return Wanted(AppointmentKind.OFFICE, 30, office), datetime(2026, 6, 22, hour, tzinfo=LONDON)


def only(person: StaffMember) -> None:
    """Everyone but `person` has the week off (so the times offered are theirs)."""
    for other in StaffMember.objects.exclude(pk=person.pk):
        Absence.objects.create(
            staff=other,
            kind="annual_leave",
            first_day=date(2026, 6, 1),
            last_day=date(2026, 12, 31),
            recorded_by=other,
            recorded_at=MONDAY_8AM,
        )


def test_the_first_times_offered_are_from_the_offices_opening_today(
    people: People, office: Office, monday: SettableClock
) -> None:
    found = appointments.slots_offer(
        wanted=Wanted(AppointmentKind.OFFICE, 30, office), policy=HALTON, now=monday.now()
    )

    assert [local(slot.starts) for slot in found][:3] == ["Mon 09:00", "Mon 09:30", "Mon 10:00"]
    assert len(found) == 10
    assert len({slot.starts for slot in found}) == 10  # each time once


def test_an_officers_own_hours_absences_and_appointments_shape_their_times(
    people: People, office: Office, monday: SettableClock, case: Case
) -> None:
    only(people.officer)
    OfficerHours.objects.create(staff=people.officer, weekday=0, starts=time(10), ends=time(12))
    OfficerHours.objects.create(staff=people.officer, weekday=1, starts=time(14), ends=time(15))
    wanted = Wanted(AppointmentKind.OFFICE, 60, office, people.officer)
    book(people, case, monday, wanted, datetime(2026, 6, 22, 10, 0, tzinfo=LONDON))

    found = appointments.slots_offer(wanted=wanted, policy=HALTON, now=monday.now(), count=3)

    assert [local(slot.starts) for slot in found] == ["Mon 11:00", "Tue 14:00", "Mon 10:00"]
    assert found[2].starts.date() == date(2026, 6, 29)  # the next week
    assert {slot.officer for slot in found} == {people.officer.pk}


def test_a_home_visit_is_offered_in_working_hours_whatever_the_office(
    people: People, office: Office, monday: SettableClock
) -> None:
    only(people.officer)
    OfficerHours.objects.create(staff=people.officer, weekday=0, starts=time(17), ends=time(19))

    found = appointments.slots_offer(
        wanted=Wanted(AppointmentKind.HOME_VISIT, 60, None, people.officer),
        policy=HALTON,
        now=monday.now(),
        count=2,
    )

    assert [local(slot.starts) for slot in found] == ["Mon 17:00", "Mon 17:30"]


def test_a_same_sex_interview_is_offered_only_with_those_available_for_one(
    people: People, office: Office, monday: SettableClock
) -> None:
    people.teammate.same_sex_interviews, people.teammate.interviews_as = True, "woman"
    people.teammate.save()
    people.officer.interviews_as = "woman"  # but not available for them
    people.officer.save()

    found = appointments.slots_offer(
        wanted=Wanted(AppointmentKind.OFFICE, 30, office, same_sex_as="woman"),
        policy=HALTON,
        now=monday.now(),
    )

    assert {slot.officer for slot in found} == {people.teammate.pk}
    nobody = Wanted(AppointmentKind.OFFICE, 30, office, same_sex_as="man")
    assert appointments.slots_offer(wanted=nobody, policy=HALTON, now=monday.now()) == []


def test_booking_a_time_taken_meanwhile_is_refused(
    people: People, office: Office, monday: SettableClock, case: Case
) -> None:
    wanted = Wanted(AppointmentKind.OFFICE, 30, office)
    at = datetime(2026, 6, 22, 9, 0, tzinfo=LONDON)

    def booking(starts_at: datetime, by: StaffMember) -> Appointment:
        return book(people, case, monday, wanted, starts_at, by=by)

    booking(at, people.officer)
    with pytest.raises(appointments.SlotTaken, match="no longer free at 09:00 on 22 June"):
        booking(at, people.teammate)
    with pytest.raises(appointments.SlotTaken):  # overlapping, not only the same start
        booking(at + timedelta(minutes=15), people.teammate)
    assert Appointment.objects.count() == 1


@pytest.mark.parametrize(
    ("hour", "says"),
    [(8, "no longer free"), (17, "no longer free"), (7, "has not passed")],
)
def test_a_time_outside_the_offices_hours_or_in_the_past_is_refused(
    people: People, office: Office, monday: SettableClock, case: Case, hour: int, says: str
) -> None:
    day = 22 if hour == 7 else 23  # Monday 07:00 has passed at 08:00; Tuesday's has not
    at = datetime(2026, 6, day, hour, 0, tzinfo=LONDON)
    with pytest.raises(appointments.AppointmentError, match=says):
        book(people, case, monday, Wanted(AppointmentKind.OFFICE, 30, office), at)


def test_a_home_visit_needs_its_reason(
    people: People, office: Office, monday: SettableClock, case: Case
) -> None:
    with pytest.raises(appointments.AppointmentError, match="why the customer needs a home visit"):
        book(people, case, monday, Wanted(AppointmentKind.HOME_VISIT, 60), *at_10(office)[1:])


def test_cancelling_starts_the_standard_of_telling_the_customer(
    people: People, office: Office, monday: SettableClock, case: Case
) -> None:
    booked = book(people, case, monday, *at_10(office))

    cancelled = appointments.appointment_cancel(
        appointment=booked,
        reason="Officer off sick",
        by=people.officer,
        policy=HALTON,
        clock=monday,
    )

    assert cancelled.status == AppointmentStatus.CANCELLED
    notice = case.deadlines.get(standard_key="appointment_change_notice")
    assert notice.status == DeadlineStatus.OPEN
    assert notice.assigned_to == people.officer
    # 4 working hours from 08:00 (before opening at 09:00) is 13:00
    assert notice.due_at == datetime(2026, 6, 22, 13, 0, tzinfo=LONDON)
    # a free time again
    again = appointments.slots_offer(
        wanted=Wanted(AppointmentKind.OFFICE, 30, office, people.officer),
        policy=HALTON,
        now=monday.now(),
        count=3,
    )
    assert "Mon 10:00" in [local(slot.starts) for slot in again]


def test_telling_them_at_once_meets_it_and_records_the_apology(
    people: People, office: Office, monday: SettableClock, case: Case
) -> None:
    booked = book(people, case, monday, *at_10(office))

    appointments.appointment_cancel(
        appointment=booked,
        reason="Officer off sick",
        by=people.officer,
        policy=HALTON,
        clock=monday,
        told_now=True,
    )

    notice = case.deadlines.get(standard_key="appointment_change_notice")
    assert notice.status == DeadlineStatus.MET
    said = case.contacts.latest("pk").summary
    assert said == "Told the appointment is cancelled, with an apology: Officer off sick"


def test_moving_books_the_new_time_and_points_the_old_one_at_it(
    people: People, office: Office, monday: SettableClock, case: Case
) -> None:
    booked = book(people, case, monday, *at_10(office))

    new = appointments.appointment_move(
        appointment=booked,
        starts_at=datetime(2026, 6, 23, 14, 0, tzinfo=LONDON),
        officer=people.teammate,
        reason="Officer at court",
        by=people.officer,
        policy=HALTON,
        clock=monday,
    )

    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.MOVED
    assert booked.moved_to == new
    assert (new.officer, new.status) == (people.teammate, AppointmentStatus.BOOKED)
    assert case.deadlines.filter(standard_key="appointment_change_notice").exists()


def test_moving_to_a_time_taken_changes_nothing(
    people: People, office: Office, monday: SettableClock, case: Case
) -> None:
    first = book(people, case, monday, *at_10(office))
    book(people, case, monday, *at_10(office, 11))

    with pytest.raises(appointments.SlotTaken):
        appointments.appointment_move(
            appointment=first,
            starts_at=datetime(2026, 6, 22, 11, 0, tzinfo=LONDON),
            officer=people.officer,
            reason="Clash",
            by=people.officer,
            policy=HALTON,
            clock=monday,
        )

    first.refresh_from_db()
    assert first.status == AppointmentStatus.BOOKED
    assert not case.deadlines.filter(standard_key="appointment_change_notice").exists()


def test_stonewall_has_no_standard_of_telling_so_none_starts(
    people: People, office: Office, monday: SettableClock, case: Case
) -> None:
    booked = book(people, case, monday, *at_10(office))

    appointments.appointment_cancel(
        appointment=booked, reason="Closed", by=people.officer, policy=STONEWALL, clock=monday
    )

    assert not case.deadlines.filter(standard_key="appointment_change_notice").exists()


def test_nobody_in_leaves_a_calling_card_and_starts_the_follow_up(
    people: People, office: Office, monday: SettableClock, case: Case
) -> None:
    home = Wanted(AppointmentKind.HOME_VISIT, 60)
    visit = book(people, case, monday, home, at_10(office)[1], why="disability")
    monday.moment += timedelta(hours=4)

    appointments.appointment_outcome(
        appointment=visit,
        status=AppointmentStatus.NO_ACCESS,
        by=people.officer,
        policy=HALTON,
        clock=monday,
    )

    assert CaseLetter.objects.filter(case=case, kind=DocumentKind.CALLING_CARD).count() == 1
    follow_up = case.deadlines.get(standard_key="no_access_follow_up")
    assert follow_up.status == DeadlineStatus.OPEN  # the card itself does not meet it
    assert follow_up.due_at is not None
    assert follow_up.due_at.astimezone(LONDON).date() == date(2026, 6, 24)


def test_kept_is_a_contact_and_what_happened_cannot_be_recorded_early(
    people: People, office: Office, monday: SettableClock, case: Case
) -> None:
    booked = book(people, case, monday, *at_10(office))
    with pytest.raises(appointments.AppointmentError, match="once the appointment's time"):
        appointments.appointment_outcome(
            appointment=booked,
            status=AppointmentStatus.KEPT,
            by=people.officer,
            policy=HALTON,
            clock=monday,
        )
    monday.moment += timedelta(hours=3)

    appointments.appointment_outcome(
        appointment=booked,
        status=AppointmentStatus.KEPT,
        by=people.officer,
        policy=HALTON,
        clock=monday,
        summary="Talked through the rent account",
    )

    contact = case.contacts.latest("at")
    assert contact.summary == "Talked through the rent account"
    assert contact.at == booked.starts_at
    with pytest.raises(appointments.AppointmentError, match="already kept"):
        appointments.appointment_outcome(
            appointment=booked,
            status=AppointmentStatus.MISSED,
            by=people.officer,
            policy=HALTON,
            clock=monday,
        )


def test_only_caseworkers_book(
    people: People, office: Office, monday: SettableClock, case: Case
) -> None:
    analyst = make_staff("pia_analyst", Role.PERFORMANCE_ANALYST)
    with pytest.raises(NotAllowed):
        book(people, case, monday, *at_10(office), by=analyst)
