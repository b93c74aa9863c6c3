"""A call records file's lines: gzip told by content, long lines cut, damage reported."""

import gzip
from pathlib import Path

import pytest

from caredesk.telephony.call_file import MAX_LINE_BYTES, CallFile, CallFileError


def test_gzip_is_told_by_the_first_bytes_not_the_name(tmp_path: Path):
    path = tmp_path / "calls.csv"  # no .gz
    path.write_bytes(gzip.compress(b"a,b\nc,d\n"))
    with CallFile(path) as call_file:
        assert call_file.gzipped
        assert list(call_file.lines()) == [b"a,b\n", b"c,d\n"]
        assert call_file.bytes_read == call_file.size == path.stat().st_size
        assert len(call_file.sha256) == 64


def test_an_over_long_line_is_cut_and_marked_and_the_next_read_whole(tmp_path: Path):
    path = tmp_path / "calls.csv"
    path.write_bytes(b"x" * (3 * MAX_LINE_BYTES) + b"\nnext\n")
    with CallFile(path) as call_file:
        long, following = call_file.lines()
    assert len(long) == MAX_LINE_BYTES + 1
    assert long.endswith(b"\xff")  # not ASCII, not UTF-8: no reader takes it for a row
    assert following == b"next\n"


def test_damaged_gzip_data_is_a_file_error_after_the_lines_before_it(tmp_path: Path):
    path = tmp_path / "calls.csv.gz"
    data = gzip.compress(b"".join(b"%d,row\n" % n for n in range(50_000)))
    path.write_bytes(data[: len(data) // 2])
    read: list[bytes] = []
    with CallFile(path) as call_file, pytest.raises(CallFileError, match="gzip data is damaged"):
        read.extend(call_file.lines())
    assert read[:2] == [b"0,row\n", b"1,row\n"]


def test_a_file_that_cannot_be_opened_is_a_file_error(tmp_path: Path):
    with pytest.raises(CallFileError, match="cannot be opened"):
        CallFile(tmp_path / "missing.csv")
    with pytest.raises(CallFileError):
        CallFile(tmp_path)  # a folder


def test_a_gzip_file_stops_at_its_inflated_limit_saying_so(tmp_path: Path):
    path = tmp_path / "bomb.csv.gz"
    path.write_bytes(gzip.compress(b"a,b\n" * 3 + b"x" * 1_000_000 + b"\n" + b"c,d\n"))
    assert path.stat().st_size < 5_000
    with CallFile(path, max_inflated=100_000) as call_file:
        assert list(call_file.lines()) == [b"a,b\n"] * 3
        assert "holds more than 98 KB uncompressed" in call_file.stopped
        assert "CAREDESK_CALLS_MAX_DECOMPRESSED_MB" in call_file.stopped
        assert "stopped at line 4." in call_file.stopped


def test_the_inflated_limit_is_for_gzip_files_only(tmp_path: Path):
    path = tmp_path / "plain.csv"
    path.write_bytes(b"a,b\n" * 100)
    with CallFile(path, max_inflated=10) as call_file:
        assert len(list(call_file.lines())) == 100
        assert call_file.stopped == ""
