"""The policy file's `[read_alerts]` table: when the worker alerts the data protection
officer to unusual reading of customers' records (caredesk.privacy.reading_alerts).

Every read of a customer's record is logged (customers.CustomerAccess). A read has a
reason when the customer has a case given to the reader or to the reader's team, open
or changed no longer than `after_closing` before the read (privacy.read_log says the
rule in full). The reads are counted over windows of whole days in the organisation's
time zone (`window`: "1 calendar day", "1 week" from Monday); a member of staff is
alerted on, once a window, when in it they opened the records of

- `many_customers` different customers with no case of theirs or their team's, or
- `no_case_at_all` different customers who had no case with anyone.

0 turns a rule off. The table is optional: a policy without it has the defaults below.
Neither shipped policy says anything of this, so each file says the values are the
landlord's choice (`assumptions`).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, PlainSerializer, PlainValidator

from caredesk.errors import DurationError
from caredesk.standards.durations import Duration, Family, parse_duration
from caredesk.standards.office_hours import shown
from caredesk.standards.policy_values import Strict, WholeNumber

# What a policy that leaves a setting out has.
READ_ALERTS_DEFAULTS: dict[str, Any] = {
    "window": "1 calendar day",
    "many_customers": 30,
    "no_case_at_all": 3,
    "after_closing": "30 calendar days",
}
LONGEST_WINDOW_DAYS = 31
LONGEST_AFTER_CLOSING_DAYS = 366
_LONGEST_TEXT = 60


def _days(value: Any, *, what: str, shortest: int, longest: int) -> Duration:
    """A whole number of calendar days or weeks, from `shortest` to `longest` days."""
    if isinstance(value, Duration):
        duration = value
    elif not isinstance(value, str):
        raise ValueError(f"should be text such as '1 calendar day'; it is {shown(value)}.")
    elif len(value) > _LONGEST_TEXT:
        raise ValueError(f"{shown(value)} is too long to be a number of days.")
    else:
        try:
            duration = parse_duration(value)
        except DurationError as error:
            raise ValueError(error.message) from None
    if duration.family is not Family.CALENDAR_DAYS:
        raise ValueError(
            f"'{duration}' is not a number of whole days: {what} is counted in calendar days "
            "or weeks, such as '1 calendar day' or '1 week'."
        )
    days = duration.calendar_days
    if not shortest <= days <= longest:
        raise ValueError(
            f"'{duration}' is not allowed: {what} must be from {shortest} to {longest} days."
        )
    return duration


def _window(value: Any) -> Duration:
    return _days(value, what="the window", shortest=1, longest=LONGEST_WINDOW_DAYS)


def _after_closing(value: Any) -> Duration:
    return _days(
        value, what="the time after a case", shortest=0, longest=LONGEST_AFTER_CLOSING_DAYS
    )


WindowField = Annotated[Duration, PlainValidator(_window), PlainSerializer(str)]
AfterClosingField = Annotated[Duration, PlainValidator(_after_closing), PlainSerializer(str)]


class ReadAlerts(Strict):
    """When unusual reading of customers' records is alerted on to the data protection
    officer: the landlord's choice (the module's docstring says how it is counted)."""

    window: WindowField = parse_duration(READ_ALERTS_DEFAULTS["window"])
    many_customers: WholeNumber = Field(default=READ_ALERTS_DEFAULTS["many_customers"], ge=0)
    no_case_at_all: WholeNumber = Field(default=READ_ALERTS_DEFAULTS["no_case_at_all"], ge=0)
    after_closing: AfterClosingField = parse_duration(READ_ALERTS_DEFAULTS["after_closing"])
    assumptions: list[str] = []

    @property
    def window_days(self) -> int:
        return self.window.calendar_days

    @property
    def after_closing_days(self) -> int:
        return self.after_closing.calendar_days
