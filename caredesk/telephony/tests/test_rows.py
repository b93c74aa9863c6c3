"""What both readers share: wall times, rows over several lines, a row's fields."""

from datetime import UTC, datetime

import pytest

from caredesk.telephony.call_file import MAX_LINE_BYTES
from caredesk.telephony.rows import FieldReader, LocalTimes, RowError, fields_of, logical_lines


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
    read = FieldReader(",")
    assert read('a,"b,c",d\n') == ["a", "b,c", "d"]
    assert read("e;f\n") == ["e;f"]
    assert fields_of("g;h\n", ";") == ["g", "h"]
    with pytest.raises(RowError, match="not valid CSV"):
        read('a,"b"c\n')
