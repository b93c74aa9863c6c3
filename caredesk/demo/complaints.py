"""The demo's complaints, compliments and hazards.

The year's complaints are cases told in bulk (demo.cases: acknowledged, answered and
escalated as events and deadlines). Here each is given what the complaints app keeps of
it, to agree with its timeline: the complaint defined point by point at each stage it
reached, its handler, and at each stage answered the decision, the root cause and the
service area. A few complaints are not accepted (demo.cases chose which, and when): each
is declined through complaints.refusals for one of the Code's reasons, with the letter
or email that tells the customer why and how to reach the Housing Ombudsman, which
closes the case. That is done as soon as the cases are saved (`decline`), before the
reception log and the diary look for open cases, so that nothing happens on a declined
complaint after it was closed. Each compliment names the officer and the team praised.
Then a dozen hazards in homes go through the services, as an officer would record them:
reported from the case's contact, investigated (some late), made safe, written to, work
begun, one closed.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from caredesk.cases.models import Case, CaseEvent, CaseKind, ComplaintOutcome, EventKind
from caredesk.complaints import hazards, refusals
from caredesk.complaints.models import Complaint, ComplaintPoint, Compliment
from caredesk.core.clock import FixedClock
from caredesk.customers.models import ContactChannel, Vulnerability
from caredesk.customers.vulnerabilities import household_vulnerabilities_record
from caredesk.demo.organisation import Organisation
from caredesk.mail.replies import reply_address
from caredesk.standards import Policy

SECOND_POINTS = [
    "Nobody called back when they said they would.",
    "We were not told what was happening.",
    "The appointment was missed without warning.",
    "The work was left unfinished.",
]
OUTCOMES = [ComplaintOutcome.UPHELD, ComplaintOutcome.PARTLY_UPHELD, ComplaintOutcome.NOT_UPHELD]
# Why complaints are not accepted (the policy's exclusions, by key): how often, and the
# officer's words in place of the letter's "[Explain the decision ...]".
DECLINED_WEIGHTS = {"over_12_months": 5, "already_considered": 3, "legal_proceedings": 2}
DECLINED_WORDS = {
    "over_12_months": "You told us this began more than 12 months before you complained, "
    "and we have found no good reason to look at it as a complaint now. If the problem is "
    "still happening, please report it to us and we will deal with it as a new request.",
    "already_considered": "We have already looked at this under our complaints procedure "
    "and sent you our final response. If something new has happened since, please tell us "
    "and we will look at that.",
    "legal_proceedings": "You have started a court claim against us about this. The court "
    "will now decide it, so we cannot also look at it as a complaint. Our legal team will "
    "keep you, or your solicitor, told about the claim.",
}
DECLINED_OTHER = (
    "We have explained our reasons above. If you think we have got this wrong, please tell us why."
)
EXPLAIN = "[Explain the decision"  # the line of refusal_start the officer writes over
HAZARDS = [
    ("damp_and_mould", "significant", "Black mould on the bedroom ceiling", "back bedroom"),
    (
        "damp_and_mould",
        "significant",
        "Mould behind the wardrobe; a child with asthma",
        "front bedroom",
    ),
    ("damp_and_mould", "significant", "Condensation and mould around every window", "living room"),
    ("damp_and_mould", "emergency", "Mould and a leaking ceiling over the cot", "nursery"),
    ("electrical", "emergency", "Sparks from the socket by the cooker", "kitchen"),
    ("damp_and_mould", "significant", "Damp patch spreading from the bath", "bathroom"),
]


@dataclass
class ComplaintsBook:
    policy: Policy
    organisation: Organisation
    seed: int
    now: datetime

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed * 31 + 7)

    def write(self) -> None:
        self._complaints()
        self._compliments()
        self._hazards()

    # -- complaints ---------------------------------------------------------------------

    def _complaints(self) -> None:
        cases = list(
            Case.objects.filter(kind=CaseKind.COMPLAINT, complaint__isnull=True).order_by(
                "received_at", "pk"
            )
        )  # the declined have theirs already
        complaint_events = CaseEvent.objects.filter(  # read only: cases.events makes them
            case__kind=CaseKind.COMPLAINT,
            kind__in=(EventKind.CONTACT, EventKind.ESCALATION, EventKind.RESPONSE),
        )
        rows = complaint_events.order_by("at", "pk").values_list(
            "case_id", "kind", "data", "at", "actor_id"
        )
        timeline: dict[int, list[tuple[str, dict[str, Any], datetime, int | None]]] = {}
        for case_id, kind, data, at, actor in rows:
            timeline.setdefault(case_id, []).append((kind, data, at, actor))
        causes = [cause.key for cause in self.policy.complaints.root_causes]
        complaints, points = [], []
        for case in cases:
            stages, answered = self._stages(timeline.get(case.pk, []))
            complaint = self._complaint(case)
            for stage, handler in stages.items():
                setattr(complaint, f"stage_{stage}_handler_id", handler or case.assigned_to_id)
            for stage, at in answered.items():
                outcome = case.complaint_outcome or self.rng.choice(OUTCOMES)
                setattr(complaint, f"stage_{stage}_answered_at", at)
                setattr(complaint, f"stage_{stage}_outcome", outcome)
                complaint.root_cause = self.rng.choice(causes) if causes else ""
            complaints.append(complaint)
            for stage in stages:
                decided = answered.get(stage) is not None
                said = [case.subject, self.rng.choice(SECOND_POINTS)]
                for number, text in enumerate(said, start=1):
                    points.append(
                        ComplaintPoint(
                            complaint=complaint,
                            stage=stage,
                            number=number,
                            text=text,
                            decision=self.rng.choice(OUTCOMES) if decided else "",
                            reasons="We looked at the records and spoke to the team."
                            if decided
                            else "",
                        )
                    )
        Complaint.objects.bulk_create(complaints)
        ComplaintPoint.objects.bulk_create(points)

    def _complaint(self, case: Case) -> Complaint:
        """The complaint's record as it was taken in (not saved)."""
        areas = [area.key for area in self.policy.complaints.service_areas]
        return Complaint(
            case=case,
            created_at=case.received_at,
            outcome_wanted="Put it right, and say sorry.",
            service_area=self.rng.choice(areas) if areas else "",
        )

    @staticmethod
    def _stages(
        said: list[tuple[str, dict[str, Any], datetime, int | None]],
    ) -> tuple[dict[int, int | None], dict[int, datetime]]:
        """The stages acknowledged (with who did it) and answered (when), from the events."""
        stages: dict[int, int | None] = {}
        answered: dict[int, datetime] = {}
        current = 0
        for kind, data, at, actor in said:
            if kind == EventKind.CONTACT and "acknowledged_stage" in data:
                current = int(data["acknowledged_stage"])
                stages[current] = actor
            elif kind == EventKind.RESPONSE and current and current not in answered:
                answered[current] = at
        return stages, answered

    # -- complaints not accepted ---------------------------------------------------------

    def decline(self, declined: Sequence[tuple[str, datetime]]) -> None:
        """Decline the complaints demo.cases did not accept (reference, when), each then,
        by its officer, for one of the Code's reasons: by email if the customer prefers
        email and has an address, else by letter (the reply page's first choice). Call it
        once their cases are saved, before anything else looks for open cases."""
        exclusions = self.policy.complaints.exclusions
        if not declined or not exclusions:
            return
        weights = [DECLINED_WEIGHTS.get(exclusion.key, 1) for exclusion in exclusions]
        cases = Case.objects.select_related("customer", "assigned_to").in_bulk(
            [reference for reference, _ in declined], field_name="reference"
        )
        for reference, at in declined:
            case = cases[reference]
            self._complaint(case).save()
            exclusion = self.rng.choices(exclusions, weights)[0]
            officer = case.assigned_to or self.organisation.officer
            start = refusals.refusal_start(case, self.policy, officer, exclusion)
            words = DECLINED_WORDS.get(exclusion.key, DECLINED_OTHER)
            draft = "\n".join(
                words if line.startswith(EXPLAIN) else line for line in start.splitlines()
            )
            customer = case.customer
            by_email = bool(reply_address(case)) and (
                customer is not None and customer.preferred_channel == ContactChannel.EMAIL
            )
            refusals.complaint_refuse(
                case=case,
                reason=exclusion.key,
                draft=draft,
                by_email=by_email,
                by=officer,
                policy=self.policy,
                clock=FixedClock(at),
            )

    # -- compliments --------------------------------------------------------------------

    def _compliments(self) -> None:
        cases = Case.objects.filter(kind=CaseKind.COMPLIMENT).select_related("assigned_to")
        areas = [area.key for area in self.policy.complaints.service_areas]
        for case in cases:
            compliment = Compliment.objects.create(
                case=case,
                team=case.team,
                service_area=self.rng.choice(areas) if areas else "",
                what_they_said=case.subject,
                recorded_by=case.assigned_to or self.organisation.officer,
                recorded_at=case.received_at + timedelta(hours=1),
                passed_on_at=case.received_at + timedelta(hours=1),
            )
            if case.assigned_to is not None:
                compliment.staff.add(case.assigned_to)

    # -- hazards ------------------------------------------------------------------------

    def _hazards(self) -> None:
        """A dozen hazards reported in the last two months, on cases with a customer."""
        start = self.now - timedelta(days=60)
        cases = list(
            Case.objects.filter(
                received_at__gte=start,
                received_at__lt=self.now - timedelta(days=1),
                customer__isnull=False,
                kind=CaseKind.GENERAL_ENQUIRY,
            ).order_by("received_at", "pk")[:200]
        )
        if not cases:
            return
        chosen = sorted(self.rng.sample(cases, min(12, len(cases))), key=lambda c: c.received_at)
        for index, case in enumerate(chosen):
            kind, severity, description, where = HAZARDS[index % len(HAZARDS)]
            self._hazard(case, kind, severity, description, where)

    def _hazard(self, case: Case, kind: str, severity: str, description: str, where: str) -> None:
        officer = case.assigned_to or self.organisation.officer
        told = case.received_at
        clock = FixedClock(told + timedelta(minutes=self.rng.randint(5, 90)))
        if clock.now() >= self.now:
            return
        hazard = hazards.hazard_report(
            case=case,
            contact=case.contacts.order_by("at", "pk").first(),  # the call that opened it
            hazard_type=kind,
            severity=severity,
            description=description,
            where=where,
            by=officer,
            policy=self.policy,
            clock=clock,
        )
        if case.customer is not None and self.rng.random() < 0.6:
            # Asked while the hazard was reported: who at home is more at risk from it.
            household_vulnerabilities_record(
                customer=case.customer,
                kinds=self.rng.sample(Vulnerability.values, self.rng.randint(1, 2)),
                notes="",
                by=officer,
                clock=clock,
            )
        for step in hazard.steps.select_related("deadline"):
            if step.standard_key == "hazard_emergency_made_safe":
                safe = told + timedelta(hours=self.rng.uniform(2, 30))
                if safe < self.now:
                    hazards.hazard_step_done(
                        step=step, by=officer, policy=self.policy, clock=FixedClock(safe)
                    )
        if severity != "significant":
            return
        investigated = told + timedelta(days=self.rng.uniform(2, 16))
        if investigated >= self.now:
            return
        hazards.hazard_investigated(
            hazard=hazard,
            findings="Condensation from poor ventilation; the extractor fan does not work.",
            significant=self.rng.random() < 0.85,
            by=officer,
            policy=self.policy,
            clock=FixedClock(investigated),
        )
        for step in hazard.steps.filter(done_at__isnull=True):
            done = investigated + timedelta(days=self.rng.uniform(1, 9))
            if done < self.now and self.rng.random() < 0.8:
                hazards.hazard_step_done(
                    step=step,
                    by=None if step.standard_key.endswith("work_begun") else officer,
                    source="repairs system" if step.standard_key.endswith("work_begun") else "desk",
                    policy=self.policy,
                    clock=FixedClock(done),
                )
