"""Reading a CSV through its mapping: every row gives a call or a reason, never an
exception; only a heading row that does not fit the mapping fails the file."""

import csv
import io
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caredesk.core.phones import phone_key
from caredesk.core.text import storable_text
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
        if isinstance(row, ParsedCall):
            assert row.caller_key == phone_key(row.caller)


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
    assert row.caller_name == storable_text(name).strip()  # NUL cannot be stored
    assert ("Caller Name: " in row.notes) == ("\x00" in name)
    assert row.seconds_to_answer == wait
    answered = outcome in ("Answered", "Transferred")
    assert (row.answered_at is not None) == answered


def test_the_callers_key_is_their_number_however_written():
    rows = generic(
        b"A,02/06/2025 09:00:00,3,,,01632 960 001,,,,,answered\n",
        b'B,02/06/2025 09:00:00,3,,,"+44 (1632) 960-001",,,,,answered\n',
        b"C,02/06/2025 09:00:00,3,,,,,,,,answered\n",
    )
    assert [(row.caller, row.caller_key) for row in rows] == [
        ("01632 960 001", "01632960001"),
        ("+44 (1632) 960-001", "01632960001"),
        ("", ""),
    ]


def test_a_caller_name_in_windows_1252_is_decoded_and_noted():
    (row,) = generic(
        b"M-1,02/06/2025 09:00:00,5,02/06/2025 09:01:00,55,07700900014,Zo\xeb,,Rents,,Answered\n"
    )
    assert isinstance(row, ParsedCall), row
    assert row.caller_name == "Zoë"
    assert row.notes == "Caller Name: not UTF-8 text, so read as Windows-1252"


def test_talk_time_longer_than_the_call_is_refused():
    (row,) = generic(
        b"M-1,02/06/2025 09:00:00,5,02/06/2025 09:01:00,500,07700900014,,,Rents,,Answered\n"
    )
    assert isinstance(row, RejectedRow)
    assert row.reason == (
        "Wait (s) plus Talk (s) (505 s) is longer than the time from Start Time to End Time (60 s)."
    )


def test_across_the_autumn_change_the_wait_and_talk_decide_the_reading():
    # 01:50 to 01:10 is 20 minutes only if 01:50 was summer time and 01:10 winter time
    (row,) = generic(
        b"M-1,26/10/2025 01:50:00,60,26/10/2025 01:10:00,1140,07700900014,,,Rents,,Answered\n"
    )
    assert isinstance(row, ParsedCall), row
    assert row.started_at == datetime(2025, 10, 26, 0, 50, tzinfo=UTC)
    assert row.ended_at == datetime(2025, 10, 26, 1, 10, tzinfo=UTC)
