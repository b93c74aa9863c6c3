"""How long a retention period keeps a record (engine.kept_since): through the day the
period after the record's own, by the months rule, and past its time the day after."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caredesk.errors import DurationError
from caredesk.standards import kept_since, load_policy, parse_duration
from caredesk.standards.engine import add_months

CALENDAR = load_policy("halton").working_calendar
LONDON = ZoneInfo("Europe/London")


def local_day(moment: datetime) -> date:
    return moment.astimezone(LONDON).date()


@given(
    today=st.dates(date(2000, 1, 1), date(2090, 12, 31)),
    hour=st.integers(0, 23),
    months=st.integers(1, 120),
    back=st.integers(0, 4000),
)
def test_a_record_is_kept_exactly_while_its_period_has_not_run_out(
    today: date, hour: int, months: int, back: int
) -> None:
    now = datetime.combine(today, time(hour), LONDON).astimezone(UTC)
    first = kept_since(now, parse_duration(f"{months} months"), CALENDAR)
    assert first.astimezone(LONDON).time() == time(0)  # the start of a local day
    record_day = today - timedelta(days=back)
    still_kept = add_months(record_day, months) >= today
    assert (record_day >= local_day(first)) == still_kept


@given(
    today=st.dates(date(2000, 1, 1), date(2090, 12, 31)),
    days=st.integers(1, 3000),
    back=st.integers(0, 4000),
)
def test_days_and_weeks_count_as_days(today: date, days: int, back: int) -> None:
    now = datetime.combine(today, time(12), LONDON).astimezone(UTC)
    first = kept_since(now, parse_duration(f"{days} calendar days"), CALENDAR)
    record_day = today - timedelta(days=back)
    assert (record_day >= local_day(first)) == (record_day + timedelta(days=days) >= today)
    if days % 7 == 0:
        weeks = kept_since(now, parse_duration(f"{days // 7} weeks"), CALENDAR)
        assert weeks == first


def test_six_years_from_a_winter_day_to_the_next() -> None:
    now = datetime(2026, 12, 8, 0, 30, tzinfo=UTC)
    assert kept_since(now, parse_duration("72 months"), CALENDAR) == datetime(
        2020, 12, 8, tzinfo=UTC
    )
    # in summer, the local day starts an hour before UTC's
    summer = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)
    assert kept_since(summer, parse_duration("1 month"), CALENDAR) == datetime(
        2026, 5, 31, 23, 0, tzinfo=UTC
    )


def test_a_month_back_from_the_thirtieth_of_march() -> None:
    """28 February's month ends on 28 March: on 30 March it is past."""
    now = datetime(2026, 3, 30, 12, tzinfo=UTC)
    assert local_day(kept_since(now, parse_duration("1 month"), CALENDAR)) == date(2026, 3, 1)


@pytest.mark.parametrize("text", ["10 working days", "4 hours", "3 rings"])
def test_only_calendar_lengths_are_retention_periods(text: str) -> None:
    with pytest.raises(DurationError, match="not a retention period"):
        kept_since(datetime(2026, 1, 1, tzinfo=UTC), parse_duration(text), CALENDAR)
