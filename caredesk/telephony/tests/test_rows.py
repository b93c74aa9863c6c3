"""What both readers share: wall times, rows over several lines, a row's fields."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from caredesk.core.text import storable
from caredesk.telephony.call_file import MAX_LINE_BYTES
from caredesk.telephony.rows import (
    LocalTimes,
    RejectedRow,
    RowError,
    Span,
    clean_fields,
    field_reader,
    field_text,
    fields_of,
    logical_lines,
    moments_resolve,
    rejected_shown,
)


def rows(*lines: bytes, max_lines: int = 3) -> list[tuple[int, str, str | None]]:
    return list(logical_lines(enumerate(lines, start=1), encoding="utf-8", max_lines=max_lines))


def test_a_wall_time_in_the_doubled_autumn_hour_is_its_first_summer_time():
    times = LocalTimes("Europe/London")
    moment = times.to_utc(datetime(2024, 10, 27, 1, 30), "start")
    assert moment == datetime(2024, 10, 27, 0, 30, tzinfo=UTC)


def test_a_wall_time_in_the_missing_spring_hour_is_refused_saying_so():
    times = LocalTimes("Europe/London")
    with pytest.raises(RowError, match="does not exist in Europe/London"):
        times.to_utc(datetime(2025, 3, 30, 1, 30), "start")


def test_a_steady_hour_has_one_offset_and_a_changing_one_none():
    times = LocalTimes("Europe/London")
    assert times.hour_offset(datetime(2025, 6, 2, 9)) is not None
    assert times.hour_offset(datetime(2025, 3, 30, 1)) is None
    assert times.hour_offset(datetime(2024, 10, 27, 1)) is None


def test_a_quoted_line_break_joins_the_next_line_into_one_row():
    assert rows(b'1,"two\n', b'lines",3\n', b"4,5,6\n") == [
        (1, '1,"two\nlines",3\n', None),
        (3, "4,5,6\n", None),
    ]


def test_a_quote_never_closed_refuses_its_line_and_reads_the_next_ones_again():
    found = rows(b'1,"open\n', b"2,b\n", b"3,c\n", max_lines=2)
    assert found[0] == (1, '1,"open', 'a quoted field is not closed (a " is missing)')
    assert found[1:] == [(2, "2,b\n", None), (3, "3,c\n", None)]


def test_blank_lines_are_skipped_and_a_byte_order_mark_dropped():
    assert rows(b"\xef\xbb\xbfa,b\n", b"\n", b"  \n", b"c,d\n") == [
        (1, "a,b\n", None),
        (4, "c,d\n", None),
    ]


def test_a_line_cut_for_length_is_refused():
    ((number, _, reason),) = rows(b"x" * MAX_LINE_BYTES + b"\xff")
    assert number == 1
    assert reason is not None
    assert reason.startswith(f"the line is longer than {MAX_LINE_BYTES:,} bytes")


def test_one_field_reader_reads_each_row_alone():
    read = field_reader(",")
    assert read('a,"b,c",d\n') == ["a", "b,c", "d"]
    assert read("e;f\n") == ["e;f"]
    assert fields_of("g;h\n", ";") == ["g", "h"]
    with pytest.raises(RowError, match="not valid CSV"):
        read('a,"b"c\n')


# -- text: decoded per field, made storable, noted ----------------------------------------


def test_a_field_not_utf8_is_read_as_windows_1252_and_noted():
    text, note = field_text("Zo\udceb \udc93Jo\udc94", "utf-8")  # b"Zo\xeb \x93Jo\x94"
    assert text == "Zoë “Jo”"
    assert note == "not UTF-8 text, so read as Windows-1252"


def test_bytes_windows_1252_leaves_undefined_are_read_as_latin_1():
    text, note = field_text("A\udc81B", "utf-8")  # 0x81 means nothing in Windows-1252
    assert text == "A\x81B"
    assert note == "not UTF-8 text, so read as Latin-1"


def test_a_nul_is_removed_and_noted():
    assert field_text("Ann\x00 Lee\x00", "utf-8") == (
        "Ann Lee",
        "2 characters that cannot be stored were removed",
    )
    assert field_text("Zoë", "utf-8") == ("Zoë", "")


def test_only_the_fields_that_needed_it_are_noted_by_name():
    fields, notes = clean_fields(["ok", "Zo\udceb", "a\x00"], ["src", "clid"], "utf-8")
    assert fields == ["ok", "Zoë", "a"]
    removed = storable("a\x00").note  # "1 character that cannot be stored ..."
    assert notes == f"clid: not UTF-8 text, so read as Windows-1252; column 3: {removed}"


def test_a_line_that_is_not_utf8_is_still_read_a_field_at_a_time():
    ((_, text, problem),) = rows(b'1,"Zo\xeb",3\n')
    assert problem is None
    assert fields_of(text, ",")[1] == "Zo\udceb"  # for field_text to decode


def test_a_refused_row_is_shown_writable_and_cut_short():
    row = rejected_shown(RejectedRow(3, "bad", "a\x00\udcff" + "x" * 5000))
    assert row.raw.startswith("a\\x00\\xff" + "x" * 100)
    assert re.search(r"x… \(3,\d{3} more characters\)$", row.raw)
    row.raw.encode("utf-8")  # no lone surrogate left: it can be written
    plain = RejectedRow(4, "bad", "a,b")
    assert rejected_shown(plain) is plain


# -- times: the hour the clocks go back, read by the row's own durations -----------------

AUTUMN = datetime(2025, 10, 26)  # 01:00 to 01:59 happened twice: BST (UTC+1), then GMT
TIMES = ("start", "answer", "end")


def at(hour: int, minute: int) -> tuple[datetime, ...]:
    return LocalTimes("Europe/London").readings(AUTUMN.replace(hour=hour, minute=minute), "t")


def utc(hour: int, minute: int) -> datetime:
    return AUTUMN.replace(hour=hour, minute=minute, tzinfo=UTC)


def test_a_doubled_wall_time_has_two_readings_summer_time_first():
    assert at(1, 30) == (utc(0, 30), utc(1, 30))
    assert at(2, 30) == (utc(2, 30),)
    assert at(0, 30) == (utc(23, 30) - timedelta(days=1),)


def test_the_duration_decides_which_0150_and_which_0110():
    # start 01:50, end 01:10, 20 minutes: the first 01:50 (BST) and the second 01:10 (GMT)
    moments = moments_resolve([at(1, 50), (), at(1, 10)], TIMES, [Span(0, 2, 1200, "duration")])
    assert moments == (utc(0, 50), None, utc(1, 10))


def test_a_start_in_the_doubled_hour_an_hour_before_a_plain_end_is_the_second():
    moments = moments_resolve([at(1, 10), (), at(2, 10)], TIMES, [Span(0, 2, 3600, "duration")])
    assert moments == (utc(1, 10), None, utc(2, 10))


def test_when_both_readings_fit_the_earliest_is_kept():
    spans = [Span(0, 2, 2400, "duration")]
    assert moments_resolve([at(1, 10), (), at(1, 50)], TIMES, spans) == (
        utc(0, 10),
        None,
        utc(0, 50),
    )
    assert moments_resolve([at(1, 10), (), at(1, 50)], TIMES, []) == (utc(0, 10), None, utc(0, 50))


def test_when_no_reading_fits_the_row_is_refused_saying_why():
    with pytest.raises(RowError) as refused:
        moments_resolve([at(1, 50), (), at(1, 10)], TIMES, [Span(0, 2, 5000, "duration")])
    assert str(refused.value) == (
        "duration (5,000 s) is longer than the time from start to end (1,200 s), whichever "
        "of the two 26 October 2025 01:00 to 01:59 hours (the clocks went back then) the "
        "times were in."
    )


@pytest.mark.parametrize(
    ("options", "spans", "reason"),
    [
        ([at(9, 0), at(8, 0), ()], [], "answer is before start."),
        ([at(9, 0), (), at(8, 0)], [], "end is before start."),
        ([at(9, 0), at(9, 5), at(9, 1)], [], "end is before answer."),
        (
            [at(9, 0), (), at(9, 1)],
            [Span(0, 2, 62, "duration")],
            "duration (62 s) is longer than the time from start to end (60 s).",
        ),
        (
            [at(9, 0), at(9, 1), at(9, 2)],
            [Span(1, 2, 90, "billsec")],
            "billsec (90 s) is longer than the time from answer to end (60 s).",
        ),
    ],
)
def test_times_that_contradict_themselves_are_refused_with_the_reason(options, spans, reason):
    with pytest.raises(RowError, match="^" + re.escape(reason) + "$"):
        moments_resolve(options, TIMES, spans)


def test_a_second_either_way_is_rounding_not_a_contradiction():
    spans = [Span(0, 2, 61, "duration")]
    assert moments_resolve([at(9, 0), (), at(9, 1)], TIMES, spans)[2] == utc(9, 1)
