"""Deadlines read as words: overdue, due today, due tomorrow, due in, paused, met."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from caredesk.cases.display import due_status
from caredesk.cases.models import Deadline, DeadlineStatus

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2025, 6, 20, 12, 0, tzinfo=LONDON)


def deadline(**fields) -> Deadline:
    return Deadline(standard_key="letter_response", starts_at=NOW - timedelta(days=3), **fields)


@pytest.mark.parametrize(
    ("due", "state", "label"),
    [
        (NOW - timedelta(days=2, hours=3), "overdue", "Overdue by 2 days"),
        (NOW - timedelta(minutes=1), "overdue", "Overdue by 1 minute"),
        (NOW - timedelta(seconds=10), "overdue", "Overdue by less than a minute"),
        (NOW + timedelta(hours=5), "today", "Due today at 17:00"),
        (NOW + timedelta(days=1), "soon", "Due tomorrow at 12:00"),
        (NOW + timedelta(days=3, hours=1), "later", "Due in 3 days"),
    ],
)
def test_an_open_deadline_says_how_it_stands(due, state, label):
    status = due_status(deadline(due_at=due), now=NOW, zone=LONDON)
    assert (status.state, status.label) == (state, label)


def test_today_is_the_organisations_day_not_utcs():
    # 23:30 London on 20 June is 22:30 UTC: still today in London
    late = datetime(2025, 6, 20, 23, 30, tzinfo=LONDON)
    assert due_status(deadline(due_at=late), now=NOW, zone=LONDON).state == "today"


def test_a_paused_deadline_says_the_clock_has_stopped():
    status = due_status(deadline(status=DeadlineStatus.PAUSED), now=NOW, zone=LONDON)
    assert status.label == "Paused"


@pytest.mark.parametrize(
    ("met_after_due", "revised", "label"),
    [
        (-1, None, "Met on time"),
        (+1, +2, "Met by the revised date"),
        (+3, +2, "Met late"),
        (+1, None, "Met late"),
    ],
)
def test_a_met_deadline_says_whether_it_was_on_time(met_after_due, revised, label):
    due = NOW - timedelta(days=5)
    row = deadline(
        due_at=due,
        standard_due_at=due,
        revised_due_at=due + timedelta(days=revised) if revised else None,
        met_at=due + timedelta(days=met_after_due),
        status=DeadlineStatus.MET,
    )
    assert due_status(row, now=NOW, zone=LONDON).label == label
