"""The worker's sweeps: warn of near deadlines, escalate breaches and urgent messages.

Each sweep reads a batch of candidates through a partial index (only rows still to be
dealt with are in it), then claims each one on its own (DESIGN.md 5.3):

    with write_transaction():
        if Deadline.objects.filter(pk=..., warned_at__isnull=True, ...).update(warned_at=now) != 1:
            skip: another worker has it, or it has changed (met, paused, reassigned)
        create the Notification(s) and the CaseEvent

The claim, the notifications and the event commit together or not at all, so a worker
killed mid-sweep loses nothing (what it had not committed is still a candidate) and
repeats nothing (what it committed is no longer one). The claim's condition is the
candidates' condition, so each row a batch reads leaves the candidates: a sweep ends.
Each notification's email is queued as a task once the claim commits; the email sweep
sends any that a task did not. Last, call imports that stopped part-way (their process
ended) are marked failed, so that nobody waits for them (telephony.importing).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet

from caredesk.cases.models import (
    OPEN_DEADLINE,
    Case,
    CaseEvent,
    CaseStatus,
    Deadline,
    EventKind,
)
from caredesk.core.clock import Clock
from caredesk.core.tasks import enqueue_after_commit
from caredesk.documents.services import letters_formats_sweep
from caredesk.mail.outbound import outbound_emails_send
from caredesk.notifications.db import write_transaction
from caredesk.notifications.models import EMAIL_TO_SEND, Notification, NotificationKind
from caredesk.notifications.selectors import line_managers_for
from caredesk.notifications.services import (
    RESEND_AFTER,
    claimable_emails,
    notification_email_send,
)
from caredesk.reporting.rollups import figures_refresh
from caredesk.staff.models import StaffMember
from caredesk.standards import Policy
from caredesk.standards.policy import Channel as PolicyChannel
from caredesk.standards.policy import Rule, RuleStandard
from caredesk.telephony.uploads import call_uploads_stop_stalled

BATCH_SIZE = 100

# What each sweep looks for; each matches a partial index (cases.models) exactly.
TO_WARN = OPEN_DEADLINE & Q(warned_at__isnull=True, assigned_to__isnull=False)
TO_ESCALATE = OPEN_DEADLINE & Q(escalated_at__isnull=True)
URGENT_TO_ESCALATE = Q(urgent=True, urgent_escalated_at__isnull=True)
STILL_OPEN = [CaseStatus.OPEN, CaseStatus.WAITING_FOR_CUSTOMER]


# -- one at a time: claim, notify, record -------------------------------------------------


def deadline_warn(*, deadline_id: int, clock: Clock, policy: Policy) -> Notification | None:
    """Warn the officer that a deadline is near. None if it was not ours to do."""
    now = clock.now()
    with write_transaction():
        claim = Deadline.objects.filter(TO_WARN, pk=deadline_id, warn_at__lte=now)
        if claim.update(warned_at=now) != 1:
            return None
        deadline = Deadline.objects.select_related("case", "assigned_to").get(pk=deadline_id)
        officer = deadline.assigned_to
        assert officer is not None, "the claim's condition"
        assert deadline.due_at is not None, "the claim's condition"
        if deadline.due_at <= now:
            return None  # too late to warn (the worker was stopped): its breach is escalated
        case = deadline.case
        message = (
            f"{case.reference} “{case.subject}” is due by {_when(deadline.due_at, policy)}: "
            f"{policy.standard_name(deadline.standard_key)}."
        )
        notification = _notify(
            officer, NotificationKind.DEADLINE_NEAR, case, deadline, message, now
        )
        _record(
            case,
            EventKind.DEADLINE_WARNING,
            now,
            standard=deadline.standard_key,
            due_at=deadline.due_at.isoformat(),
            to=[officer.pk],
        )
    return notification


def deadline_escalate(
    *, deadline_id: int, clock: Clock, policy: Policy
) -> list[Notification] | None:
    """Tell the line manager a deadline was missed. None if it was not ours to do."""
    now = clock.now()
    with write_transaction():
        claim = Deadline.objects.filter(TO_ESCALATE, pk=deadline_id, due_at__lt=now)
        if claim.update(escalated_at=now) != 1:
            return None
        deadline = Deadline.objects.select_related("case", "assigned_to__line_manager", "team").get(
            pk=deadline_id
        )
        assert deadline.due_at is not None  # the claim's condition
        case, officer = deadline.case, deadline.assigned_to
        managers = line_managers_for(staff=officer, team=deadline.team)
        message = (
            f"{case.reference} “{case.subject}” missed its deadline: "
            f"{policy.standard_name(deadline.standard_key)}, due by "
            f"{_when(deadline.due_at, policy)}. "
            + (f"It is with {officer}." if officer else "Nobody has been given it yet.")
        )
        notifications = [
            _notify(manager, NotificationKind.DEADLINE_BREACHED, case, deadline, message, now)
            for manager in managers
        ]
        _record(
            case,
            EventKind.ESCALATION,
            now,
            reason="deadline_missed",
            standard=deadline.standard_key,
            due_at=deadline.due_at.isoformat(),
            to=[manager.pk for manager in managers],
            **({} if managers else {"note": "There is no line manager to tell."}),
        )
    return notifications


def urgent_case_escalate(
    *, case_id: int, clock: Clock, policy: Policy
) -> list[Notification] | None:
    """Pass an urgent message to the line manager (Stonewall 2.8). None if not ours to do."""
    rule = _urgent_rule(policy)
    if rule is None:
        return None
    now = clock.now()
    with write_transaction():
        claim = _urgent_candidates(rule).filter(pk=case_id)
        if claim.update(urgent_escalated_at=now) != 1:
            return None
        case = Case.objects.select_related("assigned_to__line_manager", "team").get(pk=case_id)
        officer = case.assigned_to or _logged_by(case)
        managers = line_managers_for(staff=officer, team=case.team)
        message = (
            f"Urgent: {case.reference} “{case.subject}”, received by "
            f"{case.get_channel_display().lower()} at {_when(case.received_at, policy)}, "
            "needs urgent attention. Please decide what action to take."
        )
        notifications = [
            _notify(manager, NotificationKind.URGENT_MESSAGE, case, None, message, now)
            for manager in managers
        ]
        _record(
            case,
            EventKind.ESCALATION,
            now,
            reason="urgent",
            to=[manager.pk for manager in managers],
            **({} if managers else {"note": "There is no line manager to tell."}),
        )
    return notifications


# -- the sweeps: batches of candidates ------------------------------------------------------


@dataclass
class SweepReport:
    warned: int = 0
    escalated: int = 0
    urgent: int = 0
    emails: dict[str, int] = field(default_factory=dict)
    customer_emails: dict[str, int] = field(default_factory=dict)
    letters: int = 0  # letters whose formats were left to the sweep
    stalled_imports: int = 0
    figures_days: int = 0  # days of performance figures counted again

    def __str__(self) -> str:
        emails = ", ".join(f"{count} {status}" for status, count in sorted(self.emails.items()))
        customers = ", ".join(
            f"{count} {status}" for status, count in sorted(self.customer_emails.items())
        )
        stalled = f"; {_count(self.stalled_imports, 'stopped call import')}"
        letters = f"; formats made for {_count(self.letters, 'letter')}"
        figures = f"; figures of {_count(self.figures_days, 'day')} counted again"
        return (
            f"{_count(self.warned, 'deadline')} near, {self.escalated} missed, "
            f"{_count(self.urgent, 'urgent message')}; emails left over: {emails or 'none'}"
            f"{f'; emails to customers left over: {customers}' if customers else ''}"
            f"{letters if self.letters else ''}"
            f"{stalled if self.stalled_imports else ''}"
            f"{figures if self.figures_days else ''}"
        )


def _count(number: int, thing: str) -> str:
    return f"{number} {thing}{'' if number == 1 else 's'}"


def sweep(
    *,
    clock: Clock,
    policy: Policy,
    batch_size: int = BATCH_SIZE,
    resend_after: timedelta = RESEND_AFTER,
    between_batches: Callable[[], object] | None = None,
) -> SweepReport:
    """Run every sweep once. `between_batches` runs after each batch (the worker's tasks)."""
    report = SweepReport()
    now = clock.now()

    def batches(candidates: Callable[[], list[int]], claim: Callable[[int], object]) -> int:
        done = 0
        while True:
            ids = candidates()
            done += sum(1 for pk in ids if claim(pk) is not None)
            if between_batches is not None:
                between_batches()
            if len(ids) < batch_size:
                return done

    report.warned = batches(
        lambda: _ids(Deadline.objects.filter(TO_WARN, warn_at__lte=now), "warn_at", batch_size),
        lambda pk: deadline_warn(deadline_id=pk, clock=clock, policy=policy),
    )
    report.escalated = batches(
        lambda: _ids(Deadline.objects.filter(TO_ESCALATE, due_at__lt=now), "due_at", batch_size),
        lambda pk: deadline_escalate(deadline_id=pk, clock=clock, policy=policy),
    )
    rule = _urgent_rule(policy)
    if rule is not None:
        report.urgent = batches(
            lambda: _ids(_urgent_candidates(rule), "created_at", batch_size),
            lambda pk: urgent_case_escalate(case_id=pk, clock=clock, policy=policy),
        )
    report.emails = emails_send(clock=clock, batch_size=batch_size, resend_after=resend_after)
    report.customer_emails = outbound_emails_send(
        policy=policy, clock=clock, batch_size=batch_size, resend_after=resend_after
    )
    report.letters = letters_formats_sweep(policy=policy, clock=clock, limit=batch_size)
    report.stalled_imports = call_uploads_stop_stalled(clock=clock)
    report.figures_days = figures_refresh(policy=policy).days
    return report


def emails_send(
    *, clock: Clock, batch_size: int = BATCH_SIZE, resend_after: timedelta = RESEND_AFTER
) -> dict[str, int]:
    """Send the emails no task has sent: pending, refused before, or left by a dead worker.

    Goes through the candidates once, in order (a refused email waits for the next sweep).
    """
    counts: dict[str, int] = {}
    now = clock.now()
    to_send = Notification.objects.filter(
        EMAIL_TO_SEND, claimable_emails(now=now, resend_after=resend_after)
    )
    after: tuple[datetime, int] | None = None
    while True:
        page = to_send
        if after is not None:
            page = page.filter(Q(created_at__gt=after[0]) | Q(created_at=after[0], pk__gt=after[1]))
        rows = list(page.order_by("created_at", "pk").values_list("created_at", "pk")[:batch_size])
        for _, pk in rows:
            status = notification_email_send(
                notification_id=pk, clock=clock, resend_after=resend_after
            )
            if status is not None:
                counts[status.value] = counts.get(status.value, 0) + 1
        if len(rows) < batch_size:
            return counts
        after = rows[-1]


# -- helpers --------------------------------------------------------------------------------


def _ids(candidates: QuerySet[Any], order: str, limit: int) -> list[int]:
    return list(candidates.order_by(order, "pk").values_list("pk", flat=True)[:limit])


def _notify(
    recipient: StaffMember,
    kind: NotificationKind,
    case: Case,
    deadline: Deadline | None,
    message: str,
    now: datetime,
) -> Notification:
    notification = Notification.objects.create(
        recipient=recipient,
        kind=kind,
        case=case,
        deadline=deadline,
        due_at=deadline.due_at if deadline else None,
        message=message,
        created_at=now,
    )
    enqueue_after_commit("caredesk.notifications.tasks.send_notification_email", notification.pk)
    return notification


def _record(case: Case, kind: EventKind, at: datetime, **data: object) -> None:
    CaseEvent.objects.create(case=case, kind=kind, actor=None, at=at, data=data)


def _urgent_rule(policy: Policy) -> RuleStandard | None:
    for standard in policy.standards:
        if (
            isinstance(standard, RuleStandard)
            and standard.rule is Rule.URGENT_MESSAGES_TO_LINE_MANAGER
        ):
            return standard
    return None


def _urgent_candidates(rule: RuleStandard) -> QuerySet[Case]:
    cases = Case.objects.filter(URGENT_TO_ESCALATE, status__in=STILL_OPEN)
    if PolicyChannel.ANY not in rule.channels:
        cases = cases.filter(channel__in=[channel.value for channel in rule.channels])
    return cases


def _logged_by(case: Case) -> StaffMember | None:
    created = case.events.filter(kind=EventKind.CREATED).select_related("actor").first()
    return created.actor if created is not None else None


def _when(moment: datetime, policy: Policy) -> str:
    """5:00pm on Monday 16 June 2025, in the organisation's time zone."""
    local = moment.astimezone(policy.working_calendar.zone)
    hour = local.hour % 12 or 12
    noon = "am" if local.hour < 12 else "pm"
    return f"{hour}:{local:%M}{noon} on {local:%A} {local.day} {local:%B %Y}"
