"""Reading a queue's filters from a query string: anything may arrive."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from caredesk.cases.queue_filters import (
    DueWindow,
    QueueFilters,
    QueueSort,
    due_window_bounds,
    queue_filters_parse,
)
from caredesk.core.active_policy import active_policy

KEYS = ["letter_response", "email_response"]
NAMES = [
    "standard",
    "kind",
    "channel",
    "status",
    "officer",
    "team",
    "office",
    "due",
    "urgent",
    "sort",
    "other",
]


@given(st.dictionaries(st.sampled_from(NAMES), st.lists(st.text(max_size=60), max_size=4)))
def test_any_query_string_reads_as_filters_that_write_back_the_same(query):
    filters = queue_filters_parse(query, standard_keys=KEYS)

    # what was kept is only from the choices, and reads back to itself
    assert set(filters.standards) <= set(KEYS)
    again = queue_filters_parse(
        {name: [value for key, value in filters.pairs() if key == name] for name in NAMES},
        standard_keys=KEYS,
    )
    assert again == filters
    assert not again.problems
    # and whatever was left out is named
    given_values = sum(1 for values in query.values() for value in values if value)
    if given_values and filters == QueueFilters() and "other" not in query:
        assert filters.problems


def test_fixed_filters_are_not_read():
    assert queue_filters_parse({"team": ["3"]}, standard_keys=KEYS, fixed=("team",)).team is None


def test_the_next_three_working_days_skip_the_weekend_and_bank_holiday():
    # Friday 22 August 2025; Monday 25 August is the summer bank holiday
    now = datetime(2025, 8, 22, 10, 0, tzinfo=UTC)
    start, until = due_window_bounds(DueWindow.NEXT_3_WORKING_DAYS, now=now, policy=active_policy())
    assert start == now
    assert until is not None
    assert until.isoformat() == "2025-08-29T00:00:00+01:00"


def test_sorts_and_windows_have_plain_labels():
    assert QueueSort("").label == "Due soonest"
    assert DueWindow("today").label == "Due today"
