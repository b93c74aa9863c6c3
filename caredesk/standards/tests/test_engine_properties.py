"""Property tests: the engine against the brute-force reference, and batch against scalar.

Starts are drawn both uniformly and near the instants where rules change: office
openings and closings (to the microsecond), midnight and the clock changes.
"""

from datetime import UTC, date, datetime, timedelta
from functools import cache

from hypothesis import given
from hypothesis import strategies as st

from caredesk.standards import (
    Duration,
    Unit,
    as_utc_instants,
    due_at,
    due_at_batch,
    load_policy,
    to_datetimes,
)
from caredesk.standards.bank_holidays import Region
from caredesk.standards.calendar import WorkingCalendar
from caredesk.standards.tests.reference import Reference

ZONES = ["Europe/London", "America/New_York", "Australia/Lord_Howe"]
MAX_AMOUNT = {
    Unit.SECONDS: 10**7,
    Unit.MINUTES: 10**5,
    Unit.HOURS: 2000,
    Unit.RINGS: 100,
    Unit.WORKING_DAYS: 60,
    Unit.WORKING_HOURS: 120,
    Unit.WORKING_MINUTES: 5000,
    Unit.CALENDAR_DAYS: 400,
    Unit.WEEKS: 60,
    Unit.MONTHS: 36,
}


@cache
def shipped_calendar(name: str) -> WorkingCalendar:
    return load_policy(name).working_calendar


@st.composite
def random_calendars(draw):
    weekdays = draw(st.sets(st.integers(0, 6), min_size=1, max_size=7))
    # Office intervals between 05:00 and 23:00 on a quarter-hour grid, 1 to 3 of them.
    marks = draw(st.lists(st.integers(20, 92), min_size=2, max_size=6, unique=True).map(sorted))
    if len(marks) % 2:
        marks = marks[:-1]
    intervals = tuple((marks[i] * 900, marks[i + 1] * 900) for i in range(0, len(marks), 2))
    closures = draw(st.lists(st.dates(date(2019, 1, 1), date(2031, 12, 31)), max_size=8))
    return WorkingCalendar(
        timezone=draw(st.sampled_from(ZONES)),
        working_weekdays=weekdays,
        office_hours={day: intervals for day in weekdays},
        region=draw(st.sampled_from([*Region, None])),
        closure_days=closures,
        ring_seconds=draw(st.sampled_from([2.5, 3, 4])),
    )


calendars = st.one_of(
    st.sampled_from(["halton", "stonewall"]).map(shipped_calendar), random_calendars()
)


def durations(units=tuple(Unit)):
    return st.sampled_from(units).flatmap(
        lambda unit: st.integers(0, MAX_AMOUNT[unit]).map(lambda n: Duration(n, unit))
    )


def interesting_seconds(calendar: WorkingCalendar) -> list[int]:
    edges = {0, 86_399}
    for intervals in calendar.office_hours.values():
        for opens, closes in intervals:
            edges.update({opens, closes})
    return sorted(edges)


@st.composite
def starts(draw, calendar: WorkingCalendar):
    if draw(st.booleans()):
        return draw(
            st.datetimes(datetime(2020, 1, 1), datetime(2029, 12, 31), timezones=st.just(UTC))
        )
    day = draw(st.dates(date(2020, 1, 1), date(2029, 12, 31)))
    seconds = draw(st.sampled_from(interesting_seconds(calendar)))
    nudge = draw(st.sampled_from([0, 0, 1, -1, 1_000_000, -1_000_000, 3_600_000_000]))
    wall = datetime.combine(day, datetime.min.time(), tzinfo=calendar.zone)
    wall += timedelta(seconds=seconds)
    return (wall.astimezone(UTC) + timedelta(microseconds=nudge)).astimezone(UTC)


@given(data=st.data(), calendar=calendars, duration=durations())
def test_scalar_matches_the_brute_force_reference(data, calendar, duration):
    start = data.draw(starts(calendar))
    assert due_at(start, duration, calendar) == Reference(calendar).due(start, duration)


@given(data=st.data(), calendar=calendars)
def test_batch_matches_scalar_with_a_duration_per_start(data, calendar):
    pairs = data.draw(st.lists(st.tuples(starts(calendar), durations()), min_size=1, max_size=40))
    batch = due_at_batch(
        as_utc_instants([s for s, _ in pairs], calendar), [d for _, d in pairs], calendar
    )
    assert to_datetimes(batch) == [due_at(s, d, calendar) for s, d in pairs]


@given(data=st.data(), calendar=calendars, duration=durations())
def test_batch_matches_scalar_with_one_duration(data, calendar, duration):
    moments = data.draw(st.lists(starts(calendar), min_size=1, max_size=40))
    batch = due_at_batch(as_utc_instants(moments, calendar), duration, calendar)
    assert to_datetimes(batch) == [due_at(s, duration, calendar) for s in moments]


@given(data=st.data(), calendar=calendars, duration=durations())
def test_a_later_start_is_never_due_earlier_and_nothing_is_due_before_it_starts(
    data, calendar, duration
):
    first, second = sorted([data.draw(starts(calendar)), data.draw(starts(calendar))])
    due_first, due_second = due_at(first, duration, calendar), due_at(second, duration, calendar)
    assert due_first <= due_second
    assert due_first >= first
