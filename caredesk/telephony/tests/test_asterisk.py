"""Reading Asterisk rows: every row gives a call or a reason, never an exception."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caredesk.core.phones import phone_key
from caredesk.core.text import storable_text
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


@pytest.mark.parametrize(
    ("src", "clid", "caller", "key"),
    [
        ("01632 960001", "", "01632 960001", "01632960001"),
        ("+44 1632 960001", "", "+44 1632 960001", "01632960001"),
        ("", '"Jo Jones" <(01632) 960-001>', "(01632) 960-001", "01632960001"),
        ("", '"Jo Jones" <>', "", ""),
    ],
)
def test_the_callers_key_is_their_number_however_written(src, clid, caller, key):
    row = one(asterisk_line(uniqueid="1", start="2025-06-02 09:00:00", src=src, clid=clid))
    assert (row.caller, row.caller_key) == (caller, key)


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
        if isinstance(row, ParsedCall):
            assert row.caller_key == phone_key(row.caller)


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
    stored = storable_text(name).strip()  # a NUL cannot be stored: removed, and noted
    assert row.caller_name == ("" if stored == number else stored)
    assert row.notes.startswith("clid: ") == ("\x00" in name)


# -- the clock change, contradictions, other encodings, characters that cannot be stored


def call_at(start: str, answer: str, end: str, duration: int, billsec: int, **fields: Any):
    return one(
        asterisk_line(
            uniqueid="9.1",
            start=start,
            answer=answer,
            end=end,
            duration=duration,
            billsec=billsec,
            disposition="ANSWERED" if answer else "NO ANSWER",
            **fields,
        )
    )


def at_utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_a_call_across_the_autumn_change_is_read_by_its_duration():
    # 01:50 to 01:10 in 1,200 s: the first 01:50 (summer time), then the second 01:10
    call = call_at("2025-10-26 01:50:00", "", "2025-10-26 01:10:00", 1200, 0)
    assert isinstance(call, ParsedCall), call
    assert (call.started_at, call.ended_at) == (
        at_utc("2025-10-26 00:50:00"),
        at_utc("2025-10-26 01:10:00"),
    )
    assert call.seconds_to_answer == 1200


def test_an_answered_call_across_the_change_takes_its_answer_from_billsec():
    call = call_at("2025-10-26 01:50:00", "2025-10-26 01:55:00", "2025-10-26 01:05:00", 900, 600)
    assert isinstance(call, ParsedCall), call
    assert call.answered_at == at_utc("2025-10-26 00:55:00")
    assert call.ended_at == at_utc("2025-10-26 01:05:00")
    assert (call.seconds_to_answer, call.talk_seconds) == (300, 600)


def test_a_start_in_the_second_0110_an_hour_before_0210_is_read_so():
    call = call_at("2025-10-26 01:10:00", "", "2025-10-26 02:10:00", 3600, 0)
    assert isinstance(call, ParsedCall), call
    assert call.started_at == at_utc("2025-10-26 01:10:00")  # GMT: the second 01:10


def test_a_call_both_readings_fit_is_the_first_summer_time():
    call = call_at("2025-10-26 01:10:00", "", "2025-10-26 01:50:00", 2400, 0)
    assert isinstance(call, ParsedCall), call
    assert call.started_at == at_utc("2025-10-26 00:10:00")


def test_a_call_no_reading_fits_is_refused_saying_so():
    refused = call_at("2025-10-26 01:50:00", "", "2025-10-26 01:10:00", 5000, 0)
    assert isinstance(refused, RejectedRow)
    assert refused.reason.startswith("duration (5,000 s) is longer than the time from start")
    assert "(the clocks went back then)" in refused.reason


def test_a_time_in_the_spring_gap_is_refused_and_a_call_across_it_is_read():
    gap = call_at("2025-03-30 01:30:00", "", "2025-03-30 02:00:30", 30, 0)
    assert isinstance(gap, RejectedRow)
    assert "does not exist in Europe/London (the clocks went forward" in gap.reason
    across = call_at("2025-03-30 00:59:30", "", "2025-03-30 02:00:30", 60, 0)
    assert isinstance(across, ParsedCall), across
    assert across.ended_at is not None
    assert across.ended_at - across.started_at == timedelta(seconds=60)


@pytest.mark.parametrize(
    ("times", "reason"),
    [
        (("09:00:10", "09:00:00", "09:01:00", 50, 50), "answer is before start."),
        (("09:00:00", "09:00:30", "09:00:20", 20, 0), "end is before answer."),
        (("09:00:00", "", "08:59:00", 0, 0), "end is before start."),
        (
            ("09:00:00", "", "09:01:00", 600, 0),
            "duration (600 s) is longer than the time from start to end (60 s).",
        ),
        (
            ("09:00:00", "09:00:30", "09:01:00", 60, 50),
            "billsec (50 s) is longer than the time from answer to end (30 s).",
        ),
        (
            ("09:00:00", "09:00:00", "09:01:00", 40, 50),
            "billsec (50 s) is longer than duration (40 s).",
        ),
        (
            ("09:00:00", "", "09:00:10", 10, 500),
            "billsec (500 s) is longer than the time from start to end (10 s).",
        ),
    ],
)
def test_times_that_contradict_themselves_are_refused_with_the_reason(times, reason):
    start, answer, end, duration, billsec = times
    day = "2025-06-02 "
    refused = call_at(day + start, answer and day + answer, day + end, duration, billsec)
    assert isinstance(refused, RejectedRow), refused
    assert refused.reason == reason


def test_a_negative_duration_is_refused():
    refused = one(asterisk_line(uniqueid="1", start="2025-06-02 09:00:00", duration="-5"))
    assert isinstance(refused, RejectedRow)
    assert refused.reason == "duration: '-5' is not a whole number of seconds."


def test_a_caller_name_in_windows_1252_is_decoded_not_refused():
    line = asterisk_line(
        uniqueid="1", start="2025-06-02 09:00:00", clid="NAME <07700900014>", dcontext="Zoë"
    ).replace(b"NAME", b"Zo\xeb \x93Ann\x94")  # the name in Windows-1252, the rest UTF-8
    call = one(line)
    assert isinstance(call, ParsedCall), call
    assert (call.caller_name, call.line) == ("Zoë “Ann”", "Zoë")
    assert call.notes == "clid: not UTF-8 text, so read as Windows-1252"


def test_a_nul_in_a_caller_name_is_removed_and_noted_on_the_call():
    call = one(asterisk_line(uniqueid="1", start="2025-06-02 09:00:00", clid='"Ann\x00" <1>'))
    assert isinstance(call, ParsedCall), call
    assert call.caller_name == "Ann"
    assert call.notes.startswith("clid: 1 character that cannot be stored")


UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
hostile = st.one_of(
    st.binary(max_size=24),
    st.sampled_from([b"\x00", b"Zo\xeb", b"\x81\x8d", b"\xed\xa0\x80", b"\xff\xfe", b'"', b"\r"]),
)


@given(field=st.integers(0, 17), value=hostile)
def test_any_bytes_in_any_field_give_a_storable_call_or_a_reason(field, value):
    good = asterisk_line(
        uniqueid="1.1",
        start="2025-06-02 09:00:00",
        answer="2025-06-02 09:00:05",
        end="2025-06-02 09:01:00",
        duration=60,
        billsec=55,
        clid='"Ann" <1>',
    )
    fields = next(csv.reader([good.decode()]))
    parts = [b'"' + text.encode().replace(b'"', b'""') + b'"' for text in fields]
    parts[field] = b'"' + value.replace(b'"', b'""') + b'"'
    for row in asterisk_rows([b",".join(parts) + b"\n"]):
        if isinstance(row, RejectedRow):
            assert row.reason
            continue
        for text in (row.call_key, row.line, row.caller, row.caller_name, row.dialled):
            assert not UNSTORABLE.search(text), row
        assert not UNSTORABLE.search(row.extension + row.notes)
