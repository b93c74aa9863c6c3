"""What each demo case is: kind, channel, when it came in, from whom, about what.

Plans are made for the whole year first, then numbered in the order received (as the
services number them) and played out by `cases.Stories`.
"""

from __future__ import annotations

import enum
import random
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import accumulate

from caredesk.cases import rules
from caredesk.cases.models import CaseKind, Channel
from caredesk.customers.models import Customer, CustomerType
from caredesk.demo.landlords import Landlord, Topic
from caredesk.demo.organisation import Organisation
from caredesk.demo.times import ReceivedTimes
from caredesk.standards import Policy, due_at

K, C = CaseKind, Channel

KINDS = {
    K.GENERAL_ENQUIRY: 52,
    K.MESSAGE: 20,
    K.INFORMATION_REQUEST: 12,
    K.COMPLAINT: 6,
    K.COMPLIMENT: 4,
    K.SUBJECT_ACCESS_REQUEST: 1.0,
    K.FOI_REQUEST: 0.6,
}
CHANNELS: dict[str, dict[Channel, float]] = {
    K.GENERAL_ENQUIRY: {C.PHONE: 46, C.EMAIL: 18, C.WEB: 9, C.LETTER: 8, C.VISIT: 16},
    K.MESSAGE: {C.VOICEMAIL: 50, C.MESSAGE: 50},
    K.INFORMATION_REQUEST: {C.PHONE: 35, C.EMAIL: 28, C.WEB: 22, C.LETTER: 7, C.VISIT: 8},
    K.COMPLAINT: {C.PHONE: 30, C.EMAIL: 32, C.WEB: 16, C.LETTER: 15, C.VISIT: 7},
    K.COMPLIMENT: {C.EMAIL: 38, C.PHONE: 30, C.WEB: 14, C.LETTER: 12, C.VISIT: 6},
    K.SUBJECT_ACCESS_REQUEST: {C.EMAIL: 60, C.LETTER: 30, C.WEB: 10},
    K.FOI_REQUEST: {C.EMAIL: 85, C.LETTER: 10, C.WEB: 5},
}
# Dealt with there and then: most calls and visits.
FIRST_CONTACT = {
    (K.GENERAL_ENQUIRY, C.PHONE): 0.6,
    (K.GENERAL_ENQUIRY, C.VISIT): 0.72,
    (K.GENERAL_ENQUIRY, C.HOME_VISIT): 0.5,
    (K.INFORMATION_REQUEST, C.PHONE): 0.35,
    (K.INFORMATION_REQUEST, C.VISIT): 0.7,
}
OUT_OF_HOURS = {C.EMAIL: 0.22, C.WEB: 0.3, C.VOICEMAIL: 0.25}
SUBJECT_ACCESS = (
    Topic("governance", "Subject access request: all records about me", ("Under UK GDPR.",)),
    Topic(
        "governance",
        "Subject access request: repairs history and call notes",
        ("Wants copies of emails too.",),
    ),
)
FOI_FALLBACK = (
    Topic("governance", "Request for information about our services", ("Asks for figures.",)),
)


class Fate(enum.Enum):
    NORMAL = "normal"
    STALLED = "stalled"  # nobody gets round to it: breached if its due time has passed
    UNTOUCHED = "untouched"  # the demo officer's current work: nothing done yet


@dataclass
class Plan:
    kind: str
    channel: str
    received_at: datetime
    topic: Topic
    customer: Customer | None
    urgent: bool
    first_contact: bool
    fate: Fate = Fate.NORMAL
    officer_pk: int | None = None  # who it must go to (the demo officer's own work)


class Planner:
    def __init__(
        self,
        *,
        landlord: Landlord,
        policy: Policy,
        organisation: Organisation,
        customers: list[Customer],
        rng: random.Random,
        now: datetime,
    ):
        self.landlord, self.policy, self.rng, self.now = landlord, policy, rng, now
        self.organisation = organisation
        self.customers = customers
        self.times = ReceivedTimes(policy.working_calendar, now - timedelta(days=365), now)
        # A few customers get in touch often; most once or twice a year.
        self._customer_weights = list(accumulate(rng.paretovariate(1.3) for _ in customers))
        self.others = [
            c for c in customers if c.customer_type in {CustomerType.OTHER, CustomerType.PARTNER}
        ]
        self.kinds = dict(KINDS)
        if landlord.policy_name == "stonewall":  # a charity: FOI requests are rare and astray
            self.kinds[K.FOI_REQUEST] = 0.15

    def _pick(self, weights: Mapping[CaseKind, float] | Mapping[Channel, float]) -> str:
        choices: list[str] = list(weights)
        return self.rng.choices(choices, list(weights.values()))[0]

    def customer(self) -> Customer | None:
        if not self.customers:
            return None
        index = bisect_right(self._customer_weights, self.rng.random() * self._customer_weights[-1])
        return self.customers[min(index, len(self.customers) - 1)]

    def topic(self, kind: str) -> Topic:
        landlord = self.landlord
        choices: dict[str, tuple[Topic, ...]] = {
            K.INFORMATION_REQUEST: landlord.information_requests,
            K.COMPLAINT: landlord.complaints,
            K.COMPLIMENT: landlord.compliments,
            K.SUBJECT_ACCESS_REQUEST: SUBJECT_ACCESS,
            K.FOI_REQUEST: landlord.foi_requests or FOI_FALLBACK,
        }
        return self.rng.choice(choices.get(kind, landlord.topics))

    def received(self, channel: str, times: ReceivedTimes) -> datetime:
        if channel == C.LETTER:
            return times.post(self.rng)
        if self.rng.random() < OUT_OF_HOURS.get(Channel(channel), 0):
            return times.out_of_hours(self.rng)
        return times.office(self.rng)

    def plan(self, *, times: ReceivedTimes | None = None, kind: str | None = None) -> Plan:
        rng = self.rng
        kind = kind or self._pick(self.kinds)
        channel = self._pick(CHANNELS[kind])
        customer = self.customer()
        if kind == K.FOI_REQUEST:
            customer = rng.choice(self.others) if self.others and rng.random() < 0.8 else None
        elif channel in {C.PHONE, C.VISIT} and kind == K.GENERAL_ENQUIRY and rng.random() < 0.04:
            customer = None  # would not give a name
        if channel == C.VISIT and customer is not None and customer.home_visits_needed:
            channel = C.HOME_VISIT
        first_contact = rng.random() < FIRST_CONTACT.get((CaseKind(kind), Channel(channel)), 0)
        return Plan(
            kind=kind,
            channel=channel,
            received_at=self.received(channel, times or self.times),
            topic=self.topic(kind),
            customer=customer,
            urgent=kind == K.MESSAGE and rng.random() < 0.06,
            first_contact=first_contact,
            fate=Fate.STALLED if rng.random() < 0.012 else Fate.NORMAL,
        )

    def year(self, count: int) -> list[Plan]:
        return [self.plan() for _ in range(count)]

    def officer_work(self) -> list[Plan]:
        """The demo officer's open work: some due today, more in the coming week, two late.

        Candidate received times (every 20 minutes of the last 30 days, in office hours
        unless by voicemail) go through the engine; each case takes one whose due time
        falls in the window wanted.
        """
        rng, calendar, now = self.rng, self.policy.working_calendar, self.now
        local_now = now.astimezone(calendar.zone)
        end_of_today = local_now.replace(hour=23, minute=59, second=59).astimezone(UTC)
        windows = [(now, end_of_today)] * 3 + [(end_of_today, end_of_today + timedelta(7))] * 6
        windows += [(now - timedelta(days=6), now - timedelta(hours=2))] * 2
        combos = [
            (K.GENERAL_ENQUIRY, C.LETTER),
            (K.GENERAL_ENQUIRY, C.PHONE),
            (K.MESSAGE, C.VOICEMAIL),
            (K.MESSAGE, C.MESSAGE),
            (K.INFORMATION_REQUEST, C.PHONE),
        ]
        grid = [now - timedelta(minutes=20 * n) for n in range(1, 30 * 72)]
        candidates: list[tuple[str, str, datetime, datetime]] = []
        for kind, channel in combos:
            for received in grid:
                if channel != C.VOICEMAIL and not self.times.in_office_hours(received):
                    continue
                plan = Plan(kind, channel, received, self.landlord.topics[0], None, False, False)
                due = self.first_due(plan)
                if due is not None:
                    candidates.append((kind, channel, received, due))
        team = self.organisation.officer.team
        topics = [t for t in self.landlord.topics if self.organisation.teams[t.team] == team]
        plans = []
        for low, high in windows:
            fitting = [c for c in candidates if low <= c[3] <= high]
            if not fitting:
                continue
            kind_wanted, channel_wanted, received, _ = rng.choice(fitting)
            plan = self.plan(kind=kind_wanted)
            plan.channel, plan.received_at = channel_wanted, received
            plan.first_contact, plan.fate = False, Fate.UNTOUCHED
            plan.officer_pk = self.organisation.officer.pk
            if kind_wanted != K.INFORMATION_REQUEST and topics:
                plan.topic = rng.choice(topics)
            plans.append(plan)
        return plans

    def first_due(self, plan: Plan) -> datetime | None:
        """The earliest due time the case will start with (the engine's, as on receipt)."""
        kind, channel = plan.kind, plan.channel
        events = rules.events_on_receipt(
            kind=kind, channel=channel, resolved_at_first_contact=False
        )
        dues = [
            due_at(plan.received_at, standard.target, self.policy.working_calendar)
            for standard in self.policy.deadline_standards()
            if rules.starts(standard, kind=kind, channel=channel, events=events)
        ]
        return min(dues) if dues else None
