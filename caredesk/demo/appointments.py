"""The demo's appointments, home visits and interviews, told through the services.

Over the fortnight before the demo's now, appointments booked a few days ahead (each
time one `visits.appointments.slots_offer` would offer at the time of booking) at the
landlord's first office, or at home for customers whose record asks for home visits:
most kept, some missed, a home visit or two where nobody was in (a calling card, and the
policy's follow-up), one cancelled and one moved by us with the customer told. Some of
those kept were interviews, written up with the actions agreed (deadlines of their
owners where the policy has the standard; some done). And a week of appointments still
to come, so the officers' diaries and the booking page have something in them.
Everything at the moment it happened (a `FixedClock`), so the same seed and now give the
same diary.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from caredesk.cases.models import Case, CaseStatus
from caredesk.core.clock import FixedClock
from caredesk.demo.landlords import Landlord
from caredesk.demo.organisation import Organisation
from caredesk.staff.models import Office, StaffMember
from caredesk.standards import Policy
from caredesk.visits import appointments, interviews
from caredesk.visits.appointments import AppointmentError, Wanted
from caredesk.visits.interview_summaries import interview_summary_send, summary_media
from caredesk.visits.models import Appointment, AppointmentKind, AppointmentStatus

PAST_DAYS = 14
BOOKED_AHEAD = (1, 6)  # days between booking and the appointment
ISSUES = [
    "Rent account two months in arrears after a change in Universal Credit.",
    "Damp and mould in the back bedroom, worse since the winter.",
    "Wants to move to a ground-floor flat after a fall.",
    "Noise from the flat above late at night.",
]
ACTIONS = [
    "Send a surveyor to look at the damp",
    "Set up a repayment plan and send it in writing",
    "Refer to the welfare benefits adviser",
    "Write to the neighbour about the noise",
]


@dataclass
class Diary:
    landlord: Landlord
    policy: Policy
    organisation: Organisation
    seed: int
    now: datetime
    count: int = 16

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed * 17 + 3)

    def play(self) -> list[Appointment]:
        office = self._office()
        if office is None:
            return []
        cases = list(
            Case.objects.filter(
                customer__isnull=False,
                status__in=[CaseStatus.OPEN, CaseStatus.WAITING_FOR_CUSTOMER],
                received_at__lt=self.now - timedelta(days=1),
            )
            .select_related("customer")
            .order_by("received_at", "pk")[: self.count]
        )
        made: list[Appointment] = []
        for number, case in enumerate(cases[: self.count]):
            booked = self._book(case, office, past=number < self.count * 2 // 3)
            if booked is not None:
                made.append(booked)
        for number, booked in enumerate(sorted(made, key=lambda a: a.starts_at)):
            if booked.starts_at < self.now:
                self._happened(booked, number)
        return made

    def _office(self) -> Office | None:
        names = [place.office for place in self.landlord.visit_places]
        offices = self.organisation.offices
        for name in names:
            if name in offices:
                return offices[name]
        return next(iter(offices.values()), None)

    def _book(self, case: Case, office: Office, *, past: bool) -> Appointment | None:
        customer = case.customer
        assert customer is not None
        home = customer.home_visits_needed
        wanted = Wanted(
            AppointmentKind.HOME_VISIT if home else AppointmentKind.OFFICE,
            60 if home else 30,
            None if home else office,
        )
        days_back = self.rng.randint(BOOKED_AHEAD[1], PAST_DAYS) if past else 0
        booked_at = self.now - timedelta(days=days_back, hours=self.rng.randint(1, 5))
        booked_at = max(booked_at, case.received_at + timedelta(hours=1))  # once it was known
        ahead = timedelta(days=self.rng.randint(*BOOKED_AHEAD))
        offered = appointments.slots_offer(wanted=wanted, policy=self.policy, now=booked_at + ahead)
        if not offered:
            return None
        slot = self.rng.choice(offered[:6])
        officer = StaffMember.objects.get(pk=slot.officer)
        try:
            return appointments.appointment_book(
                case=case,
                wanted=wanted,
                starts_at=slot.starts,
                officer=officer,
                by=officer,
                policy=self.policy,
                clock=FixedClock(booked_at),
                home_visit_why=customer.home_visit_reason or "preference" if home else "",
                interpreter_language=customer.language if customer.interpreter_needed else "",
            )
        except AppointmentError:
            return None

    def _happened(self, booked: Appointment, number: int) -> None:
        after = FixedClock(booked.ends_at + timedelta(minutes=self.rng.randint(5, 90)))
        if after.now() > self.now:
            return  # still going on, or just finished: nothing recorded yet
        before = FixedClock(booked.starts_at - timedelta(hours=self.rng.randint(3, 20)))
        home = booked.kind == AppointmentKind.HOME_VISIT
        if number == 1:
            appointments.appointment_cancel(
                appointment=booked,
                reason="The officer is off sick",
                by=booked.officer,
                policy=self.policy,
                clock=before,
                told_now=True,
            )
            return
        roll = self.rng.random()
        if home and roll < 0.25:
            status = AppointmentStatus.NO_ACCESS
        elif roll < 0.12:
            status = AppointmentStatus.MISSED
        else:
            status = AppointmentStatus.KEPT
        appointments.appointment_outcome(
            appointment=booked,
            status=status,
            by=booked.officer,
            policy=self.policy,
            clock=after,
            summary=f"{booked.get_kind_display()}: talked it through",
        )
        if status == AppointmentStatus.KEPT and number % 2 == 0:
            self._interview(booked, after)

    def _interview(self, booked: Appointment, after: FixedClock) -> None:
        agreed = self.rng.sample(range(len(ACTIONS)), k=self.rng.randint(1, 2))
        local = after.now().astimezone(self.policy.working_calendar.zone).date()
        interview = interviews.interview_record(
            case=booked.case,
            held_at=booked.starts_at,
            where=interviews.Where(
                office=booked.office,
                at_home=booked.office is None,
                room="Interview room 1" if booked.office else "",
                private_room=True,
            ),
            officers=[booked.officer],
            issues=self.rng.choice(ISSUES),
            recommendations="Agreed the next steps below with the customer.",
            timescales="We will be in touch within two weeks.",
            actions=[
                interviews.ActionAgreed(
                    ACTIONS[index], booked.officer, local + timedelta(days=7 + 3 * index)
                )
                for index in agreed
            ],
            interpreter_language=booked.interpreter_language,
            appointment=booked,
            by=booked.officer,
            policy=self.policy,
            clock=after,
        )
        media = summary_media(booked.case.customer)
        sent_at = after.now() + timedelta(hours=2)
        if media and sent_at < self.now and self.rng.random() < 0.7:  # most are sent one
            interview_summary_send(
                interview=interview,
                medium=media[0],
                by=booked.officer,
                policy=self.policy,
                clock=FixedClock(sent_at),
            )
        first = interview.actions.order_by("pk").first()
        done_at = after.now() + timedelta(days=2)
        if first is not None and done_at < self.now:
            interviews.interview_action_done(
                action=first, by=booked.officer, policy=self.policy, clock=FixedClock(done_at)
            )
