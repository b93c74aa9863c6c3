"""Times people type in office time: read in the policy's zone, with the clock changes.

Cross-cutting: the desk's forms (Log a contact), the standards page, and the commands
that take a time (`caredesk due`, `caredesk calls import --callbacks-since`) all read
a typed time this way.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from django import forms

from caredesk.errors import CaredeskError
from caredesk.standards import Policy


class ReceivedTimeError(CaredeskError):
    """A receipt time that cannot be read, or lies outside the engine's years."""

    code = "received_time_invalid"


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


class OfficeTimeField(forms.DateTimeField):
    """A date and time typed in office time, with the browser's own picker.

    Django would turn it into an aware time itself and refuse the hour the clocks go
    back (it happens twice). This field gives the typed time as it is (naive);
    `parse_received` reads it in the policy's zone, taking the
    first of a doubled hour and explaining a missing one.
    """

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "input_formats", ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.replace(tzinfo=None) if value.tzinfo else value
        parsed = forms.fields.BaseTemporalField.to_python(self, value)
        return parsed if isinstance(parsed, datetime) else None


def close_of_business(day: date, policy: Policy) -> datetime:
    """The close of business on `day` (its last office interval's end), or the end of the
    day where the policy's calendar has no hours that day: when something promised "by"
    a date is due."""
    calendar = policy.working_calendar
    hours = calendar.office_hours.get(day.weekday(), ())
    seconds = hours[-1][1] if hours else 24 * 3600 - 60
    midnight = datetime.combine(day, time(), tzinfo=calendar.zone)
    return midnight.replace(hour=seconds // 3600 % 24, minute=seconds % 3600 // 60)
