"""An organisation's working calendar: which days are working days, and office hours.

A working day is one of the policy's working weekdays that is neither a bank holiday
in its region (nor the day a substitute bank holiday stands in for, such as Christmas
Day on a Saturday, for offices open at weekends) nor one of its own closure days.
Office hours are intervals of the working day's wall clock, possibly split (09:30-13:00
and 14:00-17:30).

For speed the calendar lays the years it is asked about out as sorted arrays of
instants (see `CalendarTables`). Every due-time rule then becomes a binary search:
`bisect` for one due time, `numpy.searchsorted` for a million.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from caredesk.errors import CalendarRangeError
from caredesk.standards.bank_holidays import Region, holiday_dates
from caredesk.standards.zones import Micros, ZoneTable, to_micros

# From the Banking and Financial Dealings Act 1971 to the last year `holidays` covers.
FIRST_YEAR, LAST_YEAR = 1971, 2100
SECONDS_PER_DAY = 86_400
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()

# An office interval as seconds after local midnight: (opens, closes), closes <= 86400.
Interval = tuple[int, int]


def day_number(day: date) -> int:
    """Days since 1970-01-01, the unit numpy's datetime64[D] counts in."""
    return day.toordinal() - EPOCH_ORDINAL


@dataclass(frozen=True)
class CalendarTables:
    """The calendar's years first_year..last_year laid out as sorted arrays.

    Each working day contributes its day number and its close of business; each office
    interval contributes its opening and closing instants and the office time that
    passed before it since the first interval of the table ("working time so far").
    Every array exists twice: as NumPy for the batch path and as a list for `bisect`,
    which is several times faster than NumPy on one value.
    """

    first_year: int
    last_year: int
    working_days: Micros  # day numbers of working days
    close_of_business: Micros  # instant each working day closes, same order
    opens: Micros  # every office interval's opening instant, in order
    closes: Micros
    worked_before: Micros  # office time before each interval opens
    worked_after: Micros  # office time when each interval closes
    zone: ZoneTable
    lists: dict[str, list[int]] = field(repr=False)

    def covers(self, first_year: int, last_year: int) -> bool:
        return self.first_year <= first_year and last_year <= self.last_year


class WorkingCalendar:
    def __init__(
        self,
        *,
        timezone: str,
        working_weekdays: Iterable[int],
        office_hours: Mapping[int, Sequence[Interval]],
        region: Region | None = Region.ENGLAND_AND_WALES,
        closure_days: Iterable[date] = (),
        ring_seconds: float = 3,
    ) -> None:
        self.zone = ZoneInfo(timezone)
        self.working_weekdays = frozenset(working_weekdays)
        self.office_hours = {day: tuple(sorted(office_hours[day])) for day in office_hours}
        missing = {day for day in self.working_weekdays if not self.office_hours.get(day)}
        if missing:
            raise ValueError(f"working weekdays without office hours: {sorted(missing)}")
        self.region = region
        self.closure_days = frozenset(closure_days)
        self.ring_seconds = ring_seconds
        self._lock = threading.Lock()
        self._tables: CalendarTables | None = None

    def local_year(self, moment: datetime) -> int:
        """The year at the organisation, which the tables are laid out by."""
        return moment.astimezone(self.zone).year if moment.tzinfo else moment.year

    def __repr__(self) -> str:
        return f"WorkingCalendar({self.zone.key}, {self.region}, {sorted(self.working_weekdays)})"

    # -- day questions ---------------------------------------------------------------

    def holidays(self, first_year: int, last_year: int) -> dict[date, str]:
        """The region's bank holidays and the weekend days they stand in for."""
        if self.region is None:
            return {}
        return holiday_dates(self.region, first_year, last_year)

    def is_working_day(self, day: date) -> bool:
        if day.weekday() not in self.working_weekdays or day in self.closure_days:
            return False
        return day not in self.holidays(day.year, day.year)

    def next_working_day(self, after: date) -> date:
        """The first working day after `after` (the day someone is back, say)."""
        day = after + timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def count_working_days(self, first: date, last: date) -> int:
        """Working days from first to last, both included."""
        if last < first:
            return 0
        tables = self.tables(first.year, last.year)
        days = tables.lists["working_days"]
        return bisect_right(days, day_number(last)) - bisect_left(days, day_number(first))

    def office_hours_of(self, day: date) -> tuple[Interval, ...]:
        return self.office_hours[day.weekday()]

    def _interval_instants(self, day: date, interval: Interval) -> tuple[datetime, datetime]:
        midnight = datetime(day.year, day.month, day.day, tzinfo=self.zone)
        # Adding a timedelta to an aware datetime is wall-clock arithmetic: 17:30 stays
        # 17:30 local on the day the clocks change.
        opens, closes = (midnight + timedelta(seconds=seconds) for seconds in interval)
        # Hours that fall in the spring-forward gap (01:30-02:15, say) have no office time.
        return opens, max(opens, closes, key=lambda moment: moment.timestamp())

    # -- tables ----------------------------------------------------------------------

    def tables(self, first_year: int, last_year: int) -> CalendarTables:
        """Tables covering at least first_year..last_year (built or widened on demand)."""
        if first_year < FIRST_YEAR or last_year > LAST_YEAR:
            raise CalendarRangeError(
                f"Dates must fall between {FIRST_YEAR} and {LAST_YEAR} "
                f"(asked for {first_year} to {last_year})."
            )
        tables = self._tables
        if tables is not None and tables.covers(first_year, last_year):
            return tables
        with self._lock:
            tables = self._tables
            if tables is None or not tables.covers(first_year, last_year):
                if tables is None:
                    # Room for due times that fall in the following years.
                    first_year, last_year = first_year - 1, last_year + 4
                else:
                    # Widen generously so that a stream of later dates rebuilds rarely.
                    span = tables.last_year - tables.first_year + 1
                    first_year = min(first_year, tables.first_year - span)
                    last_year = max(last_year, tables.last_year + span)
                first_year, last_year = max(first_year, FIRST_YEAR), min(last_year, LAST_YEAR)
                tables = self._build_tables(first_year, last_year)
                self._tables = tables
        return tables

    def _build_tables(self, first_year: int, last_year: int) -> CalendarTables:
        holidays = self.holidays(first_year, last_year)
        day_numbers: list[int] = []
        close_of_business: list[int] = []
        opens: list[int] = []
        closes: list[int] = []
        day = date(first_year, 1, 1)
        one_day = timedelta(days=1)
        while day.year <= last_year:
            if (
                day.weekday() in self.working_weekdays
                and day not in holidays
                and day not in self.closure_days
            ):
                intervals = [self._interval_instants(day, i) for i in self.office_hours_of(day)]
                opens.extend(to_micros(o) for o, _ in intervals)
                closes.extend(to_micros(c) for _, c in intervals)
                day_numbers.append(day_number(day))
                close_of_business.append(closes[-1])
            day += one_day
        open_array = np.array(opens, dtype=np.int64)
        close_array = np.array(closes, dtype=np.int64)
        worked_after = np.cumsum(close_array - open_array, dtype=np.int64)
        worked_before = worked_after - (close_array - open_array)
        arrays = {
            "working_days": np.array(day_numbers, dtype=np.int64),
            "close_of_business": np.array(close_of_business, dtype=np.int64),
            "opens": open_array,
            "closes": close_array,
            "worked_before": worked_before,
            "worked_after": worked_after,
        }
        return CalendarTables(
            first_year=first_year,
            last_year=last_year,
            zone=ZoneTable.build(self.zone, first_year, last_year),
            lists={name: array.tolist() for name, array in arrays.items()},
            **arrays,
        )
