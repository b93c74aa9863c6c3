"""A call records file open for reading: its lines as bytes, gzipped or not.

Whether a file is gzipped is told by its first two bytes, not its name. `CallFile`
counts and hashes the bytes it reads from disk (for a progress bar, and the file's
digest once read to the end). A line longer than MAX_LINE_BYTES is cut, and marked so
that the readers refuse it, so memory stays flat whatever the file holds. A gzip file
is read up to `max_inflated` bytes uncompressed (a small file can inflate to gigabytes):
past that, the lines stop and `stopped` says why, so the import keeps what it read and
says so. Only a problem with the whole file (it cannot be opened or read, the gzip
stream is damaged) raises `CallFileError`; the rows themselves are the readers'
(`asterisk`, `mapped_csv`).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, cast

from caredesk.errors import CaredeskError
from caredesk.standards.sizes import size_text

MAX_LINE_BYTES = 64 * 1024  # a longer line is refused, and memory stays flat


class CallFileError(CaredeskError):
    """The file as a whole cannot be read (as opposed to one bad row)."""

    code = "call_file_invalid"


class _Counting(io.RawIOBase):
    """A raw file that counts and hashes the bytes read through it."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.count = 0
        self.sha256 = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = self.raw.readinto(buffer)  # type: ignore[attr-defined]
        if n:
            self.count += n
            self.sha256.update(memoryview(buffer)[:n])
        return int(n or 0)

    def close(self) -> None:
        self.raw.close()
        super().close()


class CallFile:
    """A call records file open for reading: its lines as bytes, gzip or not.

    `bytes_read` (of `size`) is how far through the file on disk it is, for a progress
    bar; `sha256` is the file's digest once it has been read to the end.
    """

    def __init__(self, path: str | Path, *, max_inflated: int | None = None) -> None:
        self.path = Path(path)
        self.stopped = ""  # why the lines stopped before the end of the file ("" if not)
        try:
            raw = self.path.open("rb")
            self.size = self.path.stat().st_size
        except OSError as error:
            raise CallFileError(f"{self.path}: cannot be opened: {error.strerror}.") from None
        self._counting = _Counting(raw)
        buffered = io.BufferedReader(self._counting, 1 << 16)
        try:
            self.gzipped = buffered.peek(2)[:2] == b"\x1f\x8b"
        except OSError as error:  # a folder, say
            buffered.close()
            raise CallFileError(f"{self.path}: cannot be read: {error.strerror}.") from None
        self._stream: IO[bytes] = cast(
            IO[bytes], gzip.GzipFile(fileobj=buffered) if self.gzipped else buffered
        )
        self.max_inflated = max_inflated if self.gzipped else None

    @property
    def bytes_read(self) -> int:
        return self._counting.count

    @property
    def sha256(self) -> str:
        return self._counting.sha256.hexdigest()

    def lines(self) -> Iterator[bytes]:
        """Each line with its ending; an over-long line is cut at MAX_LINE_BYTES + 1.

        A gzip file's lines stop once more than `max_inflated` bytes have come out of
        it; `stopped` then says so."""
        readline = self._stream.readline
        limit = self.max_inflated
        inflated = number = 0
        while True:
            try:
                line = readline(MAX_LINE_BYTES)
                inflated += len(line)
                if len(line) == MAX_LINE_BYTES and not line.endswith(b"\n"):
                    while True:  # skip the rest of the line, keeping memory flat
                        rest = readline(MAX_LINE_BYTES)
                        inflated += len(rest)
                        if not rest or rest.endswith(b"\n"):
                            break
                        if limit is not None and inflated > limit:
                            break
                    line += b"\xff"  # marks it as too long (see rows.logical_lines)
            except (EOFError, zlib.error, gzip.BadGzipFile) as error:
                raise CallFileError(
                    f"{self.path}: the gzip data is damaged after {self.bytes_read:,} bytes "
                    f"({error}); the rows before that were read."
                ) from None
            except OSError as error:
                raise CallFileError(f"{self.path}: cannot be read: {error}.") from None
            if not line:
                return
            if limit is not None and inflated > limit:
                self.stopped = (
                    f"The file is compressed (gzip) and holds more than {size_text(limit)} "
                    "uncompressed, more than an import reads (the setting "
                    "CAREDESK_CALLS_MAX_DECOMPRESSED_MB), so the import stopped at line "
                    f"{number + 1:,}."
                )
                return
            number += 1
            yield line

    def close(self) -> None:
        self._stream.close()

    def __enter__(self) -> CallFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
