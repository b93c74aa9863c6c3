"""The policy file's `[complaints]` and `[hazards]` tables: the Housing Ombudsman's
Complaint Handling Code (2024) and Awaab's Law (the Hazards in Social Housing
(Prescribed Requirements) (England) Regulations 2025) as data.

- `[complaints]`: the Ombudsman's contact details (told to customers in extension
  letters, refusals and responses), whether stage 2 must be considered by someone else,
  the service areas and root causes a complaint is filed under, the reasons a complaint
  may be declined (the Code's exclusions), when the annual complaints performance and
  service improvement report is due, and the homes counted for the Tenant Satisfaction
  Measures' complaints per 1,000 homes (CH01, CH02).
- `[hazards]`: the hazard types Awaab's Law covers, each from the date its phase began,
  and whether emergency hazards of every type are covered from the first phase.

The timescales are `[[standards]]` like any other (`complaint_*`, `hazard_*`). Both
tables are optional; a policy without them has the defaults below. Each setting is
checked here on its own; keys and dates that must differ across a list are checked in
`policy_checks.py`.
"""

from __future__ import annotations

import calendar as month_calendar
import re
from datetime import date
from functools import partial
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, StrictBool

from caredesk.standards.office_hours import shown
from caredesk.standards.policy_values import (
    Clause,
    Key,
    Strict,
    WholeNumber,
    calendar_date,
    within_years,
)

# What the Ombudsman's contact details must look like (policy_problems says so in words).
PHONE = r"^\+?[0-9][0-9 ]{4,18}[0-9]$"
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
WEB_ADDRESS = r"^https://[^\s/]+\.[^\s]+$"
_MONTH_DAY = re.compile(r"\A([0-9]{2})-([0-9]{2})\Z")  # ASCII digits, nothing after
# 2025 is not a leap year: a day due every year must be one that every year has.
_ANY_YEAR = 2025
# In English whatever the machine's locale (calendar.month_name follows it).
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def parse_month_day(text: str) -> tuple[int, int]:
    """ "09-30" as (9, 30): a day that comes every year. Raises ValueError saying what is
    wrong, in words for the person editing the file."""
    found = _MONTH_DAY.match(text)
    if not found:
        raise ValueError(
            f"{shown(text)} is not a month and day: write it as '09-30' (the month, a "
            f"hyphen, then the day, two digits each)."
        )
    month, day = int(found.group(1)), int(found.group(2))
    if not 1 <= month <= 12:
        raise ValueError(f"{shown(text)} is not a month and day: there is no month {month}.")
    if (month, day) == (2, 29):
        raise ValueError(f"{shown(text)} is not a day every year has: give '02-28' or '03-01'.")
    days = month_calendar.monthrange(_ANY_YEAR, month)[1]
    if not 1 <= day <= days:
        name = _MONTHS[month - 1]
        raise ValueError(f"{shown(text)} is not a day of the year: {name} has {days} days.")
    return month, day


def _month_day(value: str) -> str:
    parse_month_day(value)
    return value


MonthDay = Annotated[str, AfterValidator(_month_day)]


CountDate = Annotated[
    date,
    BeforeValidator(calendar_date),
    AfterValidator(partial(within_years, what="the count's date")),
]
PhaseDate = Annotated[
    date,
    BeforeValidator(calendar_date),
    AfterValidator(partial(within_years, what="the phase's date")),
]
Count = Annotated[WholeNumber, Field(ge=0)]
Text = Annotated[str, Field(min_length=1)]


# -- [complaints] ---------------------------------------------------------------------------


class Ombudsman(Strict):
    """Who a customer can take a complaint to: the Housing Ombudsman Service."""

    name: Text = "Housing Ombudsman Service"
    phone: str = Field(default="0300 111 3000", pattern=PHONE)
    email: str = Field(default="info@housing-ombudsman.org.uk", pattern=EMAIL)
    website: str = Field(default="https://www.housing-ombudsman.org.uk", pattern=WEB_ADDRESS)
    address: list[Text] = Field(
        default=["PO Box 1484", "Unit D", "Preston", "PR2 0ET"], min_length=1
    )
    clause: Clause = Clause(
        section="Housing Ombudsman Complaint Handling Code 2024, 6.5 and 6.16",
        quote=(
            "When an organisation informs a resident about an extension to these "
            "timescales, they must be provided with the contact details of the Ombudsman."
        ),
    )

    @property
    def address_text(self) -> str:
        """The address on one line: "PO Box 1484, Unit D, Preston, PR2 0ET"."""
        return ", ".join(self.address)


class Category(Strict):
    """A service area or a root cause a complaint is filed under."""

    key: Key
    name: Text


class Exclusion(Strict):
    """A reason the Code lets a landlord decline to take a complaint."""

    key: Key
    name: Text
    clause: Clause


class AnnualReport(Strict):
    """The annual complaints performance and service improvement report: due each year on
    `due` (month-day) for a landlord with more than `applies_over_homes` homes."""

    due: MonthDay = "09-30"
    applies_over_homes: Count = 1000
    clause: Clause = Clause(
        section="Housing Ombudsman Complaint Handling Code 2024, 8.1",
        quote=(
            "Landlords must produce an annual complaints performance and service "
            "improvement report for scrutiny and challenge"
        ),
    )

    def due_on(self, year: int) -> date:
        """The day the report for `year` is due."""
        return date(year, *parse_month_day(self.due))


class HomesCount(Strict):
    """How many homes the landlord had on a day, by the tenures the Tenant Satisfaction
    Measures count complaints against (per 1,000 homes)."""

    as_at: CountDate
    low_cost_rental: Count
    low_cost_home_ownership: Count


class Complaints(Strict):
    ombudsman: Ombudsman = Ombudsman()
    stage_2_by_someone_else: StrictBool = True
    stage_2_by_someone_else_clause: Clause = Clause(
        section="Housing Ombudsman Complaint Handling Code 2024, 6.13",
        quote=(
            "The person considering the complaint at stage 2 must not be the same person "
            "that considered the complaint at stage 1."
        ),
    )
    service_areas: list[Category] = []
    root_causes: list[Category] = []
    exclusions: list[Exclusion] = []
    annual_report: AnnualReport = AnnualReport()
    homes: list[HomesCount] = []
    assumptions: list[str] = []

    def homes_on(self, day: date) -> HomesCount | None:
        """The latest count of homes on or before `day` (None: none counted by then)."""
        counted = [count for count in self.homes if count.as_at <= day]
        return max(counted, key=lambda count: count.as_at) if counted else None


# -- [hazards] ------------------------------------------------------------------------------


class HazardType(Strict):
    """A hazard type (from the Housing Health and Safety Rating System) and the day its
    significant hazards came under Awaab's Law."""

    key: Key
    name: Text
    phase_from: PhaseDate
    clause: Clause


class Hazards(Strict):
    types: list[HazardType] = []
    # Emergency hazards of every type are covered from the first phase (the Regulations
    # leave out only crowding and space, which is not a type here).
    emergency_any_type: StrictBool = True
    emergency_any_type_clause: Clause = Clause(
        section=("Awaab's Law: Guidance for social landlords (October 2025), 1 Introduction"),
        quote=(
            "From this point social landlords will have to address all emergency hazards "
            "and all damp and mould hazards that present a significant risk of harm to "
            "tenants to fixed timeframes."
        ),
    )
    assumptions: list[str] = []

    def hazard_type(self, key: str) -> HazardType | None:
        return next((kind for kind in self.types if kind.key == key), None)

    def covered(self, key: str, *, on: date, emergency: bool) -> bool:
        """Whether a hazard of type `key` found on `on` is one Awaab's Law's timescales
        apply to: an emergency from the first phase (where every type is covered), a
        significant hazard from its own type's phase."""
        kind = self.hazard_type(key)
        if kind is None:
            return False
        if emergency and self.emergency_any_type:
            return on >= min(other.phase_from for other in self.types)
        return on >= kind.phase_from
