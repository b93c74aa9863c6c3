"""A deadline row's times and its being met, by the engine: one way for the services
(one case at a time) and the bulk drafts (`cases.drafts`). Each sets the row's fields
and saves nothing; the caller saves the row or inserts it in bulk."""

from __future__ import annotations

from datetime import datetime

from caredesk.cases.models import UNFINISHED, Deadline, DeadlineStatus
from caredesk.standards import HoldingReply as EngineHoldingReply
from caredesk.standards import Pause as EnginePause
from caredesk.standards import Policy, deadline_times, taken_unit, time_taken
from caredesk.standards.warnings import warning_time


def deadline_met_apply(deadline: Deadline, *, at: datetime, policy: Policy) -> None:
    """Mark a deadline row met at `at`, with how long it took (the engine's measure, for
    the performance figures). Saves nothing, as deadline_times_apply."""
    standard = policy.deadline_standard(deadline.standard_key)
    deadline.met_at, deadline.status = at, DeadlineStatus.MET
    deadline.time_taken = time_taken(
        deadline.starts_at, at, taken_unit(standard.target.unit), policy.working_calendar
    )


def deadline_times_apply(
    deadline: Deadline,
    *,
    pauses: list[EnginePause],
    holding_replies: list[EngineHoldingReply],
    policy: Policy,
) -> None:
    """Set a deadline row's due times, warning time and status (open or paused) from
    its start, pauses and holding replies, by the engine. Saves nothing: the services
    save the row, the drafts (`cases.drafts`) insert it in bulk."""
    standard = policy.deadline_standard(deadline.standard_key)
    calendar = policy.working_calendar
    if deadline.agreed_due_at is not None:  # a later holding reply still counts over it
        agreed = EngineHoldingReply(deadline.starts_at, deadline.agreed_due_at)
        holding_replies = [agreed, *holding_replies]
    times = deadline_times(
        start=deadline.starts_at,
        duration=standard.target,
        calendar=calendar,
        pauses=pauses,
        holding_replies=holding_replies,
    )
    deadline.standard_due_at = times.standard_due_at
    deadline.revised_due_at = times.revised_due_at
    deadline.due_at = times.due_at
    warn_before = policy.warn_before(standard)
    deadline.warn_at = (
        warning_time(
            starts=deadline.starts_at, due=times.due_at, before=warn_before, calendar=calendar
        )
        if times.due_at is not None and warn_before is not None
        else None
    )
    if deadline.status in UNFINISHED:
        deadline.status = DeadlineStatus.PAUSED if times.paused else DeadlineStatus.OPEN
