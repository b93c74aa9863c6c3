"""Reading call records files, one row at a time (plain Python, no Django).

Two formats:

- **Asterisk `cdr_csv`** (Master.csv): no heading row; the columns in Asterisk's order,
  `ASTERISK_COLUMNS`. Times are the phone system's local time (`usegmtime=yes` in
  cdr.conf writes UTC: pass zone "UTC").
- **Generic CSV** with a heading row, whose columns a mapping file names
  (`caredesk.telephony.mapping`).

Either may be gzipped (told by its first two bytes). Every row gives a `ParsedCall` or a
`RejectedRow` (line number, a reason naming the field, the raw text): bad input never
raises. Only a problem with the whole file (it cannot be read, the heading row lacks a
mapped column, the gzip stream is damaged) raises `CallFileError`.

How an Asterisk row is read (the rules are the module's, stated once here):

- **call_key** is `uniqueid`. A second row with the same uniqueid is a duplicate.
- **Outcome**: `lastapp` VoiceMail is *voicemail* (the machine answered, so nobody did:
  answered_at is empty and seconds_to_answer is how long it rang first). Otherwise a call
  is answered only if `answer` has a time and `disposition` is ANSWERED; it is then
  *transferred* if `lastapp` is Transfer, BlindTransfer or AttendedTransfer, else
  *answered*. Everything else (NO ANSWER, BUSY, FAILED, CONGESTION, or an empty answer
  time) is *abandoned*: the caller was not answered.
- **Line**: the queue when `lastapp` is Queue (the first part of `lastdata`), otherwise
  the context the call arrived in (`dcontext`), otherwise the number dialled (`dst`).
- **Extension**: the device in `dstchannel`: SIP/2004-0000001a, PJSIP/2004-00000012 and
  Local/2004@from-queue-0000;1 all give 2004.
- **Caller**: `src`, or the number in `clid`; the name is the quoted part of `clid`
  ("Smith, John" <01928 123456>).
- **Times**: a wall time in the hour the clocks go back is read as its first occurrence
  (summer time); a wall time in the hour the clocks go forward does not exist and the row
  is refused, saying so.
"""

from __future__ import annotations

import csv
import enum
import gzip
import hashlib
import io
import re
import zlib
from collections import deque
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any, NamedTuple, cast
from zoneinfo import ZoneInfo

from caredesk.errors import CaredeskError
from caredesk.standards.calendar import FIRST_YEAR, LAST_YEAR
from caredesk.telephony.mapping import Mapping

ASTERISK_COLUMNS = (
    "accountcode", "src", "dst", "dcontext", "clid", "channel", "dstchannel", "lastapp",
    "lastdata", "start", "answer", "end", "duration", "billsec", "disposition", "amaflags",
    "uniqueid", "userfield",
)  # fmt: skip
UNIQUEID = ASTERISK_COLUMNS.index("uniqueid")
# The years a call may be in: the engine's, less a year at each end, so that no time
# zone's offset can take a call outside the engine's range.
FIRST_CALL_YEAR, LAST_CALL_YEAR = FIRST_YEAR + 1, LAST_YEAR - 1
DISPOSITIONS = ("ANSWERED", "NO ANSWER", "BUSY", "FAILED", "CONGESTION")
TRANSFER_APPS = frozenset({"transfer", "blindtransfer", "attendedtransfer"})
MAX_LINE_BYTES = 64 * 1024  # a longer line is refused, and memory stays flat
MAX_LINES_PER_ROW = 20  # a generic row may have quoted line breaks, up to this many
LIMITS = {  # the longest value each field may have (the Call model's columns)
    "call_key": 150, "line": 120, "caller": 80, "caller_name": 120, "dialled": 80,
    "extension": 40,
}  # fmt: skip
_ASTERISK_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")
# A caller id: "Smith, John" <01928 123456>, Smith <01928 123456> or <01928 123456>. The
# fast lane uses the same pattern in Rust's regex, which reads it the same way for the
# printable ASCII the fast lane takes (not beyond: Python's \s also matches \x1c-\x1f).
CLID_PATTERN = r'^\s*(?:"(?P<quoted>.*)"|(?P<plain>[^<]*?))\s*<(?P<number>[^>]*)>\s*$'
_CLID = re.compile(CLID_PATTERN)
HEX_SUFFIX_PATTERN = r"-[0-9A-Fa-f]+$"  # a channel's number: SIP/2004-0000001a
_HEX_SUFFIX = re.compile(HEX_SUFFIX_PATTERN)


class Outcome(enum.StrEnum):
    """The same values as `models.CallOutcome`."""

    ANSWERED = "answered"
    ABANDONED = "abandoned"
    VOICEMAIL = "voicemail"
    TRANSFERRED = "transferred"


# Named tuples, not frozen dataclasses: as immutable, and made five times faster (a
# frozen dataclass sets each field through object.__setattr__), which counts at a
# million rows.
class ParsedCall(NamedTuple):
    line_number: int
    call_key: str
    line: str
    caller: str
    caller_name: str
    dialled: str
    started_at: datetime  # aware, UTC
    answered_at: datetime | None  # None unless a person answered
    ended_at: datetime | None
    seconds_to_answer: int | None  # answered: to answer; otherwise how long it rang
    talk_seconds: int
    outcome: Outcome
    extension: str


class RejectedRow(NamedTuple):
    line_number: int
    reason: str
    raw: str


ParsedRow = ParsedCall | RejectedRow


class CallFileError(CaredeskError):
    """The file as a whole cannot be read (as opposed to one bad row)."""

    code = "call_file_invalid"


class RowError(ValueError):
    """One row is wrong; the message names the field and says why."""


# -- times ------------------------------------------------------------------------------


class LocalTimes:
    """Wall times of a zone as aware UTC datetimes, cached by the hour (files cluster)."""

    def __init__(self, zone: str) -> None:
        self.zone = ZoneInfo(zone)
        self._offsets: dict[datetime, timedelta | None] = {}
        self.hours: dict[str, datetime] = {}  # "2025-06-02 09" -> its UTC instant

    def steady(self, wall: datetime) -> bool:
        """Whether the wall time's hour has one UTC offset throughout (no clock change)."""
        return self._offsets.get(wall.replace(minute=0, second=0, microsecond=0)) is not None

    def hour_offset(self, hour: datetime) -> timedelta | None:
        """The UTC offset of a wall-clock hour (minutes and seconds 0) if it is the same
        throughout the hour and the hour is not doubled; None if the clocks change in it."""
        try:
            return self._offsets[hour]
        except KeyError:
            if len(self._offsets) > 100_000:
                self._offsets.clear()
            offset = self._offsets[hour] = self._steady_offset(hour)
            return offset

    def to_utc(self, wall: datetime, field: str) -> datetime:
        if not FIRST_CALL_YEAR <= wall.year <= LAST_CALL_YEAR:
            raise RowError(f"{field}: {wall:%Y} is outside the years caredesk works with.")
        offset = self.hour_offset(wall.replace(minute=0, second=0, microsecond=0))
        if offset is not None:
            return (wall - offset).replace(tzinfo=UTC)
        local = wall.replace(tzinfo=self.zone)  # fold=0: the first of a doubled hour
        moment = local.astimezone(UTC)
        if moment.astimezone(self.zone).replace(tzinfo=None) != wall:
            raise RowError(
                f"{field}: {wall:%Y-%m-%d %H:%M:%S} does not exist in {self.zone.key} "
                "(the clocks went forward then): check the phone system's clock or zone."
            )
        return moment

    def _steady_offset(self, hour: datetime) -> timedelta | None:
        """The hour's UTC offset if it is the same throughout and not doubled; else None."""
        offsets = {
            (hour + minutes).replace(tzinfo=self.zone, fold=fold).utcoffset()
            for minutes in (timedelta(0), timedelta(minutes=59, seconds=59))
            for fold in (0, 1)
        }
        if len(offsets) != 1:
            return None
        (offset,) = offsets
        return offset


def _seconds(value: str, field: str) -> int:
    """Whole seconds from '11', '11.4' or '0:00:11'."""
    text = value.strip()
    try:
        if ":" in text:
            parts = [float(part) for part in text.split(":")]
            if len(parts) > 3:
                raise ValueError
            total = 0.0
            for part in parts:
                total = total * 60 + part
        else:
            total = float(text)
    except ValueError:
        raise RowError(f"{field}: {value!r} is not a number of seconds.") from None
    if not 0 <= total < 10**9:  # also refuses nan and inf
        raise RowError(f"{field}: {value!r} is not a number of seconds from 0 upwards.")
    return round(total)


def _not_later(call: ParsedCall, not_after: datetime | None) -> ParsedCall:
    if not_after is not None and call.started_at > not_after:
        raise RowError(
            f"start is in the future ({call.started_at:%Y-%m-%d %H:%M:%S} UTC): check the "
            "phone system's clock, or its time zone (--zone)."
        )
    return call


def _check_length(field: str, value: str, limit_key: str) -> str:
    if len(value) > LIMITS[limit_key]:
        raise RowError(f"{field} is longer than {LIMITS[limit_key]} characters.")
    return value


# -- lines from a file ------------------------------------------------------------------


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

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
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

    @property
    def bytes_read(self) -> int:
        return self._counting.count

    @property
    def sha256(self) -> str:
        return self._counting.sha256.hexdigest()

    def lines(self) -> Iterator[bytes]:
        """Each line with its ending; an over-long line is cut at MAX_LINE_BYTES + 1."""
        readline = self._stream.readline
        while True:
            try:
                line = readline(MAX_LINE_BYTES)
                if len(line) == MAX_LINE_BYTES and not line.endswith(b"\n"):
                    while True:  # skip the rest of the line, keeping memory flat
                        rest = readline(MAX_LINE_BYTES)
                        if not rest or rest.endswith(b"\n"):
                            break
                    line += b"\xff"  # marks it as too long (see _logical_lines)
            except (EOFError, zlib.error, gzip.BadGzipFile) as error:
                raise CallFileError(
                    f"{self.path}: the gzip data is damaged after {self.bytes_read:,} bytes "
                    f"({error}); the rows before that were read."
                ) from None
            except OSError as error:
                raise CallFileError(f"{self.path}: cannot be read: {error}.") from None
            if not line:
                return
            yield line

    def close(self) -> None:
        self._stream.close()

    def __enter__(self) -> CallFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _shown(data: bytes, encoding: str) -> str:
    return data.decode(encoding, errors="backslashreplace").rstrip("\r\n")


def _logical_lines(
    lines: Iterable[tuple[int, bytes]], *, encoding: str, max_lines: int
) -> Iterator[tuple[int, str, str | None]]:
    """(first line number, text, reason to refuse or None) for each non-blank row of
    the numbered lines.

    A row whose quotes are not closed at the end of its line takes the next lines (up to
    `max_lines`) until they are; if they never are, the first line alone is refused and
    the lines after it are read again as rows of their own.
    """
    pending: deque[tuple[int, bytes]] = deque()
    numbered = iter(lines)

    def take() -> tuple[int, bytes] | None:
        return pending.popleft() if pending else next(numbered, None)

    while (item := take()) is not None:
        number, data = item
        if len(data) > MAX_LINE_BYTES:
            yield (
                number,
                _shown(data[:200], encoding) + "…",
                f"the line is longer than {MAX_LINE_BYTES:,} bytes (is this a call records file?)",
            )
            continue
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as error:
            yield (
                number,
                _shown(data, encoding),
                (
                    f"the line is not {encoding} text (byte 0x{data[error.start]:02x} at "
                    f"position {error.start + 1}): save the file as {encoding}"
                ),
            )
            continue
        if number == 1:
            text = text.removeprefix("\ufeff")
        if not text.strip():
            continue
        if text.count('"') % 2 == 0:
            yield number, text, None
            continue
        taken: list[tuple[int, bytes]] = []
        joined = text
        while len(taken) + 1 < max_lines and (following := take()) is not None:
            taken.append(following)
            try:
                joined += following[1].decode(encoding)
            except UnicodeDecodeError:
                break
            if joined.count('"') % 2 == 0:
                break
        if joined.count('"') % 2 == 0 and taken:
            yield number, joined, None
            continue
        pending.extendleft(reversed(taken))
        yield number, text.rstrip("\r\n"), 'a quoted field is not closed (a " is missing)'


class _FieldReader:
    """The fields of one row's text at a time, read as `csv.reader([text])` would.

    One reader serves every row (making a reader per row costs more than reading the
    row): it is fed exactly one text per call, so a row that would need more text than
    its own ends there (strict: an error) and never takes the next row's.
    """

    __slots__ = ("_reader", "_text")

    def __init__(self, delimiter: str) -> None:
        self._text: str | None = None
        self._reader = csv.reader(self, delimiter=delimiter, strict=True)

    def __iter__(self) -> _FieldReader:
        return self

    def __next__(self) -> str:
        text = self._text
        if text is None:
            raise StopIteration
        self._text = None
        return text

    def __call__(self, text: str) -> list[str]:
        self._text = text
        try:
            return next(self._reader)
        except (csv.Error, StopIteration) as error:
            raise RowError(f"the row is not valid CSV ({error}).") from None
        finally:
            self._text = None


def _fields(text: str, delimiter: str) -> list[str]:
    return _FieldReader(delimiter)(text)


# -- Asterisk ---------------------------------------------------------------------------


def asterisk_rows(
    lines: Iterable[bytes], *, zone: str = "Europe/London", not_after: datetime | None = None
) -> Iterator[ParsedRow]:
    """Parse Asterisk cdr_csv lines (bytes, as in the file) into calls and refusals.

    A call that starts after `not_after` (now, say) is refused: the clock or zone is wrong.
    """
    return numbered_asterisk_rows(
        enumerate(lines, start=1), times=LocalTimes(zone), not_after=not_after
    )


def numbered_asterisk_rows(
    lines: Iterable[tuple[int, bytes]], *, times: LocalTimes, not_after: datetime | None
) -> Iterator[ParsedRow]:
    """As `asterisk_rows`, for lines given with their numbers (some of a file's lines).

    Each Asterisk row is one line, so any selection of a file's lines reads as they would
    in the whole file."""
    fields = _FieldReader(",")
    for number, text, problem in _logical_lines(lines, encoding="utf-8", max_lines=1):
        if problem is not None:
            yield RejectedRow(number, problem, text.rstrip("\r\n"))
            continue
        try:
            call = _asterisk_call(fields(text), number, times)
            if not_after is not None and call.started_at > not_after:
                _not_later(call, not_after)
            yield call
        except RowError as error:
            yield RejectedRow(number, str(error), text.rstrip("\r\n"))


def _asterisk_time(value: str, field: str, times: LocalTimes) -> datetime | None:
    if not value:
        return None
    hour = times.hours.get(value[:13])  # the fast path: an hour seen before
    if hour is not None and len(value) == 19:
        into = _INTO_HOUR.get(value[13:])  # ":MM:SS"
        if into is not None:
            return hour + into
    text = value.strip()
    if not text:
        return None
    if not _ASTERISK_TIME.fullmatch(text):
        raise RowError(f"{field}: {value!r} is not a time like 2025-06-02 09:15:00.")
    try:
        wall = datetime(  # noqa: DTZ001 (a wall time: LocalTimes gives it its zone)
            int(text[0:4]), int(text[5:7]), int(text[8:10]),
            int(text[11:13]), int(text[14:16]), int(text[17:19]),
        )  # fmt: skip
    except ValueError:
        raise RowError(f"{field}: {value!r} is not a real date and time.") from None
    moment = times.to_utc(wall, field)
    if text == value and times.steady(wall):
        if len(times.hours) > 100_000:
            times.hours.clear()
        times.hours[text[:13]] = moment - timedelta(minutes=wall.minute, seconds=wall.second)
    return moment


_INTO_HOUR = {  # ":MM:SS" -> how far into its hour
    f":{m:02d}:{s:02d}": timedelta(minutes=m, seconds=s) for m in range(60) for s in range(60)
}


def _whole(value: str, field: str) -> int:
    text = value.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 9:
        raise RowError(f"{field}: {value!r} is not a whole number of seconds.")
    return int(text)


def _asterisk_call(row: list[str], number: int, times: LocalTimes) -> ParsedCall:
    # The checks run in this order (the first problem found is the one reported), with
    # the common case inline: this runs once for every row of files of millions.
    if len(row) <= UNIQUEID:
        raise RowError(
            f"the row has {len(row)} columns; Asterisk's Master.csv has 18 "
            "(accountcode to userfield; uniqueid must be logged: loguniqueid=yes)."
        )
    (_, src, dst, dcontext, clid, _, dstchannel, lastapp, lastdata) = row[:9]
    call_key = row[UNIQUEID].strip()
    if len(call_key) > CALL_KEY_LIMIT:
        _check_length("uniqueid", call_key, "call_key")
    if not call_key:
        raise RowError("uniqueid is empty, so the call cannot be told apart from others.")
    started_at = _asterisk_time(row[9], "start", times)
    if started_at is None:
        raise RowError("start is empty: every call needs the time it started.")
    answer = _asterisk_time(row[10], "answer", times)
    ended_at = _asterisk_time(row[11], "end", times)
    duration = _WHOLE.get(row[12])
    if duration is None:
        duration = _whole(row[12], "duration")
    if row[13] not in _WHOLE:
        _whole(row[13], "billsec")
    disposition = row[14]
    if disposition not in _DISPOSITIONS:
        disposition = " ".join(disposition.split()).upper()
        if disposition not in _DISPOSITIONS:
            raise RowError(f"disposition: {row[14]!r} is not one of {', '.join(DISPOSITIONS)}.")
    if answer is not None and answer < started_at:
        raise RowError("answer is before start.")
    if ended_at is not None and ended_at < started_at:
        raise RowError("end is before start.")
    app = lastapp.strip().lower()
    if app == "voicemail":
        outcome, answered_at, talk = _VOICEMAIL, None, 0
    elif answer is not None and disposition == "ANSWERED":
        outcome = _TRANSFERRED if app in TRANSFER_APPS else _ANSWERED
        answered_at, talk = answer, _WHOLE.get(row[13]) or _whole(row[13], "billsec")
    else:
        outcome, answered_at, talk = _ABANDONED, None, 0
    seconds_to_answer = (
        int((answer - started_at).total_seconds()) if answer is not None else duration
    )
    if app == "queue" and lastdata.strip():
        line = _QUEUE_SEPARATOR.split(lastdata, maxsplit=1)[0].strip()
    else:
        line = dcontext.strip() or dst.strip()
    name, clid_number = _split_clid(clid)
    caller = src.strip() or clid_number
    if name == caller:
        name = ""
    dialled = dst.strip()
    extension = extension_of(dstchannel)
    if (
        len(line) > LIMITS["line"]
        or len(caller) > LIMITS["caller"]
        or len(name) > LIMITS["caller_name"]
        or len(dialled) > LIMITS["dialled"]
        or len(extension) > LIMITS["extension"]
    ):
        _check_length("line (dcontext or queue)", line, "line")
        _check_length("src", caller, "caller")
        _check_length("clid", name, "caller_name")
        _check_length("dst", dialled, "dialled")
        _check_length("dstchannel", extension, "extension")
    return ParsedCall(
        number, call_key, line, caller, name, dialled, started_at, answered_at, ended_at,
        seconds_to_answer, talk, outcome, extension,
    )  # fmt: skip


CALL_KEY_LIMIT = LIMITS["call_key"]
# An enum's members, looked up once: Outcome.ANSWERED costs an attribute lookup on the
# enum class for every row.
_ANSWERED, _TRANSFERRED = Outcome.ANSWERED, Outcome.TRANSFERRED
_ABANDONED, _VOICEMAIL = Outcome.ABANDONED, Outcome.VOICEMAIL
_WHOLE = {str(n): n for n in range(10_000)}  # "60" -> 60: most durations, without strip
_DISPOSITIONS = frozenset(DISPOSITIONS)
QUEUE_SEPARATORS = ",|"  # a queue's name ends at the first of these in lastdata
_QUEUE_SEPARATOR = re.compile(f"[{QUEUE_SEPARATORS}]")


def _split_clid(clid: str) -> tuple[str, str]:
    """'"Smith, John" <01928 123456>' as ('Smith, John', '01928 123456')."""
    match = _CLID.match(clid)
    if not match:
        return clid.strip(), ""
    name = match.group("quoted") if match.group("quoted") is not None else match.group("plain")
    return name.strip(), match.group("number").strip()


def extension_of(channel: str) -> str:
    """The device in a channel name: SIP/2004-0000001a, Local/2004@ctx-0001;1 give 2004."""
    _, slash, device = channel.strip().partition("/")
    if not slash:
        return ""
    device = device.split(";", 1)[0]
    if "@" in device:
        return device.split("@", 1)[0]
    return _HEX_SUFFIX.sub("", device)


# -- generic CSV with a mapping ---------------------------------------------------------


def generic_rows(
    lines: Iterable[bytes],
    *,
    mapping: Mapping,
    zone: str | None = None,
    file_name: str = "",
    not_after: datetime | None = None,
) -> Iterator[ParsedRow]:
    """Parse a CSV with a heading row, its columns named by `mapping`.

    Raises CallFileError if the heading row lacks a column the mapping names.
    """
    settings = mapping.format
    times = LocalTimes(zone or settings.zone)
    rows = _logical_lines(
        enumerate(lines, start=1), encoding=settings.encoding, max_lines=MAX_LINES_PER_ROW
    )
    header: dict[str, int] | None = None
    for number, text, problem in rows:
        raw = text.rstrip("\r\n")
        if header is None:
            if problem is not None:
                raise CallFileError(f"{file_name}: the heading row (line {number}): {problem}.")
            try:
                header = _header_indexes(_fields(text, settings.delimiter), mapping, file_name)
            except RowError as error:
                raise CallFileError(f"{file_name}: the heading row: {error}") from None
            width = max(header.values()) + 1
            continue
        if problem is not None:
            yield RejectedRow(number, problem, raw)
            continue
        try:
            fields = _fields(text, settings.delimiter)
            if len(fields) < width:
                raise RowError(
                    f"the row has {len(fields)} columns; the columns this mapping reads "
                    f"need at least {width}."
                )
            values = {key: fields[index] for key, index in header.items()}
            yield _not_later(_generic_call(values, number, mapping, times), not_after)
        except RowError as error:
            yield RejectedRow(number, str(error), raw)


def _header_indexes(names: list[str], mapping: Mapping, file_name: str) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, name in enumerate(names):
        positions.setdefault(name.strip(), index)
        positions.setdefault(name.strip().casefold(), index)
    found: dict[str, int] = {}
    for key, heading in mapping.columns.model_dump(exclude_none=True).items():
        found_at = positions.get(heading.strip(), positions.get(heading.strip().casefold()))
        if found_at is None:
            shown = ", ".join(repr(name) for name in names[:30])
            raise CallFileError(
                f"{file_name}: there is no column {heading!r} (columns.{key} in the "
                f"{mapping.name} mapping). The file's columns are: {shown}."
            )
        found[key] = found_at
    return found


def _generic_time(
    values: dict[str, str], key: str, mapping: Mapping, times: LocalTimes
) -> datetime | None:
    value = values.get(key, "")
    text = value.strip()
    if not text:
        return None
    heading = getattr(mapping.columns, key)
    time_format = mapping.format.time_format
    try:
        if time_format == "iso":
            moment = datetime.fromisoformat(text)
        else:
            moment = datetime.strptime(text, time_format)  # noqa: DTZ007 (zone applied below)
    except ValueError:
        example = "2025-06-02T09:15:00" if time_format == "iso" else time_format
        raise RowError(f"{heading}: {value!r} is not a time in the form {example}.") from None
    if moment.tzinfo is None:
        return times.to_utc(moment, heading)
    if not FIRST_CALL_YEAR <= moment.year <= LAST_CALL_YEAR:
        raise RowError(f"{heading}: {moment:%Y} is outside the years caredesk works with.")
    return moment.astimezone(UTC)


def _generic_call(
    values: dict[str, str], number: int, mapping: Mapping, times: LocalTimes
) -> ParsedCall:
    columns = mapping.columns
    call_key = _check_length(columns.call_id, values["call_id"].strip(), "call_key")
    if not call_key:
        raise RowError(f"{columns.call_id} is empty, so the call cannot be told apart.")
    started_at = _generic_time(values, "started", mapping, times)
    if started_at is None:
        raise RowError(f"{columns.started} is empty: every call needs the time it started.")
    answer = _generic_time(values, "answered", mapping, times)
    ended_at = _generic_time(values, "ended", mapping, times)
    waited: int | None = None
    if columns.seconds_to_answer is not None and values["seconds_to_answer"].strip():
        waited = _seconds(values["seconds_to_answer"], columns.seconds_to_answer)
    if answer is not None:
        if answer < started_at:
            raise RowError(f"{columns.answered} is before {columns.started}.")
        waited = int((answer - started_at).total_seconds())
    if ended_at is not None and ended_at < started_at:
        raise RowError(f"{columns.ended} is before {columns.started}.")
    if columns.outcome is not None:
        found = mapping.outcome_of(values["outcome"])
        if found is None:
            known = ", ".join(repr(word) for word in mapping.outcomes)
            raise RowError(
                f"{columns.outcome}: {values['outcome']!r} is not in the mapping's "
                f"[outcomes] ({known})."
            )
        outcome = Outcome(found)
    else:
        outcome = Outcome.ANSWERED if waited is not None else Outcome.ABANDONED
    answered_at: datetime | None = None
    if outcome in (Outcome.ANSWERED, Outcome.TRANSFERRED):
        if waited is None:
            heading = columns.answered or columns.seconds_to_answer
            raise RowError(f"the call was {outcome.value} but {heading} is empty.")
        answered_at = answer or started_at + timedelta(seconds=waited)
    elif waited is None and ended_at is not None:
        waited = int((ended_at - started_at).total_seconds())  # how long it rang
    if columns.talk_seconds is not None and values["talk_seconds"].strip():
        talk = _seconds(values["talk_seconds"], columns.talk_seconds)
    elif answered_at is not None and ended_at is not None and ended_at >= answered_at:
        talk = int((ended_at - answered_at).total_seconds())
    else:
        talk = 0
    return ParsedCall(
        line_number=number,
        call_key=call_key,
        line=_optional(values, "line", columns.line),
        caller=_optional(values, "caller", columns.caller),
        caller_name=_optional(values, "caller_name", columns.caller_name),
        dialled=_optional(values, "dialled", columns.dialled),
        started_at=started_at,
        answered_at=answered_at,
        ended_at=ended_at,
        seconds_to_answer=waited,
        talk_seconds=talk if answered_at is not None else 0,
        outcome=outcome,
        extension=_optional(values, "extension", columns.extension),
    )


def _optional(values: dict[str, str], key: str, heading: str | None) -> str:
    if heading is None:
        return ""
    return _check_length(heading, values[key].strip(), key)


# -- either -----------------------------------------------------------------------------


def read_rows(
    call_file: CallFile,
    *,
    file_format: str,
    zone: str | None,
    mapping: Mapping | None,
    not_after: datetime | None = None,
) -> Iterator[ParsedRow]:
    """The rows of an open file in the given format ('asterisk' or 'generic')."""
    if file_format == "asterisk":
        return asterisk_rows(call_file.lines(), zone=zone or "Europe/London", not_after=not_after)
    if mapping is None:
        raise CallFileError("A generic CSV file needs a mapping file (--mapping).")
    return generic_rows(
        call_file.lines(),
        mapping=mapping,
        zone=zone,
        file_name=call_file.path.name,
        not_after=not_after,
    )
