"""The notices the worker writes: warnings, missed deadlines, urgent messages; and
`notices_give`, for an app above (visits) that has something of its own to tell.

Each kind is claimed in sets (DESIGN.md 5.3): one statement claims a batch of
candidates (`db.rows_claim`: an UPDATE of the claim's mark, for rows still unmarked,
returning their ids), then the batch's notices and case events are written in bulk, in
the same transaction. The claim, the notices and the events commit together or not at
all: a worker killed mid-sweep loses nothing (what it had not committed is still a
candidate) and repeats nothing (what it committed is no longer one). The worker
(caredesk.worker) gives each batch its transaction, and does a failed batch's rows
again one by one, so that one bad row holds back only itself.

- A deadline near: the officer is warned, one notice each.
- A deadline missed: each line manager to tell gets a line (`MissedDeadline`), and the
  case an ESCALATION event; once the sweep has claimed them all, each manager's new
  lines are gathered into one digest ("23 deadlines in your team were missed").
- An urgent message: the line managers are told at once, one notice per case.

Emails are queued once the transaction commits, one task for a batch's notices; the
email sweep sends any that a task did not.

A deadline is claimed with its case, in the order every change to a case takes them
(`cases.locks`: the case first): the claim locks both without waiting, and passes over
a deadline whose case an officer is changing at that moment (the next pass takes it).
So a sweep and an officer never wait for each other in a circle, and a sweep never
writes over what an officer's change has just read.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import cast

from django.db import connections
from django.db.models import Q, QuerySet

from caredesk.cases import events
from caredesk.cases.models import (
    OPEN_DEADLINE,
    Case,
    CaseEvent,
    CaseStatus,
    Deadline,
    EventKind,
)
from caredesk.core.clock import Clock
from caredesk.core.db import rows_claim, write_transaction
from caredesk.core.sweeps import Done, Wanted
from caredesk.core.tasks import enqueue_after_commit
from caredesk.notifications.models import (
    EmailStatus,
    MissedDeadline,
    Notification,
    NotificationKind,
)
from caredesk.notifications.selectors import Holder, line_manager_ids_list
from caredesk.notifications.wording import digest_message, when
from caredesk.staff.models import StaffMember
from caredesk.standards import Policy
from caredesk.standards.policy import Channel as PolicyChannel
from caredesk.standards.policy import Rule, RuleStandard

# What each sweep looks for; each matches a partial index (cases.models) exactly.
TO_WARN = OPEN_DEADLINE & Q(warned_at__isnull=True, assigned_to__isnull=False)
TO_ESCALATE = OPEN_DEADLINE & Q(escalated_at__isnull=True)
URGENT_TO_ESCALATE = Q(urgent=True, urgent_escalated_at__isnull=True)
STILL_OPEN = [CaseStatus.OPEN, CaseStatus.WAITING_FOR_CUSTOMER]
EMAILS_TASK = "caredesk.notifications.tasks.send_notification_emails"


# -- near deadlines -------------------------------------------------------------------------


def deadlines_to_warn(*, now: datetime) -> QuerySet[Deadline]:
    return Deadline.objects.filter(TO_WARN, warn_at__lte=now)


def warnings_claim(*, now: datetime, wanted: Wanted) -> list[int]:
    """Claim deadlines whose warning time has come (in the caller's transaction)."""
    return _claim(deadlines_to_warn(now=now), wanted, ("warn_at", "pk"), "warned_at", now)


def warnings_write(*, deadline_ids: Sequence[int], now: datetime, policy: Policy) -> Done:
    """Warn the officers of claimed deadlines. A deadline already missed by now (the
    worker was stopped) is not warned: its breach is escalated."""
    notices = _warnings(deadline_ids, now, policy)
    return Done(rows=len(notices))


def deadline_warn(*, deadline_id: int, clock: Clock, policy: Policy) -> Notification | None:
    """Warn the officer that one deadline is near. None if it was not ours to do."""
    now = clock.now()
    with write_transaction():
        if not warnings_claim(now=now, wanted=Wanted(limit=1, only=deadline_id)):
            return None
        notices = _warnings([deadline_id], now, policy)
    return notices[0] if notices else None


def _warnings(deadline_ids: Sequence[int], now: datetime, policy: Policy) -> list[Notification]:
    deadlines = Deadline.objects.filter(pk__in=deadline_ids).select_related("case", "assigned_to")
    notices: list[Notification] = []
    recorded: list[CaseEvent] = []
    for deadline in deadlines.order_by("warn_at", "pk"):
        officer, due_at, case = deadline.assigned_to, deadline.due_at, deadline.case
        assert officer is not None, "the claim's condition"
        assert due_at is not None, "the claim's condition"
        if due_at <= now:
            continue  # too late to warn: its breach is escalated
        message = (
            f"{case.reference} “{case.subject}” is due by {when(due_at, policy)}: "
            f"{policy.standard_name(deadline.standard_key)}."
        )
        notices.append(
            Notification(
                recipient=officer,
                kind=NotificationKind.DEADLINE_NEAR,
                case=case,
                deadline=deadline,
                due_at=due_at,
                message=message,
                created_at=now,
            )
        )
        recorded.append(
            events.deadline_warned(
                case=case, at=now, standard=deadline.standard_key, due_at=due_at, to=[officer.pk]
            )
        )
    _notify(notices)
    events.record_all(recorded)
    return notices


# -- missed deadlines -------------------------------------------------------------------------


def deadlines_to_escalate(*, now: datetime) -> QuerySet[Deadline]:
    return Deadline.objects.filter(TO_ESCALATE, due_at__lt=now)


def escalations_claim(*, now: datetime, wanted: Wanted) -> list[int]:
    """Claim deadlines whose due time has passed (in the caller's transaction)."""
    return _claim(deadlines_to_escalate(now=now), wanted, ("due_at", "pk"), "escalated_at", now)


def escalations_write(*, deadline_ids: Sequence[int], now: datetime) -> Done:
    """For each claimed deadline: a line for each line manager to tell, and an
    ESCALATION event on its case (with a note when there is nobody to tell). The lines
    go into the managers' digests at the sweep's next step (`digest_write`).

    A burst is thousands of these, so each deadline is read as plain values (who has
    it, their line manager, the team), not as model objects."""
    rows = list(
        Deadline.objects.filter(pk__in=deadline_ids)
        .order_by("due_at", "pk")
        .values_list(
            "pk",
            "case",
            "standard_key",
            "due_at",
            "assigned_to",
            "assigned_to__line_manager",
            "assigned_to__line_manager__is_active",
            "team",
        )
    )
    told = line_manager_ids_list(
        [
            Holder(
                staff_id=officer,
                line_manager_id=manager,
                line_manager_active=bool(active),
                team_id=team,
            )
            for _, _, _, _, officer, manager, active, team in rows
        ]
    )
    lines: list[MissedDeadline] = []
    recorded: list[CaseEvent] = []
    for (pk, case, standard, due_at, officer, *_), managers in zip(rows, told, strict=True):
        assert due_at is not None, "the claim's condition"
        lines.extend(
            MissedDeadline(
                recipient_id=manager,
                deadline_id=pk,
                due_at=due_at,
                assigned_to_id=officer,
                escalated_at=now,
            )
            for manager in managers
        )
        recorded.append(
            events.deadline_escalated(
                case=Case(pk=case), at=now, standard=standard, due_at=due_at, to=managers
            )
        )
    MissedDeadline.objects.bulk_create(lines)
    events.record_all(recorded)
    return Done(rows=len(rows), counts={"lines": len(lines)} if lines else {})


def deadline_escalate(*, deadline_id: int, clock: Clock) -> bool:
    """Escalate one missed deadline (its lines wait for the next digest). False if it
    was not ours to do."""
    now = clock.now()
    with write_transaction():
        if not escalations_claim(now=now, wanted=Wanted(limit=1, only=deadline_id)):
            return False
        escalations_write(deadline_ids=[deadline_id], now=now)
    return True


def digest_recipients(*, wanted: Wanted) -> list[int]:
    """The line managers with lines waiting for a digest, none of `wanted.skip`."""
    waiting = MissedDeadline.objects.filter(digest__isnull=True)
    if wanted.skip:
        waiting = waiting.exclude(recipient__in=wanted.skip)
    recipients = waiting.values_list("recipient", flat=True).distinct().order_by("recipient")
    return list(recipients[: wanted.limit])


def digest_write(*, recipient_id: int, now: datetime) -> int:
    """Gather one line manager's new lines into one digest: one notice, one email. The
    number of lines gathered (0: another worker gathered them first).

    The lines are claimed as the deadlines were (their `digest` set in one statement,
    for lines still without one), so each line joins exactly one digest, whichever
    worker gathers it; lines a killed worker left are gathered at the next pass. Each
    manager's digest is its own transaction: one that fails holds back no other."""
    with write_transaction():
        digest = Notification.objects.create(
            recipient_id=recipient_id,
            kind=NotificationKind.DEADLINES_MISSED,
            message="",
            created_at=now,
        )
        lines = rows_claim(
            MissedDeadline.objects.filter(digest__isnull=True, recipient=recipient_id),
            order=("pk",),
            limit=None,
            values={"digest": digest.pk},
        )
        if not lines:
            digest.delete()
            return 0
        digest.message = digest_message(len(lines))
        digest.save(update_fields=["message"])
        _emails_queue([digest])
    return len(lines)


# -- urgent messages (Stonewall 2.8) ----------------------------------------------------------


def urgent_rule(policy: Policy) -> RuleStandard | None:
    return policy.rule_standard(Rule.URGENT_MESSAGES_TO_LINE_MANAGER)


def urgent_candidates(rule: RuleStandard) -> QuerySet[Case]:
    cases = Case.objects.filter(URGENT_TO_ESCALATE, status__in=STILL_OPEN)
    if PolicyChannel.ANY not in rule.channels:
        cases = cases.filter(channel__in=[channel.value for channel in rule.channels])
    return cases


def urgent_pending(*, policy: Policy) -> bool:
    rule = urgent_rule(policy)
    return rule is not None and urgent_candidates(rule).exists()


def urgent_claim(*, now: datetime, policy: Policy, wanted: Wanted) -> list[int]:
    """Claim urgent messages not yet passed on, where the policy says to pass them on."""
    rule = urgent_rule(policy)
    if rule is None:
        return []
    return _claim(urgent_candidates(rule), wanted, ("created_at", "pk"), "urgent_escalated_at", now)


def urgent_write(*, case_ids: Sequence[int], now: datetime, policy: Policy) -> Done:
    notices = _urgent_notices(case_ids, now, policy)
    return Done(rows=len(case_ids), counts={"notices": len(notices)} if notices else {})


def urgent_case_escalate(
    *, case_id: int, clock: Clock, policy: Policy
) -> list[Notification] | None:
    """Pass one urgent message to the line manager (the task queued when it is logged).
    None if it was not ours to do."""
    now = clock.now()
    with write_transaction():
        if not urgent_claim(now=now, policy=policy, wanted=Wanted(limit=1, only=case_id)):
            return None
        return _urgent_notices([case_id], now, policy)


def _urgent_notices(case_ids: Sequence[int], now: datetime, policy: Policy) -> list[Notification]:
    cases = list(
        Case.objects.filter(pk__in=case_ids)
        .select_related("assigned_to__line_manager")
        .order_by("created_at", "pk")
    )
    logged_by = _logged_by([case.pk for case in cases if case.assigned_to is None])
    told = line_manager_ids_list(
        [_holder(case.assigned_to or logged_by.get(case.pk), case.team_id) for case in cases]
    )
    notices: list[Notification] = []
    recorded: list[CaseEvent] = []
    for case, managers in zip(cases, told, strict=True):
        message = (
            f"Urgent: {case.reference} “{case.subject}”, received by "
            f"{case.get_channel_display().lower()} at {when(case.received_at, policy)}, "
            "needs urgent attention. Please decide what action to take."
        )
        notices.extend(
            Notification(
                recipient_id=manager,
                kind=NotificationKind.URGENT_MESSAGE,
                case=case,
                message=message,
                created_at=now,
            )
            for manager in managers
        )
        recorded.append(events.urgent_escalated(case=case, at=now, to=managers))
    _notify(notices)
    events.record_all(recorded)
    return notices


def _holder(officer: StaffMember | None, team_id: int | None) -> Holder:
    manager = officer.line_manager if officer is not None else None
    return Holder(
        staff_id=officer.pk if officer is not None else None,
        line_manager_id=manager.pk if manager is not None else None,
        line_manager_active=manager is not None and manager.is_active,
        team_id=team_id,
    )


def _logged_by(case_ids: list[int]) -> dict[int, StaffMember]:
    """Who logged each case (its CREATED event's actor), for cases nobody has yet."""
    if not case_ids:
        return {}
    created = CaseEvent.objects.filter(
        case__in=case_ids, kind=EventKind.CREATED, actor__isnull=False
    )
    found: dict[int, StaffMember] = {}
    for event in created.select_related("actor__line_manager").order_by("-at", "-pk"):
        assert event.actor is not None
        found[event.case_id] = event.actor  # the earliest wins
    return found


# -- notices other apps give ----------------------------------------------------------------


def notices_give(
    *,
    recipient_ids: Sequence[int],
    kind: NotificationKind,
    message: str,
    at: datetime,
    case: Case | None = None,
    links: Sequence[tuple[str, str]] = (),
) -> list[Notification]:
    """Tell each recipient once (however often listed), on the desk and by email once
    the caller's transaction commits. `links` are (text, path) pairs of where to act.

    About a case, a person has one notice of a kind (the constraint on a case's
    notices): a later one raises it afresh, as a mention does (unread, with the new
    message and time, its email to send again). Without a case, each is a new notice."""
    told: list[Notification] = []
    fresh = {
        "message": message,
        "links": [[text, path] for text, path in links],
        "created_at": at,
        "read_at": None,
    }
    for recipient_id in dict.fromkeys(recipient_ids):
        if case is None:
            told.append(Notification(recipient_id=recipient_id, kind=kind, **fresh))
            continue
        notice, _ = Notification.objects.update_or_create(
            kind=kind,
            case=case,
            recipient_id=recipient_id,
            deadline=None,
            defaults=fresh | _EMAIL_AGAIN,
        )
        told.append(notice)
    if case is None:
        Notification.objects.bulk_create(told)
    _emails_queue(told)
    return told


_EMAIL_AGAIN = {
    "email_status": EmailStatus.PENDING,
    "email_claimed_at": None,
    "email_sent_at": None,
    "email_attempts": 0,
    "email_error": "",
}


# -- helpers --------------------------------------------------------------------------------


def _claim(
    candidates: QuerySet[Deadline] | QuerySet[Case],
    wanted: Wanted,
    order: tuple[str, ...],
    mark: str,
    now: datetime,
) -> list[int]:
    if wanted.only is not None:
        candidates = candidates.filter(pk=wanted.only)
    if wanted.skip:
        candidates = candidates.exclude(pk__in=wanted.skip)
    if candidates.model is Deadline:
        lockable = _with_their_cases(cast("QuerySet[Deadline]", candidates), order, wanted.limit)
        if lockable is not None:
            if not lockable:
                return []
            candidates = candidates.filter(pk__in=lockable)
    return rows_claim(candidates, order=order, limit=wanted.limit, values={mark: now})


def _with_their_cases(
    candidates: QuerySet[Deadline], order: tuple[str, ...], limit: int | None
) -> list[int] | None:
    """The candidates this worker can lock now with their cases, locked (the case
    first, as every change to a case: cases.locks); others are left for the next pass.
    None on SQLite, which has no row locks: the claim's write transaction keeps every
    other writer out."""
    if not connections[candidates.db].features.has_select_for_update_skip_locked:
        return None
    lockable = (
        candidates.order_by(*order)
        .select_related("case")
        .only("id", "case__id")
        .select_for_update(skip_locked=True, no_key=True, of=("case", "self"))
    )
    return [deadline.pk for deadline in (lockable[:limit] if limit else lockable)]


def _notify(notices: list[Notification]) -> None:
    """Write the notices, and queue their emails for when the transaction commits."""
    Notification.objects.bulk_create(notices)
    _emails_queue(notices)


def _emails_queue(notices: list[Notification]) -> None:
    if notices:
        enqueue_after_commit(EMAILS_TASK, [notice.pk for notice in notices])
