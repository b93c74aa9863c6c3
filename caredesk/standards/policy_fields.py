"""The kinds of value a policy file's settings take, each checked as it is read: lengths
of time ("10 working days", and the narrower kinds a holding reply, a lone worker's
check and a retention period allow), numbers, percentages, office intervals, closure
days and frequencies ("4 per working day"). The tables that use them are in `policy.py`.
"""

from __future__ import annotations

import re
from datetime import date
from functools import partial
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, PlainSerializer, PlainValidator
from pydantic_core import PydanticCustomError

from caredesk.errors import DurationError
from caredesk.standards.durations import Duration, Unit, parse_duration
from caredesk.standards.office_hours import parse_interval, shown
from caredesk.standards.policy_checks import REAL_TIME_UNITS
from caredesk.standards.policy_values import Strict, WholeNumber, calendar_date, within_years

_FREQUENCY = re.compile(r"^(\d{1,3}) (?:times )?(?:a|per) working day$")


_LONGEST_DURATION = 60


def _duration(value: Any) -> Duration:
    if isinstance(value, Duration):
        return value
    if not isinstance(value, str):
        raise ValueError(f"should be text such as '10 working days'; it is {shown(value)}.")
    if len(value) > _LONGEST_DURATION:
        raise ValueError(f"{shown(value)} is too long to be a duration such as '10 working days'.")
    try:
        return parse_duration(value)
    except DurationError as error:
        raise ValueError(error.message) from None


DurationField = Annotated[Duration, PlainValidator(_duration), PlainSerializer(str)]


def _revision(value: Duration) -> Duration:
    if value.amount < 1 or value.unit is Unit.RINGS:
        raise ValueError(
            f"'{value}' cannot limit a revised date: give a length of time such as "
            "'20 working days'."
        )
    return value


# How far a holding reply may move a due date: a real length of time, not rings.
RevisionField = Annotated[
    Duration, PlainValidator(_duration), AfterValidator(_revision), PlainSerializer(str)
]


def _real_time(value: Duration) -> Duration:
    if value.unit not in REAL_TIME_UNITS or value.amount < 1:
        raise ValueError(
            f"'{value}' is not a length of real time: write minutes or hours, such as "
            "'15 minutes' (office hours do not stop the clock of someone out alone)."
        )
    return value


# A length of real time in minutes or hours: "15 minutes", "1 hour".
RealTimeField = Annotated[
    Duration, PlainValidator(_duration), AfterValidator(_real_time), PlainSerializer(str)
]


_RETENTION_UNITS = frozenset({Unit.MONTHS, Unit.WEEKS, Unit.CALENDAR_DAYS})


def _retention(value: Duration) -> Duration:
    if value.unit not in _RETENTION_UNITS or value.amount < 1:
        raise ValueError(
            f"'{value}' is not a retention period: write months, weeks or calendar days, "
            "such as '72 months' for 6 years."
        )
    return value


# How long something is kept: "72 months", "2 weeks", "30 calendar days".
RetentionField = Annotated[
    Duration, PlainValidator(_duration), AfterValidator(_retention), PlainSerializer(str)
]


def _number(value: Any) -> Any:
    """TOML has numbers: text ("60") or true/false where a number goes is a mistake."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PydanticCustomError("float_type", "Input should be a valid number")
    return value


Number = Annotated[float, BeforeValidator(_number), Field(allow_inf_nan=False)]


def _percentage(value: float) -> float:
    if not 0 <= value <= 100:
        raise ValueError(f"{value:g} is not a percentage: give a number from 0 to 100.")
    return value


Percentage = Annotated[Number, AfterValidator(_percentage)]


def _interval_text(value: str) -> str:
    parse_interval(value)
    return value


IntervalText = Annotated[str, AfterValidator(_interval_text)]


def day_hours(value: list[str]) -> list[str]:
    if not value:
        raise ValueError("a working day needs at least one office interval.")
    return value


ClosureDay = Annotated[
    date,
    BeforeValidator(calendar_date),
    AfterValidator(partial(within_years, what="closure day")),
]


class Frequency(Strict):
    times: WholeNumber
    per: Literal["working day"] = "working day"

    def __str__(self) -> str:
        return f"{self.times} per {self.per}"


def _frequency(value: Any) -> Frequency:
    if isinstance(value, Frequency):
        return value
    if not isinstance(value, str):
        raise ValueError(f"should be text such as '4 per working day'; it is {shown(value)}.")
    match = _FREQUENCY.match(" ".join(value.lower().split()))
    if not match or int(match.group(1)) < 1:
        raise ValueError(f"{shown(value)} is not a frequency: write it as '4 per working day'.")
    return Frequency(times=int(match.group(1)))


FrequencyField = Annotated[Frequency, PlainValidator(_frequency), PlainSerializer(str)]
