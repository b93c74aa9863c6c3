"""Free appointment times: the next times at which someone suitable can see the customer.

Plain Python over plain values, so it can be tested against a brute-force reference and
measured on its own (benchmarks/slots.py); `visits.appointments.slots_offer` reads the
records (officers' hours, absences, appointments, the office's opening) into these
values a fortnight at a time.

A time is offered when, for at least one officer: the officer works then (their hours on
that weekday), is not away that day, has no appointment overlapping it, and, for an
appointment at an office, the office is open for the whole of it. Times start on the
clock's grid (every `step` minutes from midnight: 9:00, 9:30...). Each time is offered
once, with the first officer (in the order given) who is free then: a customer chooses a
time; who sees them is the officer's list order (least busy first, say).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

Minutes = tuple[int, int]  # an interval of a day, in minutes after midnight (local)


@dataclass(frozen=True)
class Officer:
    key: int
    week: Mapping[int, Sequence[Minutes]]  # weekday (0: Monday) to the hours they work
    away: frozenset[date] = frozenset()
    # their appointments, as (starts, ends), sorted by start, none overlapping
    busy: Sequence[tuple[datetime, datetime]] = field(default_factory=tuple)
    _ends: list[datetime] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_ends", [ends for _, ends in self.busy])

    def free(self, starts: datetime, ends: datetime) -> bool:
        """Whether no appointment of theirs overlaps [starts, ends)."""
        # the first appointment ending after `starts` is the only one that can overlap
        # (appointments do not overlap each other, so their ends are in order too)
        index = bisect_right(self._ends, starts)
        return index == len(self.busy) or self.busy[index][0] >= ends


@dataclass(frozen=True)
class Slot:
    starts: datetime
    ends: datetime
    officer: int


def _intersect(left: Sequence[Minutes], right: Sequence[Minutes]) -> list[Minutes]:
    found = []
    for a_start, a_end in left:
        for b_start, b_end in right:
            start, end = max(a_start, b_start), min(a_end, b_end)
            if start < end:
                found.append((start, end))
    return sorted(found)


def _at(day: date, minutes: int, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone) + timedelta(minutes=minutes)


def free_slots(
    *,
    officers: Sequence[Officer],
    start: datetime,
    until: datetime,
    length: int,
    count: int,
    zone: ZoneInfo,
    step: int = 30,
    opening: Callable[[date], Sequence[Minutes]] | None = None,
) -> list[Slot]:
    """The first `count` times from `start` to `until` at which an appointment of `length`
    minutes fits, each with the first officer free then. `opening` gives the office's
    hours on a day (None: no office, a home visit); `step` is the grid, in minutes.
    Wall-clock times: on the day the clocks change, 9:00 is still 9:00."""
    if length <= 0 or step <= 0 or count <= 0:
        raise ValueError("length, step and count must be positive")
    found: list[Slot] = []
    day = start.astimezone(zone).date()
    last = until.astimezone(zone).date()
    while day <= last and len(found) < count:
        found.extend(_day_slots(officers, day, start, until, length, step, zone, opening))
        day += timedelta(days=1)
    return found[:count]


def _day_slots(
    officers: Sequence[Officer],
    day: date,
    start: datetime,
    until: datetime,
    length: int,
    step: int,
    zone: ZoneInfo,
    opening: Callable[[date], Sequence[Minutes]] | None,
) -> list[Slot]:
    open_hours = opening(day) if opening is not None else None
    if open_hours is not None and not open_hours:
        return []
    taken: dict[int, Slot] = {}  # minute of the day to the slot offered then
    for officer in officers:
        hours = officer.week.get(day.weekday())
        if not hours or day in officer.away:
            continue
        windows = _intersect(hours, open_hours) if open_hours is not None else sorted(hours)
        for window_start, window_end in windows:
            minute = -(-window_start // step) * step  # the first grid time in the window
            while minute + length <= window_end:
                if minute not in taken:
                    starts = _at(day, minute, zone)
                    ends = starts + timedelta(minutes=length)
                    if starts >= start and ends <= until and officer.free(starts, ends):
                        taken[minute] = Slot(starts, ends, officer.key)
                minute += step
    return [taken[minute] for minute in sorted(taken)]
