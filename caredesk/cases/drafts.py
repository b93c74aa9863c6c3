"""Cases written in bulk: the case rules applied in memory, then one insert per table.

The demo's year of cases and the voicemails of a call records import are written this
way, instead of a dozen queries per case. Each method of `Recorder` is one action of
`cases.services` (create, assign, contact, respond, hold, wait, resume, finish, the
complaint stages): it asks `cases.rules` what the action does to the case's clocks,
as the services do, builds the rows (case, contacts, deadlines, pauses, holding
replies, and the events through `cases.events`) in lists, and `save_drafts` writes
them. Due times, warning times and statuses come from the same function as the
services' (`timing.deadline_times_apply`: the engine's). Nothing here decides a rule.

What the services do beyond the rows is not done here: an urgent case is not queued for
the line manager at once (the worker's sweep passes it on within a minute).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import F

from caredesk.cases import errors, events, rules
from caredesk.cases.holding_dates import revised_date_checked, revision_bounds
from caredesk.cases.models import (
    UNFINISHED,
    Case,
    CaseEvent,
    CaseStatus,
    Contact,
    Deadline,
    DeadlinePause,
    DeadlineStatus,
    Direction,
    HoldingReply,
    ReferenceCounter,
)
from caredesk.cases.services import case_new
from caredesk.cases.timing import deadline_met_apply, deadline_times_apply
from caredesk.customers.models import Customer
from caredesk.staff.models import Absence, StaffMember, Team
from caredesk.staff.selectors import absence_is_long, cover_chain
from caredesk.standards import Duration, Policy
from caredesk.standards import HoldingReply as EngineHoldingReply
from caredesk.standards import Pause as EnginePause
from caredesk.standards.policy import ClockEvent, DeadlineStandard


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

    def deadline(self, key: str) -> DeadlineDraft | None:
        """The unfinished deadline of a standard, if there is one."""
        for draft in self.deadlines:
            if draft.row.standard_key == key and draft.row.status in UNFINISHED:
                return draft
        return None

    def running(self) -> list[rules.Running]:
        """The unfinished deadlines, as the rules see them (named by their place)."""
        return [
            rules.Running(index, draft.row.standard_key)
            for index, draft in enumerate(self.deadlines)
            if draft.row.status in UNFINISHED
        ]


class Recorder:
    def __init__(self, *, policy: Policy, absences: Sequence[Absence]):
        self.policy = policy
        self.calendar = policy.working_calendar
        self.zone = self.calendar.zone
        self._long_absences: dict[int, list[Absence]] = {}
        for absence in absences:
            if absence_is_long(absence=absence, policy=policy):
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
        rafc = resolved_at_first_contact
        case = case_new(
            reference=reference,
            kind=kind,
            channel=channel,
            received_at=received_at,
            subject=subject,
            description=description,
            customer=customer,
            team=team or (assign_to.team if assign_to else None),
            urgent=urgent,
            resolved_at_first_contact=rafc,
            now=now,
        )
        draft = CaseDraft(case)
        draft.events.append(
            events.case_opened(case=case, by=by, at=now, kind=kind, channel=channel)
        )
        self._contact(draft, channel, Direction.INBOUND, at=received_at, by=by, summary=description)
        if assign_to is not None:
            self._assign(draft, assign_to, by=by, at=now)
        receipt = rules.events_on_receipt(
            kind=kind, channel=channel, resolved_at_first_contact=rafc
        )
        self._fire(draft, receipt, at=received_at, by=by, now=now)
        if rafc:
            self._fire(draft, rules.RESPONSE_EVENTS, at=received_at, by=by, now=now)
        return draft

    # -- working a case ---------------------------------------------------------------

    def assign(
        self, draft: CaseDraft, *, officer: StaffMember, by: StaffMember, now: datetime
    ) -> None:
        self._assign(draft, officer, by=by, at=now)

    def taker(self, officer: StaffMember, day: date) -> StaffMember:
        """staff.selectors.cover_get, over the absences given to the recorder."""
        return cover_chain(staff=officer, away=lambda person: self._away(person, day))

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
        previous = case.assigned_to.pk if case.assigned_to is not None else None
        case.assigned_to = taker
        case.team = taker.team or case.team
        for deadline in draft.deadlines:
            if deadline.row.status in UNFINISHED:
                deadline.row.assigned_to, deadline.row.team = taker, case.team
        draft.events.append(
            events.case_assigned(
                case=case, by=by, at=at, to=taker, previous=previous, asked_for=officer
            )
        )

    def note(self, draft: CaseDraft, *, text: str, by: StaffMember, now: datetime) -> None:
        draft.events.append(events.note_added(case=draft.case, by=by, at=now, text=text.strip()))

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
        """services.contact_log."""
        self._contact(draft, channel, direction, at=at, by=by, summary=summary)
        draft.events.append(
            events.contact_recorded(
                case=draft.case, by=by, at=now, channel=channel, direction=direction
            )
        )
        fired = rules.events_on_contact(direction=direction)
        if fired:
            self._fire(draft, fired, at=at, by=by, now=now)

    def respond(
        self, draft: CaseDraft, *, channel: str, summary: str, by: StaffMember, at: datetime
    ) -> None:
        """services.response_send, recorded when it is sent (`at` is also the clock's now)."""
        self._contact(draft, channel, Direction.OUTBOUND, at=at, by=by, summary=summary)
        draft.events.append(events.response_sent(case=draft.case, by=by, at=at, channel=channel))
        self._fire(draft, rules.RESPONSE_EVENTS, at=at, by=by, now=at)

    def acknowledge(self, draft: CaseDraft, *, stage: int, by: StaffMember, at: datetime) -> None:
        """services.complaint_acknowledge."""
        fired = rules.events_on_acknowledgement(stage=stage)
        if fired is None:
            raise errors.UnknownStage("A complaint has stage 1 or stage 2.")
        draft.events.append(
            events.complaint_acknowledged(case=draft.case, by=by, at=at, stage=stage)
        )
        self._fire(draft, fired, at=at, by=by, now=at)

    def escalate(self, draft: CaseDraft, *, by: StaffMember | None, at: datetime) -> None:
        """services.complaint_escalate: the customer asks for stage 2."""
        fired = rules.events_on_escalation(stage=2)
        assert fired is not None
        draft.case.status = CaseStatus.OPEN
        draft.events.append(events.complaint_escalated(case=draft.case, by=by, at=at, stage=2))
        self._fire(draft, fired, at=at, by=by, now=at)

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
            raise errors.NoUnfinishedDeadline(
                f"{draft.case.reference} has no unfinished {key} deadline."
            )
        standard = deadline.standard
        if not standard.holding_reply:
            raise errors.HoldingReplyNotAllowed(
                f"“{standard.name}” does not allow a holding reply."
            )
        bounds = revision_bounds(
            policy=self.policy,
            standard=standard,
            now=now,
            due=deadline.row.due_at,  # after the date the customer already has
            standard_due_at=deadline.row.standard_due_at,
        )
        revised_at = revised_date_checked(bounds=bounds, revised=revised, calendar=self.calendar)
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
        draft.events.append(
            events.holding_reply_sent(
                case=draft.case,
                by=by,
                at=now,
                standard=key,
                reason=reason.strip(),
                revised_due_at=revised_at,
            )
        )

    def wait(self, draft: CaseDraft, *, reason: str, by: StaffMember, now: datetime) -> None:
        """services.case_wait_for_customer: pauses the standards that allow this reason."""
        draft.case.status = CaseStatus.WAITING_FOR_CUSTOMER
        open_deadlines = [
            rules.Running(index, deadline.row.standard_key)
            for index, deadline in enumerate(draft.deadlines)
            if deadline.row.status == DeadlineStatus.OPEN
        ]
        to_pause = rules.clocks_to_pause(
            policy=self.policy, open_deadlines=open_deadlines, reason=reason
        )
        paused = []
        for index, deadline in enumerate(draft.deadlines):
            if index in to_pause:
                pause = DeadlinePause(deadline=deadline.row, reason=reason, starts_at=now)
                deadline.pauses.append(pause)
                self._refresh(deadline)
                paused.append(deadline.row.standard_key)
        draft.events.append(
            events.case_paused(case=draft.case, by=by, at=now, reason=reason, paused=paused)
        )

    def resume(self, draft: CaseDraft, *, by: StaffMember, now: datetime) -> None:
        """services.case_resume: the clocks run again, later by the time paused."""
        self._end_open_pauses(draft.deadlines, at=now)
        for deadline in draft.deadlines:
            if deadline.row.status == DeadlineStatus.PAUSED:
                self._refresh(deadline)
        draft.case.status = CaseStatus.OPEN
        draft.events.append(events.case_resumed(case=draft.case, by=by, at=now))

    def finish(self, draft: CaseDraft, *, status: str, by: StaffMember, now: datetime) -> None:
        """services.case_finish: deadlines not met by then end unmet."""
        self._end_open_pauses(draft.deadlines, at=now)
        ended = []
        for deadline in draft.deadlines:
            row = deadline.row
            if row.status in UNFINISHED and rules.ends_with_case(outlives_case=row.outlives_case):
                row.status, row.ended_at = DeadlineStatus.ENDED_UNMET, now
                ended.append(row.standard_key)
        draft.case.status = status
        draft.events.append(
            events.case_finished(case=draft.case, by=by, at=now, status=status, ended=ended)
        )

    # -- deadlines (services._fire and services._refresh) ------------------------------

    def _fire(
        self,
        draft: CaseDraft,
        fired: Iterable[ClockEvent],
        *,
        at: datetime,
        by: StaffMember | None,
        now: datetime,
    ) -> None:
        case = draft.case
        changes = rules.clock_changes(
            policy=self.policy,
            kind=case.kind,
            channel=case.channel,
            running=draft.running(),
            events=fired,
        )
        for index in changes.meet:
            assert isinstance(index, int)
            deadline = draft.deadlines[index]
            self._end_open_pauses([deadline], at=at)
            deadline_met_apply(deadline.row, at=at, policy=self.policy)
            draft.events.append(
                events.deadline_met(
                    case=case, by=by, at=now, standard=deadline.standard.key, met_at=at
                )
            )
        for standard in changes.start:
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
            draft.events.append(
                events.deadline_started(
                    case=case, by=by, at=now, standard=standard.key, due_at=row.due_at
                )
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
    events.record_all(event for draft in drafts for event in draft.events)
