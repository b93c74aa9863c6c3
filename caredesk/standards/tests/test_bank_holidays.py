"""Bank holidays, cross-checked against GOV.UK's own published data.

GOV.UK's data (https://www.gov.uk/bank-holidays.json) ships, cached, with the
govuk-bank-holidays package. It lists the days that are bank holidays: when a holiday's
date falls at a weekend, only the substitute weekday is listed.
"""

from datetime import date, timedelta
from functools import cache

import pytest
from govuk_bank_holidays.bank_holidays import BankHolidays
from hypothesis import given, settings
from hypothesis import strategies as st

from caredesk.errors import CalendarRangeError
from caredesk.standards.bank_holidays import Region, bank_holidays
from caredesk.standards.calendar import LAST_YEAR, WorkingCalendar

DIVISION = {
    Region.ENGLAND_AND_WALES: BankHolidays.ENGLAND_AND_WALES,
    Region.SCOTLAND: BankHolidays.SCOTLAND,
    Region.NORTHERN_IRELAND: BankHolidays.NORTHERN_IRELAND,
}

# Bank holidays proclaimed after the GOV.UK data cached in govuk-bank-holidays was taken.
PROCLAIMED_SINCE_THE_CACHED_DATA = {
    # Royal Proclamation of 4 February 2026 under section 1(3) of the Banking and
    # Financial Dealings Act 1971: "Monday, the fifteenth day of June in the year 2026
    # to be a bank holiday in Scotland", for Scotland's men's team at the FIFA World Cup.
    Region.SCOTLAND: {date(2026, 6, 15)},
}


@cache
def govuk_dates(region: Region) -> dict[int, set[date]]:
    """GOV.UK's bank holidays for the region, by year."""
    by_year: dict[int, set[date]] = {}
    for holiday in BankHolidays(use_cached_holidays=True).get_holidays(division=DIVISION[region]):
        by_year.setdefault(holiday["date"].year, set()).add(holiday["date"])
    return by_year


def describe(days: set[date]) -> list[str]:
    return [f"{day.isoformat()} ({day:%A})" for day in sorted(days)]


@pytest.mark.parametrize("region", list(Region), ids=str)
def test_govuk_data_covers_at_least_a_decade(region):
    years = sorted(govuk_dates(region))
    assert len(years) >= 10
    assert years == list(range(years[0], years[-1] + 1))


@pytest.mark.parametrize("region", list(Region), ids=str)
def test_bank_holidays_match_govuk_for_every_year_it_publishes(region):
    differences = {}
    for year, official in sorted(govuk_dates(region).items()):
        expected = official | {
            day for day in PROCLAIMED_SINCE_THE_CACHED_DATA.get(region, set()) if day.year == year
        }
        ours = set(bank_holidays(region, year, year))
        if ours != expected:
            differences[year] = (
                f"{year}: not on GOV.UK {describe(ours - expected)}, "
                f"missing {describe(expected - ours)}"
            )
    assert not differences, f"{region} differs from GOV.UK:\n" + "\n".join(differences.values())


@pytest.mark.parametrize("region", list(Region), ids=str)
def test_a_bank_holiday_is_never_a_saturday_or_sunday(region):
    # The 1971 Act moves a holiday that falls at a weekend to a weekday; GOV.UK lists
    # only that weekday, so a weekend date here would be a day that is not a holiday.
    weekend = {day for day in bank_holidays(region, 1995, 2100) if day.weekday() >= 5}
    assert not weekend, f"{len(weekend)} weekend days, such as {describe(weekend)[:6]}"


def test_the_world_cup_bank_holiday_is_scotland_only():
    assert date(2026, 6, 15) in bank_holidays(Region.SCOTLAND, 2026, 2026)
    assert date(2026, 6, 15) not in bank_holidays(Region.ENGLAND_AND_WALES, 2026, 2026)
    assert date(2026, 6, 15) not in bank_holidays(Region.NORTHERN_IRELAND, 2026, 2026)


@pytest.mark.parametrize("region", list(Region), ids=str)
def test_a_range_of_years_is_every_year_in_it(region):
    together = bank_holidays(region, 2019, 2024)
    one_by_one = {}
    for year in range(2019, 2025):
        one_by_one.update(bank_holidays(region, year, year))
    assert together == one_by_one
    assert {day.year for day in together} == set(range(2019, 2025))


@pytest.mark.parametrize("region", list(Region), ids=str)
def test_every_holiday_has_a_name(region):
    assert all(name.strip() for name in bank_holidays(region, 2020, 2030).values())


@pytest.mark.parametrize("region", list(Region), ids=str)
def test_one_off_royal_bank_holidays_are_in_every_region(region):
    days = bank_holidays(region, 2022, 2023)
    assert date(2022, 6, 3) in days  # Platinum Jubilee
    assert date(2022, 9, 19) in days  # State funeral of Queen Elizabeth II
    assert date(2023, 5, 8) in days  # Coronation of King Charles III


def test_england_and_wales_2022_and_2023_special_days():
    days = bank_holidays(Region.ENGLAND_AND_WALES, 2022, 2023)
    assert "Coronation" in days[date(2023, 5, 8)]
    assert "Jubilee" in days[date(2022, 6, 3)]
    assert "Funeral" in days[date(2022, 9, 19)].title()
    # the spring bank holiday moved to Thursday 2 June 2022 for the jubilee weekend
    assert date(2022, 6, 2) in days
    assert date(2022, 5, 30) not in days


def test_christmas_2021_and_new_year_2022_fall_to_substitute_days():
    days = bank_holidays(Region.ENGLAND_AND_WALES, 2021, 2022)
    assert date(2021, 12, 27) in days  # for Christmas Day, a Saturday
    assert date(2021, 12, 28) in days  # for Boxing Day, a Sunday
    assert date(2022, 1, 3) in days  # for New Year's Day, a Saturday


def test_early_may_bank_holiday_2020_moved_to_ve_day():
    days = bank_holidays(Region.ENGLAND_AND_WALES, 2020, 2020)
    assert date(2020, 5, 8) in days
    assert date(2020, 5, 4) not in days


def test_scotland_has_2_january_and_st_andrews_day():
    days = bank_holidays(Region.SCOTLAND, 2024, 2025)
    assert date(2024, 1, 2) in days
    assert date(2025, 1, 2) in days
    # 30 November 2024 was a Saturday: the holiday is Monday 2 December
    assert date(2024, 12, 2) in days
    assert date(2025, 12, 1) in days  # 30 November 2025, a Sunday


def test_scotland_has_no_easter_monday_and_england_has_no_2_january():
    assert date(2024, 4, 1) not in bank_holidays(Region.SCOTLAND, 2024, 2024)
    assert date(2024, 4, 1) in bank_holidays(Region.ENGLAND_AND_WALES, 2024, 2024)
    assert date(2024, 1, 2) not in bank_holidays(Region.ENGLAND_AND_WALES, 2024, 2024)
    assert date(2024, 8, 5) in bank_holidays(Region.SCOTLAND, 2024, 2024)
    assert date(2024, 8, 26) in bank_holidays(Region.ENGLAND_AND_WALES, 2024, 2024)


def test_northern_ireland_has_st_patricks_day_and_the_twelfth():
    days = bank_holidays(Region.NORTHERN_IRELAND, 2024, 2026)
    assert date(2025, 3, 17) in days
    assert date(2024, 7, 12) in days
    assert date(2026, 3, 17) in days


def test_northern_ireland_moves_12_july_2026_from_sunday_to_monday():
    assert date(2026, 7, 12).weekday() == 6  # a Sunday
    assert date(2026, 7, 13) in bank_holidays(Region.NORTHERN_IRELAND, 2026, 2026)


def test_st_patricks_day_and_the_twelfth_are_northern_ireland_only():
    for region in (Region.ENGLAND_AND_WALES, Region.SCOTLAND):
        days = bank_holidays(region, 2025, 2025)
        assert date(2025, 3, 17) not in days
        assert date(2025, 7, 14) not in days  # 12 July 2025 was a Saturday


def test_the_calendar_refuses_years_the_holiday_rules_do_not_cover():
    calendar = WorkingCalendar(
        timezone="Europe/London",
        working_weekdays=range(5),
        office_hours={day: ((9 * 3600, 17 * 3600),) for day in range(5)},
    )
    with pytest.raises(CalendarRangeError):
        calendar.tables(LAST_YEAR + 1, LAST_YEAR + 1)
    assert bank_holidays(Region.ENGLAND_AND_WALES, LAST_YEAR + 1, LAST_YEAR + 1) == {}


@pytest.mark.parametrize("year", [1978, 2030, 2100, LAST_YEAR])
def test_every_year_the_calendar_accepts_has_the_eight_english_bank_holidays(year):
    # the working calendar takes dates up to LAST_YEAR, so bank holidays must go as far
    days = bank_holidays(Region.ENGLAND_AND_WALES, year, year)
    weekdays = sorted(day for day in days if day.weekday() < 5)
    assert len(weekdays) == 8, f"{year}: {describe(set(weekdays))}"
    assert any(date(year, 12, 25) <= day <= date(year, 12, 28) for day in weekdays)


@pytest.mark.parametrize(
    ("region", "label"),
    [
        (Region.ENGLAND_AND_WALES, "England and Wales"),
        (Region.SCOTLAND, "Scotland"),
        (Region.NORTHERN_IRELAND, "Northern Ireland"),
    ],
)
def test_region_label_is_the_plain_english_name(region, label):
    assert region.label == label


def test_regions_are_named_as_govuk_names_its_divisions():
    assert {region.value for region in Region} == set(DIVISION.values())


def test_the_next_working_day_after_a_friday_before_a_bank_holiday_is_tuesday():
    calendar = WorkingCalendar(
        timezone="Europe/London",
        working_weekdays=[0, 1, 2, 3, 4],
        office_hours={day: ((9 * 3600, 17 * 3600),) for day in range(5)},
        region=Region.ENGLAND_AND_WALES,
    )
    assert calendar.next_working_day(date(2025, 5, 23)) == date(2025, 5, 27)  # Whitsun


@settings(max_examples=200)
@given(st.dates(min_value=date(1972, 1, 1), max_value=date(2098, 12, 1)))
def test_the_next_working_day_is_the_first_working_day_after(day):
    calendar = WorkingCalendar(
        timezone="Europe/London",
        working_weekdays=[0, 1, 2, 3, 4],
        office_hours={weekday: ((9 * 3600, 17 * 3600),) for weekday in range(5)},
        region=Region.ENGLAND_AND_WALES,
    )
    after = calendar.next_working_day(day)
    assert after > day
    assert calendar.is_working_day(after)
    assert calendar.count_working_days(day + timedelta(days=1), after) == 1
