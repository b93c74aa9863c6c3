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
    """Every bank holiday in the region from 1 January first_year to 31 December last_year."""
    found: dict[date, str] = {}
    for year in range(first_year, last_year + 1):
        found.update(_bank_holidays_in(region, year))
    return found


@lru_cache(maxsize=1024)
def _bank_holidays_in(region: Region, year: int) -> dict[date, str]:
    calendar = holidays.country_holidays("GB", subdiv=_SUBDIVISION[region], years=year)
    # `holidays` lists the nominal day too (Christmas on a Saturday) beside its substitute;
    # the bank holiday is the substitute weekday, as GOV.UK lists it. A weekend office
    # that closes on the nominal day says so in its policy's closure_days.
    return {day: name for day, name in calendar.items() if day.weekday() < 5}
