"""Call figures on known calls: every number below is worked out by hand.

The calls are built directly (bulk_create), each answered or abandoned call measured
against Halton's two phone standards (4 rings of 3 seconds, and 10 seconds) with due
times from the engine.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from caredesk.staff.models import Office, Team
from caredesk.standards import load_policy
from caredesk.telephony.figures import (
    CallCounts,
    Period,
    Split,
    Within,
    call_figures,
    call_figures_rows,
    call_figures_total,
    call_heat_map,
    percentile_of_sorted,
    period_starts,
    phone_standards,
)
from caredesk.telephony.models import CallOutcome, Line
from caredesk.telephony.tests.figures_data import HALTON, Spec, bst, make_calls, utc

pytestmark = pytest.mark.django_db


@pytest.fixture
def lines():
    office = Office.objects.create(name="Runcorn")
    tenancy = Team.objects.create(name="Tenancy", office=office)
    repairs = Team.objects.create(name="Repairs", office=office)
    return {
        "switchboard": Line.objects.create(name="Switchboard", team=tenancy),
        "repairs": Line.objects.create(name="Repairs", team=repairs),
        "out_of_hours": Line.objects.create(name="Out of hours"),
        "tenancy": tenancy,
        "repairs_team": repairs,
    }


A, AB, V, T = (
    CallOutcome.ANSWERED,
    CallOutcome.ABANDONED,
    CallOutcome.VOICEMAIL,
    CallOutcome.TRANSFERRED,
)


@pytest.fixture
def week(lines):
    """Monday 2 to Sunday 8 June 2025 (summer time): 13 calls, 10 answered."""
    sw, rp, ooh = lines["switchboard"], lines["repairs"], lines["out_of_hours"]
    make_calls(
        # Monday
        Spec(bst(2025, 6, 2, 9, 15), A, 2, sw),
        Spec(bst(2025, 6, 2, 9, 40), A, 4, sw),
        Spec(bst(2025, 6, 2, 10, 5), A, 6, sw),
        Spec(bst(2025, 6, 2, 10, 10), A, 8, rp),
        Spec(bst(2025, 6, 2, 10, 20), AB, 20, rp),
        Spec(bst(2025, 6, 2, 11, 0), V, 30, rp),
        # Tuesday
        Spec(bst(2025, 6, 3, 9, 5), A, 10, sw),
        Spec(bst(2025, 6, 3, 9, 30), A, 12, sw),
        Spec(bst(2025, 6, 3, 14, 0), A, 14, rp),
        Spec(bst(2025, 6, 3, 14, 30), T, 5, rp),
        # Wednesday
        Spec(bst(2025, 6, 4, 16, 59), A, 16, sw),
        Spec(bst(2025, 6, 4, 17, 30), A, 18, ooh),
        Spec(bst(2025, 6, 4, 8, 0), A, 30, None),
        # Outside the week, either side
        Spec(bst(2025, 6, 1, 23, 59), A, 1, sw),
        Spec(bst(2025, 6, 9, 0, 0), A, 1, sw),
    )
    return lines


def test_halton_has_two_phone_standards_named_from_the_policy():
    assert [(s.key, s.name, s.target) for s in phone_standards(HALTON)] == [
        ("phone_answer_rings", "Phone calls answered within 4 rings", "4 rings"),
        ("phone_answer_seconds", "Phone calls answered within 10 seconds", "10 seconds"),
    ]
    assert [s.key for s in phone_standards(load_policy("stonewall"))] == ["phone_answer_rings"]


def test_percentile_is_continuous_like_percentile_cont():
    assert percentile_of_sorted([7], 0.9) == 7
    assert percentile_of_sorted([8, 14], 0.9) == pytest.approx(13.4)  # 8 + 0.9 × 6
    # position 0.9 × 9 = 8.1: between the 9th (18) and 10th (30) values
    assert percentile_of_sorted([2, 4, 6, 8, 10, 12, 14, 16, 18, 30], 0.9) == pytest.approx(19.2)


def test_the_whole_week_in_total(week):
    total = call_figures_total(start=date(2025, 6, 2), end=date(2025, 6, 8), policy=HALTON)
    assert (total.offered, total.answered, total.abandoned, total.voicemail) == (13, 10, 1, 1)
    assert total.transferred == 1
    # answered in 2, 4, ... 18 and 30 seconds: 120 over 10
    assert total.average_answer == 12.0
    assert total.p90_answer == percentile_of_sorted([2, 4, 6, 8, 10, 12, 14, 16, 18, 30], 0.9)
    assert total.p90_answer == pytest.approx(19.2)
    # measured: 10 answered and 1 abandoned. 4 rings is 12 s: 2..12 met (6);
    # 10 seconds: 2..10 met (5)
    assert total.within == (Within(met=6, measured=11), Within(met=5, measured=11))
    assert total.within[0].percent == pytest.approx(54.545, abs=0.001)
    assert total.within[1].percent == pytest.approx(45.455, abs=0.001)


def test_by_day_every_day_appears_even_with_no_calls(week):
    rows = call_figures_rows(
        start=date(2025, 6, 2),
        end=date(2025, 6, 8),
        period=Period.DAY,
        split=Split.ALL,
        policy=HALTON,
    )
    assert [r.period for r in rows] == [date(2025, 6, d) for d in range(2, 9)]
    assert {r.group for r in rows} == {"All lines"}
    monday, tuesday, wednesday, *rest = (r.counts for r in rows)

    assert (monday.offered, monday.answered, monday.abandoned, monday.voicemail) == (6, 4, 1, 1)
    assert monday.average_answer == 5.0  # (2 + 4 + 6 + 8) / 4
    assert monday.p90_answer == pytest.approx(7.4)  # position 2.7: 6 + 0.7 × 2
    assert monday.within == (Within(4, 5), Within(4, 5))

    assert (tuesday.offered, tuesday.answered, tuesday.transferred) == (4, 3, 1)
    assert tuesday.average_answer == 12.0
    assert tuesday.p90_answer == pytest.approx(13.6)  # position 1.8: 12 + 0.8 × 2
    assert tuesday.within == (Within(2, 3), Within(1, 3))  # 10 and 12 in 4 rings; 10 in 10 s

    assert (wednesday.offered, wednesday.answered) == (3, 3)
    assert wednesday.average_answer == pytest.approx(64 / 3)
    assert wednesday.p90_answer == pytest.approx(27.6)  # position 1.8: 18 + 0.8 × 12
    assert wednesday.within == (Within(0, 3), Within(0, 3))

    for empty in rest:
        assert empty.offered == 0
        assert empty.average_answer is None
        assert empty.p90_answer is None
        assert [w.percent for w in empty.within] == [None, None]


def test_by_line_for_the_week(week):
    rows = call_figures_rows(
        start=date(2025, 6, 2),
        end=date(2025, 6, 8),
        period=Period.WEEK,
        split=Split.LINE,
        policy=HALTON,
    )
    assert {r.period for r in rows} == {date(2025, 6, 2)}
    by_name = {r.group: r.counts for r in rows}
    assert [r.group for r in rows] == ["Out of hours", "Repairs", "Switchboard", "No line"]

    switchboard = by_name["Switchboard"]
    assert (switchboard.offered, switchboard.answered) == (6, 6)
    assert switchboard.average_answer == pytest.approx(50 / 6)
    assert switchboard.p90_answer == pytest.approx(14.0)  # [2,4,6,10,12,16]: 12 + 0.5 × 4
    assert switchboard.within == (Within(5, 6), Within(4, 6))

    repairs = by_name["Repairs"]
    assert (repairs.offered, repairs.answered, repairs.abandoned) == (5, 2, 1)
    assert (repairs.voicemail, repairs.transferred) == (1, 1)
    assert repairs.average_answer == 11.0
    assert repairs.p90_answer == pytest.approx(13.4)  # [8, 14]: 8 + 0.9 × 6
    assert repairs.within == (Within(1, 3), Within(1, 3))

    assert by_name["Out of hours"].p90_answer == 18.0
    assert by_name["No line"].p90_answer == 30.0
    assert by_name["No line"].within == (Within(0, 1), Within(0, 1))


def test_by_team_calls_on_lines_without_a_team_are_together(week):
    rows = call_figures_rows(
        start=date(2025, 6, 2),
        end=date(2025, 6, 8),
        period=Period.MONTH,
        split=Split.TEAM,
        policy=HALTON,
    )
    assert [(r.period, r.group, r.counts.offered) for r in rows] == [
        (date(2025, 6, 1), "Repairs", 5),
        (date(2025, 6, 1), "Tenancy", 6),
        (date(2025, 6, 1), "No team", 2),
    ]
    no_team = rows[2].counts
    assert no_team.average_answer == 24.0  # 18 and 30
    assert no_team.p90_answer == pytest.approx(28.8)  # 18 + 0.9 × 12
    assert rows[1].group_id == week["tenancy"].pk


def test_heat_map_by_local_weekday_and_hour(week):
    cells = call_heat_map(start=date(2025, 6, 2), end=date(2025, 6, 8), policy=HALTON)
    got = {
        (c.weekday, c.hour): (c.counts.offered, c.counts.average_answer, c.counts.p90_answer)
        for c in cells
    }
    assert got == {
        (1, 9): (2, 3.0, pytest.approx(3.8)),  # 2 and 4 s: 2 + 0.9 × 2
        (1, 10): (3, 7.0, pytest.approx(7.8)),  # 6 and 8 s, and an abandoned call
        (1, 11): (1, None, None),  # voicemail only
        (2, 9): (2, 11.0, pytest.approx(11.8)),
        (2, 14): (2, 14.0, 14.0),  # one answered, one transferred
        (3, 8): (1, 30.0, 30.0),
        (3, 16): (1, 16.0, 16.0),
        (3, 17): (1, 18.0, 18.0),
    }


def test_days_and_hours_are_local_across_the_autumn_clock_change(lines):
    # given: the clocks go back at 02:00 BST on Sunday 26 October 2025 (to 01:00 GMT)
    make_calls(
        Spec(utc(2025, 10, 24, 22, 30), A, 3),  # 23:30 BST Friday: before the range
        Spec(utc(2025, 10, 24, 23, 30), A, 3),  # 00:30 BST Saturday
        Spec(utc(2025, 10, 25, 22, 30), A, 3),  # 23:30 BST Saturday
        Spec(utc(2025, 10, 25, 23, 30), A, 3),  # 00:30 BST Sunday
        Spec(utc(2025, 10, 26, 0, 30), A, 3),  # 01:30 BST
        Spec(utc(2025, 10, 26, 1, 30), A, 3),  # 01:30 GMT: the same hour again
        Spec(utc(2025, 10, 26, 2, 30), A, 3),  # 02:30 GMT
        Spec(utc(2025, 10, 26, 23, 30), A, 3),  # 23:30 GMT Sunday
        Spec(utc(2025, 10, 27, 0, 30), A, 3),  # 00:30 GMT Monday: after the range
    )
    start, end = date(2025, 10, 25), date(2025, 10, 26)

    # then: Saturday has 2 calls and Sunday (a 25-hour day) 5
    rows = call_figures_rows(
        start=start, end=end, period=Period.DAY, split=Split.ALL, policy=HALTON
    )
    assert [(r.period, r.counts.offered) for r in rows] == [
        (date(2025, 10, 25), 2),
        (date(2025, 10, 26), 5),
    ]
    # and: the hour from 01:00 holds both 01:30s
    cells = call_heat_map(start=start, end=end, policy=HALTON)
    assert {(c.weekday, c.hour): c.counts.offered for c in cells} == {
        (6, 0): 1,
        (6, 23): 1,
        (7, 0): 1,
        (7, 1): 2,
        (7, 2): 1,
        (7, 23): 1,
    }


def test_weeks_and_months_are_local_across_the_spring_clock_change(lines):
    # given: the clocks go forward at 01:00 GMT on Sunday 30 March 2025
    make_calls(
        Spec(utc(2025, 3, 30, 0, 30), A, 3),  # 00:30 GMT Sunday
        Spec(utc(2025, 3, 30, 1, 30), A, 3),  # 02:30 BST: there is no 01:00 hour
        Spec(utc(2025, 3, 30, 23, 30), A, 3),  # 00:30 BST Monday 31 March: a new week
        Spec(utc(2025, 3, 31, 23, 30), A, 3),  # 00:30 BST Tuesday 1 April: a new month
    )
    start, end = date(2025, 3, 24), date(2025, 4, 6)
    weeks = call_figures_rows(
        start=start, end=end, period=Period.WEEK, split=Split.ALL, policy=HALTON
    )
    assert [(r.period, r.counts.offered) for r in weeks] == [
        (date(2025, 3, 24), 2),
        (date(2025, 3, 31), 2),
    ]
    months = call_figures_rows(
        start=start, end=end, period=Period.MONTH, split=Split.ALL, policy=HALTON
    )
    assert [(r.period, r.counts.offered) for r in months] == [
        (date(2025, 3, 1), 3),
        (date(2025, 4, 1), 1),
    ]
    cells = call_heat_map(start=start, end=end, policy=HALTON)
    assert {(c.weekday, c.hour): c.counts.offered for c in cells} == {
        (7, 0): 1,
        (7, 2): 1,
        (1, 0): 1,
        (2, 0): 1,
    }


def test_period_starts_cover_the_range():
    assert period_starts(date(2025, 6, 4), date(2025, 6, 17), Period.WEEK) == [
        date(2025, 6, 2),
        date(2025, 6, 9),
        date(2025, 6, 16),
    ]
    assert period_starts(date(2025, 1, 31), date(2025, 3, 1), Period.MONTH) == [
        date(2025, 1, 1),
        date(2025, 2, 1),
        date(2025, 3, 1),
    ]


def test_no_calls_gives_zeros_not_errors(lines):
    figures = call_figures(
        start=date(2025, 6, 2),
        end=date(2025, 6, 2),
        period=Period.DAY,
        split=Split.LINE,
        policy=HALTON,
    )
    assert figures.rows == []
    assert figures.total == CallCounts(within=(Within(0, 0), Within(0, 0)))
    assert figures.heat == []


def test_percentiles_match_a_plain_python_reference_for_many_group_sizes(lines):
    # given: groups of 1 to 40 answered calls (one line per size), random times to answer
    rng = random.Random(20250602)
    day = bst(2025, 6, 2, 9, 0)
    expected = {}
    specs = []
    for size in range(1, 41):
        line = Line.objects.create(name=f"Line {size:02d}")
        seconds = [rng.randint(0, 120) for _ in range(size)]
        expected[line.name] = percentile_of_sorted(sorted(seconds), 0.9)
        specs += [Spec(day + timedelta(minutes=i), A, s, line) for i, s in enumerate(seconds)]
    make_calls(*specs)
    # when
    rows = call_figures_rows(
        start=date(2025, 6, 2),
        end=date(2025, 6, 2),
        period=Period.DAY,
        split=Split.LINE,
        policy=HALTON,
    )
    # then: exactly the same floating-point number, on SQLite and on PostgreSQL
    assert {r.group: r.counts.p90_answer for r in rows} == expected


@pytest.mark.parametrize("split", list(Split))
def test_the_pages_total_adds_up_the_rows_and_matches_the_total_selector(week, split):
    figures = call_figures(
        start=date(2025, 6, 2), end=date(2025, 6, 8), period=Period.DAY, split=split, policy=HALTON
    )
    assert figures.total == call_figures_total(
        start=date(2025, 6, 2), end=date(2025, 6, 8), policy=HALTON
    )
    assert figures.total.offered == 13
