"""Reporting periods: every day falls in exactly one period of each kind, periods follow
one another without a gap, and the financial year is the landlord's (April to March)."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caredesk.reporting.periods import (
    Period,
    period_end,
    period_name,
    period_start,
    periods_between,
)
from caredesk.standards.calendar import FIRST_YEAR, LAST_YEAR

days = st.dates(min_value=date(FIRST_YEAR, 1, 1), max_value=date(LAST_YEAR, 12, 31))
periods = st.sampled_from(list(Period))


@given(day=days, period=periods)
def test_a_day_falls_in_the_period_that_starts_on_its_period_start(
    day: date, period: Period
) -> None:
    start = period_start(day, period)
    assert start <= day <= period_end(start, period)
    # the start is a fixed point: a period's first day starts the same period
    assert period_start(start, period) == start
    assert period_start(period_end(start, period), period) == start


@given(day=days, period=periods)
def test_the_next_period_starts_the_day_after_the_end(day: date, period: Period) -> None:
    start = period_start(day, period)
    following = period_end(start, period) + timedelta(days=1)
    assert period_start(following, period) == following
    assert period_start(start - timedelta(days=1), period) < start


@given(day=days)
def test_the_financial_year_starts_on_1_april_and_its_quarters_in_april_july_october_january(
    day: date,
) -> None:
    year = period_start(day, Period.FINANCIAL_YEAR)
    assert (year.month, year.day) == (4, 1)
    assert year.year == (day.year if day.month >= 4 else day.year - 1)
    assert period_end(year, Period.FINANCIAL_YEAR) == date(year.year + 1, 3, 31)
    quarter = period_start(day, Period.QUARTER)
    assert quarter.month in (4, 7, 10, 1)
    assert quarter.day == 1
    assert year <= quarter <= day
    assert (quarter.year * 12 + quarter.month) - (day.year * 12 + day.month) in (0, -1, -2)


@given(day=days)
def test_weeks_run_monday_to_sunday(day: date) -> None:
    start = period_start(day, Period.WEEK)
    assert start.weekday() == 0
    assert period_end(start, Period.WEEK).weekday() == 6


@given(first=days, length=st.integers(0, 800), period=periods)
def test_periods_between_are_the_starts_of_every_period_overlapping_the_span(
    first: date, length: int, period: Period
) -> None:
    last = min(first + timedelta(days=length), date(LAST_YEAR, 12, 31))
    starts = periods_between(first, last, period)
    assert starts[0] == period_start(first, period)
    assert starts[-1] == period_start(last, period)
    for earlier, later in pairwise(starts):
        assert later == period_end(earlier, period) + timedelta(days=1)


@pytest.mark.parametrize(
    ("day", "period", "name"),
    [
        (date(2025, 6, 17), Period.MONTH, "June 2025"),
        (date(2025, 4, 1), Period.QUARTER, "Q1 2025-26"),
        (date(2025, 4, 30), Period.QUARTER, "Q1 2025-26"),
        (date(2025, 9, 30), Period.QUARTER, "Q2 2025-26"),
        (date(2025, 12, 25), Period.QUARTER, "Q3 2025-26"),
        (date(2026, 2, 14), Period.QUARTER, "Q4 2025-26"),
        (date(2026, 3, 31), Period.QUARTER, "Q4 2025-26"),
        (date(2025, 6, 17), Period.FINANCIAL_YEAR, "2025-26"),
        (date(2026, 1, 5), Period.FINANCIAL_YEAR, "2025-26"),
        (date(2026, 4, 1), Period.FINANCIAL_YEAR, "2026-27"),
        (date(1999, 5, 1), Period.FINANCIAL_YEAR, "1999-00"),
        (date(2025, 6, 4), Period.WEEK, "Week from 2 June 2025"),
        (date(2025, 6, 2), Period.DAY, "2 June 2025"),
    ],
)
def test_periods_are_named_as_reports_name_them(day: date, period: Period, name: str) -> None:
    assert period_name(period_start(day, period), period) == name
