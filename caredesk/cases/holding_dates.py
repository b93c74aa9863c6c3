"""How far a holding reply may move a deadline: one rule, asked by the form, the service,
the bulk drafts and so the API.

The policies promise "a revised response date". It must be after now and after the date
already given, and no later than the original due date plus the standard's limit
(`Policy.revision_limit`: a legal or regulatory max_extension, else the landlord's
max_revision), counted by the engine. Pure: nothing here reads the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from caredesk.cases import errors
from caredesk.standards import Duration, Policy, due_at, revised_due
from caredesk.standards.calendar import WorkingCalendar
from caredesk.standards.engine import aware
from caredesk.standards.policy import DeadlineStandard


@dataclass(frozen=True)
class RevisionBounds:
    now: datetime
    due_at: datetime | None  # the current due time (None while paused)
    latest: datetime | None  # None: no original due date to count from
    limit: Duration
    standard_name: str
    before_due_only: bool = False  # the standard's extension_before_due


def revision_bounds(
    *,
    policy: Policy,
    standard: DeadlineStandard,
    now: datetime,
    due: datetime | None,
    standard_due_at: datetime | None,
) -> RevisionBounds:
    """The window a holding reply's revised date must fall in, for one deadline."""
    limit = policy.revision_limit(standard)
    latest = None
    if standard_due_at is not None:
        # Counted from the original due day itself (it is due at close, and a start at
        # close would count from the next day).
        latest = due_at(standard_due_at - timedelta(microseconds=1), limit, policy.working_calendar)
    return RevisionBounds(now, due, latest, limit, standard.name, standard.extension_before_due)


def long_day(moment: datetime, zone: ZoneInfo) -> str:
    """Friday 18 December 2026, in the organisation's zone."""
    local = moment.astimezone(zone)
    return f"{local:%A} {local.day} {local:%B %Y}"


def revised_date_problem(
    *, bounds: RevisionBounds, revised_at: datetime, zone: ZoneInfo
) -> errors.CaseError | None:
    """Why `revised_at` cannot be the new date, in words for the officer (None: it can)."""
    late = too_late_to_extend(bounds=bounds, zone=zone)
    if late is not None:
        return late
    if revised_at <= bounds.now:
        return errors.HoldingReplyTooEarly("The new date must be in the future.")
    if bounds.due_at is not None and revised_at <= bounds.due_at:
        due = bounds.due_at.astimezone(zone)
        return errors.HoldingReplyTooEarly(
            f"The new date must be after the date the customer already has, "
            f"{long_day(due, zone)} at {due:%H:%M}."
        )
    if bounds.latest is not None and revised_at > bounds.latest:
        return errors.HoldingReplyTooLate(
            f"The new date must be no later than {long_day(bounds.latest, zone)}, "
            f"{bounds.limit} after the original date (the policy's limit for "
            f"“{bounds.standard_name}”)."
        )
    return None


def too_late_to_extend(*, bounds: RevisionBounds, zone: ZoneInfo) -> errors.CaseError | None:
    """For a standard extended only before it is due: why it is too late now (None: it
    is not)."""
    if not bounds.before_due_only or bounds.due_at is None or bounds.now < bounds.due_at:
        return None
    due = bounds.due_at.astimezone(zone)
    return errors.ExtensionAfterDue(
        f"An extension must be agreed before the response is due, and it was due on "
        f"{long_day(due, zone)} at {due:%H:%M}. Send the response as soon as you can, with "
        "an apology for the delay."
    )


def revised_date_checked(
    *, bounds: RevisionBounds, revised: datetime | Duration, calendar: WorkingCalendar
) -> datetime:
    """The revised due time a holding reply gives (a date, or a duration from now, by
    the engine), or the CaseError that says why it cannot be."""
    late = too_late_to_extend(bounds=bounds, zone=calendar.zone)
    if late is not None:
        raise late
    if isinstance(revised, datetime) and aware(revised, calendar) <= bounds.now:
        raise errors.HoldingReplyTooEarly("The new date must be in the future.")
    revised_at = revised_due(reply_at=bounds.now, revision=revised, calendar=calendar)
    problem = revised_date_problem(bounds=bounds, revised_at=revised_at, zone=calendar.zone)
    if problem is not None:
        raise problem
    return revised_at
