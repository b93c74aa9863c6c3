"""Reading Asterisk rows: every row gives a call or a reason, never an exception."""

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caredesk.telephony.asterisk import ASTERISK_COLUMNS, asterisk_rows, extension_of
from caredesk.telephony.rows import Outcome, ParsedCall, RejectedRow

# Text for fields and names (shared with test_mapped_csv), and wall times.
texts = st.text(st.characters(codec="utf-8", exclude_characters="\n"), max_size=40)
names = st.text(st.characters(codec="utf-8", exclude_characters="\r\n"), max_size=40)
times = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2030, 12, 31))


def one(line: bytes, **options) -> Any:
    (row,) = list(asterisk_rows([line], **options))
    return row


def asterisk_line(**fields: str | int) -> bytes:
    values: dict[str, str | int] = {name: "" for name in ASTERISK_COLUMNS}
    values.update(duration=0, billsec=0, disposition="ANSWERED", amaflags="DOCUMENTATION")
    values.update(fields)
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n").writerow(
        [values[name] for name in ASTERISK_COLUMNS]
    )
    return out.getvalue().encode("utf-8")


def test_extensions_come_from_the_destination_channel():
    assert extension_of("SIP/2004-0000001a") == "2004"
    assert extension_of("PJSIP/2004-00000012") == "2004"
    assert extension_of("Local/2004@from-queue-00000abc;1") == "2004"
    assert extension_of("SIP/reception-desk-0000001a") == "reception-desk"
    assert extension_of("") == ""


def test_a_queue_call_is_on_its_queue_otherwise_on_its_context():
    queued = one(
        asterisk_line(
            uniqueid="1",
            start="2025-06-02 09:00:00",
            lastapp="Queue",
            lastdata="rents,t,,,300",
            dcontext="from-external",
        )
    )
    dialled = one(
        asterisk_line(
            uniqueid="2",
            start="2025-06-02 09:00:00",
            lastapp="Dial",
            dcontext="from-external",
            dst="2000",
        )
    )
    nothing = one(asterisk_line(uniqueid="3", start="2025-06-02 09:00:00", dst="2000"))
    assert (queued.line, dialled.line, nothing.line) == ("rents", "from-external", "2000")


def test_a_call_answered_then_transferred_is_transferred():
    row = one(
        asterisk_line(
            uniqueid="1",
            start="2025-06-02 09:00:00",
            answer="2025-06-02 09:00:04",
            lastapp="Transfer",
        )
    )
    assert row.outcome is Outcome.TRANSFERRED
    assert row.seconds_to_answer == 4


@pytest.mark.parametrize("disposition", ["NO ANSWER", "BUSY", "FAILED", "CONGESTION"])
def test_calls_nobody_answered_are_abandoned(disposition):
    row = one(
        asterisk_line(
            uniqueid="1", start="2025-06-02 09:00:00", disposition=disposition, duration=9
        )
    )
    assert (row.outcome, row.answered_at, row.seconds_to_answer) == (Outcome.ABANDONED, None, 9)


def test_the_phone_systems_zone_is_an_option():
    row = one(asterisk_line(uniqueid="1", start="2025-06-02 09:00:00"), zone="UTC")
    assert row.started_at == datetime(2025, 6, 2, 9, 0, tzinfo=UTC)


def test_a_start_after_not_after_is_refused():
    row = one(
        asterisk_line(uniqueid="1", start="2025-06-02 09:00:00"),
        not_after=datetime(2025, 6, 1, tzinfo=UTC),
    )
    assert isinstance(row, RejectedRow)
    assert row.reason.startswith("start is in the future")


def test_an_unclosed_quote_refuses_that_line_only():
    lines = [b'"","0192,oops\n', asterisk_line(uniqueid="2", start="2025-06-02 09:00:00")]
    first, second = asterisk_rows(lines)
    assert isinstance(first, RejectedRow)
    assert first.reason.startswith("a quoted field is not closed")
    assert isinstance(second, ParsedCall)


def test_an_over_long_field_is_refused_naming_it():
    row = one(asterisk_line(uniqueid="1", start="2025-06-02 09:00:00", dst="9" * 81))
    assert row.reason == "dst is longer than 80 characters."


@given(st.binary(max_size=300))
def test_any_bytes_give_calls_or_refusals_never_an_exception(data):
    for row in asterisk_rows(data.splitlines(keepends=True)):
        assert isinstance(row, ParsedCall | RejectedRow)


@given(st.lists(texts, min_size=0, max_size=22))
def test_any_fields_give_a_call_or_a_refusal(fields):
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(fields)
    for row in asterisk_rows([out.getvalue().encode("utf-8")]):
        assert isinstance(row, ParsedCall | RejectedRow)


@given(
    key=st.from_regex(r"[0-9]{10}\.[0-9]{1,6}", fullmatch=True),
    name=names,
    number=st.from_regex(r"0[0-9]{9,10}", fullmatch=True),
    start=times,
    wait=st.integers(0, 600),
    talk=st.integers(0, 7200),
    extension=st.from_regex(r"[0-9]{3,5}", fullmatch=True),
)
def test_a_valid_answered_row_round_trips(key, name, number, start, wait, talk, extension):
    answer, end = start + timedelta(seconds=wait), start + timedelta(seconds=wait + talk)
    line = asterisk_line(
        src=number,
        dst="2000",
        dcontext="from-external",
        clid=f'"{name}" <{number}>',
        dstchannel=f"SIP/{extension}-0000001a",
        lastapp="Dial",
        start=f"{start:%Y-%m-%d %H:%M:%S}",
        answer=f"{answer:%Y-%m-%d %H:%M:%S}",
        end=f"{end:%Y-%m-%d %H:%M:%S}",
        duration=wait + talk,
        billsec=talk,
        uniqueid=key,
    )
    row = one(line, zone="UTC")
    assert isinstance(row, ParsedCall), row
    assert row.call_key == key
    assert row.started_at == start.replace(microsecond=0, tzinfo=UTC)
    assert row.seconds_to_answer == wait
    assert row.talk_seconds == talk
    assert row.outcome is Outcome.ANSWERED
    assert row.extension == extension
    assert row.caller == number
    assert row.caller_name == ("" if name.strip() == number else name.strip())
