"""Deadlines owed per task rather than per case: each visitor's wait, each interview
action, each letter's translation (docs/architecture.md, "A promise owed per task").
Started beside any of the same standard already running, kept after the case is
finished, and met or ended one at a time."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol, TypeVar

from caredesk.cases import events
from caredesk.cases.locks import case_lock
from caredesk.cases.models import UNFINISHED, Case, Deadline, DeadlineStatus
from caredesk.cases.services import _end_open_pauses, _meet, _start
from caredesk.core.clock import Clock, system_clock
from caredesk.core.db import write_transaction
from caredesk.staff.models import StaffMember
from caredesk.standards import Policy


@write_transaction()
def deadline_start(
    *,
    case: Case,
    standard_key: str,
    at: datetime,
    by: StaffMember | None,
    policy: Policy,
    clock: Clock = system_clock,
    assigned_to: StaffMember | None = None,
    agreed_due_at: datetime | None = None,
) -> Deadline:
    """Start a deadline of the standard on the case, beside any of the same standard
    already running: for tasks a case may have several of at once (a translation of
    each letter, each visitor's wait), each with its own due time. It is still owed after
    the case is resolved or closed, until deadline_meet or deadline_end. It is the case's
    officer's, unless `assigned_to` (the officer on duty at reception, say); due by the
    standard, or at `agreed_due_at` if a date was agreed with the customer."""
    key = policy.deadline_standard(standard_key).key
    now = clock.now()
    case_lock(case=case, now=now, policy=policy)
    return _start(
        case,
        key,
        at=at,
        by=by,
        policy=policy,
        now=now,
        outlives_case=True,
        assigned_to=assigned_to,
        agreed_due_at=agreed_due_at,
    )


@write_transaction()
def deadline_meet(
    *,
    deadline: Deadline,
    at: datetime,
    by: StaffMember | None,
    policy: Policy,
    clock: Clock = system_clock,
) -> None:
    """Meet one deadline (one started by deadline_start), if it is not finished yet."""
    now = clock.now()
    case_lock(case=deadline.case, now=now, policy=policy)
    deadline.refresh_from_db()  # as it is now the case is ours
    if deadline.status in UNFINISHED:
        _meet(deadline, at=at, by=by, now=now, policy=policy)


@write_transaction()
def deadline_end(
    *,
    deadline: Deadline,
    at: datetime,
    reason: str,
    by: StaffMember | None,
    policy: Policy,
    clock: Clock = system_clock,
) -> bool:
    """End one deadline (one started by deadline_start) without its being met, if it is
    not finished yet, saying why: the visitor left before being seen. Ended after its
    due time, it counts as missed; before, it is not measured. False if it was finished."""
    now = clock.now()
    case_lock(case=deadline.case, now=now, policy=policy)
    deadline.refresh_from_db()
    if deadline.status not in UNFINISHED:
        return False
    _end_open_pauses(at=at, deadline=deadline)
    deadline.status, deadline.ended_at = DeadlineStatus.ENDED_UNMET, at
    deadline.save(update_fields=["status", "ended_at"])
    events.record(
        events.deadline_ended(
            case=deadline.case,
            by=by,
            at=now,
            standard=deadline.standard_key,
            ended_at=at,
            reason=reason,
        )
    )
    return True


class DoneTask(Protocol):
    """A task done once by someone, whose deadline (if it was timed) is met then: an
    interview's action, a complaint's promised remedy or action."""

    pk: Any
    done_at: datetime | None
    done_by: StaffMember | None
    deadline: Deadline | None

    def save(self, *, update_fields: list[str]) -> None: ...


DoneTaskT = TypeVar("DoneTaskT", bound=DoneTask)


@write_transaction()
def task_done(
    task: DoneTaskT, *, by: StaffMember, policy: Policy, clock: Clock
) -> DoneTaskT | None:
    """Mark the task done now, by `by`, and meet its deadline; None if it was done
    already (then nothing changes: the caller says so in its own words). Only the task's
    row is locked first, as it may have no deadline (an outer join)."""
    now = clock.now()
    manager = type(task)._default_manager  # type: ignore[attr-defined]
    current = (
        manager.select_for_update(of=("self",)).select_related("deadline__case").get(pk=task.pk)
    )
    if current.done_at is not None:
        return None
    current.done_at, current.done_by = now, by
    current.save(update_fields=["done_at", "done_by"])
    if current.deadline is not None:
        deadline_meet(deadline=current.deadline, at=now, by=by, policy=policy, clock=clock)
    return current  # type: ignore[no-any-return]
