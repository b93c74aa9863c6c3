"""One row of a call records file, read: what both readers share.

Each reader (`asterisk` for Asterisk's Master.csv, `mapped_csv` for any CSV a mapping
file describes) gives, for every row, a `ParsedCall` or a `RejectedRow` (line number, a
reason naming the field, the raw text): bad input never raises. Only a problem with
the whole file raises `call_file.CallFileError`.

What both share, here: the rows they give, the lines of a file taken as CSV rows
(`logical_lines`: a quoted field may run over line breaks, up to a limit), the fields
of one row (`FieldReader`), the longest value each field may have, and wall times
(`LocalTimes`): a wall time in the hour the clocks go back is read as its first
occurrence (summer time); a wall time in the hour the clocks go forward does not exist
and the row is refused, saying so.
"""

from __future__ import annotations

import csv
import enum
from collections import deque
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from caredesk.standards.calendar import FIRST_YEAR, LAST_YEAR
from caredesk.telephony.call_file import MAX_LINE_BYTES

# The years a call may be in: the engine's, less a year at each end, so that no time
# zone's offset can take a call outside the engine's range.
FIRST_CALL_YEAR, LAST_CALL_YEAR = FIRST_YEAR + 1, LAST_YEAR - 1
LIMITS = {  # the longest value each field may have (the Call model's columns)
    "call_key": 150, "line": 120, "caller": 80, "caller_name": 120, "dialled": 80,
    "extension": 40,
}  # fmt: skip


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


def not_later(call: ParsedCall, not_after: datetime | None) -> ParsedCall:
    """The call, unless it starts after `not_after` (now, say): then the phone system's
    clock or zone is wrong, and the row is refused."""
    if not_after is not None and call.started_at > not_after:
        raise RowError(
            f"start is in the future ({call.started_at:%Y-%m-%d %H:%M:%S} UTC): check the "
            "phone system's clock, or its time zone (--zone)."
        )
    return call


def check_length(field: str, value: str, limit_key: str) -> str:
    """The value, unless it is longer than its column (LIMITS[limit_key]) takes."""
    if len(value) > LIMITS[limit_key]:
        raise RowError(f"{field} is longer than {LIMITS[limit_key]} characters.")
    return value


# -- lines into rows ----------------------------------------------------------------------


def _shown(data: bytes, encoding: str) -> str:
    return data.decode(encoding, errors="backslashreplace").rstrip("\r\n")


def logical_lines(
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


class FieldReader:
    """The fields of one row's text at a time, read as `csv.reader([text])` would.

    One reader serves every row (making a reader per row costs more than reading the
    row): it is fed exactly one text per call, so a row that would need more text than
    its own ends there (strict: an error) and never takes the next row's.
    """

    __slots__ = ("_reader", "_text")

    def __init__(self, delimiter: str) -> None:
        self._text: str | None = None
        self._reader = csv.reader(self, delimiter=delimiter, strict=True)

    def __iter__(self) -> FieldReader:
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


def fields_of(text: str, delimiter: str) -> list[str]:
    """The fields of one row's text (a reader of its own: see FieldReader)."""
    return FieldReader(delimiter)(text)
