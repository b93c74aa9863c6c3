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

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction

from caredesk.errors import CaredeskError, NotAllowed
from caredesk.staff.models import Office, StaffMember
from caredesk.staff.permissions import Can, allowed
from caredesk.standards import Policy
from caredesk.standards.office_hours import parse_office_hours
from caredesk.visits.models import (
    OfficeClosure,
    OfficeDetails,
    OfficeKind,
    OpeningHours,
    Weekday,
)
from caredesk.visits.reception import office_slug

Interval = tuple[time, time]
SLUG_LIMIT = OfficeDetails._meta.get_field("slug").max_length or 80
# A time field cannot hold 24:00: an interval open until midnight closes at this.
END_OF_DAY = time(23, 59, 59)


class OfficeHoursError(CaredeskError):
    """Opening hours or a closure that cannot be saved as entered."""

    code = "office_hours_invalid"


class OfficeDetailsError(CaredeskError):
    """An office's details that cannot be saved: its public address is not one, or is
    another office's."""

    code = "office_details_invalid"


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
        return self.closes_at(moment) is not None

    def closes_at(self, moment: datetime) -> time | None:
        """When the interval open at `moment` closes (local time); None if it is shut."""
        local = moment.astimezone(self.policy.working_calendar.zone)
        now = local.time()
        for opens, closes in self.intervals_on(local.date()):
            if opens <= now < closes:
                return closes
        return None

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
        calendar = self.policy.working_calendar
        days_off = calendar.holidays(today.year, last.year) | {
            day: "Closed" for day in calendar.closure_days
        }
        for day, name in days_off.items():
            would_open = today <= day <= last and self.week.get(day.weekday())
            if would_open and not any(first <= day <= end for first, end, _ in found):
                found.append((day, day, name))
        return sorted(found)


def office_times(office: Office, policy: Policy) -> OfficeTimes:
    """The office's hours and closures, read in two queries."""
    return offices_times([office], policy)[office.pk]


def offices_times(offices: Iterable[Office], policy: Policy) -> dict[int, OfficeTimes]:
    """Each office's hours and closures, by its id: two queries for any number of offices
    (the lists of offices say which are open now)."""
    ids = [office.pk for office in offices]
    weeks: dict[int, dict[int, list[Interval]]] = {pk: {} for pk in ids}
    hours = OpeningHours.objects.filter(office__in=ids).order_by("office", "weekday", "opens")
    for row in hours:
        weeks[row.office_id].setdefault(row.weekday, []).append((row.opens, row.closes))
    closures: dict[int, list[Closure]] = {pk: [] for pk in ids}
    shut = OfficeClosure.objects.filter(office__in=ids).order_by("office", "first_day")
    for closure in shut:
        closures[closure.office_id].append(
            Closure(closure.first_day, closure.last_day, closure.reason)
        )
    return {
        pk: OfficeTimes(
            {day: tuple(each) for day, each in weeks[pk].items()}, tuple(closures[pk]), policy
        )
        for pk in ids
    }


# -- in words ---------------------------------------------------------------------------


def clock_time(moment: time) -> str:
    """A time as GOV.UK writes it: 9am, 9:30am, midday, 5:30pm, midnight."""
    if moment == time(12, 0):
        return "midday"
    if moment in (time(0, 0), END_OF_DAY):
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
    """Each weekday's hours as the form shows them: "09:30-13:00, 14:00-17:30" (and
    hours_read reads them back the same)."""
    return {
        day: ", ".join(f"{_entered(opens)}-{_entered(closes)}" for opens, closes in hours)
        for day, hours in week.items()
    }


def _entered(moment: time) -> str:
    """A time as the form takes it; the end of the day (stored as 23:59:59) is 24:00."""
    return "24:00" if moment == END_OF_DAY else f"{moment:%H:%M}"


# -- changing them ----------------------------------------------------------------------


def _may_manage(by: StaffMember) -> None:
    if not allowed(by, Can.MANAGE_OFFICES):
        raise NotAllowed("Only administrators and line managers can change an office.")


def hours_read(entered: str, *, day: str) -> tuple[Interval, ...]:
    """One weekday's hours as entered ("09:30-13:00, 14:00-17:30"; empty: closed), read
    by the engine's parser. OfficeHoursError naming the day and what is wrong."""
    parts = [part.strip() for part in entered.replace(";", ",").split(",") if part.strip()]
    if not parts:
        return ()
    try:
        intervals = parse_office_hours(parts)
    except ValueError as problem:
        raise OfficeHoursError(f"{day}: {problem}") from None
    return tuple((_seconds_to_time(opens), _seconds_to_time(closes)) for opens, closes in intervals)


def _seconds_to_time(seconds: int) -> time:
    if seconds >= 24 * 3600:
        return END_OF_DAY
    return time(seconds // 3600, seconds % 3600 // 60)


@transaction.atomic
def opening_hours_set(
    *, office: Office, week: Mapping[int, Iterable[Interval]], by: StaffMember
) -> None:
    """Replace the office's weekly hours with `week` (a weekday missing: closed)."""
    _may_manage(by)
    OpeningHours.objects.filter(office=office).delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(office=office, weekday=day, opens=opens, closes=closes)
        for day, hours in sorted(week.items())
        for opens, closes in hours
    )


_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@transaction.atomic
def office_details_save(
    *,
    office: Office,
    kind: str,
    slug: str,
    emergency_phone: str,
    how_to_book: str,
    step_free: bool,
    hearing_loop: bool,
    private_room: bool,
    access_notes: str,
    by: StaffMember,
) -> OfficeDetails:
    """What visitors are told about the office (its public page and poster), kept; the
    row made if the office has none yet, its address by its name if none is given."""
    _may_manage(by)
    if kind not in OfficeKind.values:
        raise OfficeDetailsError("Choose what kind of office it is")
    slug = slug.strip().lower() or office_slug(office)
    if len(slug) > SLUG_LIMIT or not _SLUG.fullmatch(slug):
        raise OfficeDetailsError(
            "The public address can only have lower-case letters, numbers and single "
            f"hyphens between them, up to {SLUG_LIMIT} characters: for example halton-lea"
        )
    taken = OfficeDetails.objects.filter(slug=slug).exclude(office=office).first()
    if taken is not None:
        raise OfficeDetailsError(f"/offices/{slug}/ is {taken.office.name}'s page: choose another")
    fields = {
        "kind": kind,
        "slug": slug,
        "emergency_phone": " ".join(emergency_phone.split()),
        "how_to_book": " ".join(how_to_book.split()),
        "step_free": step_free,
        "hearing_loop": hearing_loop,
        "private_room": private_room,
        "access_notes": " ".join(access_notes.split()),
    }
    details, _ = OfficeDetails.objects.select_for_update().update_or_create(
        office=office, defaults=fields
    )
    return details


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
