"""A year of cases, each played out as staff would work it, up to now.

Each plan becomes a story: logged (by whoever took the call, the post, or the system for
email), assigned, perhaps a note, a holding reply or a wait for the customer, then the
response, resolution and, later, closing. Times come from office time; due times come
from the engine through the recorder. Anything that would happen after now has not
happened yet, so recent cases are still open, stalled ones are breached, and so on.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from caredesk.cases.drafts import CaseDraft, Recorder
from caredesk.cases.models import CaseKind, CaseStatus, Channel, Direction, PauseReason
from caredesk.demo.landlords import Landlord
from caredesk.demo.organisation import Organisation
from caredesk.demo.plans import Fate, Plan
from caredesk.demo.times import OfficeTime
from caredesk.staff.models import StaffMember
from caredesk.standards import Duration, Policy, due_at, parse_duration
from caredesk.standards.policy import ClockEvent

K, C = CaseKind, Channel
MINUTE = 60
LATE = {
    K.MESSAGE: 0.05,
    K.GENERAL_ENQUIRY: 0.07,
    K.INFORMATION_REQUEST: 0.09,
    K.COMPLAINT: 0.06,
    K.SUBJECT_ACCESS_REQUEST: 0.05,
    K.FOI_REQUEST: 0.08,
}
HOLDING = {K.GENERAL_ENQUIRY: 0.12, K.COMPLAINT: 0.15, K.SUBJECT_ACCESS_REQUEST: 0.08}
# Complaints not accepted under one of the Code's exclusions: decided instead of the
# stage 1 acknowledgement, and declined by demo.complaints (complaints.refusals).
DECLINED = 0.045
HOLDING_REASONS = (
    "We are waiting for a report from our contractor.",
    "We need to check the records held at another office.",
    "The officer dealing with this needs to visit the property first.",
    "We are waiting for information from the council.",
)
NOTES = (
    "Spoke to the contractor: appointment booked for Thursday morning.",
    "Checked the account history; no previous reports found.",
    "Customer's preferences noted on the file.",
    "Discussed with my line manager.",
    "Tried to call, no answer; will try again tomorrow.",
    "Photos received and added to the file.",
)
NOMINAL = {
    K.GENERAL_ENQUIRY: "5 working days",
    K.INFORMATION_REQUEST: "5 working days",
    K.COMPLAINT: "10 working days",
    K.SUBJECT_ACCESS_REQUEST: "1 month",
    K.FOI_REQUEST: "20 working days",
}


class Stories:
    def __init__(
        self,
        *,
        landlord: Landlord,
        policy: Policy,
        organisation: Organisation,
        recorder: Recorder,
        rng: random.Random,
        now: datetime,
    ):
        self.landlord, self.policy, self.organisation = landlord, policy, organisation
        self.recorder, self.rng, self.now = recorder, rng, now
        self.calendar = policy.working_calendar
        year = now.astimezone(self.calendar.zone).year
        self.office = OfficeTime(self.calendar, year - 2, year + 1)
        self.staff_by_pk = {person.pk: person for person in organisation.staff}
        self._durations: dict[str, Duration] = {}
        # The complaints not accepted (reference, when), not yet declined: see declined_take.
        self._declined: list[tuple[str, datetime]] = []

    def duration(self, text: str) -> Duration:
        if text not in self._durations:
            self._durations[text] = parse_duration(text)
        return self._durations[text]

    def declined_take(self) -> list[tuple[str, datetime]]:
        """The complaints told since the last call that are not accepted (reference, when),
        for demo.complaints to decline once their cases are saved."""
        taken, self._declined = self._declined, []
        return taken

    def done(self, moment: datetime | None) -> bool:
        """Has it happened yet? (Nothing after now has.)"""
        return moment is not None and moment <= self.now

    # -- logging the case ---------------------------------------------------------------

    def tell(self, plan: Plan, reference: str) -> CaseDraft:
        rng, organisation, office = self.rng, self.organisation, self.office
        received, channel = plan.received_at, plan.channel
        officer = (
            self.staff_by_pk[plan.officer_pk]
            if plan.officer_pk
            else organisation.pick_caseworker(plan.topic.team, rng)
        )
        adviser = organisation.pick_caseworker("customer_services", rng)
        by: StaffMember | None
        assign_now = True
        if channel in {C.EMAIL, C.WEB}:
            by, logged, assign_now = None, received + timedelta(minutes=rng.randint(1, 3)), False
        elif channel == C.VOICEMAIL:
            by, logged = None, received + timedelta(minutes=1)
        elif channel == C.LETTER:
            by = rng.choice(organisation.administrators)
            logged = office.after(received, rng.uniform(15, 150) * MINUTE)
        elif channel == C.HOME_VISIT:
            by, logged = officer, received + timedelta(minutes=rng.randint(30, 90))
        else:  # phone, message taken, office visit: whoever took it logs it there and then
            direct = channel == C.PHONE and rng.random() < 0.3
            by = officer if direct else adviser
            logged = received + timedelta(minutes=rng.randint(3, 15))
        logged = min(logged, self.now)
        if plan.first_contact and by is not None:
            officer = by
        customer = plan.customer
        name = customer.first_name if customer is not None else "The caller"
        detail = rng.choice(plan.topic.details)
        subject = plan.topic.subject
        if plan.kind == K.MESSAGE:
            how = "Left a voicemail" if channel == C.VOICEMAIL else "Message taken"
            description = f"{how}: {name} asks for a call back about {subject.lower()}. {detail}"
            subject = f"Call back: {subject}"
        else:
            description = f"{name} got in touch about {subject.lower()}. {detail}"
        recorder = self.recorder
        draft = recorder.create(
            reference=reference,
            kind=plan.kind,
            channel=channel,
            received_at=received,
            subject=subject,
            by=by,
            now=logged,
            customer=customer,
            description=description,
            assign_to=officer if assign_now else None,
            team=organisation.teams[plan.topic.team],
            urgent=plan.urgent,
            resolved_at_first_contact=plan.first_contact,
        )
        if not assign_now:
            when = office.after(logged, rng.uniform(10, 180) * MINUTE)
            if not self.done(when):
                if plan.fate is not Fate.UNTOUCHED:
                    return draft  # still in the team's queue, waiting to be handed out
                when = self.now
            recorder.assign(draft, officer=officer, by=organisation.administrator, now=when)
        if plan.fate is Fate.UNTOUCHED:
            return draft
        if plan.first_contact:
            self.close_later(draft, resolved=logged)
            return draft
        story = {
            K.MESSAGE: self.message,
            K.COMPLAINT: self.complaint,
            K.COMPLIMENT: self.compliment,
        }.get(CaseKind(plan.kind), self.enquiry)
        story(draft, plan, logged)
        return draft

    # -- the stories --------------------------------------------------------------------

    def officer_of(self, draft: CaseDraft) -> StaffMember:
        officer = draft.case.assigned_to
        assert officer is not None
        return officer

    def message(self, draft: CaseDraft, plan: Plan, logged: datetime) -> None:
        rng, office = self.rng, self.office
        callback = next(
            (d for d in draft.deadlines if d.standard.stops is ClockEvent.CUSTOMER_CONTACTED), None
        )
        due = callback.row.due_at if callback and callback.row.due_at else logged
        if plan.urgent:
            when = office.after(logged, rng.uniform(5, 45) * MINUTE)
        else:
            when = office.after(logged, min(rng.expovariate(1 / 9000), office.days(2)))
        if rng.random() < LATE[K.MESSAGE]:
            when = office.after(max(due, when), rng.uniform(0.2, 1.5) * office.day_seconds)
        if plan.fate is Fate.STALLED:  # forgotten for weeks
            when = office.after(max(due, when), rng.uniform(3, 25) * office.day_seconds)
        if not self.done(when):
            return
        officer = self.officer_of(draft)
        name = draft.case.customer.first_name if draft.case.customer else "the caller"
        self.recorder.contact(
            draft,
            channel=C.PHONE,
            direction=Direction.OUTBOUND,
            by=officer,
            summary=f"Rang {name} back and talked it through.",
            at=when,
            now=when,
        )
        self.resolve(draft, when + timedelta(minutes=rng.randint(2, 30)))

    def enquiry(self, draft: CaseDraft, plan: Plan, logged: datetime) -> None:
        """General enquiries, information requests, subject access and FOI requests."""
        reply = self.reply_channel(plan)
        answered = self.answer(draft, plan, start=logged, reply=reply)
        if answered is None:
            return
        if self.rng.random() < 0.4:  # the work itself (a repair, a visit) takes a while longer
            self.resolve(
                draft, self.office.after(answered, self.office.days(self.rng.uniform(0.5, 10)))
            )
        else:
            self.resolve(draft, answered + timedelta(minutes=self.rng.randint(1, 90)))

    def complaint(self, draft: CaseDraft, plan: Plan, logged: datetime) -> None:
        rng, office, recorder = self.rng, self.office, self.recorder
        exclusions = self.policy.complaints.exclusions
        customer = plan.customer
        # Not one whose letter would need translating: the demo does not play translations.
        declinable = plan.fate is Fate.NORMAL and customer is not None and not customer.language
        if declinable and exclusions and rng.random() < DECLINED:
            self.decline(draft)
            return
        reply = C.LETTER if plan.channel == C.LETTER else C.EMAIL
        for stage in (1, 2):
            officer = self.officer_of(draft)
            acknowledge = draft.deadline(f"complaint_stage_{stage}_acknowledge")
            start = draft.events[-1].at
            due = acknowledge.row.due_at if acknowledge and acknowledge.row.due_at else start
            when = office.between(start, due, rng.random() ** 1.5)
            if when is None or rng.random() < 0.05:
                when = office.after(max(start, due), rng.uniform(0.2, 3) * office.day_seconds)
            if plan.fate is Fate.STALLED and stage == 1 and rng.random() < 0.5:
                when = office.after(max(start, due), rng.uniform(5, 25) * office.day_seconds)
            if not self.done(when):
                return
            recorder.contact(
                draft,
                channel=reply,
                direction=Direction.OUTBOUND,
                by=officer,
                summary=f"Stage {stage} acknowledgement: what we understand the complaint to be.",
                at=when,
                now=when,
            )
            recorder.acknowledge(draft, stage=stage, by=officer, at=when)
            answered = self.answer(draft, plan, start=when, reply=reply)
            if answered is None:
                return
            resolved = answered + timedelta(minutes=rng.randint(1, 60))
            if not self.done(resolved):
                return
            recorder.finish(draft, status=CaseStatus.RESOLVED, by=officer, now=resolved)
            escalates = office.after(resolved, rng.uniform(2, 15) * office.day_seconds)
            if stage == 2 or rng.random() > 0.18 or not self.done(escalates):
                self.close_later(draft, resolved=resolved)
                return
            manager = self.organisation.managers["complaints"]
            recorder.escalate(draft, by=self.organisation.administrator, at=escalates)
            recorder.assign(
                draft, officer=manager, by=self.organisation.administrator, now=escalates
            )

    def decline(self, draft: CaseDraft) -> None:
        """Not accepted as a complaint: decided within the time for the stage 1
        acknowledgement, instead of it (nothing more happens on the case until then)."""
        acknowledge = draft.deadline("complaint_stage_1_acknowledge")
        start = draft.events[-1].at
        due = acknowledge.row.due_at if acknowledge and acknowledge.row.due_at else start
        when = self.office.between(start, due, self.rng.random())
        if when is None:
            when = self.office.after(start, self.rng.uniform(0.2, 2) * self.office.day_seconds)
        if self.done(when):
            self._declined.append((draft.case.reference, when))

    def compliment(self, draft: CaseDraft, plan: Plan, logged: datetime) -> None:
        when = self.office.after(logged, self.rng.uniform(0.1, 3) * self.office.day_seconds)
        if not self.done(when):
            return
        officer = self.officer_of(draft)
        self.recorder.contact(
            draft,
            channel=C.LETTER if plan.channel == C.LETTER else C.EMAIL,
            direction=Direction.OUTBOUND,
            by=officer,
            summary="Thanked the customer and passed the compliment on to the team.",
            at=when,
            now=when,
        )
        self.resolve(draft, when + timedelta(minutes=self.rng.randint(1, 30)))

    # -- pieces ---------------------------------------------------------------------------

    def answer(
        self, draft: CaseDraft, plan: Plan, *, start: datetime, reply: str
    ) -> datetime | None:
        """Work towards the response: perhaps a note, a holding reply, a wait for the
        customer; then respond on time, or late. None if the response is not sent yet."""
        rng, office, recorder = self.rng, self.office, self.recorder
        kind = CaseKind(plan.kind)
        deadline = next(
            (
                d
                for d in draft.deadlines
                if d.row.status in {"open", "paused"}
                and d.standard.stops is ClockEvent.RESPONSE_SENT
            ),
            None,
        )
        key = deadline.row.standard_key if deadline else None
        nominal = self.duration(NOMINAL.get(kind, "5 working days"))
        due = deadline.row.due_at if deadline and deadline.row.due_at else None
        due = due or due_at(start, nominal, self.calendar)
        officer = self.officer_of(draft)
        if deadline and deadline.standard.holding_reply and rng.random() < HOLDING.get(kind, 0):
            low = max(start, due - timedelta(seconds=office.days(3)))
            when = office.between(low, due - timedelta(minutes=15), rng.random())
            if when is not None:
                if not self.done(when):
                    return None
                revision = "1 month" if kind == K.SUBJECT_ACCESS_REQUEST else "5 working days"
                recorder.hold(
                    draft,
                    key=deadline.row.standard_key,
                    reason=rng.choice(HOLDING_REASONS),
                    revised=self.duration(revision),
                    by=officer,
                    now=when,
                )
                due = deadline.row.due_at or due
        waits = 0.5 if kind == K.SUBJECT_ACCESS_REQUEST else 0.07
        if rng.random() < waits:
            when = office.between(
                start, min(due, office.after(start, office.days(2))), rng.random()
            )
            if when is not None:
                if not self.done(when):
                    return None
                reason = PauseReason.WAITING_FOR_CUSTOMER
                if kind == K.SUBJECT_ACCESS_REQUEST:
                    reason = rng.choice(
                        [PauseReason.IDENTITY_CHECK] * 4 + [PauseReason.CLARIFICATION_REQUESTED]
                    )
                recorder.wait(draft, reason=reason, by=officer, now=when)
                paused = any(d.row.status == "paused" for d in draft.deadlines)
                if not paused and rng.random() < 0.15:  # never heard back: closed in the end
                    closed = office.after(when, rng.uniform(15, 25) * office.day_seconds)
                    if self.done(closed):
                        recorder.finish(draft, status=CaseStatus.CLOSED, by=officer, now=closed)
                    return None
                back = office.after(when, rng.uniform(0.3, 12) * office.day_seconds)
                if not self.done(back):
                    return None
                recorder.resume(draft, by=officer, now=back)
                start = back
                if key is not None:
                    found = draft.deadline(key)
                    due = found.row.due_at if found and found.row.due_at else due
        when = None
        if rng.random() >= LATE.get(kind, 0.07):
            when = office.between(start + timedelta(minutes=5), due, rng.random() ** 1.1)
        if when is None:  # late (or no office time left before the due time)
            when = office.after(max(start, due), rng.uniform(0.1, 6) * office.day_seconds)
        if plan.fate is Fate.STALLED:  # forgotten for weeks
            when = office.after(max(start, due), rng.uniform(5, 40) * office.day_seconds)
        if rng.random() < 0.25:
            noted = office.between(start, when, rng.random())
            if self.done(noted) and noted is not None:
                recorder.note(draft, text=rng.choice(NOTES), by=officer, now=noted)
        if not self.done(when):
            return None
        summary = "Full response sent." if kind != K.COMPLAINT else "Complaint response sent."
        recorder.respond(draft, channel=reply, summary=summary, by=officer, at=when)
        return when

    def reply_channel(self, plan: Plan) -> str:
        channel, rng = plan.channel, self.rng
        if channel == C.LETTER:
            return C.LETTER if rng.random() < 0.7 else C.EMAIL
        if channel in {C.EMAIL, C.WEB}:
            return C.EMAIL
        return rng.choices([C.EMAIL, C.LETTER, C.PHONE], [55, 30, 15])[0]

    def resolve(self, draft: CaseDraft, when: datetime) -> None:
        if not self.done(when):
            return
        officer = self.officer_of(draft)
        self.recorder.finish(draft, status=CaseStatus.RESOLVED, by=officer, now=when)
        self.close_later(draft, resolved=when)

    def close_later(self, draft: CaseDraft, *, resolved: datetime) -> None:
        """Most resolved cases are closed a few weeks on, when nothing more has come in."""
        if self.rng.random() > 0.7:
            return
        when = self.office.after(resolved + timedelta(days=self.rng.randint(10, 28)), 1800)
        officer = draft.case.assigned_to
        if self.done(when) and officer is not None:
            self.recorder.finish(draft, status=CaseStatus.CLOSED, by=officer, now=when)
