"""UK bank holidays by division, substitute days included, for any year.

The rules come from the `holidays` package (maintained, rule-based, so it knows years
that have not been published yet, and one-off days such as the 2023 coronation).
A test cross-checks it against GOV.UK's own data for every year that data covers.
"""

from __future__ import annotations

import enum
from datetime import date
from functools import lru_cache

import holidays


class Region(enum.StrEnum):
    """The UK's bank holiday divisions, named as GOV.UK names them."""

    ENGLAND_AND_WALES = "england-and-wales"
    SCOTLAND = "scotland"
    NORTHERN_IRELAND = "northern-ireland"

    @property
    def label(self) -> str:
        return self.value.replace("-", " ").title().replace("And", "and")


# England and Wales share their bank holidays; `holidays` files them under ENG.
_SUBDIVISION = {
    Region.ENGLAND_AND_WALES: "ENG",
    Region.SCOTLAND: "SCT",
    Region.NORTHERN_IRELAND: "NIR",
}


def bank_holidays(region: Region, first_year: int, last_year: int) -> dict[date, str]:
    """The official bank holidays (GOV.UK's list): always weekdays, substitutes included."""
    return {
        day: name
        for day, name in holiday_dates(region, first_year, last_year).items()
        if day.weekday() < 5
    }


def holiday_dates(region: Region, first_year: int, last_year: int) -> dict[date, str]:
    """Bank holidays and the days they stand in for, such as Christmas Day on a Saturday.

    An office open at weekends closes on Christmas Day itself as well as on the
    substitute Monday; for a Monday-to-Friday office the two lists close the same days.
    """
    found: dict[date, str] = {}
    for year in range(first_year, last_year + 1):
        found.update(_holiday_dates_in(region, year))
    return found


@lru_cache(maxsize=1024)
def _holiday_dates_in(region: Region, year: int) -> dict[date, str]:
    return dict(holidays.country_holidays("GB", subdiv=_SUBDIVISION[region], years=year))
