"""How long something took, in the unit a performance report counts it in.

A report says "answered in 3 working days" next to "target: 10 working days", and the
two must agree with the deadline engine: whatever was done by its due time must never
read as having taken longer than the target, nor the other way round. So time taken is
defined through the engine itself:

    time_taken(start, end, unit) = the smallest whole k >= 0 with
                                   end <= due_at(start, Duration(k, unit))

and a target of N is met exactly when the time taken is at most N (60 N for hours and
working hours, which are counted in minutes and working minutes; see `taken_unit`).
Done at or before the start, it took 0.

The engine's rules give closed forms, each one or two binary searches in the calendar's
tables, so that `time_taken_batch` handles a million pairs with a few `searchsorted`:

- seconds, minutes: the real time, rounded up to a whole unit;
- working days: the closes of business counted from the first one after the start to
  the first one at or after the end;
- working minutes: one more than the whole minutes of office time before the end.
  "Before the end" (up to the instant just before it) matters: office time that runs
  out exactly at close of business is due at the close, so an end that evening is one
  minute late, and took one minute more than the office time it spans;
- calendar days: the days from the start's local date to the end's.
"""

from __future__ import annotations

import enum
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from datetime import datetime

import numpy as np
import numpy.typing as npt

from caredesk.standards.calendar import CalendarTables, WorkingCalendar
from caredesk.standards.durations import Family, Unit
from caredesk.standards.engine import (
    Instants,
    TablesTooShort,
    _as_micros,  # shared with the engine so that both read instants alike
    _batch_worked_until,
    aware,
    check_supported,
    worked_until,
)
from caredesk.standards.zones import MICROS_PER_DAY, Micros, from_micros, to_micros


class TakenUnit(enum.Enum):
    """What time taken is counted in: (singular, plural, the duration unit it counts)."""

    SECONDS = ("second", "seconds", Unit.SECONDS)
    MINUTES = ("minute", "minutes", Unit.MINUTES)
    WORKING_DAYS = ("working day", "working days", Unit.WORKING_DAYS)
    WORKING_MINUTES = ("working minute", "working minutes", Unit.WORKING_MINUTES)
    CALENDAR_DAYS = ("calendar day", "calendar days", Unit.CALENDAR_DAYS)

    def __init__(self, singular: str, plural: str, unit: Unit) -> None:
        self.singular = singular
        self.plural = plural
        self.unit = unit

    def label(self, amount: int) -> str:
        """The amount with its unit, such as "1 working day" or "3 working days"."""
        return f"{amount} {self.singular if amount == 1 else self.plural}"


# Hours are counted in minutes so that "24 hours" can tell 23:59:30 from 24:00:30;
# rings (a few seconds each) in seconds; weeks and months in calendar days.
_TAKEN_UNIT = {
    Unit.SECONDS: TakenUnit.SECONDS,
    Unit.RINGS: TakenUnit.SECONDS,
    Unit.MINUTES: TakenUnit.MINUTES,
    Unit.HOURS: TakenUnit.MINUTES,
    Unit.WORKING_DAYS: TakenUnit.WORKING_DAYS,
    Unit.WORKING_HOURS: TakenUnit.WORKING_MINUTES,
    Unit.WORKING_MINUTES: TakenUnit.WORKING_MINUTES,
    Unit.CALENDAR_DAYS: TakenUnit.CALENDAR_DAYS,
    Unit.WEEKS: TakenUnit.CALENDAR_DAYS,
    Unit.MONTHS: TakenUnit.CALENDAR_DAYS,
}


def taken_unit(target_unit: Unit) -> TakenUnit:
    """The unit a report counts time taken in, for a target stated in `target_unit`."""
    return _TAKEN_UNIT[target_unit]


# -- one at a time ------------------------------------------------------------------------


def time_taken(start: datetime, end: datetime, unit: TakenUnit, calendar: WorkingCalendar) -> int:
    """How many of `unit` it took from `start` to `end` (naive times are local, rule 1)."""
    start, end = aware(start, calendar), aware(end, calendar)
    first_year = calendar.local_year(start)
    check_supported(first_year)  # as due_at does, even when the answer is 0
    start_micros, end_micros = to_micros(start), to_micros(end)
    if end_micros <= start_micros:
        return 0
    family = unit.unit.family
    if family is Family.ELAPSED:
        return _ceil_divide(end_micros - start_micros, unit.unit.micros)
    last_year = calendar.local_year(end)
    check_supported(last_year)
    if family is Family.CALENDAR_DAYS:
        days = end.astimezone(calendar.zone).date() - start.astimezone(calendar.zone).date()
        return max(days.days, 0)
    tables = calendar.tables(first_year, last_year)
    while True:
        try:
            return _taken_from_tables(start_micros, end_micros, unit, tables)
        except TablesTooShort:
            tables = calendar.tables(tables.first_year, tables.last_year + 1)


def _taken_from_tables(start: int, end: int, unit: TakenUnit, tables: CalendarTables) -> int:
    """Working days or working minutes, for end > start and tables covering both."""
    lists = tables.lists
    if unit is TakenUnit.WORKING_DAYS:
        # Due at the kth close after the first close after the start (rule 4).
        closes = lists["close_of_business"]
        first_close_at_or_after_end = bisect_left(closes, end)
        if first_close_at_or_after_end >= len(closes):
            raise TablesTooShort
        return max(first_close_at_or_after_end - bisect_right(closes, start), 0)
    if unit is TakenUnit.WORKING_MINUTES:
        # k minutes are due at the first instant office time reaches worked(start) + k;
        # that is at or after `end` exactly when k exceeds the office time before `end`.
        worked = worked_until(lists, end - 1) - worked_until(lists, start)
        return worked // unit.unit.micros + 1
    raise AssertionError(f"unhandled unit {unit}")


def _ceil_divide(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)


# -- a whole array at once ----------------------------------------------------------------


def time_taken_batch(
    starts: Instants | Sequence[datetime],
    ends: Instants | Sequence[datetime],
    unit: TakenUnit,
    calendar: WorkingCalendar,
) -> npt.NDArray[np.int64]:
    """`time_taken` for each start and end: UTC instants (datetime64), as `due_at_batch` takes."""
    start_micros = _as_micros(starts, calendar)
    end_micros = _as_micros(ends, calendar)
    if start_micros.shape != end_micros.shape:
        raise ValueError(f"{len(end_micros)} ends for {len(start_micros)} starts")
    taken = np.zeros(start_micros.shape, dtype=np.int64)
    if start_micros.size == 0:
        return taken
    for year in _years(calendar, start_micros):
        check_supported(year)  # as due_at does, even when the answer is 0
    # Only pairs whose end is after the start took any time; the others stay 0.
    later = end_micros > start_micros
    if not later.any():
        return taken
    later_starts, later_ends = start_micros[later], end_micros[later]
    if unit.unit.family is Family.ELAPSED:
        taken[later] = -((later_starts - later_ends) // unit.unit.micros)
        return taken
    first_year = _years(calendar, later_starts)[0]
    last_year = _years(calendar, later_ends)[1]
    check_supported(last_year)
    tables = calendar.tables(first_year, last_year)
    while True:
        try:
            taken[later] = _batch_from_tables(later_starts, later_ends, unit, tables)
            return taken
        except TablesTooShort:
            tables = calendar.tables(tables.first_year, tables.last_year + 1)


def _years(calendar: WorkingCalendar, instants: Micros) -> tuple[int, int]:
    """The local years of the earliest and the latest instant."""
    return (
        calendar.local_year(from_micros(int(instants.min()))),
        calendar.local_year(from_micros(int(instants.max()))),
    )


def _batch_from_tables(
    starts: Micros, ends: Micros, unit: TakenUnit, tables: CalendarTables
) -> Micros:
    """As `_taken_from_tables`, plus calendar days, for arrays with every end > its start."""
    if unit is TakenUnit.WORKING_DAYS:
        closes = tables.close_of_business
        first_close_at_or_after_end = np.searchsorted(closes, ends, side="left")
        if int(first_close_at_or_after_end.max()) >= len(closes):
            raise TablesTooShort
        first_close_after_start = np.searchsorted(closes, starts, side="right")
        counted: Micros = np.maximum(first_close_at_or_after_end - first_close_after_start, 0)
        return counted
    if unit is TakenUnit.WORKING_MINUTES:
        worked = _batch_worked_until(tables, ends - 1) - _batch_worked_until(tables, starts)
        minutes: Micros = worked // unit.unit.micros + 1
        return minutes
    if unit is TakenUnit.CALENDAR_DAYS:
        start_days = np.floor_divide(tables.zone.utc_to_wall(starts), MICROS_PER_DAY)
        end_days = np.floor_divide(tables.zone.utc_to_wall(ends), MICROS_PER_DAY)
        days: Micros = np.maximum(end_days - start_days, 0)
        return days
    raise AssertionError(f"unhandled unit {unit}")
