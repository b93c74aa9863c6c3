"""Holding replies and pauses (DESIGN.md section 3, rules 8 and 9).

- A holding reply sets a revised due time, given outright or as a duration from the
  reply. The standard's own due time is kept: reports show "met standard" and "met
  revised date" side by side. The latest holding reply is the one that counts.
- A pause ("waiting for the customer") stops the clock; while a pause is open there is
  no due time. When it ends, the due time moves on by the time paused, counted in the
  standard's own unit:
  - elapsed standards (hours, minutes): by the real time paused;
  - working hours and minutes: by the office time paused;
  - working days and months: one working day for each close of business that passed
    while paused, so the due time stays at close of business;
  - calendar days: one day for each midnight that passed while paused.
  A deadline therefore never falls due inside a pause that began before it, and a
  pause that starts after the deadline has passed changes nothing: a breach cannot be
  paused away.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from caredesk.errors import CaredeskError
from caredesk.standards.calendar import CalendarTables, WorkingCalendar
from caredesk.standards.durations import Duration, Family
from caredesk.standards.engine import (
    TablesTooShort,
    aware,
    due_at,
    end_of_local_day,
    entry,
    when_worked_reaches,
    worked_until,
)
from caredesk.standards.zones import from_micros, to_micros


class DeadlineInputError(CaredeskError):
    """Times the engine cannot use: a pause that ends before it starts, say."""

    code = "deadline_invalid"


@dataclass(frozen=True)
class Pause:
    starts_at: datetime
    ends_at: datetime | None = None  # None while still paused


@dataclass(frozen=True)
class HoldingReply:
    sent_at: datetime
    revised_due_at: datetime


@dataclass(frozen=True)
class DeadlineTimes:
    standard_due_at: datetime | None  # the standard's due time, moved by pauses
    revised_due_at: datetime | None  # from the latest holding reply, moved by later pauses
    paused: bool

    @property
    def due_at(self) -> datetime | None:
        """The time the work is now due: the revised date if there is one; None if paused."""
        if self.paused:
            return None
        return self.revised_due_at if self.revised_due_at is not None else self.standard_due_at


def revised_due(
    *, reply_at: datetime, revision: datetime | Duration, calendar: WorkingCalendar
) -> datetime:
    """The revised due time a holding reply gives: a date and time, or a duration from it."""
    reply_at = aware(reply_at, calendar)
    if isinstance(revision, Duration):
        return due_at(reply_at, revision, calendar)
    revised = aware(revision, calendar)
    if revised <= reply_at:
        raise DeadlineInputError("A revised response date must be after the holding reply.")
    return revised


def deadline_times(
    *,
    start: datetime,
    duration: Duration,
    calendar: WorkingCalendar,
    pauses: Iterable[Pause] = (),
    holding_replies: Iterable[HoldingReply] = (),
) -> DeadlineTimes:
    start = aware(start, calendar)
    ordered = _ordered_pauses(pauses, start, calendar)
    standard = _after_pauses(due_at(start, duration, calendar), ordered, duration, calendar)
    replies = sorted(holding_replies, key=lambda reply: aware(reply.sent_at, calendar))
    if not replies:
        return DeadlineTimes(standard_due_at=standard, revised_due_at=None, paused=standard is None)
    latest = replies[-1]
    sent_at = aware(latest.sent_at, calendar)
    # The revised date was set at the reply: only pausing after it moves that date.
    after_reply = [(max(b, sent_at), e) for b, e in ordered if e is None or e > sent_at]
    revised = _after_pauses(aware(latest.revised_due_at, calendar), after_reply, duration, calendar)
    return DeadlineTimes(standard_due_at=standard, revised_due_at=revised, paused=revised is None)


def _ordered_pauses(
    pauses: Iterable[Pause], start: datetime, calendar: WorkingCalendar
) -> list[tuple[datetime, datetime | None]]:
    """Pauses clipped to the clock's start, sorted, overlaps merged."""
    merged: list[tuple[datetime, datetime | None]] = []
    clipped = []
    for pause in pauses:
        begins = max(aware(pause.starts_at, calendar), start)
        ends = None if pause.ends_at is None else aware(pause.ends_at, calendar)
        if ends is not None and ends < aware(pause.starts_at, calendar):
            raise DeadlineInputError("A pause cannot end before it starts.")
        if ends is None or ends > begins:
            clipped.append((begins, ends))
    for begins, ends in sorted(clipped, key=lambda pause: pause[0]):
        if merged:
            last_begins, last_ends = merged[-1]
            if last_ends is None:
                break  # an open pause takes in everything after it
            if begins <= last_ends:
                merged[-1] = (last_begins, None if ends is None else max(ends, last_ends))
                continue
        merged.append((begins, ends))
    return merged


def _after_pauses(
    due: datetime,
    pauses: list[tuple[datetime, datetime | None]],
    duration: Duration,
    calendar: WorkingCalendar,
) -> datetime | None:
    if not pauses:
        return due
    last_moment = max([due, *(e for _, e in pauses if e is not None)])
    tables = calendar.tables(calendar.local_year(pauses[0][0]), calendar.local_year(last_moment))
    while True:
        try:
            moved = _moved_micros(to_micros(due), pauses, duration.family, calendar, tables)
            return None if moved is None else from_micros(moved)
        except TablesTooShort:
            tables = calendar.tables(tables.first_year, tables.last_year + 1)


def _moved_micros(
    due: int,
    pauses: list[tuple[datetime, datetime | None]],
    family: Family,
    calendar: WorkingCalendar,
    tables: CalendarTables,
) -> int | None:
    """The due time after each pause in turn; None if one that counts is still open."""
    lists = tables.lists
    closes = lists["close_of_business"]
    current = due
    for begins_at, ends_at in pauses:
        begins = to_micros(begins_at)
        if begins >= current:
            break  # this pause, and every later one, starts after the deadline
        if ends_at is None:
            return None
        ends = to_micros(ends_at)
        if ends > lists["closes"][-1]:
            raise TablesTooShort
        if family is Family.ELAPSED:
            current += ends - begins
        elif family is Family.WORKING_TIME:
            paused = worked_until(lists, ends) - worked_until(lists, begins)
            if paused:
                current = when_worked_reaches(lists, worked_until(lists, current) + paused)
        elif family in {Family.WORKING_DAYS, Family.MONTHS}:
            closes_passed = bisect_right(closes, ends) - bisect_right(closes, begins)
            if closes_passed:
                current = entry(closes, bisect_left(closes, current) + closes_passed)
        else:
            days_passed = (_local_day(ends, calendar) - _local_day(begins, calendar)).days
            if days_passed:
                last_day = _local_day(current, calendar) + timedelta(days=days_passed)
                current = end_of_local_day(last_day, calendar)
    return current


def _local_day(instant: int, calendar: WorkingCalendar) -> date:
    return from_micros(instant).astimezone(calendar.zone).date()
