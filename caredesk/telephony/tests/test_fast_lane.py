"""The fast lane prepares exactly the batches the row parser does, on any lines."""

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Literal

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from caredesk.core.phones import phone_key
from caredesk.core.tests.test_phones import numbers
from caredesk.standards.policy_files import load_policy
from caredesk.telephony import fast_lane
from caredesk.telephony.asterisk import DISPOSITIONS, numbered_asterisk_rows
from caredesk.telephony.fast_lane import FastLane, phone_key_expression
from caredesk.telephony.preparing import Batch, Preparer
from caredesk.telephony.rows import LocalTimes
from caredesk.telephony.tests.test_asterisk import asterisk_line

STAFF = {"2004": 4, "2005": 5, "reception-desk": 9}
PREPARERS = {
    name: Preparer.for_policy(load_policy(name), staff_by_extension=STAFF, copy_text=True)
    for name in ("halton", "stonewall")
}


def row_parser_batch(
    preparer: Preparer, first: int, lines: list[bytes], zone: str, not_after: datetime | None
) -> Batch:
    rows = numbered_asterisk_rows(
        enumerate(lines, start=first), times=LocalTimes(zone), not_after=not_after
    )
    return preparer.batch(list(rows), bytes_read=123)


def assert_same(fast: Batch, slow: Batch) -> None:
    assert fast.rejected == slow.rejected
    assert fast.calls == slow.calls
    assert fast.line_names == slow.line_names
    assert fast.copy_text.splitlines() == slow.copy_text.splitlines()
    assert fast.copy_text == slow.copy_text
    assert (fast.rows_read, fast.bytes_read) == (slow.rows_read, slow.bytes_read)


def both(
    lines: list[bytes],
    *,
    first: int = 1,
    policy: str = "halton",
    zone: str = "Europe/London",
    not_after: datetime | None = None,
) -> Batch:
    preparer = PREPARERS[policy]
    fast = FastLane(preparer, zone=zone, not_after=not_after).batch(first, lines, 123)
    assert_same(fast, row_parser_batch(preparer, first, lines, zone, not_after))
    return fast


# -- examples ---------------------------------------------------------------------------

ANSWERED = asterisk_line(
    src="01928500001",
    dst="01928700000",
    dcontext="from-external",
    clid='"Smith, John" <01928500001>',
    dstchannel="SIP/2004-0000001a",
    lastapp="Queue",
    lastdata="repairs,t,,,300",
    start="2025-06-02 09:00:00",
    answer="2025-06-02 09:00:11",
    end="2025-06-02 09:05:11",
    duration=311,
    billsec=300,
    uniqueid="1748851200.1",
)


def test_a_plain_answered_call_matches_the_row_parser():
    batch = both([ANSWERED, ANSWERED.replace(b".1", b".2")], first=2)
    assert batch.rows_read == 2
    assert batch.line_names == {"repairs"}
    first = batch.copy_text.splitlines()[0].split("\t")
    assert first[1:7] == [
        "1748851200.1", "repairs", "01928500001", "01928500001", "Smith, John", "01928700000"
    ]  # fmt: skip
    assert first[-4:-3] == ["4"]  # answered by the staff member on extension 2004


def test_plain_rows_take_the_fast_lane_and_others_the_row_parser(monkeypatch):
    parsed: list[int] = []

    def row_parser(lines, **options):
        lines = list(lines)
        parsed.extend(number for number, _ in lines)
        return numbered_asterisk_rows(lines, **options)

    monkeypatch.setattr(fast_lane, "numbered_asterisk_rows", row_parser)
    unicode = ANSWERED.replace(b"Smith, John", "Zoë Smith".encode()).replace(b".1", b".3")
    clocks_change = ANSWERED.replace(b"2025-06-02 09:00", b"2025-10-26 01:30")
    batch = both([ANSWERED, unicode, ANSWERED.replace(b".1", b".2"), clocks_change], first=7)
    assert parsed == [8, 10]
    assert batch.rows_read == 4


def test_the_first_line_takes_the_row_parser_for_its_byte_order_mark():
    batch = both([b"\xef\xbb\xbf" + ANSWERED])
    assert batch.rows_read == 1
    assert not batch.rejected


def test_a_duplicate_keeps_the_first_row_even_when_the_row_parser_read_it():
    unicode_first = ANSWERED.replace(b"Smith, John", "Zoë Smith".encode())
    batch = both([b"\n", ANSWERED, unicode_first, ANSWERED], first=5)
    assert batch.copy_text.count("\n") == 1
    assert "Smith, John" in batch.copy_text


def test_text_the_copy_must_escape_comes_through_the_row_parser():
    batch = both([b"\n", ANSWERED.replace(b"Smith, John", b"Smith\\\tJohn")], first=3)
    assert "Smith\\\\\\tJohn" in batch.copy_text


def test_clock_changes_bad_times_and_the_future_are_the_row_parsers():
    lines = [
        ANSWERED.replace(b"2025-06-02 09:00:00", stamp).replace(b".1", f".{n}".encode())
        for n, stamp in enumerate(
            [
                b"2025-03-30 01:30:00",  # does not exist
                b"2025-10-26 01:30:00",  # doubled: summer time
                b"2025-02-30 09:00:00",
                b"2025-06-02 09:00:60",
                b" 2025-06-02 09:00:00",
                b"2027-01-01 09:00:00",  # after not_after
                b"1970-06-02 09:00:00",
            ]
        )
    ]
    batch = both([b"\n", *lines], first=1, not_after=datetime(2026, 11, 1, tzinfo=UTC))
    assert len(batch.rejected) == 6


@pytest.mark.parametrize("lastapp", ["Dial", "VoiceMail"])
def test_a_row_without_any_time_is_the_row_parsers_to_refuse(lastapp):
    row = asterisk_line(uniqueid="1.1", lastapp=lastapp, dstchannel="SIP/2004-0a")
    (refused,) = both([b"\n", row], first=1, not_after=None).rejected
    assert refused.reason.startswith("start is empty")


def test_a_line_longer_than_the_row_parser_reads_is_refused_as_too_long():
    (refused,) = both([b"\n", ANSWERED.replace(b'""\n', b'"' + b"u" * 70_000 + b'"\n')]).rejected
    assert refused.reason.startswith("the line is longer than")


def test_a_call_near_the_ends_of_the_engines_years_is_refused_in_any_zone():
    lines = [b"\n"] + [
        ANSWERED.replace(b"2025-06-02 09:00:00", stamp).replace(b".1", f".{n}".encode())
        for n, stamp in enumerate([b"1971-01-01 00:30:00", b"2100-12-31 23:30:00"])
    ]
    for zone in ("Asia/Kathmandu", "America/New_York"):
        batch = both(lines, first=1, zone=zone)
        assert [row.reason for row in batch.rejected] == [
            "start: 1971 is outside the years caredesk works with.",
            "start: 2100 is outside the years caredesk works with.",
        ]


def test_no_lines_and_only_refusals_give_empty_copy_text():
    assert both([]).copy_text == ""
    assert both([b"\n", b"junk\n", b"\xff\n"], first=1).copy_text == ""


def test_callers_keys_are_the_row_parsers_however_the_number_is_written():
    lines = [
        ANSWERED.replace(b"01928500001", number).replace(b".1", f".{n}".encode())
        for n, number in enumerate([b"01928 500001", b"+44 1928 500001", b"(01928) 500-001", b""])
    ]
    batch = both([b"\n", *lines], first=1)
    keys = [row.split("\t")[4] for row in batch.copy_text.splitlines()]
    assert keys == ["01928500001", "01928500001", "01928500001", ""]


@given(st.lists(numbers, max_size=20))
def test_the_polars_phone_key_is_phone_key_for_any_text(texts):
    # Any text, digits of other scripts included: Rust's regex reads [^0-9] as Python does.
    keys = pl.DataFrame({"number": texts}, schema={"number": pl.String}).select(
        phone_key_expression(pl.col("number"))
    )
    assert keys["number"].to_list() == [phone_key(text) for text in texts]


def test_the_fast_lane_serves_only_copy_text():
    preparer = Preparer.for_policy(load_policy("halton"), staff_by_extension={}, copy_text=False)
    with pytest.raises(ValueError, match="COPY text"):
        FastLane(preparer, zone="Europe/London", not_after=None)


# -- any lines --------------------------------------------------------------------------

AROUND = datetime(2025, 3, 29, 22)  # near both clock changes of 2025, and plain weeks
stamps = st.one_of(
    st.datetimes(min_value=AROUND, max_value=AROUND + timedelta(days=3)),
    st.datetimes(min_value=datetime(2025, 10, 25, 22), max_value=datetime(2025, 10, 27)),
    st.datetimes(min_value=datetime(2025, 6, 1), max_value=datetime(2026, 12, 31)),
).map(lambda moment: f"{moment:%Y-%m-%d %H:%M:%S}")
odd_times = st.sampled_from(
    [
        "",
        " ",
        "2025-02-30 10:00:00",
        "2025-06-02 24:00:00",
        "2025-06-02 09:00:60",
        "2025-6-2 09:00:00",
        "2025-06-02T09:00:00",
        " 2025-06-02 09:00:00",
        "1969-12-31 23:00:00",
        "1971-01-01 00:30:00",
        "2100-12-31 23:30:00",
        "2101-01-01 00:00:00",
        "x",
    ]
)
texts = st.text(st.characters(codec="utf-8", exclude_characters="\n"), max_size=12)


def mostly(usual: st.SearchStrategy[str], odd: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Usually `usual`, one time in 25 `odd`: most rows are plain enough for the fast
    lane, and a few of each awkward kind are not."""
    return st.integers(0, 24).flatmap(lambda n: odd if n == 0 else usual)


whole_numbers = mostly(
    st.integers(0, 10**6).map(str),
    st.sampled_from(["", " 12", "1.5", "-1", "0012", "1234567890", "x", "12 "]),
)


def field(*usual: str, odd: tuple[str, ...] = ()) -> st.SearchStrategy[str]:
    return mostly(st.sampled_from(usual), st.one_of(st.sampled_from(odd), texts) if odd else texts)


def spanned(since: datetime, until: datetime) -> int:
    return int((until - since).total_seconds())


@st.composite
def asterisk_rows(draw: st.DrawFn) -> list[str]:
    start = draw(stamps)
    wall = datetime.fromisoformat(start)
    answer = wall + timedelta(seconds=draw(st.integers(-2, 40)))
    end = answer + timedelta(seconds=draw(st.integers(-20, 900)))
    return [
        draw(field("", "acct")),
        draw(
            field(
                "",
                "01928500001",
                " 0192 ",
                "+44 1928 500001",
                "(01928) 500-001",
                "441928500001",
                "44",
                "x",
                odd=("9" * 81,),
            )
        ),
        draw(field("", "01928700000", "5000", " 5001 ")),
        draw(field("", "from-external", "switchboard", " rents ")),
        draw(
            field(
                '"Smith, John" <01928 123456>',
                "Smith <1>",
                "<2>",
                '"" <3>',
                "nobody",
                '"01928500001" <01928500001>',
                " Bob  <  7 > ",
                '"a"b" <1>',
            )
        ),
        draw(field("", "PJSIP/trunk-f206e48a")),
        draw(
            field(
                "",
                "SIP/2004-0000001a",
                "PJSIP/2005-00000012",
                "Local/2004@from-queue-0000;1",
                "Local/2004;1@x",
                "SIP/reception-desk-0a",
                "SIP/2004-00a1-0b",
                "SIP/",
                "2004",
                " SIP/2005-ab ",
            )
        ),
        draw(
            field(
                "Dial",
                "Queue",
                "VoiceMail",
                "voicemail",
                " Queue ",
                "Transfer",
                "BlindTransfer",
                "AttendedTransfer",
                "Hangup",
                "",
            )
        ),
        draw(field("repairs,t,,,300", "rents|t", "", " ", " queue one ,x", odd=("q" * 130,))),
        draw(mostly(st.just(start), odd_times)),
        draw(mostly(st.just(f"{answer:%Y-%m-%d %H:%M:%S}"), odd_times)),
        draw(mostly(st.just(f"{end:%Y-%m-%d %H:%M:%S}"), odd_times)),
        # mostly the durations the times give (a second either way); now and then any
        draw(
            mostly(
                st.just(str(max(0, spanned(wall, end) + draw(st.integers(-1, 1))))), whole_numbers
            )
        ),
        draw(
            mostly(
                st.just(str(max(0, spanned(answer, end) - draw(st.integers(0, 1))))), whole_numbers
            )
        ),
        draw(
            mostly(st.sampled_from(DISPOSITIONS), st.sampled_from(["no answer", " ANSWERED", "X"]))
        ),
        draw(field("DOCUMENTATION", "")),
        draw(field("1.1", "1.2", "1.3", " 1.3 ", "1.4", "1.5", odd=("", " ", "k" * 151))),
        draw(field("", "note")),
    ]


QUOTINGS: tuple[Literal[0, 1, 2], ...] = (csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC)


@st.composite
def lines(draw: st.DrawFn) -> list[bytes]:
    found = []
    for row in draw(st.lists(asterisk_rows(), max_size=12)):
        if draw(st.integers(0, 24)) == 0:
            row[9:12] = ["", "", ""]  # no times at all
        if draw(st.integers(0, 24)) == 0:
            row = row[: draw(st.integers(0, 19))] if draw(st.booleans()) else [*row, "extra"]
        out = io.StringIO()
        quoting = draw(st.sampled_from(QUOTINGS))
        ending = draw(st.sampled_from(["\n", "\r\n"]))
        csv.writer(out, quoting=quoting, lineterminator=ending).writerow(row)
        found.append(out.getvalue().encode("utf-8"))
        if draw(st.integers(0, 24)) == 0:
            found.append(draw(st.sampled_from([b"\n", b"\r\n", b" \n", b'"\n', b"\xff\xfe\n"])))
    cut_last_ending = draw(st.booleans())
    if found and cut_last_ending:
        found[-1] = found[-1].rstrip(b"\r\n")  # a last line without its ending
    return found


@given(
    lines=lines(),
    first=st.sampled_from([1, 2, 40_001]),
    policy=st.sampled_from(["halton", "stonewall"]),
    zone=st.sampled_from(["Europe/London", "UTC", "Australia/Lord_Howe"]),
    not_after=st.sampled_from([None, datetime(2026, 6, 1, tzinfo=UTC)]),
)
def test_any_lines_give_the_row_parsers_batch(lines, first, policy, zone, not_after):
    both(lines, first=first, policy=policy, zone=zone, not_after=not_after)


hostile = st.one_of(
    st.binary(max_size=16),
    st.sampled_from([b"\x00", b"Ann\x00", b"Zo\xeb", b"\x81", b"\xed\xa0\x80", b"\\", b"\t"]),
)


@given(rows=st.lists(st.tuples(st.integers(0, 17), hostile), max_size=6))
def test_any_bytes_in_any_field_give_the_row_parsers_batch_and_storable_copy_text(rows):
    fields = next(csv.reader([ANSWERED.decode()]))
    lines = [b"\n"]
    for n, (index, value) in enumerate(rows):
        parts = [b'"' + text.encode().replace(b'"', b'""') + b'"' for text in fields]
        parts[16] = f'"{n}.{index}"'.encode()
        parts[index] = b'"' + value.replace(b'"', b'""') + b'"'
        lines += [ANSWERED.replace(b".1", f".x{n}".encode()), b",".join(parts) + b"\n"]
    batch = both(lines)
    assert "\x00" not in batch.copy_text
    batch.copy_text.encode("utf-8")  # no lone surrogate: PostgreSQL would refuse it
    assert batch.kept >= len(rows)  # the plain neighbours are all kept
