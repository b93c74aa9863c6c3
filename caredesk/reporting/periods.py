"""Reporting periods: day, week (Monday to Sunday), month, quarter, financial year.

A period is named by its first day. Quarters and financial years are the landlord's:
the financial year runs April to March (the Regulator's returns use it), and so its
quarters start in April, July, October and January.
"""

from __future__ import annotations

import enum
from datetime import date, timedelta

from caredesk.documents.letters import long_date, month_year


class Period(enum.StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    FINANCIAL_YEAR = "financial_year"

    @property
    def label(self) -> str:
        return {
            Period.DAY: "Day",
            Period.WEEK: "Week",
            Period.MONTH: "Month",
            Period.QUARTER: "Quarter",
            Period.FINANCIAL_YEAR: "Financial year",
        }[self]


FIRST_MONTH_OF_YEAR = 4  # April


def period_start(day: date, period: Period) -> date:
    """The first day of the period `day` falls in."""
    if period is Period.DAY:
        return day
    if period is Period.WEEK:
        return day - timedelta(days=day.weekday())
    if period is Period.MONTH:
        return day.replace(day=1)
    months_in = (day.month - FIRST_MONTH_OF_YEAR) % 12
    if period is Period.QUARTER:
        months_in %= 3  # months into the quarter
    months = day.year * 12 + day.month - 1 - months_in
    return date(months // 12, months % 12 + 1, 1)


def period_end(start: date, period: Period) -> date:
    """The last day of the period that starts on `start`."""
    if period is Period.DAY:
        return start
    if period is Period.WEEK:
        return start + timedelta(days=6)
    length = {Period.MONTH: 1, Period.QUARTER: 3, Period.FINANCIAL_YEAR: 12}[period]
    months = start.year * 12 + start.month - 1 + length
    return date(months // 12, months % 12 + 1, 1) - timedelta(days=1)


def period_name(start: date, period: Period) -> str:
    """How the period is written: "June 2025", "Q1 2025-26", "2025-26", "Week from 2 June 2025"."""
    if period is Period.DAY:
        return long_date(start)
    if period is Period.WEEK:
        return f"Week from {long_date(start)}"
    if period is Period.MONTH:
        return month_year(start)
    year = start.year if start.month >= FIRST_MONTH_OF_YEAR else start.year - 1
    financial = f"{year}-{(year + 1) % 100:02d}"
    if period is Period.QUARTER:
        quarter = ((start.month - FIRST_MONTH_OF_YEAR) % 12) // 3 + 1
        return f"Q{quarter} {financial}"
    return financial


def periods_between(first: date, last: date, period: Period) -> list[date]:
    """The starts of every period that overlaps `first` to `last`, in order."""
    starts = []
    start = period_start(first, period)
    while start <= last:
        starts.append(start)
        start = period_end(start, period) + timedelta(days=1)
    return starts


def months_before(month: date, count: int) -> date:
    """The first day of the month `count` months before `month`'s."""
    months = month.year * 12 + month.month - 1 - count
    return date(months // 12, months % 12 + 1, 1)
