"""The reception log (visits.reception): a visitor's waits measured by the engine, met
when they are seen, ended when they leave, and none where the policy has none."""

from __future__ import annotations

from datetime import timedelta

import pytest

from caredesk.cases.models import Case, Channel, Deadline, DeadlineStatus, EventKind
from caredesk.conftest import People, SettableClock
from caredesk.customers.services import customer_create
from caredesk.errors import NotAllowed
from caredesk.staff.models import Office
from caredesk.standards import load_policy
from caredesk.visits import reception
from caredesk.visits.models import OfficeDetails, OfficeKind, Visit, VisitStatus

HALTON = load_policy("halton")
STONEWALL = load_policy("stonewall")


@pytest.fixture
def office(people: People) -> Office:
    return Office.objects.get(name="Runcorn")


def arrive(people: People, clock: SettableClock, office: Office, **kwargs: object) -> Visit:
    fields: dict[str, object] = {
        "office": office,
        "visitor_name": "Jo Jones",
        "reason": "Rent statement",
        "arrived_at": clock.now(),
        "by": people.officer,
        "policy": HALTON,
        "clock": clock,
    } | kwargs
    return reception.visitor_arrive(**fields)  # type: ignore[arg-type]


def waits(visit: Visit) -> dict[str, Deadline]:
    return {deadline.standard_key: deadline for deadline in visit.deadlines.all()}


def test_a_walk_in_visitor_opens_a_case_by_visit_and_is_owed_attention_within_5_minutes(
    people: People, clock: SettableClock, office: Office
) -> None:
    visit = arrive(people, clock, office)

    assert visit.case.channel == Channel.VISIT
    assert visit.contact.channel == Channel.VISIT
    assert visit.contact.at == clock.now()
    assert set(waits(visit)) == {"visitor_attended"}
    attended = waits(visit)["visitor_attended"]
    assert attended.due_at == clock.now() + timedelta(minutes=5)
    assert attended.status == DeadlineStatus.OPEN
    assert attended.outlives_case


def test_with_an_appointment_the_second_wait_runs_from_the_appointment_time(
    people: People, clock: SettableClock, office: Office
) -> None:
    early = arrive(people, clock, office, appointment_at=clock.now() + timedelta(minutes=10))

    assert set(waits(early)) == {"visitor_attended", "visitor_with_appointment_seen"}
    seen_by = waits(early)["visitor_with_appointment_seen"].due_at
    assert seen_by == clock.now() + timedelta(minutes=15)
    assert waits(early)["visitor_attended"].due_at == clock.now() + timedelta(minutes=5)


def test_a_visitor_late_for_their_appointment_is_owed_5_minutes_from_arrival(
    people: People, clock: SettableClock, office: Office
) -> None:
    late = arrive(people, clock, office, appointment_at=clock.now() - timedelta(minutes=20))

    seen_by = waits(late)["visitor_with_appointment_seen"].due_at
    assert seen_by == clock.now() + timedelta(minutes=5)


def test_seeing_the_visitor_meets_their_waits_and_records_what_they_were_given(
    people: People, clock: SettableClock, office: Office
) -> None:
    visit = arrive(
        people,
        clock,
        office,
        asked=reception.Asked(private_room=True, interpreter_language="Polish"),
    )
    clock.moment += timedelta(minutes=3)

    seen = reception.visitor_see(
        visit=visit,
        by=people.teammate,
        policy=HALTON,
        clock=clock,
        given=reception.Given(private_room=True, forms_help=True, interpreter=False),
    )

    assert seen.status == VisitStatus.SEEN
    assert seen.seen_by == people.teammate
    assert seen.finished_at == clock.now()
    assert (seen.private_room_given, seen.interpreter_given) == (True, False)
    assert seen.forms_help_given is None  # they did not ask: nothing to record
    attended = waits(seen)["visitor_attended"]
    assert attended.status == DeadlineStatus.MET
    assert attended.met_at == clock.now()


def test_a_visitor_who_leaves_after_the_time_is_a_miss_and_before_it_is_not_measured(
    people: People, clock: SettableClock, office: Office
) -> None:
    patient = arrive(people, clock, office, visitor_name="Pat")
    hasty = arrive(people, clock, office, visitor_name="Hal")
    clock.moment += timedelta(minutes=2)
    reception.visitor_gone(
        visit=hasty, status=VisitStatus.LEFT, by=people.officer, policy=HALTON, clock=clock
    )
    clock.moment += timedelta(minutes=6)
    reception.visitor_gone(
        visit=patient, status=VisitStatus.LEFT, by=people.officer, policy=HALTON, clock=clock
    )

    for visit, late in ((hasty, False), (patient, True)):
        wait = waits(visit)["visitor_attended"]
        assert wait.status == DeadlineStatus.ENDED_UNMET
        assert wait.ended_at is not None
        assert wait.due_at is not None
        assert (wait.ended_at > wait.due_at) is late
    ended = patient.case.events.filter(kind=EventKind.DEADLINE_ENDED).get()
    assert ended.data["reason"] == "Left before being seen"


def test_the_waits_are_the_duty_officers_so_the_worker_warns_them(
    people: People, clock: SettableClock, office: Office
) -> None:
    reception.duty_officer_set(office=office, officer=people.teammate, by=people.teammate)

    visit = arrive(people, clock, office)

    wait = waits(visit)["visitor_attended"]
    assert wait.assigned_to == people.teammate
    # Halton's visitor standards warn 2 minutes before (the policy file's warn_before)
    assert wait.warn_at == clock.now() + timedelta(minutes=3)


def test_a_visit_about_an_existing_case_joins_it(
    people: People, clock: SettableClock, office: Office
) -> None:
    first = arrive(people, clock, office)
    clock.moment += timedelta(hours=1)

    again = arrive(people, clock, office, case=first.case)

    assert again.case == first.case
    assert Case.objects.count() == 1
    assert len(waits(again)) == 1
    assert waits(again)["visitor_attended"].pk != waits(first)["visitor_attended"].pk


def test_a_customer_chosen_gives_the_visitor_their_name(
    people: People, clock: SettableClock, office: Office
) -> None:
    customer = customer_create(customer_type="tenant", first_name="Ada", last_name="Obi")

    visit = arrive(people, clock, office, visitor_name="  ", customer=customer)

    assert visit.visitor_name == "Ada Obi"
    assert visit.case.customer == customer


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"visitor_name": " "}, "Enter the visitor's name"),
        ({"arrived_at_minutes": 10}, "cannot arrive in the future"),
        ({"arrived_at_minutes": -13 * 60}, "more than 12 hours ago"),
    ],
)
def test_a_visit_that_cannot_be_logged_says_why_and_writes_nothing(
    people: People, clock: SettableClock, office: Office, fields: dict[str, object], says: str
) -> None:
    if "arrived_at_minutes" in fields:
        minutes = fields.pop("arrived_at_minutes")
        assert isinstance(minutes, int)
        fields["arrived_at"] = clock.now() + timedelta(minutes=minutes)

    with pytest.raises(reception.VisitError, match=says):
        arrive(people, clock, office, **fields)

    assert not Visit.objects.exists()
    assert not Case.objects.exists()


def test_only_staff_who_take_casework_keep_the_log(
    people: People, clock: SettableClock, office: Office
) -> None:
    with pytest.raises(NotAllowed):
        arrive(people, clock, office, by=people.analyst)


def test_a_visitor_already_seen_cannot_be_seen_or_sent_away_again(
    people: People, clock: SettableClock, office: Office
) -> None:
    visit = arrive(people, clock, office)
    reception.visitor_see(visit=visit, by=people.officer, policy=HALTON, clock=clock)

    with pytest.raises(reception.VisitFinished, match="no longer waiting: seen"):
        reception.visitor_see(visit=visit, by=people.teammate, policy=HALTON, clock=clock)
    with pytest.raises(reception.VisitFinished):
        reception.visitor_gone(
            visit=visit, status=VisitStatus.LEFT, by=people.officer, policy=HALTON, clock=clock
        )
    assert Visit.objects.get().seen_by == people.officer


def test_greeting_is_recorded_once_with_who_greeted(
    people: People, clock: SettableClock, office: Office
) -> None:
    visit = arrive(people, clock, office)
    reception.visitor_acknowledge(visit=visit, by=people.teammate, clock=clock)
    clock.moment += timedelta(minutes=1)
    reception.visitor_acknowledge(visit=visit, by=people.officer, clock=clock)

    visit.refresh_from_db()
    assert visit.acknowledged_by == people.teammate
    assert visit.acknowledged_at == clock.now() - timedelta(minutes=1)


# -- an office open by appointment only (Stonewall 2.3, 2.4) -----------------------------


def test_at_stonewalls_main_office_a_visitor_with_no_appointment_owes_no_wait_and_is_asked_to_book(
    people: People, clock: SettableClock, office: Office
) -> None:
    visit = arrive(people, clock, office, policy=STONEWALL)
    assert reception.appointment_only(office, STONEWALL)
    assert not waits(visit)

    gone = reception.visitor_gone(
        visit=visit,
        status=VisitStatus.ASKED_TO_BOOK,
        by=people.officer,
        policy=STONEWALL,
        clock=clock,
    )

    assert gone.status == VisitStatus.ASKED_TO_BOOK
    assert not Deadline.objects.filter(status=DeadlineStatus.ENDED_UNMET).exists()


def test_seeing_a_visitor_without_an_appointment_there_needs_the_reason(
    people: People, clock: SettableClock, office: Office
) -> None:
    visit = arrive(people, clock, office, policy=STONEWALL)

    with pytest.raises(reception.VisitError, match="open by appointment only"):
        reception.visitor_see(visit=visit, by=people.officer, policy=STONEWALL, clock=clock)
    seen = reception.visitor_see(
        visit=visit,
        by=people.officer,
        policy=STONEWALL,
        clock=clock,
        exception="  Fleeing violence:   needs help today ",
    )

    assert seen.exception == "Fleeing violence: needs help today"


def test_offices_in_the_houses_and_surgeries_take_callers_without_appointments(
    people: People, clock: SettableClock, office: Office
) -> None:
    OfficeDetails.objects.create(office=office, kind=OfficeKind.ADVICE_SURGERY, slug="surgery")

    assert not reception.appointment_only(office, STONEWALL)
    visit = arrive(people, clock, office, policy=STONEWALL)
    with pytest.raises(reception.VisitError, match="sees visitors without an appointment"):
        reception.visitor_gone(
            visit=visit,
            status=VisitStatus.ASKED_TO_BOOK,
            by=people.officer,
            policy=STONEWALL,
            clock=clock,
        )


def test_halton_has_no_appointment_only_office(people: People, office: Office) -> None:
    assert not reception.appointment_only(office, HALTON)
