"""The demo's offices as visitors meet them, and its week of the reception log."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, time, timedelta

from caredesk.cases.models import DeadlineStatus
from caredesk.conftest import SettableClock
from caredesk.demo.build import DemoSize, build_demo
from caredesk.demo.landlords import HALTON, STONEWALL
from caredesk.standards import load_policy
from caredesk.visits import reception
from caredesk.visits.models import OfficeDetails, OfficeKind, Visit, VisitStatus
from caredesk.visits.offices import office_times

# A Wednesday morning (11:30 in London): the offices are open.
NOW = datetime(2025, 6, 18, 10, 30, tzinfo=UTC)
# Few cases, but each desk's usual visitors.
SIZE = DemoSize(cases=60, customers=40, visitors=1.0)


def build(policy: str) -> None:
    build_demo(policy=policy, seed=5, clock=SettableClock(NOW), size=SIZE)


def test_haltons_offices_have_details_the_policys_hours_a_closure_ahead_and_a_duty_officer(db):
    build("halton")
    policy = load_policy("halton")

    details = OfficeDetails.objects.select_related("office", "duty_officer")
    assert sorted(d.office.name for d in details) == sorted(p.office for p in HALTON.visit_places)
    for each in details:
        assert each.kind == OfficeKind.OFFICE
        assert each.slug
        assert each.emergency_phone
        assert each.how_to_book
        assert each.duty_officer is not None
        assert each.duty_officer.is_active
        times = office_times(each.office, policy)
        assert times.week[0] == ((time(9), time(17)),)  # the policy's 09:00-17:00
        assert set(times.week) == {0, 1, 2, 3, 4}
        assert [reason for _, _, reason in times.closures_ahead(NOW.date())][:1] == [
            "Staff training"
        ]
    assert len({each.slug for each in details}) == len(details)


def test_haltons_week_of_visitors_is_mostly_seen_in_time_with_a_few_late_and_some_left(db):
    build("halton")

    visits = list(Visit.objects.prefetch_related("deadlines"))
    statuses = Counter(visit.status for visit in visits)
    assert statuses[VisitStatus.SEEN] >= 30
    assert 1 <= statuses[VisitStatus.LEFT] <= 2
    assert 2 <= statuses[VisitStatus.WAITING] <= 3
    waits = [deadline for visit in visits for deadline in visit.deadlines.all()]
    met = [wait for wait in waits if wait.status == DeadlineStatus.MET]
    late = [wait for wait in met if wait.met_at and wait.due_at and wait.met_at > wait.due_at]
    assert 0 < len(late) < len(met) * 0.25
    # every wait is met by seeing the visitor, ended by their leaving, or still running
    assert {wait.status for wait in waits} == {
        DeadlineStatus.MET,
        DeadlineStatus.ENDED_UNMET,
        DeadlineStatus.OPEN,
    }
    booked = [(visit.arrived_at, visit.appointment_at) for visit in visits if visit.appointment_at]
    assert any(arrived < appointment for arrived, appointment in booked)  # early
    assert any(arrived > appointment for arrived, appointment in booked)  # late
    assert any(visit.private_room_asked for visit in visits)
    assert any(visit.forms_help_asked for visit in visits)
    assert any(visit.interpreter_language for visit in visits)
    # inside opening hours, in the last week; those waiting arrived in the minutes before now
    zone = load_policy("halton").working_calendar.zone
    for visit in visits:
        assert NOW - timedelta(days=8) < visit.arrived_at <= NOW
        if visit.status == VisitStatus.WAITING:
            assert visit.arrived_at > NOW - timedelta(minutes=10)
        else:
            local = visit.arrived_at.astimezone(zone)
            assert local.weekday() < 5, local
            assert time(9) <= local.time() < time(17), local
            assert visit.finished_at is not None
            assert visit.finished_at <= NOW


def test_stonewalls_places_are_the_main_office_a_house_and_a_surgery_at_set_times(db):
    build("stonewall")
    policy = load_policy("stonewall")

    kinds = {d.office.name: d.kind for d in OfficeDetails.objects.select_related("office")}
    assert sorted(kinds.values()) == sorted(
        [OfficeKind.OFFICE, OfficeKind.OFFICE_IN_A_HOUSE, OfficeKind.ADVICE_SURGERY]
    )
    main = OfficeDetails.objects.get(kind=OfficeKind.OFFICE).office
    assert main.name == STONEWALL.visit_places[0].office
    assert reception.appointment_only(main, policy)
    assert office_times(main, policy).week[0] == ((time(9, 30), time(13)), (time(14), time(17, 30)))
    house = OfficeDetails.objects.get(kind=OfficeKind.OFFICE_IN_A_HOUSE).office
    assert office_times(house, policy).week == {
        1: ((time(10), time(12)),),
        3: ((time(14), time(16)),),
    }
    surgery = OfficeDetails.objects.get(kind=OfficeKind.ADVICE_SURGERY).office
    assert len([i for day in office_times(surgery, policy).week.values() for i in day]) == 1
    visited = set(Visit.objects.values_list("office__details__kind", flat=True))
    assert visited == set(kinds.values())


def test_stonewalls_walk_ins_to_the_main_office_are_asked_to_book_and_start_no_waits(db):
    build("stonewall")

    main = Visit.objects.filter(office__details__kind=OfficeKind.OFFICE)
    walk_ins = main.filter(appointment_at__isnull=True)
    assert walk_ins.filter(status=VisitStatus.ASKED_TO_BOOK).count() >= 2
    (exception,) = walk_ins.filter(status=VisitStatus.SEEN)
    assert exception.exception
    assert not walk_ins.filter(deadlines__isnull=False).exists()
    # Stonewall promises no time to be seen in: no visitor anywhere has a wait measured
    assert not Visit.objects.filter(deadlines__isnull=False).exists()
    assert main.filter(status=VisitStatus.WAITING, appointment_at__isnull=False).exists()
