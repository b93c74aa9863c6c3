"""When things happen in the demo: office time, and when customers get in touch.

These choose the times of made-up events (a call, a reply). Due times never come from
here: they come from the engine, through the recorder.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate

from caredesk.standards.calendar import WorkingCalendar
from caredesk.standards.engine import when_worked_reaches, worked_until
from caredesk.standards.zones import from_micros, to_micros

MINUTE = 60


def _whole_seconds(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)


class OfficeTime:
    """Moves through office time (when staff are at work), using the calendar's tables."""

    def __init__(self, calendar: WorkingCalendar, first_year: int, last_year: int):
        self.lists = calendar.tables(first_year, last_year).lists
        day = calendar.office_hours_of(date(2024, 1, 1))  # a Monday
        self.day_seconds = sum(closes - opens for opens, closes in day)

    def worked(self, moment: datetime) -> int:
        return worked_until(self.lists, to_micros(moment))

    def after(self, moment: datetime, seconds: float) -> datetime:
        """The moment `seconds` of office time after `moment` (from the next opening)."""
        amount = self.worked(moment) + round(seconds * 1_000_000)
        return _whole_seconds(from_micros(when_worked_reaches(self.lists, max(amount, 1))))

    def days(self, n: float) -> float:
        """n office days, in seconds."""
        return n * self.day_seconds

    def between(self, low: datetime, high: datetime, share: float) -> datetime | None:
        """The office moment `share` (0 to 1) of the way from `low` to `high`; None if none."""
        start, end = self.worked(low), self.worked(high)
        if end - start < MINUTE * 1_000_000:
            return None
        moment = from_micros(when_worked_reaches(self.lists, start + round(share * (end - start))))
        moment = max(_whole_seconds(moment), low)
        return moment if moment <= high else None


class ReceivedTimes:
    """When customers get in touch: office hours, busiest on Monday mornings; some
    emails, web forms and voicemails arrive in the evening and at weekends."""

    WEEKDAY = {0: 1.35, 1: 1.1, 2: 1.0, 3: 0.95, 4: 0.8, 5: 0.35, 6: 0.25}
    SEASON = {1: 1.15, 2: 1.1, 3: 1.0, 4: 0.95, 5: 0.95, 6: 0.9, 7: 0.9, 8: 0.85}

    def __init__(self, calendar: WorkingCalendar, low: datetime, high: datetime):
        self.calendar, self.zone = calendar, calendar.zone
        self.low, self.high = low, high
        first, last = low.astimezone(self.zone).date(), high.astimezone(self.zone).date()
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        self.working = [day for day in days if calendar.is_working_day(day)]
        self.every_day = days
        self._working_weights = list(accumulate(self._weight(day) for day in self.working))
        self._any_weights = list(accumulate(self._weight(day) for day in days))

    def _weight(self, day: date) -> float:
        return self.WEEKDAY[day.weekday()] * self.SEASON.get(day.month, 1.05)

    def _at(self, day: date, seconds: float) -> datetime:
        local = datetime(day.year, day.month, day.day, tzinfo=self.zone) + timedelta(
            seconds=int(seconds)
        )
        return local.astimezone(UTC)

    def _pick(self, rng: random.Random, days: list[date], weights: list[float]) -> date:
        return days[bisect_right(weights, rng.random() * weights[-1])]

    def in_office_hours(self, moment: datetime) -> bool:
        local = moment.astimezone(self.zone)
        day = local.date()
        if not self.calendar.is_working_day(day):
            return False
        seconds = local.hour * 3600 + local.minute * 60 + local.second
        return any(a <= seconds < b for a, b in self.calendar.office_hours_of(day))

    def office(self, rng: random.Random) -> datetime:
        """During office hours, with the Monday-morning peak."""
        for _ in range(50):
            day = self._pick(rng, self.working, self._working_weights)
            intervals = self.calendar.office_hours_of(day)
            opens, closes = intervals[0][0], intervals[-1][1]
            if rng.random() < (0.45 if day.weekday() == 0 else 0.25):
                closes = min(closes, opens + 2 * 3600)  # the first two hours
            seconds = rng.uniform(opens, closes)
            if not any(a <= seconds < b for a, b in intervals):
                continue  # the lunch hour of a split day
            moment = self._at(day, seconds)
            if self.low <= moment <= self.high:
                return moment
        return self.high

    def out_of_hours(self, rng: random.Random) -> datetime:
        """An evening or a weekend (or bank holiday) day."""
        for _ in range(50):
            day = self._pick(rng, self.every_day, self._any_weights)
            if self.calendar.is_working_day(day):
                seconds = rng.uniform(17.75 * 3600, 22.5 * 3600)
            else:
                seconds = rng.uniform(8 * 3600, 21.5 * 3600)
            moment = self._at(day, seconds)
            if self.low <= moment <= self.high:
                return moment
        return self.high

    def post(self, rng: random.Random) -> datetime:
        """Letters: the morning post on a working day."""
        for _ in range(50):
            day = self._pick(rng, self.working, self._working_weights)
            opens = self.calendar.office_hours_of(day)[0][0]
            moment = self._at(day, opens + rng.uniform(0, 75 * MINUTE))
            if self.low <= moment <= self.high:
                return moment
        return self.high
