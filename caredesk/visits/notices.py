"""What a visitor is told about an office, in plain words: its public page and its poster
read the same notice, so the two never say different things.

GOV.UK's content style: "9:30am to 1pm", "midday", "Monday to Friday", dates as "Monday 25
August 2025". Halton's offices "have opening hours clearly displayed" and "give an
emergency contact number for when the office is closed"; Stonewall's main office is by
appointment only (2.3, 2.4), its offices in the houses and advice surgeries "at set times
each week" (2.5, 2.6).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from caredesk.documents.letters import clean_line, long_day
from caredesk.staff.models import Office
from caredesk.standards import Policy
from caredesk.visits.models import OfficeDetails
from caredesk.visits.offices import OfficeTimes, clock_time, office_times, week_in_words
from caredesk.visits.reception import appointment_only

# How far ahead the page and the poster warn of closures and bank holidays.
CLOSURES_AHEAD_DAYS = 92


@dataclass(frozen=True)
class OfficeNotice:
    """Everything a visitor is told about one office, as words."""

    name: str
    kind: str
    address: tuple[str, ...]
    phone: str
    organisation: str
    organisation_phone: str
    hours: list[tuple[str, str]]  # ("Monday to Friday", "9:30am to 1pm and 2pm to 5:30pm")
    bank_holidays: bool  # closed on the bank holidays of the policy's region
    open_now: bool
    now_in_words: str  # "Open now, until 1pm." or "Closed now. It opens again …"
    closures: list[tuple[str, str]]  # ("Monday 25 August 2025", "Summer bank holiday")
    emergency_phone: str
    appointment_only: bool
    how_to_book: str
    access: list[tuple[str, bool]]  # ("Step-free access", True)
    access_notes: str


def office_notice(
    *, details: OfficeDetails, policy: Policy, now: datetime, times: OfficeTimes | None = None
) -> OfficeNotice:
    """The notice for the office of `details`, as it stands at `now`."""
    office: Office = details.office
    times = times or office_times(office, policy)
    today = now.astimezone(policy.working_calendar.zone).date()
    closes = times.closes_at(now)
    organisation = policy.organisation
    return OfficeNotice(
        name=clean_line(office.name),
        kind=details.get_kind_display(),
        address=tuple(line for line in map(clean_line, office.address.splitlines()) if line),
        phone=clean_line(office.phone),
        organisation=organisation.name,
        organisation_phone=organisation.phone or "",
        hours=week_in_words(times.week),
        bank_holidays=policy.working_calendar.region is not None,
        open_now=closes is not None,
        now_in_words=(
            f"Open now, until {clock_time(closes)}."
            if closes is not None
            else _closed_now(times.next_opening(now), now, policy)
        ),
        closures=[
            (_days(first, last), reason)
            for first, last, reason in times.closures_ahead(today, days=CLOSURES_AHEAD_DAYS)
        ],
        emergency_phone=clean_line(details.emergency_phone),
        appointment_only=appointment_only(office, policy),
        how_to_book=clean_line(details.how_to_book),
        access=[
            ("Step-free access", details.step_free),
            ("A hearing loop", details.hearing_loop),
            ("A private room to talk in", details.private_room),
        ],
        access_notes=clean_line(details.access_notes),
    )


def _closed_now(opening: datetime | None, now: datetime, policy: Policy) -> str:
    if opening is None:
        return "Closed now. It has no opening hours in the next year."
    zone = policy.working_calendar.zone
    today = now.astimezone(zone).date()
    opening = opening.astimezone(zone)
    at = clock_time(opening.time())
    if opening.date() == today:
        return f"Closed now. It opens again today at {at}."
    if opening.date() == today + timedelta(days=1):
        return f"Closed now. It opens again tomorrow ({long_day(opening.date())}) at {at}."
    return f"Closed now. It opens again on {long_day(opening.date())} at {at}."


def _days(first: date, last: date) -> str:
    """ "Monday 25 August 2025", or "Wednesday 24 December 2025 to Friday 2 January 2026"."""
    return long_day(first) if first == last else f"{long_day(first)} to {long_day(last)}"
