"""Answering "when is this due?" for people: the `caredesk due` command and the web page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from caredesk.standards import Duration, Policy, due_at, parse_duration
from caredesk.standards.policy import DeadlineStandard


@dataclass(frozen=True)
class DueAnswer:
    received_at: datetime  # aware, in the organisation's zone
    due_at: datetime  # aware, in the organisation's zone
    duration: Duration
    standard: DeadlineStandard | None


def due_for(
    *,
    policy: Policy,
    received_at: datetime,
    standard_key: str | None = None,
    duration_text: str | None = None,
) -> DueAnswer:
    """When something received at `received_at` is due, under a standard or a duration."""
    if (standard_key is None) == (duration_text is None):
        raise ValueError("give exactly one of standard_key and duration_text")
    standard = policy.deadline_standard(standard_key) if standard_key else None
    duration = standard.target if standard else parse_duration(duration_text or "")
    calendar = policy.working_calendar
    due = due_at(received_at, duration, calendar).astimezone(calendar.zone)
    received = received_at if received_at.tzinfo else received_at.replace(tzinfo=calendar.zone)
    return DueAnswer(
        received_at=received.astimezone(calendar.zone),
        due_at=due,
        duration=duration,
        standard=standard,
    )


def format_instant(moment: datetime) -> str:
    """ISO 8601 to the second. The end of a day (23:59:59.999999) shows as 23:59:59."""
    return moment.isoformat(timespec="seconds")
