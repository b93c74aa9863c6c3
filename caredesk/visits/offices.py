"""When an office is open, from its records: its weekly hours, its closures, and the bank
holidays of the policy's region (and the policy's own closure days).

Halton's offices "have opening hours clearly displayed" and "give an emergency contact
number for when the office is closed"; Stonewall's offices in the houses and advice
surgeries are "at set times each week". The public page, the poster and the reception
page all read an office's times here, so what they say is what the records say.

Hours are entered as the policy files write them ("09:30-13:00, 14:00-17:30"), read by
the engine's own parser (`standards.office_hours`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction

from caredesk.errors import CaredeskError, NotAllowed
from caredesk.staff.models import Office, StaffMember
from caredesk.staff.permissions import Can, allowed
from caredesk.standards import Policy
from caredesk.standards.office_hours import parse_office_hours
from caredesk.visits.models import OfficeClosure, OpeningHours, Weekday

Interval = tuple[time, time]


class OfficeHoursError(CaredeskError):
    """Opening hours or a closure that cannot be saved as entered."""

    code = "office_hours_invalid"


@dataclass(frozen=True)
class Closure:
    first_day: date
    last_day: date
    reason: str


@dataclass(frozen=True)
class OfficeTimes:
    """An office's week and the days it is shut, in the organisation's time zone."""

    week: dict[int, tuple[Interval, ...]]  # weekday (0: Monday) to its intervals
    closures: tuple[Closure, ...]
    policy: Policy

    def closed_because(self, day: date) -> str:
        """Why the office is shut all day (a bank holiday, a closure); "" if it is not."""
        for closure in self.closures:
            if closure.first_day <= day <= closure.last_day:
                return closure.reason or "Closed"
        holidays = self.policy.working_calendar.holidays(day.year, day.year)
        if day in holidays:
            return holidays[day]
        if day in self.policy.working_calendar.closure_days:
            return "Closed"
        return ""

    def intervals_on(self, day: date) -> tuple[Interval, ...]:
        if self.closed_because(day):
            return ()
        return self.week.get(day.weekday(), ())

    def is_open(self, moment: datetime) -> bool:
        local = moment.astimezone(self.policy.working_calendar.zone)
        now = local.time()
        return any(opens <= now < closes for opens, closes in self.intervals_on(local.date()))

    def next_opening(self, after: datetime, *, within_days: int = 366) -> datetime | None:
        """When the office next opens after `after` (now, if it is open); None if it does
        not open in the next year."""
        zone = self.policy.working_calendar.zone
        local = after.astimezone(zone)
        for offset in range(within_days + 1):
            day = local.date() + timedelta(days=offset)
            for opens, closes in self.intervals_on(day):
                opening = datetime.combine(day, opens, tzinfo=zone)
                closing = datetime.combine(day, closes, tzinfo=zone)
                if closing > local:
                    return max(opening, local)
        return None

    def closures_ahead(self, today: date, *, days: int = 92) -> list[tuple[date, date, str]]:
        """The closures and bank holidays on days the office would open, in the next
        `days` days: what the public page and poster warn of."""
        last = today + timedelta(days=days)
        found: list[tuple[date, date, str]] = []
        for closure in self.closures:
            if closure.last_day >= today and closure.first_day <= last:
                found.append((closure.first_day, closure.last_day, closure.reason or "Closed"))
        holidays = self.policy.working_calendar.holidays(today.year, last.year)
        for day, name in holidays.items():
            would_open = today <= day <= last and self.week.get(day.weekday())
            if would_open and not any(first <= day <= end for first, end, _ in found):
                found.append((day, day, name))
        return sorted(found)


def office_times(office: Office, policy: Policy) -> OfficeTimes:
    """The office's hours and closures, read in two queries."""
    week: dict[int, list[Interval]] = {}
    for row in OpeningHours.objects.filter(office=office).order_by("weekday", "opens"):
        week.setdefault(row.weekday, []).append((row.opens, row.closes))
    closures = tuple(
        Closure(row.first_day, row.last_day, row.reason)
        for row in OfficeClosure.objects.filter(office=office).order_by("first_day")
    )
    return OfficeTimes({day: tuple(hours) for day, hours in week.items()}, closures, policy)


# -- in words ---------------------------------------------------------------------------


def clock_time(moment: time) -> str:
    """A time as GOV.UK writes it: 9am, 9:30am, midday, 5:30pm, midnight."""
    if moment == time(12, 0):
        return "midday"
    if moment in (time(0, 0), time(23, 59, 59)):
        return "midnight"
    hour = moment.hour % 12 or 12
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    return f"{hour}{minutes}{'am' if moment.hour < 12 else 'pm'}"


def intervals_in_words(intervals: Sequence[Interval]) -> str:
    """ "9:30am to 1pm and 2pm to 5:30pm"."""
    said = [f"{clock_time(opens)} to {clock_time(closes)}" for opens, closes in intervals]
    return " and ".join(said) if len(said) < 3 else ", ".join(said[:-1]) + " and " + said[-1]


def week_in_words(week: dict[int, tuple[Interval, ...]]) -> list[tuple[str, str]]:
    """The week as rows a person reads: days with the same hours run together.
    [("Monday to Friday", "9:30am to 1pm and 2pm to 5:30pm"), ("Saturday", "Closed")]."""
    rows: list[tuple[list[int], tuple[Interval, ...]]] = []
    for day in range(7):
        hours = week.get(day, ())
        if rows and rows[-1][1] == hours and rows[-1][0][-1] == day - 1:
            rows[-1][0].append(day)
        else:
            rows.append(([day], hours))
    said = []
    for days, hours in rows:
        first, last = Weekday(days[0]).label, Weekday(days[-1]).label
        span = (
            first
            if len(days) == 1
            else (f"{first} and {last}" if len(days) == 2 else f"{first} to {last}")
        )
        said.append((span, intervals_in_words(hours) if hours else "Closed"))
    return said


def week_as_entered(week: dict[int, tuple[Interval, ...]]) -> dict[int, str]:
    """Each weekday's hours as the form shows them: "09:30-13:00, 14:00-17:30"."""
    return {
        day: ", ".join(f"{opens:%H:%M}-{closes:%H:%M}" for opens, closes in hours)
        for day, hours in week.items()
    }


# -- changing them ----------------------------------------------------------------------


def _may_manage(by: StaffMember) -> None:
    if not allowed(by, Can.MANAGE_OFFICES):
        raise NotAllowed("Only administrators can change an office's hours.")


def hours_read(entered: str, *, day: str) -> tuple[Interval, ...]:
    """One weekday's hours as entered ("09:30-13:00, 14:00-17:30"; empty: closed), read
    by the engine's parser. OfficeHoursError naming the day and what is wrong."""
    parts = [part for part in entered.replace(";", ",").split(",") if part.strip()]
    if not parts:
        return ()
    try:
        intervals = parse_office_hours(parts)
    except ValueError as problem:
        raise OfficeHoursError(f"{day}: {problem}") from None
    return tuple((_seconds_to_time(opens), _seconds_to_time(closes)) for opens, closes in intervals)


def _seconds_to_time(seconds: int) -> time:
    if seconds >= 24 * 3600:
        return time(23, 59, 59)
    return time(seconds // 3600, seconds % 3600 // 60)


@transaction.atomic
def opening_hours_set(
    *, office: Office, week: dict[int, Iterable[Interval]], by: StaffMember
) -> None:
    """Replace the office's weekly hours with `week` (a weekday missing: closed)."""
    _may_manage(by)
    OpeningHours.objects.filter(office=office).delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(office=office, weekday=day, opens=opens, closes=closes)
        for day, hours in sorted(week.items())
        for opens, closes in hours
    )


def office_closure_add(
    *, office: Office, first_day: date, last_day: date, reason: str, by: StaffMember
) -> OfficeClosure:
    _may_manage(by)
    if last_day < first_day:
        raise OfficeHoursError("The last day of a closure cannot be before its first day.")
    return OfficeClosure.objects.create(
        office=office, first_day=first_day, last_day=last_day, reason=" ".join(reason.split())
    )


def office_closure_remove(*, closure: OfficeClosure, by: StaffMember) -> None:
    _may_manage(by)
    closure.delete()
