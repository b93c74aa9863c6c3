"""Visit and appointment figures (visits.figures) from visits and appointments made
through the services, every number worked out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from caredesk.cases.models import Case
from caredesk.conftest import People, SettableClock, customer_case, letter_writer
from caredesk.staff.models import Office, StaffMember
from caredesk.standards import load_policy
from caredesk.visits import appointments, reception
from caredesk.visits.appointments import Wanted
from caredesk.visits.figures import (
    AskedGiven,
    Booked,
    Due,
    VisitCounts,
    policy_has_visits,
    visit_figures,
    visits_recorded,
)
from caredesk.visits.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    HomeVisitWhy,
    OpeningHours,
    Visit,
    VisitStatus,
)

HALTON = load_policy("halton")
STONEWALL = load_policy("stonewall")
LONDON = ZoneInfo("Europe/London")
MONDAY_8AM = datetime(2026, 6, 22, 7, 0, tzinfo=UTC)  # 08:00 BST
JUNE = (date(2026, 6, 1), date(2026, 6, 30))
JULY = (date(2026, 7, 1), date(2026, 7, 31))


def at(day: int, hour: int, minute: int = 0, month: int = 6) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=LONDON)


@pytest.fixture(name="offices")
def offices_fixture(people: People) -> tuple[Office, Office]:
    runcorn = Office.objects.get(name="Runcorn")
    widnes = Office.objects.create(name="Widnes")
    for weekday in range(5):
        OpeningHours.objects.create(office=runcorn, weekday=weekday, opens=time(9), closes=time(17))
    for person in (people.officer, people.teammate, people.line_manager, people.outsider):
        person.office = runcorn
        person.save()
    return runcorn, widnes


@pytest.fixture(name="monday")
def monday_fixture(clock: SettableClock) -> SettableClock:
    clock.moment = MONDAY_8AM
    return clock


@pytest.fixture(name="case")
def case_fixture(people: People, monday: SettableClock) -> Case:
    letter_writer(people)
    return customer_case(people, monday)


def arrive(
    people: People, clock: SettableClock, office: Office, *, policy=HALTON, **kwargs
) -> Visit:
    return reception.visitor_arrive(
        office=office,
        visitor_name="Jo Jones",
        reason="Rent statement",
        arrived_at=clock.now(),
        by=people.officer,
        policy=policy,
        clock=clock,
        **kwargs,
    )


def see(people: People, clock: SettableClock, visit: Visit, *, policy=HALTON, **kwargs) -> None:
    reception.visitor_see(visit=visit, by=people.officer, policy=policy, clock=clock, **kwargs)


def gone(people: People, clock: SettableClock, visit: Visit, status: str, *, policy=HALTON) -> None:
    reception.visitor_gone(
        visit=visit, status=status, by=people.officer, policy=policy, clock=clock
    )


def book(
    people: People,
    case: Case,
    clock: SettableClock,
    wanted: Wanted,
    starts_at: datetime,
    *,
    officer: StaffMember | None = None,
    **kwargs,
) -> Appointment:
    return appointments.appointment_book(
        case=case,
        wanted=wanted,
        starts_at=starts_at,
        officer=officer or people.officer,
        by=people.officer,
        policy=HALTON,
        clock=clock,
        **kwargs,
    )


def outcome(people: People, clock: SettableClock, appointment: Appointment, status: str) -> None:
    appointments.appointment_outcome(
        appointment=appointment, status=status, by=people.officer, policy=HALTON, clock=clock
    )


# -- visitors ---------------------------------------------------------------------------


def test_visitors_are_counted_by_office_with_what_they_asked_for_and_were_given(
    people: People, offices: tuple[Office, Office], monday: SettableClock
) -> None:
    runcorn, widnes = offices
    monday.moment = at(22, 9)
    polish = arrive(
        people,
        monday,
        runcorn,
        asked=reception.Asked(private_room=True, interpreter_language="Polish"),
    )
    hasty = arrive(people, monday, runcorn, asked=reception.Asked(private_room=True))
    forms = arrive(people, monday, widnes, asked=reception.Asked(forms_help=True))
    arrive(people, monday, widnes)  # still waiting
    monday.moment += timedelta(minutes=3)
    see(people, monday, polish, given=reception.Given(private_room=True, interpreter=False))
    gone(people, monday, hasty, VisitStatus.LEFT)
    see(people, monday, forms, given=reception.Given(forms_help=True))

    figures = visit_figures(start=JUNE[0], end=JUNE[1], policy=HALTON)

    assert [(o.office, o.counts.came) for o in figures.offices] == [("Runcorn", 2), ("Widnes", 2)]
    assert figures.visits == VisitCounts(
        came=4,
        seen=2,
        left=1,
        asked_to_book=0,
        waiting=1,
        exceptions=0,
        private_room=AskedGiven(asked=2, given=1, not_given=0),  # the one who left: neither
        forms_help=AskedGiven(asked=1, given=1, not_given=0),
        interpreter=AskedGiven(asked=1, given=0, not_given=1),
    )
    assert figures.visits.percent_seen == 50.0


def test_at_an_office_open_by_appointment_only_visitors_are_asked_to_book_or_seen_as_exceptions(
    people: People, offices: tuple[Office, Office], monday: SettableClock
) -> None:
    runcorn, _ = offices
    monday.moment = at(22, 10)
    urgent = arrive(people, monday, runcorn, policy=STONEWALL)
    told = arrive(people, monday, runcorn, policy=STONEWALL)
    booked = arrive(people, monday, runcorn, policy=STONEWALL, appointment_at=at(22, 10))
    see(people, monday, urgent, policy=STONEWALL, exception="Fleeing violence")
    gone(people, monday, told, VisitStatus.ASKED_TO_BOOK, policy=STONEWALL)
    see(people, monday, booked, policy=STONEWALL)

    counts = visit_figures(start=JUNE[0], end=JUNE[1], policy=STONEWALL).visits

    assert (counts.came, counts.seen, counts.asked_to_book, counts.exceptions) == (3, 2, 1, 1)


def test_a_visitor_at_half_past_midnight_in_summer_time_belongs_to_their_local_day(
    people: People, offices: tuple[Office, Office], monday: SettableClock
) -> None:
    runcorn, _ = offices
    monday.moment = at(1, 0, 30, month=7)  # 23:30 UTC on 30 June
    arrive(people, monday, runcorn)
    monday.moment = at(30, 23, 50)  # 22:50 UTC: still June
    arrive(people, monday, runcorn)

    june = visit_figures(start=JUNE[0], end=JUNE[1], policy=HALTON)
    july = visit_figures(start=JULY[0], end=JULY[1], policy=HALTON)
    first = visit_figures(start=JULY[0], end=JULY[0], policy=HALTON)

    assert (june.visits.came, july.visits.came, first.visits.came) == (1, 1, 1)


# -- appointments -----------------------------------------------------------------------


@pytest.fixture(name="monday_appointments")
def monday_appointments_fixture(
    people: People, offices: tuple[Office, Office], monday: SettableClock, case: Case
) -> None:
    """Booked on Monday 22 June 2026 at 08:00 for that day: at the office 10:00 (kept),
    12:00 (missed), 14:00 (moved to Tuesday 10:00, not yet recorded), 15:00 (cancelled),
    16:00 (a same-sex interview, kept); a home visit at 11:00 for illness, with the
    officer asked for and an interpreter (nobody in)."""
    runcorn, _ = offices
    office = Wanted(AppointmentKind.OFFICE, 30, runcorn)
    people.teammate.same_sex_interviews, people.teammate.interviews_as = True, "woman"
    people.teammate.save()
    kept = book(people, case, monday, office, at(22, 10))
    missed = book(people, case, monday, office, at(22, 12))
    moving = book(people, case, monday, office, at(22, 14))
    cancelling = book(people, case, monday, office, at(22, 15))
    same_sex = book(
        people,
        case,
        monday,
        Wanted(AppointmentKind.OFFICE, 30, runcorn, same_sex_as="woman"),
        at(22, 16),
        officer=people.teammate,
    )
    home = book(
        people,
        case,
        monday,
        Wanted(AppointmentKind.HOME_VISIT, 60, None, people.officer),
        at(22, 11),
        home_visit_why=HomeVisitWhy.ILLNESS,
        interpreter_language="Urdu",
    )
    appointments.appointment_move(
        appointment=moving,
        starts_at=at(23, 10),
        officer=people.officer,
        reason="Officer called to an emergency",
        by=people.officer,
        policy=HALTON,
        clock=monday,
    )
    appointments.appointment_cancel(
        appointment=cancelling,
        reason="Office closed",
        by=people.officer,
        policy=HALTON,
        clock=monday,
    )
    monday.moment = at(22, 17)
    outcome(people, monday, kept, AppointmentStatus.KEPT)
    outcome(people, monday, missed, AppointmentStatus.MISSED)
    outcome(people, monday, same_sex, AppointmentStatus.KEPT)
    outcome(people, monday, home, AppointmentStatus.NO_ACCESS)


def test_appointments_booked_are_counted_by_kind_with_what_the_customer_asked_for(
    monday_appointments: None,
) -> None:
    figures = visit_figures(start=JUNE[0], end=JUNE[1], policy=HALTON)

    assert figures.booked == {
        AppointmentKind.OFFICE: Booked(booked=5, same_sex_asked=1),  # the move is not a booking
        AppointmentKind.HOME_VISIT: Booked(
            booked=1,
            officer_asked_for=1,
            interpreter=1,
            home_visit_why={HomeVisitWhy.ILLNESS: 1},
        ),
    }
    assert list(figures.booked) == ["office", "home_visit"]
    assert (figures.booked_total, figures.officer_asked_for, figures.same_sex_asked) == (6, 1, 1)
    assert figures.interpreters_booked == 1
    assert figures.home_visit_why == [
        ("They prefer it", 0),
        ("Illness", 1),
        ("Disability", 0),
        ("We need to see the home", 0),
    ]


def test_appointments_due_are_counted_by_what_became_of_them_with_the_kept_rate(
    monday_appointments: None,
) -> None:
    figures = visit_figures(start=JUNE[0], end=JUNE[1], policy=HALTON)

    assert figures.due == {
        AppointmentKind.OFFICE: Due(
            due=6, kept=2, moved=1, cancelled=1, missed=1, no_access=0, not_recorded=1
        ),
        AppointmentKind.HOME_VISIT: Due(due=1, no_access=1),
    }
    total = figures.due_total
    assert (total.went_ahead, total.kept) == (4, 2)
    assert (total.kept_rate, total.missed_rate, total.no_access_rate) == (50.0, 25.0, 25.0)
    assert Due().kept_rate is None


def test_an_appointment_counts_where_its_time_falls_and_its_booking_where_it_was_made(
    monday_appointments: None,
) -> None:
    monday_only = visit_figures(start=date(2026, 6, 22), end=date(2026, 6, 22), policy=HALTON)
    tuesday = visit_figures(start=date(2026, 6, 23), end=date(2026, 6, 23), policy=HALTON)

    assert monday_only.due_total.due == 6
    assert monday_only.booked_total == 6
    assert tuesday.due == {AppointmentKind.OFFICE: Due(due=1, not_recorded=1)}
    assert tuesday.booked == {}
    assert tuesday.empty is False
    assert visit_figures(start=date(2026, 5, 1), end=date(2026, 5, 31), policy=HALTON).empty


# -- how it is read -------------------------------------------------------------------------


def test_the_figures_are_three_queries_however_many_visits_and_appointments(
    people: People,
    offices: tuple[Office, Office],
    monday: SettableClock,
    case: Case,
    django_assert_num_queries,
) -> None:
    runcorn, widnes = offices

    def read() -> None:
        with django_assert_num_queries(3):
            visit_figures(start=JUNE[0], end=JUNE[1], policy=HALTON)

    read()
    for hour in (10, 11, 12):
        book(people, case, monday, Wanted(AppointmentKind.OFFICE, 30, runcorn), at(22, hour))
        for office in (runcorn, widnes):
            arrive(people, monday, office, asked=reception.Asked(private_room=True))
    read()


def test_a_policy_has_visits_if_a_standard_is_on_either_visit_channel(db: None) -> None:
    assert policy_has_visits(HALTON)
    assert policy_has_visits(STONEWALL)  # its rule: visits by appointment only
    phones_only = HALTON.model_copy(
        update={"standards": [s for s in HALTON.standards if s.key == "phone_answer_rings"]}
    )
    assert not policy_has_visits(phones_only)
    assert not visits_recorded()
