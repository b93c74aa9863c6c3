"""Changing cases. Every change writes a CaseEvent; every due time comes from the engine.

Each action fires clock events (DESIGN.md glossary: a standard's clock starts and
stops on events such as "received" or "response sent"). Which events, and what they do
to the case's deadlines, is decided by `cases.rules`; `_fire` writes what it decides.
The events of the timeline are made by `cases.events`. Channels do not open cases
here themselves: they call `cases.intake.contact_receive`, which calls `case_create`.

Each service reads the clock once (`now`) and passes it down. Each change to a case
takes the case's row lock first, before its deadlines, and checks the case as it is
under the lock (`cases.locks`): two people acting on one case take turns. Each runs
in `core.db.write_transaction`: on SQLite, which has no row locks, that takes the
database's write lock first, so a second writer waits its turn instead of failing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import F

from caredesk.cases import errors, events, mentions, rules
from caredesk.cases.holding_dates import revised_date_checked, revision_bounds
from caredesk.cases.locks import case_breach_refuse, case_lock, case_status_require
from caredesk.cases.models import (
    UNFINISHED,
    Case,
    CaseEvent,
    CaseKind,
    CaseStatus,
    Channel,
    ComplaintOutcome,
    Contact,
    Deadline,
    DeadlinePause,
    DeadlineStatus,
    Direction,
    HoldingReply,
    PauseReason,
    ReferenceCounter,
)
from caredesk.cases.timing import deadline_met_apply, deadline_times_apply
from caredesk.core.active_policy import active_policy
from caredesk.core.clock import Clock, system_clock
from caredesk.core.db import write_transaction
from caredesk.core.tasks import enqueue_after_commit
from caredesk.customers.models import Customer
from caredesk.staff.models import StaffMember, Team
from caredesk.staff.permissions import Can, allowed
from caredesk.staff.selectors import cover_get
from caredesk.standards import Duration, Policy
from caredesk.standards import HoldingReply as EngineHoldingReply
from caredesk.standards import Pause as EnginePause
from caredesk.standards.policy import ClockEvent, Rule

OPEN_STATUSES = rules.OPEN_STATUSES


# -- creating a case ------------------------------------------------------------------


@write_transaction()
def case_create(
    *,
    kind: str,
    channel: str,
    received_at: datetime,
    subject: str,
    by: StaffMember | None,
    customer: Customer | None = None,
    description: str = "",
    assign_to: StaffMember | None = None,
    team: Team | None = None,
    urgent: bool = False,
    resolved_at_first_contact: bool = False,
    raised_from: Case | None = None,
    policy: Policy | None = None,
    clock: Clock = system_clock,
) -> Case:
    """Log a new case and start every deadline of the policy that applies to it.
    `raised_from`: the case it is about (a complaint about a service request).

    Channels call `cases.intake.contact_receive`, which decides whether a contact opens
    a case or joins one."""
    policy = policy or active_policy()
    now = clock.now()
    case = case_new(
        reference=_next_reference(policy, received_at),
        kind=kind,
        channel=channel,
        received_at=received_at,
        subject=subject,
        description=description,
        customer=customer,
        team=team or (assign_to.team if assign_to else None),
        urgent=urgent,
        resolved_at_first_contact=resolved_at_first_contact,
        now=now,
    )
    case.raised_from = raised_from
    case.save(force_insert=True)
    rafc = resolved_at_first_contact
    events.record(events.case_opened(case=case, by=by, at=now, kind=kind, channel=channel))
    _record_contact(
        case, case.channel, Direction.INBOUND, at=received_at, by=by, summary=description
    )
    if assign_to is not None:
        _assign(case, assign_to, by=by, at=now, policy=policy)
    receipt = rules.events_on_receipt(kind=kind, channel=channel, resolved_at_first_contact=rafc)
    _fire(case, receipt, at=received_at, by=by, policy=policy, now=now)
    if rafc:
        _fire(case, rules.RESPONSE_EVENTS, at=received_at, by=by, policy=policy, now=now)
    if urgent and policy.has_rule(Rule.URGENT_MESSAGES_TO_LINE_MANAGER):
        # to the line manager at once (the worker's sweep also would)
        enqueue_after_commit("caredesk.notifications.tasks.escalate_urgent_case", case.pk)
    return case


def case_new(
    *,
    reference: str,
    kind: str,
    channel: str,
    received_at: datetime,
    subject: str,
    description: str,
    customer: Customer | None,
    team: Team | None,
    urgent: bool,
    resolved_at_first_contact: bool,
    now: datetime,
) -> Case:
    """A new case's row, not yet saved: the services save it, the drafts insert it in
    bulk. Refused if it was received later than now."""
    if received_at > now:
        raise errors.ReceivedInFuture("A case cannot be received in the future.")
    return Case(
        reference=reference,
        kind=CaseKind(kind),
        channel=Channel(channel),
        received_at=received_at,
        subject=subject.strip(),
        description=description,
        customer=customer,
        team=team,
        urgent=urgent,
        resolved_at_first_contact=resolved_at_first_contact,
        status=rules.status_on_receipt(resolved_at_first_contact=resolved_at_first_contact),
        created_at=now,
    )


def _next_reference(policy: Policy, received_at: datetime) -> str:
    """HHT-2025-000123: the policy's prefix, the year received, a number for the year."""
    prefix = policy.organisation.reference_prefix
    year = received_at.astimezone(policy.working_calendar.zone).year
    counter, _ = ReferenceCounter.objects.get_or_create(prefix=prefix, year=year)
    ReferenceCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db()
    return f"{prefix}-{year}-{counter.last:06d}"


# -- working a case -------------------------------------------------------------------


@write_transaction()
def case_assign(
    *,
    case: Case,
    officer: StaffMember,
    by: StaffMember,
    policy: Policy | None = None,
    clock: Clock = system_clock,
) -> Case:
    """Give the case to an officer, or to their cover while they are away."""
    now = clock.now()
    case_lock(case=case, now=now, policy=policy)
    _assign(case, officer, by=by, at=now, policy=policy or active_policy())
    return case


def _assign(
    case: Case, officer: StaffMember, *, by: StaffMember | None, at: datetime, policy: Policy
) -> None:
    owner = rules.owner_capability(kind=case.kind)
    if not allowed(officer, owner):
        if owner is Can.WORK_CASES:
            raise errors.NotACaseworker(
                f"{officer} does not take casework, so cannot be given a case."
            )
        raise errors.NotACaseworker(f"{officer} does not deal with cases of this kind.")
    today = at.astimezone(policy.working_calendar.zone).date()
    taker = cover_get(staff=officer, on=today, policy=policy)
    if owner is not Can.WORK_CASES and not allowed(taker, owner):
        taker = officer  # their cover could not deal with it: it stays theirs
    previous = case.assigned_to_id
    case.assigned_to = taker
    case.team = taker.team or case.team
    case.save(update_fields=["assigned_to", "team"])
    case.deadlines.filter(status__in=UNFINISHED).update(assigned_to=taker, team=case.team)
    events.record(
        events.case_assigned(
            case=case, by=by, at=at, to=taker, previous=previous, asked_for=officer
        )
    )


@write_transaction()
def note_add(*, case: Case, text: str, by: StaffMember, clock: Clock = system_clock) -> CaseEvent:
    """An internal note (never sent to the customer). Colleagues it names with @name
    (`cases.mentions`) are told; the names that named nobody are kept on the event."""
    if not text.strip():
        raise errors.EmptyNote("A note needs some text.")
    now = clock.now()
    case_lock(case=case, now=now)
    return mentions.note_record(case=case, by=by, at=now, text=text.strip())


@write_transaction()
def contact_log(
    *,
    case: Case,
    channel: str,
    direction: str,
    by: StaffMember | None,
    summary: str = "",
    at: datetime | None = None,
    policy: Policy | None = None,
    clock: Clock = system_clock,
) -> Contact:
    """Record an interaction on the case (`by` None: received by the system, an email
    say). Any contact we make with the customer meets a callback standard."""
    now = clock.now()
    case_lock(case=case, now=now, policy=policy)
    at = at or now
    contact = _record_contact(case, channel, direction, at=at, by=by, summary=summary)
    events.record(
        events.contact_recorded(case=case, by=by, at=now, channel=channel, direction=direction)
    )
    fired = rules.events_on_contact(direction=direction)
    if fired:
        _fire(case, fired, at=at, by=by, policy=policy or active_policy(), now=now)
    return contact


@write_transaction()
def response_send(
    *,
    case: Case,
    channel: str,
    summary: str,
    by: StaffMember,
    at: datetime | None = None,
    policy: Policy | None = None,
    clock: Clock = system_clock,
) -> Contact:
    """Send the full response: meets the deadlines that stop on a response."""
    now = clock.now()
    _take(case, now, policy, rules.MAY_RESPOND, "record a response")
    at = at or now
    contact = _record_contact(case, channel, Direction.OUTBOUND, at=at, by=by, summary=summary)
    events.record(events.response_sent(case=case, by=by, at=now, channel=channel))
    _fire(case, rules.RESPONSE_EVENTS, at=at, by=by, policy=policy or active_policy(), now=now)
    return contact


@write_transaction()
def complaint_acknowledge(
    *,
    case: Case,
    stage: int,
    by: StaffMember,
    at: datetime | None = None,
    policy: Policy | None = None,
    clock: Clock = system_clock,
) -> None:
    """Acknowledge a complaint at stage 1 or 2: starts that stage's response deadline."""
    if case.kind != CaseKind.COMPLAINT:
        raise errors.NotAComplaint("Only complaints are acknowledged at a stage.")
    fired = rules.events_on_acknowledgement(stage=stage)
    if fired is None:
        raise errors.UnknownStage("A complaint has stage 1 or stage 2.")
    now = clock.now()
    case_lock(case=case, now=now, policy=policy)
    events.record(events.complaint_acknowledged(case=case, by=by, at=now, stage=stage))
    _fire(case, fired, at=at or now, by=by, policy=policy or active_policy(), now=now)


@write_transaction()
def complaint_escalate(
    *,
    case: Case,
    by: StaffMember | None,
    at: datetime | None = None,
    policy: Policy | None = None,
    clock: Clock = system_clock,
) -> None:
    """The customer asks for stage 2."""
    if case.kind != CaseKind.COMPLAINT:
        raise errors.NotAComplaint("Only complaints go to stage 2.")
    fired = rules.events_on_escalation(stage=2)
    assert fired is not None  # stage 2 is the complaints procedure's last
    now = clock.now()
    case_lock(case=case, now=now, policy=policy)
    case.status = CaseStatus.OPEN
    case.save(update_fields=["status"])
    events.record(events.complaint_escalated(case=case, by=by, at=now, stage=2))
    _fire(case, fired, at=at or now, by=by, policy=policy or active_policy(), now=now)


@write_transaction()
def holding_reply_send(
    *,
    deadline: Deadline,
    reason: str,
    revised: datetime | Duration,
    by: StaffMember,
    policy: Policy | None = None,
    clock: Clock = system_clock,
) -> HoldingReply:
    """A holding reply: the reason and a revised date (Halton: letters and emails)."""
    policy = policy or active_policy()
    now = clock.now()
    case_lock(case=deadline.case, now=now, policy=policy)
    deadline.refresh_from_db()  # as it is now the case is ours
    standard = policy.deadline_standard(deadline.standard_key)
    if not standard.holding_reply:
        raise errors.HoldingReplyNotAllowed(f"“{standard.name}” does not allow a holding reply.")
    if deadline.status not in UNFINISHED:
        raise errors.DeadlineEnded("This deadline has already ended.")
    if not reason.strip():
        raise errors.HoldingReplyWithoutReason("Give the customer the reason for the delay.")
    bounds = revision_bounds(
        policy=policy,
        standard=standard,
        now=now,
        due=deadline.due_at,  # after the date the customer already has
        standard_due_at=deadline.standard_due_at,
    )
    revised_at = revised_date_checked(
        bounds=bounds, revised=revised, calendar=policy.working_calendar
    )
    reply = HoldingReply.objects.create(
        deadline=deadline, sent_at=now, reason=reason.strip(), revised_due_at=revised_at, sent_by=by
    )
    _refresh(deadline, policy)
    events.record(
        events.holding_reply_sent(
            case=deadline.case,
            by=by,
            at=now,
            standard=deadline.standard_key,
            reason=reply.reason,
            revised_due_at=revised_at,
        )
    )
    return reply


@write_transaction()
def case_wait_for_customer(
    *,
    case: Case,
    reason: str,
    by: StaffMember,
    policy: Policy | None = None,
    clock: Clock = system_clock,
) -> None:
    """Waiting for the customer: stops the clock of each standard that allows it."""
    now = clock.now()
    _take(case, now, policy, rules.MAY_WAIT, "wait for the customer")
    policy = policy or active_policy()
    reason = PauseReason(reason)
    case.status = CaseStatus.WAITING_FOR_CUSTOMER
    case.save(update_fields=["status"])
    open_deadlines = list(case.deadlines.filter(status=DeadlineStatus.OPEN))
    to_pause = rules.clocks_to_pause(
        policy=policy, open_deadlines=_running(open_deadlines), reason=reason
    )
    for deadline in open_deadlines:
        if deadline.pk in to_pause:
            DeadlinePause.objects.create(deadline=deadline, reason=reason, starts_at=now)
            _refresh(deadline, policy)
    paused = [deadline.standard_key for deadline in open_deadlines if deadline.pk in to_pause]
    events.record(events.case_paused(case=case, by=by, at=now, reason=reason, paused=paused))


@write_transaction()
def case_resume(
    *, case: Case, by: StaffMember, policy: Policy | None = None, clock: Clock = system_clock
) -> None:
    """The customer has replied: the clocks run again, later by the time paused."""
    now = clock.now()
    _take(case, now, policy, rules.MAY_RESUME, "restart its clocks")
    policy = policy or active_policy()
    _end_open_pauses(at=now, deadline__case=case)
    for deadline in case.deadlines.filter(status=DeadlineStatus.PAUSED):
        _refresh(deadline, policy)
    case.status = CaseStatus.OPEN
    case.save(update_fields=["status"])
    events.record(events.case_resumed(case=case, by=by, at=now))


@write_transaction()
def case_finish(
    *,
    case: Case,
    status: str,
    by: StaffMember,
    outcome: str = "",
    complaint_outcome: str = "",
    clock: Clock = system_clock,
) -> list[str]:
    """Resolve or close a case, saying what was done or decided (`outcome`; for a
    complaint, the decision: ComplaintOutcome). Deadlines not met by then end unmet, and
    say so; returns their standards' keys. A personal data breach is refused: the data
    protection officer closes it (`cases.breach_clock.breach_case_close`)."""
    case_breach_refuse(case=case, action="resolve or close it")
    return _finish(
        case=case,
        status=status,
        by=by,
        outcome=outcome,
        complaint_outcome=complaint_outcome,
        clock=clock,
    )


def _finish(
    *,
    case: Case,
    status: str,
    by: StaffMember,
    outcome: str = "",
    complaint_outcome: str = "",
    clock: Clock = system_clock,
) -> list[str]:
    """`case_finish` for any kind of case (a breach's, from `breach_clock`)."""
    status = CaseStatus(status)
    if status not in (CaseStatus.RESOLVED, CaseStatus.CLOSED):
        raise errors.UnknownFinish("A case is finished as resolved or closed.")
    decision = ComplaintOutcome(complaint_outcome) if complaint_outcome else ""
    if decision and case.kind != CaseKind.COMPLAINT:
        raise errors.NotAComplaint("Only a complaint is upheld or not upheld.")
    now = clock.now()
    _take(case, now, None, rules.may_finish_from(status), f"mark it {status.label.lower()}")
    _end_open_pauses(at=now, deadline__case=case)
    unfinished = case.deadlines.filter(status__in=UNFINISHED)
    ending = [
        (pk, key)
        for pk, key, outlives in unfinished.values_list("pk", "standard_key", "outlives_case")
        if rules.ends_with_case(outlives_case=outlives)
    ]
    Deadline.objects.filter(pk__in=[pk for pk, _ in ending]).update(
        status=DeadlineStatus.ENDED_UNMET, ended_at=now
    )
    case.status = status
    case.outcome = outcome.strip() or case.outcome
    case.complaint_outcome = decision or case.complaint_outcome
    case.save(update_fields=["status", "outcome", "complaint_outcome"])
    ended = [key for _, key in ending]
    events.record(
        events.case_finished(
            case=case,
            by=by,
            at=now,
            status=status,
            outcome=outcome.strip(),
            complaint_outcome=decision,
            ended=ended,
        )
    )
    return ended


# -- deadlines --------------------------------------------------------------------------


def _running(deadlines: Iterable[Deadline]) -> list[rules.Running]:
    return [rules.Running(deadline.pk, deadline.standard_key) for deadline in deadlines]


def _fire(
    case: Case,
    fired: Iterable[ClockEvent],
    *,
    at: datetime,
    by: StaffMember | None,
    policy: Policy,
    now: datetime,
) -> None:
    """Apply the rules' clock changes for `fired` to the case. `at` is when the events
    happened; `now`, when they are recorded (the event time)."""
    unfinished = list(case.deadlines.filter(status__in=UNFINISHED))
    changes = rules.clock_changes(
        policy=policy,
        kind=case.kind,
        channel=case.channel,
        running=_running(unfinished),
        events=fired,
    )
    for deadline in unfinished:
        if deadline.pk in changes.meet:
            _meet(deadline, at=at, by=by, now=now, policy=policy)
    for standard in changes.start:
        _start(case, standard.key, at=at, by=by, policy=policy, now=now)


def _start(
    case: Case,
    key: str,
    *,
    at: datetime,
    by: StaffMember | None,
    policy: Policy,
    now: datetime,
    outlives_case: bool = False,
    assigned_to: StaffMember | None = None,
    agreed_due_at: datetime | None = None,
) -> Deadline:
    deadline = Deadline(
        case=case,
        standard_key=key,
        starts_at=at,
        assigned_to=assigned_to or case.assigned_to,
        team=case.team,
        outlives_case=outlives_case,
        agreed_due_at=agreed_due_at,
    )
    _refresh(deadline, policy)
    events.record(
        events.deadline_started(case=case, by=by, at=now, standard=key, due_at=deadline.due_at)
    )
    return deadline


def _meet(
    deadline: Deadline, *, at: datetime, by: StaffMember | None, now: datetime, policy: Policy
) -> None:
    _end_open_pauses(at=at, deadline=deadline)
    deadline_met_apply(deadline, at=at, policy=policy)
    deadline.save(update_fields=["met_at", "status", "time_taken"])
    events.record(
        events.deadline_met(
            case=deadline.case, by=by, at=now, standard=deadline.standard_key, met_at=at
        )
    )


def _refresh(deadline: Deadline, policy: Policy) -> None:
    """Work the deadline's times out again from its start, pauses and holding replies."""
    pauses: list[EnginePause] = []
    holding: list[EngineHoldingReply] = []
    if deadline.pk is not None:
        pauses = [EnginePause(p.starts_at, p.ends_at) for p in deadline.pauses.all()]
        holding = [
            EngineHoldingReply(r.sent_at, r.revised_due_at) for r in deadline.holding_replies.all()
        ]
    due_before = deadline.due_at
    deadline_times_apply(deadline, pauses=pauses, holding_replies=holding, policy=policy)
    if deadline.pk is not None and deadline.due_at != due_before:
        # A new due time (a holding reply, the clock restarting) is a new promise: the
        # worker warns and escalates about it afresh.
        deadline.warned_at = deadline.escalated_at = None
    deadline.save()


def _take(
    case: Case, now: datetime, policy: Policy | None, may: tuple[CaseStatus, ...], to: str
) -> None:
    """Lock the case (`cases.locks`), then refuse `to` unless its status is one of `may`."""
    case_lock(case=case, now=now, policy=policy)
    case_status_require(case=case, statuses=may, action=to, now=now, policy=policy)


def _record_contact(
    case: Case, channel: str, direction: str, *, at: datetime, by: StaffMember | None, summary: str
) -> Contact:
    return Contact.objects.create(
        case=case,
        channel=Channel(channel),
        direction=Direction(direction),
        at=at,
        staff=by,
        summary=summary,
    )


def _end_open_pauses(*, at: datetime, **which: Any) -> None:
    """End the open pauses of the deadlines `which` picks out (a case's, or one deadline's)."""
    DeadlinePause.objects.filter(ends_at__isnull=True, **which).update(ends_at=at)
