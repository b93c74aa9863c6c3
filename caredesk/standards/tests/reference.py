"""A brute-force reading of DESIGN.md section 3, written to be obviously right, not fast.

It shares nothing with the engine but the calendar's settings: it asks the `holidays`
package about each day itself, converts each wall time with `zoneinfo`, and walks
through time day by day and interval by interval.
"""

from __future__ import annotations

import calendar as month_calendar
from datetime import date, datetime, time, timedelta

import holidays

from caredesk.standards.bank_holidays import Region
from caredesk.standards.calendar import WorkingCalendar
from caredesk.standards.durations import Duration, Family, Unit

UTC_ZERO = timedelta(0)
SUBDIVISIONS = {
    Region.ENGLAND_AND_WALES: "ENG",
    Region.SCOTLAND: "SCT",
    Region.NORTHERN_IRELAND: "NIR",
}


class Reference:
    def __init__(self, calendar: WorkingCalendar) -> None:
        self.calendar = calendar
        self.zone = calendar.zone
        self._holidays: dict[int, set[date]] = {}

    # -- days and intervals ------------------------------------------------------------

    def is_bank_holiday(self, day: date) -> bool:
        if self.calendar.region is None:
            return False
        if day.year not in self._holidays:
            found = holidays.country_holidays(
                "GB", subdiv=SUBDIVISIONS[self.calendar.region], years=day.year
            )
            self._holidays[day.year] = set(found)
        return day in self._holidays[day.year]

    def is_working_day(self, day: date) -> bool:
        return (
            day.weekday() in self.calendar.working_weekdays
            and not self.is_bank_holiday(day)
            and day not in self.calendar.closure_days
        )

    def wall(self, day: date, seconds: int) -> datetime:
        """Wall-clock seconds after midnight on `day` as an aware instant (fold=0)."""
        extra_days, seconds = divmod(seconds, 86_400)
        day = day + timedelta(days=extra_days)
        clock = time(seconds // 3600, seconds % 3600 // 60, seconds % 60)
        return datetime.combine(day, clock, tzinfo=self.zone)

    def intervals(self, day: date) -> list[tuple[datetime, datetime]]:
        if not self.is_working_day(day):
            return []
        hours = self.calendar.office_hours[day.weekday()]
        return [(self.wall(day, opens), self.wall(day, closes)) for opens, closes in hours]

    def close_of_business(self, day: date) -> datetime:
        return self.intervals(day)[-1][1]

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    # -- the rules ---------------------------------------------------------------------

    def due(self, start: datetime, duration: Duration) -> datetime:
        family = duration.family
        if family is Family.ELAPSED:
            seconds = {
                Unit.SECONDS: 1,
                Unit.MINUTES: 60,
                Unit.HOURS: 3600,
                Unit.RINGS: self.calendar.ring_seconds,
            }[duration.unit]
            return start + timedelta(seconds=duration.amount * seconds)
        if family is Family.WORKING_DAYS:
            return self._working_days(start, duration.amount)
        if family is Family.WORKING_TIME:
            per_unit = 3600 if duration.unit is Unit.WORKING_HOURS else 60
            return self.when_office_time_used(start, timedelta(seconds=duration.amount * per_unit))
        if family is Family.CALENDAR_DAYS:
            days = duration.amount * (7 if duration.unit is Unit.WEEKS else 1)
            return self.end_of_day(self.local_date(start) + timedelta(days=days))
        if family is Family.MONTHS:
            return self._months(start, duration.amount)
        raise AssertionError(family)

    def _working_days(self, start: datetime, n: int) -> datetime:
        day = self.local_date(start)
        while not (self.is_working_day(day) and start < self.close_of_business(day)):
            day += timedelta(days=1)
        counted = 0
        while counted < n:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return self.close_of_business(day)

    def when_office_time_used(
        self,
        start: datetime,
        amount: timedelta,
        paused: list[tuple[datetime, datetime]] | None = None,
    ) -> datetime:
        """Walk the office intervals from `start`, spending `amount` outside `paused`."""
        if amount == UTC_ZERO:
            return start
        remaining = amount
        day = self.local_date(start)
        while True:
            for opens, closes in self.intervals(day):
                for begins, ends in _minus(max(opens, start), closes, paused or []):
                    if begins >= ends:
                        continue
                    if ends - begins >= remaining:
                        return begins + remaining
                    remaining -= ends - begins
            day += timedelta(days=1)

    def when_real_time_used(
        self, start: datetime, amount: timedelta, paused: list[tuple[datetime, datetime]]
    ) -> datetime:
        """Spend `amount` of real time from `start`, skipping the paused intervals."""
        moment, remaining = start, amount
        for begins, ends in sorted(paused):
            if ends <= moment:
                continue
            if begins >= moment + remaining:
                break
            remaining -= max(begins - moment, UTC_ZERO)
            moment = max(moment, ends)
        return moment + remaining

    def end_of_day(self, day: date) -> datetime:
        return self.wall(day + timedelta(days=1), 0) - timedelta(microseconds=1)

    def _months(self, start: datetime, months: int) -> datetime:
        received = self.local_date(start)
        index = received.month - 1 + months
        year, month = received.year + index // 12, index % 12 + 1
        day = date(year, month, min(received.day, month_calendar.monthrange(year, month)[1]))
        while not (self.is_working_day(day) and self.close_of_business(day) > start):
            day += timedelta(days=1)
        return self.close_of_business(day)


def _minus(
    begins: datetime, ends: datetime, paused: list[tuple[datetime, datetime]]
) -> list[tuple[datetime, datetime]]:
    """The parts of [begins, ends) outside every paused interval."""
    parts = [(begins, ends)]
    for pause_begins, pause_ends in paused:
        next_parts = []
        for part_begins, part_ends in parts:
            if pause_ends <= part_begins or pause_begins >= part_ends:
                next_parts.append((part_begins, part_ends))
                continue
            if part_begins < pause_begins:
                next_parts.append((part_begins, pause_begins))
            if pause_ends < part_ends:
                next_parts.append((pause_ends, part_ends))
        parts = next_parts
    return parts
