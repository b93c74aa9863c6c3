"""Durations as policies write them: "10 working days", "24 hours", "4 rings", "1 month".

Each unit belongs to a family, and the family decides the rule the engine applies
(DESIGN.md section 3). "days" on its own is refused on purpose: a policy must say
whether it means working days or calendar days. A week is 7 calendar days ("12 weeks":
the end of the local day 84 days after the start), so weeks follow the calendar days' rule.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from caredesk.errors import DurationError


class Family(enum.Enum):
    ELAPSED = "elapsed"  # rule 3: real time
    WORKING_DAYS = "working_days"  # rule 4: close of business on the Nth working day
    WORKING_TIME = "working_time"  # rule 5: only office time counts
    CALENDAR_DAYS = "calendar_days"  # rule 6: end of the local day
    MONTHS = "months"  # rule 7: the corresponding date, next working day


class Unit(enum.Enum):
    """Each unit: (singular, plural, family, microseconds per unit where fixed)."""

    SECONDS = ("second", "seconds", Family.ELAPSED, 1_000_000)
    MINUTES = ("minute", "minutes", Family.ELAPSED, 60_000_000)
    HOURS = ("hour", "hours", Family.ELAPSED, 3_600_000_000)
    RINGS = ("ring", "rings", Family.ELAPSED, 0)  # length comes from the policy
    WORKING_DAYS = ("working day", "working days", Family.WORKING_DAYS, 0)
    WORKING_HOURS = ("working hour", "working hours", Family.WORKING_TIME, 3_600_000_000)
    WORKING_MINUTES = ("working minute", "working minutes", Family.WORKING_TIME, 60_000_000)
    CALENDAR_DAYS = ("calendar day", "calendar days", Family.CALENDAR_DAYS, 0)
    WEEKS = ("week", "weeks", Family.CALENDAR_DAYS, 0)
    MONTHS = ("month", "months", Family.MONTHS, 0)

    def __init__(self, singular: str, plural: str, family: Family, micros: int) -> None:
        self.singular = singular
        self.plural = plural
        self.family = family
        self.micros = micros

    @property
    def days(self) -> int:
        """Calendar days in one of this unit: 1 for calendar days, 7 for weeks; 0 for the
        units that are not counted in calendar days."""
        if self.family is not Family.CALENDAR_DAYS:
            return 0
        return 7 if self is Unit.WEEKS else 1


_UNIT_BY_WORD = {word: unit for unit in Unit for word in (unit.singular, unit.plural)}
_PATTERN = re.compile(r"^\s*(\d{1,7})\s+([a-z]+(?:\s+[a-z]+)?)\s*$")
_KNOWN = ", ".join(unit.plural for unit in Unit)


@dataclass(frozen=True, slots=True)
class Duration:
    amount: int
    unit: Unit

    def __post_init__(self) -> None:
        if self.amount < 0:
            raise DurationError(f"A duration cannot be negative ({self.amount}).")

    @property
    def family(self) -> Family:
        return self.unit.family

    @property
    def calendar_days(self) -> int:
        """How many calendar days a calendar-days or weeks duration stands for ("2 weeks":
        14); 0 for other units."""
        return self.amount * self.unit.days

    def __str__(self) -> str:
        return f"{self.amount} {self.unit.singular if self.amount == 1 else self.unit.plural}"


def parse_duration(text: str) -> Duration:
    """Read "10 working days" and the like. Raises DurationError saying what was wrong."""
    if not isinstance(text, str):
        raise DurationError(f"A duration must be text such as '10 working days', not {text!r}.")
    normalised = " ".join(text.lower().split())
    match = _PATTERN.match(normalised)
    if not match:
        raise DurationError(
            f"'{text}' is not a duration: write a whole number and a unit, "
            f"such as '10 working days' or '24 hours'."
        )
    amount, word = int(match.group(1)), match.group(2)
    if word in {"day", "days", "working", "workday", "workdays", "business day", "business days"}:
        raise DurationError(f"'{text}' is ambiguous: say 'working days' or 'calendar days'.")
    unit = _UNIT_BY_WORD.get(word)
    if unit is None:
        raise DurationError(f"'{text}' has a unit I do not know ('{word}'). Use one of: {_KNOWN}.")
    return Duration(amount, unit)
