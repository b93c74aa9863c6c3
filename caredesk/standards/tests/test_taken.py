"""Time taken (caredesk.standards.taken) against its definition through the engine.

The definition: time taken is the smallest whole k >= 0 with end <= due_at(start, k of
the unit). The closed forms in `taken` are checked against a search that asks the
engine's `due_at` itself, on the calendars the engine's property tests use (split office
hours, clock changes, bank holidays, random weeks), with ends drawn near the instants
where the answer changes: due times, openings, closings and midnight.
"""

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caredesk.errors import CalendarRangeError
from caredesk.standards import (
    Duration,
    TakenUnit,
    Unit,
    as_utc_instants,
    due_at,
    taken_unit,
    time_taken,
    time_taken_batch,
    to_datetimes,
)
from caredesk.standards.calendar import WorkingCalendar
from caredesk.standards.tests.test_engine_properties import (
    calendars,
    interesting_seconds,
    shipped_calendar,
    starts,
)

DAY = timedelta(days=1)
WITHIN = 60 * DAY  # ends fall at most this long after the start
NUDGES = [0, 0, 1, -1, 1_000_000, -1_000_000, 60_000_000, -60_000_000]
# The largest k whose due time can be an end's anchor (then clipped to WITHIN).
MAX_K = {
    TakenUnit.SECONDS: 60 * 86_400,
    TakenUnit.MINUTES: 60 * 1440,
    TakenUnit.WORKING_DAYS: 45,
    TakenUnit.WORKING_MINUTES: 20_000,
    TakenUnit.CALENDAR_DAYS: 60,
}


def reference_taken(start: datetime, end: datetime, unit: TakenUnit, calendar) -> int:
    """The smallest k with end <= due_at(start, k of the unit), by asking due_at.

    Due times grow with k (checked below), so the search doubles k until the due time
    reaches the end and then halves the gap; it stops at 2**26 (more seconds than 60 days).
    """

    def due(k: int) -> datetime:
        return due_at(start, Duration(k, unit.unit), calendar)

    if end <= due(0):
        return 0
    high = 1
    while end > due(high):
        high *= 2
        assert high <= 2**26, "the end is further from the start than the search goes"
    low = high // 2  # end > due(low) and end <= due(high)
    while high - low > 1:
        middle = (low + high) // 2
        if end <= due(middle):
            high = middle
        else:
            low = middle
    return high


@st.composite
def ends(draw, calendar: WorkingCalendar, start: datetime, unit: TakenUnit):
    """An end from a day before the start to WITHIN after it, often on an edge."""
    kind = draw(st.sampled_from(["anywhere", "near the start", "due time", "office edge"]))
    if kind == "anywhere":
        micros = draw(st.integers(-86_400 * 10**6, WITHIN // timedelta(microseconds=1)))
        return start + timedelta(microseconds=micros)
    nudge = timedelta(microseconds=draw(st.sampled_from(NUDGES)))
    if kind == "near the start":
        return start + nudge
    if kind == "due time":
        k = draw(st.integers(0, MAX_K[unit]))
        due = due_at(start, Duration(k, unit.unit), calendar)
        return min(due, start + WITHIN) + nudge
    day = start.astimezone(calendar.zone).date() + draw(st.integers(0, 59)) * DAY
    wall = datetime.combine(day, datetime.min.time(), tzinfo=calendar.zone)
    wall += timedelta(seconds=draw(st.sampled_from(interesting_seconds(calendar))))
    return (wall.astimezone(UTC) + nudge).astimezone(UTC)


@st.composite
def pairs(draw, calendar: WorkingCalendar, unit: TakenUnit):
    start = draw(starts(calendar))
    if draw(st.integers(0, 3)) == 0:
        # Received at (or a microsecond either side of) a close of business.
        close = due_at(start, Duration(0, Unit.WORKING_DAYS), calendar)
        start = close + timedelta(microseconds=draw(st.sampled_from([0, 0, 1, -1])))
    return start, draw(ends(calendar, start, unit))


# -- the definition ---------------------------------------------------------------------


@pytest.mark.parametrize("unit", list(TakenUnit), ids=lambda unit: unit.name.lower())
@settings(max_examples=60)
@given(data=st.data(), calendar=calendars)
def test_time_taken_is_the_smallest_amount_whose_due_time_is_not_before_the_end(
    unit, data, calendar
):
    start, end = data.draw(pairs(calendar, unit))
    assert time_taken(start, end, unit, calendar) == reference_taken(start, end, unit, calendar)


@pytest.mark.parametrize("unit", list(TakenUnit), ids=lambda unit: unit.name.lower())
@settings(max_examples=30)
@given(data=st.data(), calendar=calendars)
def test_due_times_grow_with_the_amount(unit, data, calendar):
    """What the reference's search relies on."""
    start = data.draw(starts(calendar))
    k = data.draw(st.integers(0, MAX_K[unit]))
    due_k, due_next = (due_at(start, Duration(n, unit.unit), calendar) for n in (k, k + 1))
    assert start <= due_k <= due_next


# -- batch --------------------------------------------------------------------------------


@settings(max_examples=40)
@given(data=st.data(), calendar=calendars, unit=st.sampled_from(TakenUnit))
def test_batch_matches_scalar(data, calendar, unit):
    drawn = data.draw(st.lists(pairs(calendar, unit), min_size=1, max_size=30))
    batch = time_taken_batch(
        as_utc_instants([s for s, _ in drawn], calendar),
        as_utc_instants([e for _, e in drawn], calendar),
        unit,
        calendar,
    )
    assert batch.dtype == np.int64
    assert batch.tolist() == [time_taken(s, e, unit, calendar) for s, e in drawn]


@pytest.mark.parametrize("name", ["halton", "stonewall"])
@pytest.mark.parametrize("unit", list(TakenUnit), ids=lambda unit: unit.name.lower())
def test_batch_matches_scalar_on_random_arrays(name, unit):
    """Starts over ten years (so the tables are widened), ends from a day before to 60 after."""
    calendar = shipped_calendar(name)
    rng = np.random.default_rng(list(TakenUnit).index(unit))
    first = np.datetime64("2020-01-01T00:00", "us").astype(np.int64)
    last = np.datetime64("2030-01-01T00:00", "us").astype(np.int64)
    start_micros = rng.integers(first, last, size=400)
    # Half the ends on a whole minute from the start: exact answers, the rest anywhere.
    offsets = rng.integers(-86_400 * 10**6, 60 * 86_400 * 10**6, size=400)
    offsets[::2] = offsets[::2] // 60_000_000 * 60_000_000
    start_times = start_micros.view("datetime64[us]")
    end_times = (start_micros + offsets).view("datetime64[us]")
    batch = time_taken_batch(start_times, end_times, unit, calendar)
    scalar = [
        time_taken(s, e, unit, calendar)
        for s, e in zip(to_datetimes(start_times), to_datetimes(end_times), strict=True)
    ]
    assert batch.tolist() == scalar


def test_batch_takes_aware_datetimes_and_empty_arrays():
    calendar = shipped_calendar("halton")
    start = datetime(2025, 6, 13, 16, tzinfo=UTC)
    assert time_taken_batch([start], [start + DAY], TakenUnit.CALENDAR_DAYS, calendar).tolist() == [
        1
    ]
    empty = np.array([], dtype="datetime64[us]")
    assert time_taken_batch(empty, empty, TakenUnit.WORKING_DAYS, calendar).tolist() == []


def test_batch_refuses_starts_and_ends_of_different_lengths():
    calendar = shipped_calendar("halton")
    moments = as_utc_instants([datetime(2025, 6, 13, 16)] * 2, calendar)
    with pytest.raises(ValueError, match="1 ends for 2 starts"):
        time_taken_batch(moments, moments[:1], TakenUnit.SECONDS, calendar)


# -- agreeing with the targets ------------------------------------------------------------

TARGET_UNITS = [
    Unit.WORKING_DAYS,
    Unit.HOURS,
    Unit.MINUTES,
    Unit.SECONDS,
    Unit.WORKING_HOURS,
    Unit.WORKING_MINUTES,
    Unit.CALENDAR_DAYS,
    Unit.WEEKS,
]
TARGET_MAX = {
    Unit.WORKING_DAYS: 40,
    Unit.HOURS: 1000,
    Unit.MINUTES: 60_000,
    Unit.SECONDS: 4_000_000,
    Unit.WORKING_HOURS: 200,
    Unit.WORKING_MINUTES: 12_000,
    Unit.CALENDAR_DAYS: 60,
    Unit.WEEKS: 8,
}
FACTOR = {Unit.HOURS: 60, Unit.WORKING_HOURS: 60, Unit.WEEKS: 7}


@settings(max_examples=100)
@given(data=st.data(), calendar=calendars, target_unit=st.sampled_from(TARGET_UNITS))
def test_time_taken_is_within_the_target_exactly_when_the_end_is_by_the_due_time(
    data, calendar, target_unit
):
    target = Duration(data.draw(st.integers(0, TARGET_MAX[target_unit])), target_unit)
    start = data.draw(starts(calendar))
    due = due_at(start, target, calendar)
    if data.draw(st.booleans()):
        end = due + timedelta(microseconds=data.draw(st.sampled_from(NUDGES)))
    else:
        end = data.draw(ends(calendar, start, taken_unit(target_unit)))
    taken = time_taken(start, end, taken_unit(target_unit), calendar)
    assert (taken <= target.amount * FACTOR.get(target_unit, 1)) == (end <= due)


def test_each_target_unit_is_counted_in_a_unit_of_its_own_kind():
    assert {unit: taken_unit(unit) for unit in Unit} == {
        Unit.SECONDS: TakenUnit.SECONDS,
        Unit.RINGS: TakenUnit.SECONDS,
        Unit.MINUTES: TakenUnit.MINUTES,
        Unit.HOURS: TakenUnit.MINUTES,
        Unit.WORKING_DAYS: TakenUnit.WORKING_DAYS,
        Unit.WORKING_HOURS: TakenUnit.WORKING_MINUTES,
        Unit.WORKING_MINUTES: TakenUnit.WORKING_MINUTES,
        Unit.CALENDAR_DAYS: TakenUnit.CALENDAR_DAYS,
        Unit.WEEKS: TakenUnit.CALENDAR_DAYS,
        Unit.MONTHS: TakenUnit.CALENDAR_DAYS,
    }
    assert [(u.singular, u.plural) for u in TakenUnit] == [
        ("second", "seconds"),
        ("minute", "minutes"),
        ("working day", "working days"),
        ("working minute", "working minutes"),
        ("calendar day", "calendar days"),
    ]
    assert TakenUnit.WORKING_DAYS.label(1) == "1 working day"
    assert TakenUnit.WORKING_MINUTES.label(90) == "90 working minutes"


# -- worked out by hand -------------------------------------------------------------------

# Halton: 09:00-17:00 Monday to Friday, England and Wales bank holidays (DESIGN.md's
# assumption). Friday 13 June 2025; Friday 23 May 2025 is before the Spring bank holiday
# (Monday 26 May); the clocks went back on Sunday 26 October 2025. Times are local.
WORKED = [
    # (why, received, answered, unit, taken)
    (
        "a letter received on Friday afternoon, answered on Tuesday",
        "2025-06-13T16:00",
        "2025-06-17T10:00",
        TakenUnit.WORKING_DAYS,
        2,
    ),
    (
        "received after close on Friday, answered on Monday: day 0 is Monday",
        "2025-06-13T18:00",
        "2025-06-16T12:00",
        TakenUnit.WORKING_DAYS,
        0,
    ),
    (
        "the bank holiday Monday does not count",
        "2025-05-23T16:00",
        "2025-05-27T10:00",
        TakenUnit.WORKING_DAYS,
        1,
    ),
    (
        "received exactly at close on Friday counts from Monday",
        "2025-06-13T17:00",
        "2025-06-16T17:00",
        TakenUnit.WORKING_DAYS,
        0,
    ),
    (
        "answered at close on the day received: 0 working days",
        "2025-06-11T10:00",
        "2025-06-11T17:00",
        TakenUnit.WORKING_DAYS,
        0,
    ),
    (
        "answered a second after close: 1 working day",
        "2025-06-11T10:00",
        "2025-06-11T17:00:01",
        TakenUnit.WORKING_DAYS,
        1,
    ),
    (
        "24 hours from 10:00, ended half a minute late",
        "2025-06-11T10:00",
        "2025-06-12T10:00:30",
        TakenUnit.MINUTES,
        1441,
    ),
    (
        "24 hours from 10:00, ended on the dot",
        "2025-06-11T10:00",
        "2025-06-12T10:00",
        TakenUnit.MINUTES,
        1440,
    ),
    (
        "the clocks going back make a Sunday 25 hours long",
        "2025-10-25T12:00",
        "2025-10-26T12:00",
        TakenUnit.MINUTES,
        1500,
    ),
    (
        "a part second counts as a whole one",
        "2025-06-11T10:00",
        "2025-06-11T10:00:07.500",
        TakenUnit.SECONDS,
        8,
    ),
    (
        "office time up to close",
        "2025-06-13T16:00",
        "2025-06-13T17:00",
        TakenUnit.WORKING_MINUTES,
        60,
    ),
    (
        "an hour's office time ran out at close, so that evening is a minute over",
        "2025-06-13T16:00",
        "2025-06-13T18:00",
        TakenUnit.WORKING_MINUTES,
        61,
    ),
    (
        "and so is the next opening",
        "2025-06-13T16:00",
        "2025-06-16T09:00",
        TakenUnit.WORKING_MINUTES,
        61,
    ),
    (
        "an hour on Friday and half an hour on Monday",
        "2025-06-13T16:00",
        "2025-06-16T09:30",
        TakenUnit.WORKING_MINUTES,
        90,
    ),
    (
        "the weekend is no office time at all",
        "2025-06-14T10:00",
        "2025-06-15T16:00",
        TakenUnit.WORKING_MINUTES,
        1,  # 0 working minutes are due at the start itself, and Sunday is after it
    ),
    (
        "past midnight is the next calendar day",
        "2025-06-16T23:30",
        "2025-06-17T00:10",
        TakenUnit.CALENDAR_DAYS,
        1,
    ),
    (
        "the same local day is 0 calendar days",
        "2025-06-16T00:00",
        "2025-06-16T23:59:59",
        TakenUnit.CALENDAR_DAYS,
        0,
    ),
    (
        "answered before it was received took nothing",
        "2025-06-16T12:00",
        "2025-06-16T11:00",
        TakenUnit.WORKING_MINUTES,
        0,
    ),
]


@pytest.mark.parametrize(
    ("received", "answered", "unit", "taken"),
    [case[1:] for case in WORKED],
    ids=[case[0] for case in WORKED],
)
def test_worked_examples_at_halton(received, answered, unit, taken):
    calendar = shipped_calendar("halton")
    start, end = datetime.fromisoformat(received), datetime.fromisoformat(answered)
    assert time_taken(start, end, unit, calendar) == taken
    batch = time_taken_batch(
        as_utc_instants([start], calendar), as_utc_instants([end], calendar), unit, calendar
    )
    assert batch.tolist() == [taken]


def test_dates_beyond_the_calendar_are_refused():
    calendar = shipped_calendar("halton")
    start, end = datetime(2100, 12, 1), datetime(2101, 1, 5)
    for unit in (TakenUnit.WORKING_DAYS, TakenUnit.WORKING_MINUTES, TakenUnit.CALENDAR_DAYS):
        with pytest.raises(CalendarRangeError):
            time_taken(start, end, unit, calendar)
        with pytest.raises(CalendarRangeError):
            time_taken_batch(
                as_utc_instants([start], calendar), as_utc_instants([end], calendar), unit, calendar
            )
    with pytest.raises(CalendarRangeError):
        time_taken(datetime(1960, 1, 1), datetime(1960, 1, 2), TakenUnit.SECONDS, calendar)
    # Real time needs no calendar: the engine's due times in seconds go on past 2100.
    assert time_taken(start, end, TakenUnit.SECONDS, calendar) == 35 * 86_400


def halton_like() -> WorkingCalendar:
    """A new calendar, so that the test knows which years its tables cover."""
    return WorkingCalendar(
        timezone="Europe/London",
        working_weekdays=range(5),
        office_hours={day: [(9 * 3600, 17 * 3600)] for day in range(5)},
    )


def test_an_end_after_the_last_close_in_the_tables_widens_them():
    # Monday 31 December 2029 closes at 17:00, the last close in tables up to 2029; the
    # next is on 2 January 2030 (New Year's Day is a bank holiday).
    start, end = datetime(2029, 12, 31, 10), datetime(2029, 12, 31, 20)
    scalar, batch = halton_like(), halton_like()
    for calendar in (scalar, batch):
        assert calendar.tables(2025, 2025).last_year == 2029
    assert time_taken(start, end, TakenUnit.WORKING_DAYS, scalar) == 1
    assert scalar.tables(2029, 2029).last_year > 2029
    instants = as_utc_instants([start], batch), as_utc_instants([end], batch)
    assert time_taken_batch(*instants, TakenUnit.WORKING_DAYS, batch).tolist() == [1]
    assert batch.tables(2029, 2029).last_year > 2029
