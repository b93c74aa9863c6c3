"""The deadline engine: when is something due? (DESIGN.md section 3, rules 1-7.)

Two ways in, with identical answers:

- `due_at(start, duration, calendar)`: one start, a datetime; returns an aware UTC datetime.
- `due_at_batch(starts, durations, calendar)`: an array of UTC instants
  (numpy datetime64) and one duration or one per start; returns datetime64[us] in UTC.

The rules, by the duration's family:

- elapsed (seconds, minutes, hours, rings): start + N of real time.
- working days: day 0 is the start's local date if that is a working day and the start
  is before its close of business, otherwise the next working day; due at close of
  business on the Nth working day after day 0. Put another way: count N working days on
  from the first close of business after the start.
- working hours / minutes: only office time counts; due the instant N of it is used up
  (so a closing time, never the next opening, when it runs out exactly at close).
- calendar days: the end of the local day N days after the start's local date (a week
  is 7 of them).
- months: the same day of the month N months after the start's local date (or that
  month's last day), moved to the next working day if need be; due at its close (and
  never before the start, which only matters for 0 months received after close).

Internally instants are microseconds since the epoch, and every rule is a binary search
in the calendar's tables; see `calendar.CalendarTables`.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from calendar import monthrange
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

from caredesk.errors import CalendarRangeError, DurationError
from caredesk.standards.calendar import (
    FIRST_YEAR,
    LAST_YEAR,
    CalendarTables,
    WorkingCalendar,
    day_number,
)
from caredesk.standards.durations import Duration, Family, Unit
from caredesk.standards.zones import (
    MICROS_PER_DAY,
    MICROS_PER_SECOND,
    Micros,
    from_micros,
    to_micros,
)

END_OF_DAY = -1  # microseconds: "end of the day" is one microsecond before midnight


class TablesTooShort(Exception):
    """An answer falls after the last year in the tables: widen them and try again."""


# -- helpers shared by both paths --------------------------------------------------------


def aware(moment: datetime, calendar: WorkingCalendar) -> datetime:
    """Rule 1: a time with no UTC offset is the organisation's local time."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=calendar.zone)


def check_supported(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise CalendarRangeError(
            f"Dates must fall between {FIRST_YEAR} and {LAST_YEAR} (this one is in {year})."
        )


def ring_micros(calendar: WorkingCalendar) -> int:
    return round(calendar.ring_seconds * MICROS_PER_SECOND)


def elapsed_micros(duration: Duration, calendar: WorkingCalendar) -> int:
    """Real or office time a duration stands for (elapsed and working-time units only)."""
    per_unit = ring_micros(calendar) if duration.unit is Unit.RINGS else duration.unit.micros
    return duration.amount * per_unit


def add_months(day: date, months: int) -> date:
    """The same day N months on, or the last day of that month if it is shorter."""
    year, month_index = divmod(day.year * 12 + day.month - 1 + months, 12)
    last_day = monthrange(year, month_index + 1)[1]
    return date(year, month_index + 1, min(day.day, last_day))


def kept_since(now: datetime, period: Duration, calendar: WorkingCalendar) -> datetime:
    """The start of the first local day whose records `period` still keeps at `now`.

    A record is kept through the day `period` after its own (by the months rule: 31
    August plus 6 months is 28 or 29 February) and is past its time the day after. So
    one from before the day returned has been kept for the whole period, and one from
    that day on is still kept: a record of 7 December 2020 is kept, for "72 months",
    through 7 December 2026, and is past its time from 8 December, wherever the clocks
    changed in between. Weeks and calendar days count as days."""
    today = aware(now, calendar).astimezone(calendar.zone).date()
    if period.family is Family.MONTHS:
        first = add_months(today, -period.amount)
        # 30 March less a month is 28 February, whose month on is 28 March: past.
        while add_months(first, period.amount) < today:
            first += timedelta(days=1)
    elif period.family is Family.CALENDAR_DAYS:
        first = today - timedelta(days=period.calendar_days)
    else:
        raise DurationError(f"'{period}' is not a retention period: give months, weeks or days.")
    check_supported(first.year)
    return datetime(first.year, first.month, first.day, tzinfo=calendar.zone).astimezone(UTC)


def _years_needed(duration: Duration, first_year: int, last_year: int) -> tuple[int, int]:
    """A first guess at the years the tables must cover; overflow widens them later."""
    if duration.family is Family.MONTHS:
        last_year += duration.amount // 12 + 1
    elif duration.family is Family.CALENDAR_DAYS:
        last_year += duration.calendar_days // 365 + 1
    return first_year, min(last_year, LAST_YEAR)


# -- one at a time ------------------------------------------------------------------------


def due_at(start: datetime, duration: Duration, calendar: WorkingCalendar) -> datetime:
    """When something received at `start` is due under `duration` (an aware UTC datetime)."""
    start = aware(start, calendar)
    year = calendar.local_year(start)
    check_supported(year)
    start_micros = to_micros(start)
    if duration.family is Family.ELAPSED:
        return from_micros(start_micros + elapsed_micros(duration, calendar))
    if duration.family is Family.CALENDAR_DAYS:
        return _calendar_days_due(start, duration.calendar_days, calendar)
    tables = calendar.tables(*_years_needed(duration, year, year))
    while True:
        try:
            return from_micros(_due_micros_from_tables(start_micros, duration, calendar, tables))
        except TablesTooShort:
            tables = calendar.tables(tables.first_year, tables.last_year + 1)


def _due_micros_from_tables(
    start: int, duration: Duration, calendar: WorkingCalendar, tables: CalendarTables
) -> int:
    lists = tables.lists
    family, amount = duration.family, duration.amount
    if family is Family.WORKING_DAYS:
        return _nth_close_after(lists["close_of_business"], start, amount)
    if family is Family.WORKING_TIME:
        office_time = elapsed_micros(duration, calendar)
        if office_time == 0:
            return start
        return when_worked_reaches(lists, worked_until(lists, start) + office_time)
    if family is Family.MONTHS:
        local_day = from_micros(start).astimezone(calendar.zone).date()
        check_supported(local_day.year + (local_day.month - 1 + amount) // 12)
        target = day_number(add_months(local_day, amount))
        closes = lists["close_of_business"]
        # Never before the start: "0 months" received after close is due at the next close.
        index = max(bisect_left(lists["working_days"], target), bisect_right(closes, start))
        return entry(closes, index)
    raise AssertionError(f"unhandled family {family}")


def entry(values: list[int], index: int) -> int:
    """values[index], or TablesTooShort when the answer lies beyond the tables."""
    if index >= len(values):
        raise TablesTooShort
    return values[index]


def _nth_close_after(closes: list[int], instant: int, n: int) -> int:
    return entry(closes, bisect_right(closes, instant) + n)


def worked_until(lists: dict[str, list[int]], instant: int) -> int:
    """Office time from the start of the tables up to `instant`."""
    index = bisect_right(lists["opens"], instant) - 1
    if index < 0:
        return 0
    opened = lists["opens"][index]
    return lists["worked_before"][index] + min(instant, lists["closes"][index]) - opened


def when_worked_reaches(lists: dict[str, list[int]], amount: int) -> int:
    """The earliest instant at which office time (from the tables' start) reaches `amount`."""
    index = bisect_left(lists["worked_after"], amount)
    return entry(lists["opens"], index) + amount - lists["worked_before"][index]


def _calendar_days_due(start: datetime, days: int, calendar: WorkingCalendar) -> datetime:
    local_day = start.astimezone(calendar.zone).date()
    try:
        last_day = local_day + timedelta(days=days)
    except OverflowError:
        raise CalendarRangeError(f"The due date would fall after {LAST_YEAR}.") from None
    check_supported(last_day.year)
    return from_micros(end_of_local_day(last_day, calendar))


def end_of_local_day(day: date, calendar: WorkingCalendar) -> int:
    """The last microsecond of a local day, as an instant."""
    after = day + timedelta(days=1)
    midnight = datetime(after.year, after.month, after.day, tzinfo=calendar.zone)
    return to_micros(midnight) + END_OF_DAY


# -- a whole array at once ----------------------------------------------------------------

Instants = npt.NDArray[np.datetime64]


def due_at_batch(
    starts: Instants | Sequence[datetime],
    durations: Duration | Sequence[Duration],
    calendar: WorkingCalendar,
) -> Instants:
    """Due times for many starts. `starts` are UTC instants (datetime64, or aware datetimes).

    `durations` is one duration for all, or one for each start. Returns datetime64[us] UTC.
    """
    start_micros = _as_micros(starts, calendar)
    due = np.empty_like(start_micros)
    if isinstance(durations, Duration):
        due[:] = _batch_for_duration(start_micros, durations, durations.amount, calendar)
        return due.view("datetime64[us]")
    if len(durations) != len(start_micros):
        raise ValueError(f"{len(durations)} durations for {len(start_micros)} starts")
    units = np.array([list(Unit).index(d.unit) for d in durations], dtype=np.int8)
    amounts = np.array([d.amount for d in durations], dtype=np.int64)
    for unit_index in np.unique(units):
        chosen = units == unit_index
        unit = list(Unit)[unit_index]
        group_amounts = amounts[chosen]
        example = Duration(int(group_amounts.max()), unit)
        due[chosen] = _batch_for_duration(start_micros[chosen], example, group_amounts, calendar)
    return due.view("datetime64[us]")


def _as_micros(starts: Instants | Sequence[datetime], calendar: WorkingCalendar) -> Micros:
    if isinstance(starts, np.ndarray) and np.issubdtype(starts.dtype, np.datetime64):
        return starts.astype("datetime64[us]").view(np.int64)
    return np.array([to_micros(aware(s, calendar)) for s in starts], dtype=np.int64)


def _batch_for_duration(
    starts: Micros, duration: Duration, amounts: Any, calendar: WorkingCalendar
) -> Micros:
    """Due times for one unit; `amounts` is a scalar or an array matching `starts`.

    `duration` carries the unit and the largest amount (for sizing the tables).
    """
    if starts.size == 0:
        return starts.copy()
    first_year = calendar.local_year(from_micros(int(starts.min())))
    last_year = calendar.local_year(from_micros(int(starts.max())))
    check_supported(first_year)
    check_supported(last_year)
    amounts = np.asarray(amounts, dtype=np.int64)
    if duration.family is Family.ELAPSED:
        per_unit = elapsed_micros(Duration(1, duration.unit), calendar)
        due: Micros = starts + amounts * per_unit
        return due
    tables = calendar.tables(*_years_needed(duration, first_year, last_year))
    while True:
        try:
            return _batch_from_tables(starts, duration.unit, amounts, calendar, tables)
        except TablesTooShort:
            tables = calendar.tables(tables.first_year, tables.last_year + 1)


def _batch_from_tables(
    starts: Micros,
    unit: Unit,
    amounts: npt.NDArray[np.int64],
    calendar: WorkingCalendar,
    tables: CalendarTables,
) -> Micros:
    family = unit.family
    if family is Family.WORKING_DAYS:
        index = np.searchsorted(tables.close_of_business, starts, side="right") + amounts
        return _take(tables.close_of_business, index)
    if family is Family.WORKING_TIME:
        office_time = amounts * unit.micros
        worked = _batch_worked_until(tables, starts) + office_time
        index = np.searchsorted(tables.worked_after, worked, side="left")
        reached = _take(tables.opens, index) + worked - _take(tables.worked_before, index)
        return np.where(office_time == 0, starts, reached)
    local_days = np.floor_divide(tables.zone.utc_to_wall(starts), MICROS_PER_DAY)
    if family is Family.CALENDAR_DAYS:
        days = amounts * unit.days
        last_day = np.datetime64(int(local_days.max() + days.max()), "D")
        if int(last_day.astype("datetime64[Y]").astype(np.int64)) + 1970 > tables.last_year:
            raise TablesTooShort
        midnight = (local_days + days + 1) * MICROS_PER_DAY
        return tables.zone.wall_to_utc(midnight) + END_OF_DAY
    if family is Family.MONTHS:
        target = _batch_add_months(local_days, amounts)
        index = np.maximum(
            np.searchsorted(tables.working_days, target, side="left"),
            np.searchsorted(tables.close_of_business, starts, side="right"),
        )
        return _take(tables.close_of_business, index)
    raise AssertionError(f"unhandled family {family}")


def _take(values: Micros, index: npt.NDArray[np.intp]) -> Micros:
    if index.size and int(index.max()) >= len(values):
        raise TablesTooShort
    return values[index]


def _batch_worked_until(tables: CalendarTables, instants: Micros) -> Micros:
    index = np.searchsorted(tables.opens, instants, side="right") - 1
    safe = np.maximum(index, 0)
    worked = tables.worked_before[safe] + np.minimum(instants, tables.closes[safe])
    return np.where(index >= 0, worked - tables.opens[safe], 0)


def _batch_add_months(day_numbers: Micros, months: npt.NDArray[np.int64]) -> Micros:
    days = day_numbers.astype("datetime64[D]")
    month_starts = days.astype("datetime64[M]")
    day_of_month = (days - month_starts.astype("datetime64[D]")).astype(np.int64)
    target_months = month_starts + months
    month_lengths = (
        (target_months + 1).astype("datetime64[D]") - target_months.astype("datetime64[D]")
    ).astype(np.int64)
    first_days: Micros = target_months.astype("datetime64[D]").astype(np.int64)
    target: Micros = first_days + np.minimum(day_of_month, month_lengths - 1)
    return target


def to_datetimes(instants: Instants) -> list[datetime]:
    """datetime64[us] UTC instants as aware datetimes (for display and tests)."""
    return [from_micros(int(m)) for m in instants.astype("datetime64[us]").view(np.int64)]


def as_utc_instants(moments: Sequence[datetime], calendar: WorkingCalendar) -> Instants:
    """Aware (or organisation-local naive) datetimes as datetime64[us] UTC instants."""
    return _as_micros(moments, calendar).view("datetime64[us]")
