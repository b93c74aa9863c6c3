"""ZoneTable: whole arrays of instants between UTC and wall time, exactly as zoneinfo does.

Expected values come from Python itself: `astimezone` for UTC to wall time, and a naive
wall time given the zone as tzinfo (fold=0) for wall time to UTC.
"""

from datetime import UTC, datetime, timedelta, timezone
from functools import cache
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from caredesk.standards.zones import ZoneTable, from_micros, to_micros

ZONES = [
    "Europe/London",
    "America/New_York",
    "Australia/Lord_Howe",  # daylight saving of 30 minutes
    "Europe/Dublin",  # tzdata gives Irish winter time as negative daylight saving
    "Asia/Kolkata",  # no daylight saving at all
]
FIRST_YEAR, LAST_YEAR = 1990, 2060
NAIVE_EPOCH = datetime(1970, 1, 1)
ONE_MICROSECOND = timedelta(microseconds=1)
LOWEST = to_micros(datetime(FIRST_YEAR, 1, 1, tzinfo=UTC))
HIGHEST = to_micros(datetime(LAST_YEAR, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC))
THREE_HOURS = 3 * 3600 * 1_000_000


@cache
def table(name: str) -> ZoneTable:
    return ZoneTable.build(ZoneInfo(name), FIRST_YEAR, LAST_YEAR)


def wall_micros(moment: datetime) -> int:
    """A naive wall time as microseconds since 1970-01-01T00:00 on the same wall clock."""
    return (moment - NAIVE_EPOCH) // ONE_MICROSECOND


def expected_wall(name: str, instant: int) -> int:
    local = from_micros(instant).astimezone(ZoneInfo(name))
    return wall_micros(local.replace(tzinfo=None))


def expected_utc(name: str, wall: int) -> int:
    naive = NAIVE_EPOCH + timedelta(microseconds=wall)
    return to_micros(naive.replace(tzinfo=ZoneInfo(name)))  # fold=0


def one(values: list[int]) -> np.ndarray:
    return np.array(values, dtype=np.int64)


zone_names = st.sampled_from(ZONES)
instants_uniform = st.integers(min_value=LOWEST, max_value=HIGHEST)


@st.composite
def zone_and_instants(draw):
    """A zone and a few instants: some anywhere, some within three hours of a change."""
    name = draw(zone_names)
    transitions = table(name).transitions.tolist()
    near = st.nothing()
    if transitions:
        near = st.builds(
            lambda change, delta: change + delta,
            st.sampled_from(transitions),
            st.integers(min_value=-THREE_HOURS, max_value=THREE_HOURS),
        )
    instants = draw(st.lists(instants_uniform | near, min_size=1, max_size=20))
    return name, [min(max(i, LOWEST), HIGHEST) for i in instants]


@st.composite
def zone_and_walls(draw):
    """A zone and wall times: some anywhere, some in or around a gap or a repeated hour."""
    name = draw(zone_names)
    zone_table = table(name)
    changes = list(
        zip(zone_table.transitions.tolist(), zone_table.offsets[:-1].tolist(), strict=True)
    )
    near = st.nothing()
    if changes:
        # the wall clock reads change + old offset at the moment of a change
        near = st.builds(
            lambda change, delta: change[0] + change[1] + delta,
            st.sampled_from(changes),
            st.integers(min_value=-THREE_HOURS, max_value=THREE_HOURS),
        )
    lowest, highest = LOWEST + 86_400_000_000, HIGHEST - 86_400_000_000
    walls = draw(st.lists(st.integers(lowest, highest) | near, min_size=1, max_size=20))
    return name, [min(max(w, lowest), highest) for w in walls]


@given(case=zone_and_instants())
def test_utc_to_wall_matches_zoneinfo(case):
    name, instants = case
    got = table(name).utc_to_wall(one(instants)).tolist()
    assert got == [expected_wall(name, i) for i in instants]


@given(case=zone_and_walls())
def test_wall_to_utc_matches_python_fold_0_reading(case):
    name, walls = case
    got = table(name).wall_to_utc(one(walls)).tolist()
    assert got == [expected_utc(name, w) for w in walls]


@given(case=zone_and_instants())
def test_wall_to_utc_undoes_utc_to_wall_outside_repeated_hours(case):
    name, instants = case
    zone_table = table(name)
    walls = zone_table.utc_to_wall(one(instants))
    back = zone_table.wall_to_utc(walls).tolist()
    for instant, wall, returned in zip(instants, walls.tolist(), back, strict=True):
        moment = from_micros(instant).astimezone(ZoneInfo(name))
        if moment.fold == 0:  # the second pass through a repeated hour reads as the first
            assert returned == instant, (name, moment, wall)


@pytest.mark.parametrize(
    ("name", "wall", "expected_utc_time"),
    [
        # spring forward: 01:30 does not exist; fold=0 reads it with the winter offset
        ("Europe/London", datetime(2025, 3, 30, 1, 30), datetime(2025, 3, 30, 1, 30)),
        # fall back: 01:30 happens twice; fold=0 is the first time, in summer time
        ("Europe/London", datetime(2025, 10, 26, 1, 30), datetime(2025, 10, 26, 0, 30)),
        ("Europe/London", datetime(2025, 10, 26, 2, 0), datetime(2025, 10, 26, 2, 0)),
        ("America/New_York", datetime(2025, 3, 9, 2, 30), datetime(2025, 3, 9, 7, 30)),
        ("America/New_York", datetime(2025, 11, 2, 1, 30), datetime(2025, 11, 2, 5, 30)),
        # Lord Howe moves by half an hour: 02:00-02:30 is its gap, 01:30-02:00 repeats
        ("Australia/Lord_Howe", datetime(2025, 10, 5, 2, 15), datetime(2025, 10, 4, 15, 45)),
        ("Australia/Lord_Howe", datetime(2025, 4, 6, 1, 45), datetime(2025, 4, 5, 14, 45)),
        ("Europe/Dublin", datetime(2025, 3, 30, 1, 30), datetime(2025, 3, 30, 1, 30)),
        ("Europe/Dublin", datetime(2025, 10, 26, 1, 30), datetime(2025, 10, 26, 0, 30)),
        ("Asia/Kolkata", datetime(2025, 3, 30, 1, 30), datetime(2025, 3, 29, 20, 0)),
    ],
)
def test_clock_change_wall_times_read_as_python_reads_them(name, wall, expected_utc_time):
    got = table(name).wall_to_utc(one([wall_micros(wall)])).tolist()
    expected = to_micros(expected_utc_time.replace(tzinfo=UTC))
    assert got == [expected]
    assert got == [expected_utc(name, wall_micros(wall))]


@pytest.mark.parametrize("name", ZONES)
def test_every_transition_changes_the_offset(name):
    zone_table = table(name)
    assert len(zone_table.offsets) == len(zone_table.transitions) + 1
    assert np.all(np.diff(zone_table.transitions) > 0)
    assert np.all(np.diff(zone_table.wall_thresholds) > 0)
    assert np.all(zone_table.offsets[1:] != zone_table.offsets[:-1])
    zone = ZoneInfo(name)
    for change in zone_table.transitions.tolist():
        before = from_micros(change - 1).astimezone(zone).utcoffset()
        after = from_micros(change).astimezone(zone).utcoffset()
        assert before != after, from_micros(change)


@pytest.mark.parametrize(
    ("name", "changes_per_year"),
    [
        ("Europe/London", 2),
        ("America/New_York", 2),
        ("Australia/Lord_Howe", 2),
        ("Europe/Dublin", 2),
        ("Asia/Kolkata", 0),
    ],
)
def test_the_table_holds_every_clock_change_in_its_years(name, changes_per_year):
    years = LAST_YEAR - FIRST_YEAR + 1
    assert len(table(name).transitions) == changes_per_year * years


def test_a_zone_without_clock_changes_has_one_offset():
    zone_table = table("Asia/Kolkata")
    assert zone_table.offsets.tolist() == [(5 * 3600 + 30 * 60) * 1_000_000]
    instant = to_micros(datetime(2025, 6, 1, 12, 0, tzinfo=UTC))
    assert zone_table.utc_to_wall(one([instant])).tolist() == [
        wall_micros(datetime(2025, 6, 1, 17, 30))
    ]


def test_london_changes_at_one_in_the_morning_utc():
    zone_table = table("Europe/London")
    changes = [from_micros(t) for t in zone_table.transitions.tolist()]
    assert datetime(2025, 3, 30, 1, 0, tzinfo=UTC) in changes
    assert datetime(2025, 10, 26, 1, 0, tzinfo=UTC) in changes
    assert all(c.hour == 1 and c.minute == 0 and c.second == 0 for c in changes)


def test_an_empty_array_converts_to_an_empty_array():
    zone_table = table("Europe/London")
    assert zone_table.utc_to_wall(one([])).tolist() == []
    assert zone_table.wall_to_utc(one([])).tolist() == []


@given(
    micros=st.integers(
        min_value=to_micros(datetime.min.replace(tzinfo=UTC)),
        max_value=to_micros(datetime.max.replace(tzinfo=UTC)),
    )
)
def test_from_micros_then_to_micros_is_the_same_number(micros):
    moment = from_micros(micros)
    assert moment.tzinfo is UTC
    assert to_micros(moment) == micros


@given(
    moment=st.datetimes(
        min_value=datetime(2, 1, 1),
        max_value=datetime(9998, 12, 31),
        timezones=st.sampled_from([UTC, timezone(timedelta(hours=-5)), ZoneInfo("Europe/London")]),
    )
)
def test_to_micros_then_from_micros_is_the_same_instant(moment):
    back = from_micros(to_micros(moment))
    # Not `back == moment`: Python never finds a time in a clock change's gap equal to a
    # time in another zone (PEP 495), so compare with the same instant read in UTC.
    assert back == moment.astimezone(UTC)
    assert back.utcoffset() == timedelta(0)


def test_the_epoch_is_zero_and_one_microsecond_is_one():
    assert to_micros(datetime(1970, 1, 1, tzinfo=UTC)) == 0
    assert to_micros(datetime(1970, 1, 1, 0, 0, 0, 1, tzinfo=UTC)) == 1
    assert to_micros(datetime(1969, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC)) == -1
    assert from_micros(86_400_000_000) == datetime(1970, 1, 2, tzinfo=UTC)
