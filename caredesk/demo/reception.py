"""Offices as visitors meet them, and the last week of the reception log.

Each place the landlord's visitors come to (`Landlord.visit_places`) gets what a visitor
needs to know (`visits.OfficeDetails`: its kind, public address, emergency number, how
to make an appointment, access), its opening hours (the policy's office hours, or the
set times of an office in a house or an advice surgery), a closure ahead where the
landlord has one, and an officer on duty at reception.

Then seven days of visitors, told through the reception log's own services
(`visits.reception`) each at the moment it happened (a `FixedClock`): logged as they
arrive, greeted, and seen, most within 5 minutes and a few late; some with an
appointment (some early, some late), some asking for a private room, help with a form or
an interpreter; one or two who left first. At an office open by appointment only,
visitors who came without one are asked to phone to book, and one is seen as an
exception, with the reason. Two or three are still waiting at the demo's now, so the
board has people on it (in the minutes before now, even when the demo is built after
the office has shut).

`build.build_demo` plays the arrivals in time order among the year's cases received the
same week, so a visitor's new case takes its reference in the order received.
"""

from __future__ import annotations

import enum
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from faker import Faker

from caredesk.cases.models import Case, CaseStatus, Channel
from caredesk.cases.services import case_finish, response_send
from caredesk.core.clock import FixedClock
from caredesk.customers.models import Customer
from caredesk.demo.landlords import Landlord, VisitPlace
from caredesk.demo.organisation import Organisation
from caredesk.staff.models import Office, StaffMember
from caredesk.standards import Policy
from caredesk.visits import reception
from caredesk.visits.models import OfficeDetails, OfficeKind, Visit, VisitStatus
from caredesk.visits.offices import (
    Interval,
    OfficeTimes,
    hours_read,
    office_closure_add,
    office_times,
    opening_hours_set,
)

MINUTE = 60
DAYS = 7  # the reception log of the last week: the same day last week to today
WAITING_NOW = (7 * MINUTE, 4 * MINUTE, 70)  # how long those still waiting have waited
LATE = 0.08  # visitors seen after the 5 minutes
LEFT = 2  # visitors who left before being seen, in the week
RESOLVED_AT_THE_DESK = 0.6  # new matters dealt with there and then
ABOUT_THEIR_CASE = 0.6  # customers with a case open who come in about it
EXCEPTION = (
    "Fleeing violence at home and has nowhere safe to stay tonight: seen by the duty "
    "caseworker straight away."
)
GIVEN_INTERPRETER = 0.8  # a telephone interpreter found while they waited


class Fate(enum.Enum):
    SEEN = "seen"
    SEEN_LATE = "seen late"
    LEFT = "left"
    ASKED_TO_BOOK = "asked to book"
    EXCEPTION = "seen without an appointment"
    WAITING = "waiting now"


@dataclass(frozen=True)
class Arrival:
    """A visitor the log will tell: where, when, with an appointment or not, and how
    their visit ends. Who they are is chosen when they arrive."""

    place: VisitPlace
    office: Office
    at: datetime
    appointment_at: datetime | None
    fate: Fate


def policy_week(policy: Policy) -> dict[int, tuple[Interval, ...]]:
    """The policy's office hours on its working days, as opening hours."""
    calendar = policy.working_calendar
    return {
        day: tuple((_time(opens), _time(closes)) for opens, closes in calendar.office_hours[day])
        for day in sorted(calendar.working_weekdays)
    }


def _time(seconds: int) -> time:
    return time(seconds // 3600, seconds % 3600 // MINUTE)


class ReceptionLog:
    def __init__(
        self,
        *,
        landlord: Landlord,
        policy: Policy,
        organisation: Organisation,
        customers: list[Customer],
        seed: int,
        now: datetime,
        busyness: float = 1.0,
    ):
        """`busyness` scales each desk's usual number of visitors (the tests' demo has
        fewer, to stay quick)."""
        self.landlord, self.policy, self.organisation = landlord, policy, organisation
        self.customers, self.now, self.busyness = customers, now, busyness
        # Random numbers (and names) of its own, so the rest of a seed's demo stays as it was.
        self.rng = random.Random(f"reception {seed}")
        self.fake: Any = Faker("en_GB")
        self.fake.seed_instance(f"reception {seed}")
        self.zone = policy.working_calendar.zone
        self.today = now.astimezone(self.zone).date()
        self.duty: dict[int, StaffMember] = {}
        self.times: dict[int, OfficeTimes] = {}
        self.open_cases: dict[int, list[Case]] = {}  # by customer

    # -- the offices ------------------------------------------------------------------

    def offices_set_up(self) -> None:
        """Details, opening hours, a closure ahead and the duty officer of each place."""
        admin = self.organisation.administrator
        for place in self.landlord.visit_places:
            office = self.organisation.offices[place.office]
            OfficeDetails.objects.create(
                office=office,
                kind=place.kind,
                slug=reception.office_slug(office),
                emergency_phone=place.emergency_phone,
                how_to_book=place.how_to_book,
                step_free=place.step_free,
                hearing_loop=place.hearing_loop,
                private_room=place.private_room,
                access_notes=place.access_notes,
            )
            week: dict[int, tuple[Interval, ...]] = (
                {int(day): hours_read(text, day=day.label) for day, text in place.hours}
                if place.hours
                else policy_week(self.policy)
            )
            opening_hours_set(office=office, week=dict(week), by=admin)
            if place.closure_ahead:
                day = self._working_day_ahead(weeks=2)
                office_closure_add(
                    office=office, first_day=day, last_day=day, reason=place.closure_ahead, by=admin
                )
            officer = self._duty_officer(place)
            reception.duty_officer_set(office=office, officer=officer, by=officer)
            self.duty[office.pk] = officer
            self.times[office.pk] = office_times(office, self.policy)

    def _working_day_ahead(self, *, weeks: int) -> date:
        """A Wednesday (or the working day after) about `weeks` weeks ahead."""
        day = self.today + timedelta(weeks=weeks)
        day += timedelta(days=(2 - day.weekday()) % 7)
        calendar = self.policy.working_calendar
        return day if calendar.is_working_day(day) else calendar.next_working_day(day)

    def _duty_officer(self, place: VisitPlace) -> StaffMember:
        """An officer of the team who is at work today (not the demo officer, whose
        casework the demo is about, nor a manager)."""
        away = {
            absence.staff_id
            for absence in self.organisation.absences
            if absence.first_day <= self.today <= absence.last_day
        }
        managers = {manager.pk for manager in self.organisation.managers.values()}
        for person in self.organisation.caseworkers[place.duty_team]:
            if person.pk not in away | managers and person.pk != self.organisation.officer.pk:
                return person
        raise AssertionError(f"no one in {place.duty_team} is at work to be on duty")

    # -- who comes, and when ------------------------------------------------------------

    def arrivals(self) -> list[Arrival]:
        """The week's visitors at every place, in the order they arrived."""
        rng = self.rng
        found: list[Arrival] = []
        for place in self.landlord.visit_places:
            office = self.organisation.offices[place.office]
            times = self.times[office.pk]
            for back in range(DAYS, -1, -1):
                day = self.today - timedelta(days=back)
                for opens, closes in times.intervals_on(day):
                    found += self._session(place, office, day, opens, closes)
        found.sort(key=lambda arrival: arrival.at)
        found = self._some_leave(found)
        first = self.landlord.visit_places[0]
        office = self.organisation.offices[first.office]
        for number, waited in enumerate(WAITING_NOW):
            at = self.now - timedelta(seconds=waited)
            appointment = None
            if number == 1 or (first.with_appointment > 0.5 and number == 0):
                # Came early for an appointment a few minutes from now.
                appointment = _rounded(self.now + timedelta(minutes=rng.randint(3, 12)))
            found.append(Arrival(first, office, at, appointment, Fate.WAITING))
        return found

    def _session(
        self, place: VisitPlace, office: Office, day: date, opens: time, closes: time
    ) -> list[Arrival]:
        rng = self.rng
        start = datetime.combine(day, opens, tzinfo=self.zone)
        end = datetime.combine(day, closes, tzinfo=self.zone) - timedelta(minutes=10)
        # A visitor's whole visit is over by now: those still waiting are added apart.
        end = min(end, self.now - timedelta(minutes=25))
        if end <= start:
            return []
        hours = (end - start).total_seconds() / 3600
        count = round(place.visitors_an_hour * self.busyness * hours * rng.uniform(0.7, 1.3))
        appointment_only = place.kind == OfficeKind.OFFICE and reception.appointment_only(
            office, self.policy
        )
        made = []
        for _ in range(count):
            at = start + timedelta(seconds=rng.uniform(0, (end - start).total_seconds()))
            at = at.replace(microsecond=0)
            appointment = None
            if rng.random() < place.with_appointment:
                # Booked on the quarter hour; most come a little early, some late.
                appointment = _rounded(at + timedelta(minutes=rng.choice([-15, -10, 5, 5, 10])))
            if appointment_only and appointment is None:
                fate = Fate.ASKED_TO_BOOK
            else:
                fate = Fate.SEEN_LATE if rng.random() < LATE else Fate.SEEN
            made.append(Arrival(place, office, at, appointment, fate))
        return made

    def _some_leave(self, arrivals: list[Arrival]) -> list[Arrival]:
        """Two walk-ins who did not wait; one walk-in at an office open by appointment
        only is seen as an exception."""
        rng = self.rng
        seen = [n for n, a in enumerate(arrivals) if a.fate in (Fate.SEEN, Fate.SEEN_LATE)]
        walk_ins = [n for n in seen if arrivals[n].appointment_at is None] or seen
        changed = dict.fromkeys(rng.sample(walk_ins, min(LEFT, len(walk_ins))), Fate.LEFT)
        booking = [n for n, a in enumerate(arrivals) if a.fate == Fate.ASKED_TO_BOOK]
        if booking:
            changed[rng.choice(booking)] = Fate.EXCEPTION
        return [
            Arrival(a.place, a.office, a.at, a.appointment_at, changed[n]) if n in changed else a
            for n, a in enumerate(arrivals)
        ]

    # -- telling it -----------------------------------------------------------------------

    def cases_before(self, moment: datetime) -> None:
        """The cases open before the week, which a customer may come in about."""
        found = Case.objects.filter(
            status=CaseStatus.OPEN, customer__isnull=False, received_at__lt=moment
        ).order_by("pk")
        for case in found:
            assert case.customer_id is not None
            self.open_cases.setdefault(case.customer_id, []).append(case)

    def play(self, arrival: Arrival) -> Visit:
        """One visitor, from arriving to being seen or going."""
        rng, policy = self.rng, self.policy
        duty = self.duty[arrival.office.pk]
        customer, case, name, reason = self._visitor(arrival)
        with_whom = None
        if arrival.appointment_at is not None and rng.random() < 0.7:
            team = arrival.place.duty_team
            with_whom = rng.choice(self.organisation.caseworkers[team])
        languages = list(self.landlord.languages)
        language = (customer.language if customer else "") or rng.choice(languages)
        asked = reception.Asked(
            private_room=rng.random() < 0.12,
            forms_help=rng.random() < 0.1,
            interpreter_language=language if rng.random() < 0.06 else "",
        )
        at = arrival.at
        visit = reception.visitor_arrive(
            office=arrival.office,
            visitor_name=name,
            reason=reason,
            arrived_at=at,
            by=duty,
            policy=policy,
            clock=FixedClock(at),
            customer=customer,
            case=case,
            appointment_at=arrival.appointment_at,
            appointment_with=with_whom,
            asked=asked,
        )
        greeted = at + timedelta(seconds=rng.randint(15, 100))
        if arrival.fate == Fate.WAITING:
            if greeted <= self.now:
                reception.visitor_acknowledge(visit=visit, by=duty, clock=FixedClock(greeted))
            return visit
        reception.visitor_acknowledge(visit=visit, by=duty, clock=FixedClock(greeted))
        # The wait runs from the appointment if they came early, else from arrival.
        start = max(at, arrival.appointment_at or at)
        if arrival.fate == Fate.ASKED_TO_BOOK:
            told = FixedClock(greeted + timedelta(seconds=rng.randint(30, 150)))
            return reception.visitor_gone(
                visit=visit, status=VisitStatus.ASKED_TO_BOOK, by=duty, policy=policy, clock=told
            )
        if arrival.fate == Fate.LEFT:
            gone = FixedClock(start + timedelta(minutes=rng.uniform(7, 14)))
            return reception.visitor_gone(
                visit=visit, status=VisitStatus.LEFT, by=duty, policy=policy, clock=gone
            )
        minutes = rng.uniform(6, 15) if arrival.fate == Fate.SEEN_LATE else rng.uniform(1, 4.6)
        seen_at = max(start + timedelta(minutes=minutes), greeted).replace(microsecond=0)
        by = with_whom or duty
        visit = reception.visitor_see(
            visit=visit,
            by=by,
            policy=policy,
            clock=FixedClock(seen_at),
            given=reception.Given(
                private_room=True,
                forms_help=True,
                interpreter=rng.random() < GIVEN_INTERPRETER,
            ),
            exception=EXCEPTION if arrival.fate == Fate.EXCEPTION else "",
        )
        if case is None and rng.random() < RESOLVED_AT_THE_DESK:
            self._dealt_with(visit.case, by, seen_at + timedelta(minutes=rng.randint(8, 25)))
        return visit

    def _visitor(self, arrival: Arrival) -> tuple[Customer | None, Case | None, str, str]:
        """Who comes: a customer (about a case of theirs still open, or something new), or
        someone the landlord has no record of, who gives their name at the desk."""
        rng = self.rng
        topics = [topic for topic in self.landlord.topics if topic.team != "governance"]
        topic = rng.choice(topics)
        if rng.random() < 0.8:
            customer = rng.choice(self.customers)
            if customer.created_at <= arrival.at:
                theirs = self.open_cases.get(customer.pk, [])
                if theirs and rng.random() < ABOUT_THEIR_CASE:
                    case = rng.choice(theirs)
                    return customer, case, "", case.subject
                return customer, None, "", topic.subject
        name = f"{self.fake.first_name()} {self.fake.last_name()}"
        return None, None, name, topic.subject

    def _dealt_with(self, case: Case, by: StaffMember, at: datetime) -> None:
        """A new matter dealt with at the desk: the answer given there, the case resolved."""
        clock = FixedClock(min(at, self.now))
        response_send(
            case=case,
            channel=Channel.VISIT,
            summary="Answered at the desk.",
            by=by,
            policy=self.policy,
            clock=clock,
        )
        case_finish(
            case=case,
            status=CaseStatus.RESOLVED,
            by=by,
            outcome="Dealt with at the desk while the visitor was there.",
            clock=clock,
        )


def _rounded(moment: datetime) -> datetime:
    """To the quarter hour: when appointments are made for."""
    quarter = 15 * MINUTE
    seconds = moment.minute * MINUTE + moment.second
    return moment.replace(minute=0, second=0, microsecond=0) + timedelta(
        seconds=round(seconds / quarter) * quarter
    )
