"""Reading a CSV through its mapping: every row gives a call or a reason, never an
exception; only a heading row that does not fit the mapping fails the file."""

import csv
import io
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caredesk.telephony.call_file import CallFileError
from caredesk.telephony.mapped_csv import generic_rows
from caredesk.telephony.mapping import load_mapping, parse_mapping
from caredesk.telephony.rows import Outcome, ParsedCall, RejectedRow
from caredesk.telephony.tests.test_asterisk import names, texts, times

GENERIC = load_mapping("generic")
HEADER = (
    b"Call ID,Start Time,Wait (s),End Time,Talk (s),Caller,Caller Name,DDI,Queue,Agent Ext,Result\n"
)


def generic(*rows: bytes, mapping=GENERIC) -> list[Any]:
    return list(generic_rows([HEADER, *rows], mapping=mapping, file_name="calls.csv"))


def test_a_heading_row_missing_a_mapped_column_is_a_file_error():
    with pytest.raises(CallFileError, match=r"no column 'End Time' \(columns.ended in the generic"):
        list(generic_rows([b"Call ID,Start Time,Wait (s)\n"], mapping=GENERIC, file_name="x"))


def test_headings_match_ignoring_case():
    (row,) = generic_rows(
        [HEADER.lower(), b"A,02/06/2025 09:00:00,3,,,,,,,,answered\n"], mapping=GENERIC
    )
    assert isinstance(row, ParsedCall)


def test_a_short_row_is_refused():
    (row,) = generic(b"A,02/06/2025 09:00:00\n")
    assert row.reason.startswith("the row has 2 columns")


def test_an_answered_call_needs_its_wait():
    (row,) = generic(b"A,02/06/2025 09:00:00,,,,,,,,,Answered\n")
    assert row.reason == "the call was answered but Wait (s) is empty."


def test_iso_times_with_offsets_are_read_as_instants():
    mapping = parse_mapping(
        '[format]\nsource = "teams"\n[columns]\ncall_id = "id"\nstarted = "s"\nanswered = "a"\n',
        source="t.toml",
    )
    (row,) = generic_rows(
        [b"id,s,a\n", b"X,2025-06-02T09:00:00+01:00,2025-06-02T08:00:05Z\n"], mapping=mapping
    )
    assert isinstance(row, ParsedCall)
    assert row.started_at == datetime(2025, 6, 2, 8, 0, tzinfo=UTC)
    assert (row.seconds_to_answer, row.outcome) == (5, Outcome.ANSWERED)


@given(st.lists(st.lists(texts, max_size=14), max_size=5))
def test_any_generic_rows_give_calls_or_refusals(rows):
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    lines = out.getvalue().encode("utf-8").splitlines(keepends=True)
    for row in generic_rows([HEADER, *lines], mapping=GENERIC):
        assert isinstance(row, ParsedCall | RejectedRow)


@given(
    key=st.from_regex(r"[A-Z]-[0-9]{1,8}", fullmatch=True),
    name=names,
    start=times,
    wait=st.integers(0, 600),
    outcome=st.sampled_from(["Answered", "Missed", "Voicemail", "Transferred"]),
)
def test_a_valid_generic_row_round_trips(key, name, start, wait, outcome):
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(
        [
            key,
            f"{start:%d/%m/%Y %H:%M:%S}",
            wait,
            "",
            "",
            "07700900123",
            name,
            "",
            "Rents",
            "",
            outcome,
        ]
    )
    mapping = GENERIC.model_copy(
        update={"format": GENERIC.format.model_copy(update={"zone": "UTC"})}
    )
    (row,) = generic(out.getvalue().encode("utf-8"), mapping=mapping)
    assert isinstance(row, ParsedCall), row
    assert row.call_key == key
    assert row.started_at == start.replace(microsecond=0, tzinfo=UTC)
    assert row.caller_name == name.strip()
    assert row.seconds_to_answer == wait
    answered = outcome in ("Answered", "Transferred")
    assert (row.answered_at is not None) == answered
