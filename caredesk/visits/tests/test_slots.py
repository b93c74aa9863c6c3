"""Free appointment times (visits.slots) against a brute-force reference that tries every
grid time of every day with every officer in turn."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caredesk.visits.slots import Officer, Slot, free_slots

LONDON = ZoneInfo("Europe/London")
MONDAY = date(2026, 3, 23)  # the week the clocks go forward (Sunday 29 March)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def brute_force(
    officers: list[Officer],
    start: datetime,
    until: datetime,
    length: int,
    count: int,
    step: int,
    opening,
) -> list[Slot]:
    found: list[Slot] = []
    day = start.astimezone(LONDON).date()
    while day <= until.astimezone(LONDON).date() and len(found) < count:
        for minute in range(0, 24 * 60, step):
            begins = at(day, 0) + timedelta(minutes=minute)
            ends = begins + timedelta(minutes=length)
            if begins < start or ends > until or minute + length > 24 * 60:
                continue
            if opening is not None and not any(
                a <= minute and minute + length <= b for a, b in opening(day)
            ):
                continue
            for officer in officers:
                works = any(
                    a <= minute and minute + length <= b
                    for a, b in officer.week.get(day.weekday(), ())
                )
                clashes = any(s < ends and begins < e for s, e in officer.busy)
                if works and day not in officer.away and not clashes:
                    found.append(Slot(begins, ends, officer.key))
                    break
        day += timedelta(days=1)
    return found[:count]


intervals = st.lists(
    st.tuples(st.integers(6 * 60, 20 * 60), st.integers(15, 6 * 60)).map(
        lambda pair: (pair[0], min(pair[0] + pair[1], 24 * 60))
    ),
    max_size=2,
).map(lambda found: sorted(found))


def disjoint(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Keep the intervals that do not overlap the one before (officers' hours never do)."""
    kept: list[tuple[int, int]] = []
    for span in sorted(spans):
        if not kept or span[0] >= kept[-1][1]:
            kept.append(span)
    return kept


@st.composite
def an_officer(draw, key: int) -> Officer:
    week = {day: disjoint(draw(intervals)) for day in range(7) if draw(st.booleans())}
    away = frozenset(
        MONDAY + timedelta(days=offset) for offset in draw(st.lists(st.integers(0, 13), max_size=4))
    )
    busy: list[tuple[datetime, datetime]] = []
    for offset, hour, minutes in draw(
        st.lists(
            st.tuples(st.integers(0, 13), st.integers(7, 19), st.integers(15, 120)), max_size=8
        )
    ):
        begins = at(MONDAY + timedelta(days=offset), hour).astimezone(UTC)
        ends = begins + timedelta(minutes=minutes)
        if all(ends <= s or e <= begins for s, e in busy):
            busy.append((begins, ends))
    return Officer(key, week, away, sorted(busy))


@settings(max_examples=200, deadline=None)
@given(
    data=st.data(),
    people=st.integers(1, 4),
    length=st.sampled_from([15, 30, 45, 60, 90]),
    step=st.sampled_from([15, 30, 60]),
    count=st.integers(1, 12),
    start_hour=st.integers(0, 23),
    office=st.booleans(),
)
def test_the_times_offered_are_the_first_a_brute_force_search_finds(
    data, people, length, step, count, start_hour, office
) -> None:
    officers = [data.draw(an_officer(key)) for key in range(people)]
    office_hours = disjoint(data.draw(intervals))

    def weekdays_only(day: date) -> list[tuple[int, int]]:
        return office_hours if day.weekday() < 5 else []

    opening = weekdays_only if office else None
    start = at(MONDAY, start_hour).astimezone(UTC)
    until = start + timedelta(days=14)

    found = free_slots(
        officers=officers,
        start=start,
        until=until,
        length=length,
        count=count,
        zone=LONDON,
        step=step,
        opening=opening,
    )

    assert found == brute_force(officers, start, until, length, count, step, opening)


def test_times_keep_to_the_wall_clock_across_the_clocks_going_forward() -> None:
    officer = Officer(1, {day: [(9 * 60, 10 * 60)] for day in range(7)})
    found = free_slots(
        officers=[officer],
        start=at(date(2026, 3, 28), 0),
        until=at(date(2026, 3, 31), 0),
        length=60,
        count=3,
        zone=LONDON,
    )

    assert [slot.starts.astimezone(LONDON).hour for slot in found] == [9, 9, 9]
    assert [slot.starts.astimezone(UTC).hour for slot in found] == [9, 8, 8]  # GMT, then BST


def test_each_time_is_offered_once_with_the_first_officer_free() -> None:
    busy_first = Officer(1, {0: [(9 * 60, 11 * 60)]}, busy=[(at(MONDAY, 9), at(MONDAY, 10))])
    second = Officer(2, {0: [(9 * 60, 11 * 60)]})

    found = free_slots(
        officers=[busy_first, second],
        start=at(MONDAY, 8),
        until=at(MONDAY, 18),
        length=30,
        count=10,
        zone=LONDON,
    )

    assert [(slot.starts.hour, slot.starts.minute, slot.officer) for slot in found] == [
        (9, 0, 2),
        (9, 30, 2),
        (10, 0, 1),
        (10, 30, 1),
    ]


def test_an_appointment_at_the_office_fits_inside_its_opening_hours() -> None:
    officer = Officer(1, {0: [(8 * 60, 18 * 60)]})
    split = [(9 * 60 + 30, 13 * 60), (14 * 60, 17 * 60 + 30)]  # Stonewall's main office

    found = free_slots(
        officers=[officer],
        start=at(MONDAY, 0),
        until=at(MONDAY, 23),
        length=60,
        count=20,
        zone=LONDON,
        opening=lambda day: split,
    )

    assert [f"{s.starts:%H:%M}" for s in found] == [
        "09:30", "10:00", "10:30", "11:00", "11:30", "12:00",
        "14:00", "14:30", "15:00", "15:30", "16:00", "16:30",
    ]  # fmt: skip


def test_nobody_away_or_off_that_day_is_offered() -> None:
    away = Officer(1, {0: [(9 * 60, 10 * 60)]}, away=frozenset({MONDAY}))
    off_mondays = Officer(2, {1: [(9 * 60, 10 * 60)]})

    found = free_slots(
        officers=[away, off_mondays],
        start=at(MONDAY, 0),
        until=at(MONDAY + timedelta(days=1), 23),
        length=60,
        count=5,
        zone=LONDON,
    )

    assert [(slot.starts.date(), slot.officer) for slot in found] == [
        (MONDAY + timedelta(days=1), 2)
    ]


@pytest.mark.parametrize("bad", [{"length": 0}, {"step": 0}, {"count": 0}])
def test_nonsense_sizes_are_refused(bad: dict[str, int]) -> None:
    values = {"length": 30, "step": 30, "count": 1} | bad
    with pytest.raises(ValueError, match="must be positive"):
        free_slots(
            officers=[],
            start=at(MONDAY, 9),
            until=at(MONDAY, 17),
            zone=LONDON,
            length=values["length"],
            step=values["step"],
            count=values["count"],
        )
