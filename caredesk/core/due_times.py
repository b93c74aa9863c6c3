"""Answering "when is this due?" for people: the `caredesk due` command and the web page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from caredesk.errors import CaredeskError
from caredesk.standards import Duration, Policy, due_at, parse_duration
from caredesk.standards.policy import DeadlineStandard


class ReceivedTimeError(CaredeskError):
    """A receipt time that cannot be read, or lies outside the engine's years."""

    code = "received_time_invalid"


@dataclass(frozen=True)
class DueAnswer:
    received_at: datetime  # aware, in the organisation's zone
    due_at: datetime  # aware, in the organisation's zone
    duration: Duration
    standard: DeadlineStandard | None


def parse_received(text: str, policy: Policy) -> datetime:
    """An ISO 8601 date and time; without a UTC offset it is the organisation's local time."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ReceivedTimeError(
            f"'{text}' is not a date and time: write it as 2025-05-23T15:00 "
            f"(add +01:00 or Z to give a UTC offset)."
        ) from None
    zone = policy.working_calendar.zone
    if moment.tzinfo is not None:
        try:
            return moment.astimezone(zone)
        except OverflowError:
            raise ReceivedTimeError(f"'{text}' is too far in the past or future.") from None
    # Office time. In the hour the clocks go back, which happens twice, this is the first
    # (summer time). The hour the clocks go forward never happens: say so.
    try:
        local = moment.replace(tzinfo=zone)
        round_trip = local.astimezone(UTC).astimezone(zone)
    except OverflowError:
        raise ReceivedTimeError(f"'{text}' is too far in the past or future.") from None
    if round_trip.replace(tzinfo=None) != moment:
        raise ReceivedTimeError(
            f"There was no {moment:%H:%M} on {moment.day} {moment:%B %Y} in UK time: the "
            f"clocks went forward an hour. Did you mean {round_trip:%H:%M}?"
        )
    return local


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
