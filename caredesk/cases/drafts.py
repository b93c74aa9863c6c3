"""The case services' rules, replayed in memory, so many cases can be bulk-inserted.

The demo's year of cases and the voicemails of a call records import are written this
way: one insert per table instead of a dozen queries per case.

Each method of `Recorder` matches one function of `caredesk.cases.services` and writes
the same rows (case, contacts, deadlines, pauses, holding replies, events) with the same
values, but into lists instead of the database; `save_drafts` then writes them. Due
times, warning times and statuses come from the same function as the services'
(`services.deadline_times_apply`: the engine's `deadline_times` and `warning_time`).
A test (caredesk/demo/tests/test_recorder.py) replays recorded calls through the real
services and compares the results.

Every call is also kept (`CaseDraft.calls`) so that such a replay is possible.

What the services do beyond the rows is not replayed: an urgent case is not queued for
the line manager at once (the worker's sweep passes it on within a minute).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import F

from caredesk.cases.models import (
    Case,
    CaseEvent,
    CaseStatus,
    Contact,
    Deadline,
    DeadlinePause,
    DeadlineStatus,
    Direction,
    EventKind,
    HoldingReply,
    ReferenceCounter,
)
from caredesk.cases.services import (
    CaseError,
    deadline_met_apply,
    deadline_times_apply,
    events_on_receipt,
)
from caredesk.customers.models import Customer
from caredesk.staff.models import Absence, StaffMember, Team
from caredesk.staff.selectors import absence_is_long
from caredesk.standards import Duration, Policy, due_at, revised_due
from caredesk.standards import HoldingReply as EngineHoldingReply
from caredesk.standards import Pause as EnginePause
from caredesk.standards.policy import CaseKind as PolicyCaseKind
from caredesk.standards.policy import Channel as PolicyChannel
from caredesk.standards.policy import ClockEvent, DeadlineStandard
from caredesk.standards.policy import PauseReason as PolicyPauseReason

UNFINISHED = (DeadlineStatus.OPEN, DeadlineStatus.PAUSED)


@dataclass
class DeadlineDraft:
    row: Deadline
    standard: DeadlineStandard
    pauses: list[DeadlinePause] = field(default_factory=list)
    holding_replies: list[HoldingReply] = field(default_factory=list)


@dataclass
class CaseDraft:
    case: Case
    contacts: list[Contact] = field(default_factory=list)
    events: list[CaseEvent] = field(default_factory=list)
    deadlines: list[DeadlineDraft] = field(default_factory=list)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def deadline(self, key: str) -> DeadlineDraft | None:
        """The unfinished deadline of a standard, if there is one."""
        for draft in self.deadlines:
            if draft.row.standard_key == key and draft.row.status in UNFINISHED:
                return draft
        return None


class Recorder:
    def __init__(self, *, policy: Policy, absences: Sequence[Absence], keep_calls: bool = False):
        self.policy = policy
        self.calendar = policy.working_calendar
        self.zone = self.calendar.zone
        self.keep_calls = keep_calls
        self._long_absences: dict[int, list[Absence]] = {}
        for absence in absences:
            if absence_is_long(absence, policy):
                self._long_absences.setdefault(absence.staff.pk, []).append(absence)

    # -- services.case_create ---------------------------------------------------------

    def create(
        self,
        *,
        reference: str,
        kind: str,
        channel: str,
        received_at: datetime,
        subject: str,
        by: StaffMember | None,
        now: datetime,
        customer: Customer | None = None,
        description: str = "",
        assign_to: StaffMember | None = None,
        team: Team | None = None,
        urgent: bool = False,
        resolved_at_first_contact: bool = False,
    ) -> CaseDraft:
        if received_at > now:
            raise CaseError("A case cannot be received in the future.")
        rafc = resolved_at_first_contact
        draft = CaseDraft(
            Case(
                reference=reference,
                kind=kind,
                channel=channel,
                received_at=received_at,
                subject=subject.strip(),
                description=description,
                customer=customer,
                team=team or (assign_to.team if assign_to else None),
                urgent=urgent,
                resolved_at_first_contact=rafc,
                status=CaseStatus.RESOLVED if rafc else CaseStatus.OPEN,
                created_at=now,
            )
        )
        self._call(draft, "create", locals())
        self._event(draft, EventKind.CREATED, by, now, kind=kind, channel=channel)
        self._contact(draft, channel, Direction.INBOUND, at=received_at, by=by, summary=description)
        if assign_to is not None:
            self._assign(draft, assign_to, by=by, at=now)
        receipt = events_on_receipt(kind=kind, channel=channel, resolved_at_first_contact=rafc)
        self._fire(draft, receipt, at=received_at, by=by, now=now)
        if rafc:
            events = {ClockEvent.RESPONSE_SENT, ClockEvent.CUSTOMER_CONTACTED}
            self._fire(draft, events, at=received_at, by=by, now=now)
        return draft

    # -- working a case ---------------------------------------------------------------

    def assign(
        self, draft: CaseDraft, *, officer: StaffMember, by: StaffMember, now: datetime
    ) -> None:
        self._call(draft, "assign", locals())
        self._assign(draft, officer, by=by, at=now)

    def taker(self, officer: StaffMember, day: date) -> StaffMember:
        """staff.selectors.cover_for, over the demo's own absences."""
        seen = {officer.pk}
        current = officer
        while (absence := self._away(current, day)) is not None:
            successor = absence.cover or current.line_manager
            if successor is None or successor.pk in seen:
                return current
            seen.add(successor.pk)
            current = successor
        return current

    def _away(self, staff: StaffMember, day: date) -> Absence | None:
        found = [
            a for a in self._long_absences.get(staff.pk, ()) if a.first_day <= day <= a.last_day
        ]
        return max(found, key=lambda a: a.last_day) if found else None

    def _assign(
        self, draft: CaseDraft, officer: StaffMember, *, by: StaffMember | None, at: datetime
    ) -> None:
        case = draft.case
        taker = self.taker(officer, at.astimezone(self.zone).date())
        kind = EventKind.REASSIGNED if case.assigned_to is not None else EventKind.ASSIGNED
        previous = case.assigned_to.pk if case.assigned_to is not None else None
        case.assigned_to = taker
        case.team = taker.team or case.team
        for deadline in draft.deadlines:
            if deadline.row.status in UNFINISHED:
                deadline.row.assigned_to, deadline.row.team = taker, case.team
        details: dict[str, Any] = {"to": taker.pk, "from": previous}
        if taker.pk != officer.pk:
            details |= {"asked_for": officer.pk, "reason": "away"}
        self._event(draft, kind, by, at, **details)

    def note(self, draft: CaseDraft, *, text: str, by: StaffMember, now: datetime) -> None:
        self._call(draft, "note", locals())
        self._event(draft, EventKind.NOTE, by, now, text=text.strip())

    def contact(
        self,
        draft: CaseDraft,
        *,
        channel: str,
        direction: str,
        by: StaffMember,
        summary: str,
        at: datetime,
        now: datetime,
    ) -> None:
        """services.contact_log: an outbound contact meets a callback standard."""
        self._call(draft, "contact", locals())
        self._contact(draft, channel, direction, at=at, by=by, summary=summary)
        self._event(draft, EventKind.CONTACT, by, now, channel=channel, direction=direction)
        if direction == Direction.OUTBOUND:
            self._fire(draft, {ClockEvent.CUSTOMER_CONTACTED}, at=at, by=by, now=now)

    def respond(
        self, draft: CaseDraft, *, channel: str, summary: str, by: StaffMember, at: datetime
    ) -> None:
        """services.response_send, recorded when it is sent (`at` is also the clock's now)."""
        self._call(draft, "respond", locals())
        self._contact(draft, channel, Direction.OUTBOUND, at=at, by=by, summary=summary)
        self._event(draft, EventKind.RESPONSE, by, at, channel=channel)
        events = {ClockEvent.RESPONSE_SENT, ClockEvent.CUSTOMER_CONTACTED}
        self._fire(draft, events, at=at, by=by, now=at)

    def acknowledge(self, draft: CaseDraft, *, stage: int, by: StaffMember, at: datetime) -> None:
        """services.complaint_acknowledge."""
        self._call(draft, "acknowledge", locals())
        event = {1: ClockEvent.STAGE_1_ACKNOWLEDGED, 2: ClockEvent.STAGE_2_ACKNOWLEDGED}[stage]
        self._event(draft, EventKind.CONTACT, by, at, acknowledged_stage=stage)
        self._fire(draft, {event}, at=at, by=by, now=at)

    def escalate(self, draft: CaseDraft, *, by: StaffMember | None, at: datetime) -> None:
        """services.complaint_escalate: the customer asks for stage 2."""
        self._call(draft, "escalate", locals())
        draft.case.status = CaseStatus.OPEN
        self._event(draft, EventKind.ESCALATION, by, at, stage=2)
        self._fire(draft, {ClockEvent.STAGE_2_REQUESTED}, at=at, by=by, now=at)

    def hold(
        self,
        draft: CaseDraft,
        *,
        key: str,
        reason: str,
        revised: Duration,
        by: StaffMember,
        now: datetime,
    ) -> None:
        """services.holding_reply_send, with a revised date given as a duration."""
        deadline = draft.deadline(key)
        if deadline is None:
            raise CaseError(f"{draft.case.reference} has no unfinished {key} deadline.")
        self._call(draft, "hold", locals())
        standard = deadline.standard
        if not standard.holding_reply:
            raise CaseError(f"“{standard.name}” does not allow a holding reply.")
        revised_at = revised_due(reply_at=now, revision=revised, calendar=self.calendar)
        if standard.max_extension is not None and deadline.row.standard_due_at is not None:
            original = deadline.row.standard_due_at - timedelta(microseconds=1)
            if revised_at > due_at(original, standard.max_extension, self.calendar):
                raise CaseError(f"{draft.case.reference}: revised date beyond the extension.")
        deadline.holding_replies.append(
            HoldingReply(
                deadline=deadline.row,
                sent_at=now,
                reason=reason.strip(),
                revised_due_at=revised_at,
                sent_by=by,
            )
        )
        self._refresh(deadline)
        self._event(
            draft,
            EventKind.HOLDING_REPLY,
            by,
            now,
            standard=key,
            reason=reason.strip(),
            revised_due_at=revised_at.isoformat(),
        )

    def wait(self, draft: CaseDraft, *, reason: str, by: StaffMember, now: datetime) -> None:
        """services.case_wait_for_customer: pauses the standards that allow this reason."""
        self._call(draft, "wait", locals())
        draft.case.status = CaseStatus.WAITING_FOR_CUSTOMER
        paused = []
        for deadline in draft.deadlines:
            if deadline.row.status != DeadlineStatus.OPEN:
                continue
            if PolicyPauseReason(reason) in deadline.standard.pause_reasons:
                pause = DeadlinePause(deadline=deadline.row, reason=reason, starts_at=now)
                deadline.pauses.append(pause)
                self._refresh(deadline)
                paused.append(deadline.row.standard_key)
        status = CaseStatus.WAITING_FOR_CUSTOMER.value
        self._event(
            draft, EventKind.STATUS_CHANGED, by, now, status=status, reason=reason, paused=paused
        )

    def resume(self, draft: CaseDraft, *, by: StaffMember, now: datetime) -> None:
        """services.case_resume: the clocks run again, later by the time paused."""
        self._call(draft, "resume", locals())
        self._end_open_pauses(draft.deadlines, at=now)
        for deadline in draft.deadlines:
            if deadline.row.status == DeadlineStatus.PAUSED:
                self._refresh(deadline)
        draft.case.status = CaseStatus.OPEN
        self._event(draft, EventKind.STATUS_CHANGED, by, now, status=CaseStatus.OPEN.value)

    def finish(self, draft: CaseDraft, *, status: str, by: StaffMember, now: datetime) -> None:
        """services.case_finish: deadlines not met by then end unmet."""
        self._call(draft, "finish", locals())
        self._end_open_pauses(draft.deadlines, at=now)
        for deadline in draft.deadlines:
            if deadline.row.status in UNFINISHED and not deadline.row.outlives_case:
                deadline.row.status, deadline.row.ended_at = DeadlineStatus.ENDED_UNMET, now
        draft.case.status = status
        self._event(draft, EventKind.STATUS_CHANGED, by, now, status=status)

    # -- deadlines (services._fire and services._refresh) ------------------------------

    def _fire(
        self,
        draft: CaseDraft,
        events: Iterable[ClockEvent],
        *,
        at: datetime,
        by: StaffMember | None,
        now: datetime,
    ) -> None:
        events = set(events)
        for deadline in draft.deadlines:
            if deadline.row.status in UNFINISHED and deadline.standard.stops in events:
                self._end_open_pauses([deadline], at=at)
                deadline_met_apply(deadline.row, at=at, policy=self.policy)
                key = deadline.standard.key
                self._event(
                    draft, EventKind.DEADLINE_MET, by, now, standard=key, met_at=at.isoformat()
                )
        unfinished = {d.row.standard_key for d in draft.deadlines if d.row.status in UNFINISHED}
        case = draft.case
        kind, channel = PolicyCaseKind(case.kind), PolicyChannel(case.channel)
        for standard in self.policy.deadline_standards():
            if standard.starts not in events or standard.key in unfinished:
                continue
            if not standard.applies_to(channel=channel, kind=kind):
                continue
            row = Deadline(
                case=case,
                standard_key=standard.key,
                starts_at=at,
                assigned_to=case.assigned_to,
                team=case.team,
                status=DeadlineStatus.OPEN,
            )
            deadline = DeadlineDraft(row, standard)
            self._refresh(deadline)
            draft.deadlines.append(deadline)
            due = row.due_at.isoformat() if row.due_at else None
            self._event(
                draft, EventKind.DEADLINE_STARTED, by, now, standard=standard.key, due_at=due
            )

    def _refresh(self, deadline: DeadlineDraft) -> None:
        deadline_times_apply(
            deadline.row,
            pauses=[EnginePause(p.starts_at, p.ends_at) for p in deadline.pauses],
            holding_replies=[
                EngineHoldingReply(r.sent_at, r.revised_due_at) for r in deadline.holding_replies
            ],
            policy=self.policy,
        )

    @staticmethod
    def _end_open_pauses(deadlines: Iterable[DeadlineDraft], *, at: datetime) -> None:
        for deadline in deadlines:
            for pause in deadline.pauses:
                if pause.ends_at is None:
                    pause.ends_at = at

    # -- rows -----------------------------------------------------------------------------

    @staticmethod
    def _contact(
        draft: CaseDraft,
        channel: str,
        direction: str,
        *,
        at: datetime,
        by: StaffMember | None,
        summary: str,
    ) -> None:
        draft.contacts.append(
            Contact(
                case=draft.case,
                channel=channel,
                direction=direction,
                at=at,
                staff=by,
                summary=summary,
            )
        )

    @staticmethod
    def _event(
        draft: CaseDraft, what: EventKind, actor: StaffMember | None, at: datetime, **data: Any
    ) -> None:
        draft.events.append(CaseEvent(case=draft.case, kind=what, actor=actor, at=at, data=data))

    def _call(self, draft: CaseDraft, name: str, arguments: dict[str, Any]) -> None:
        if self.keep_calls:
            skip = {"self", "draft", "rafc", "deadline"}
            kept = {k: v for k, v in arguments.items() if k not in skip}
            draft.calls.append((name, kept))


# -- writing ------------------------------------------------------------------------------


def references_reserve(policy: Policy, received: Sequence[datetime]) -> list[str]:
    """References for new cases received at these times, in order: HHT-2025-000123, as
    services._next_reference gives them one by one. The counters move on by the number
    taken, so cases made at the same time elsewhere get other numbers."""
    prefix = policy.organisation.reference_prefix
    zone = policy.working_calendar.zone
    years = [moment.astimezone(zone).year for moment in received]
    first: dict[int, int] = {}
    for year, taken in sorted(Counter(years).items()):  # one order: no deadlock
        counter, _ = ReferenceCounter.objects.get_or_create(prefix=prefix, year=year)
        ReferenceCounter.objects.filter(pk=counter.pk).update(last=F("last") + taken)
        counter.refresh_from_db(fields=["last"])
        first[year] = counter.last - taken + 1
    references = []
    for year in years:
        references.append(f"{prefix}-{year}-{first[year]:06d}")
        first[year] += 1
    return references


def save_drafts(drafts: Sequence[CaseDraft]) -> None:
    """Write cases and everything on them with one bulk insert per table."""
    Case.objects.bulk_create([draft.case for draft in drafts])
    Contact.objects.bulk_create([contact for draft in drafts for contact in draft.contacts])
    deadlines = [deadline for draft in drafts for deadline in draft.deadlines]
    Deadline.objects.bulk_create([deadline.row for deadline in deadlines])
    DeadlinePause.objects.bulk_create([p for deadline in deadlines for p in deadline.pauses])
    HoldingReply.objects.bulk_create(
        [r for deadline in deadlines for r in deadline.holding_replies]
    )
    CaseEvent.objects.bulk_create([event for draft in drafts for event in draft.events])
