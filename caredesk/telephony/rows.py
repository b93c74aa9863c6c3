"""One row of a call records file, read: what both readers share.

Each reader (`asterisk` for Asterisk's Master.csv, `mapped_csv` for any CSV a mapping
file describes) gives, for every row, a `ParsedCall` or a `RejectedRow` (line number, a
reason naming the field, the raw text): bad input never raises. Only a problem with
the whole file raises `call_file.CallFileError`.

What both share, here: the rows they give, the lines of a file taken as CSV rows
(`logical_lines`: a quoted field may run over line breaks, up to a limit), the fields
of one row (`field_reader`), the longest value each field may have, the text of each
field (`clean_fields`), and times (`LocalTimes`, `moments_resolve`).

**Text.** A line is decoded in the file's encoding; a field that is not (a caller's name
written by a system set to Windows-1252, say) is decoded on its own, as Windows-1252,
else Latin-1, so one odd name never costs its call. Characters no database can store
(NUL; see `caredesk.core.text`) are removed. Either way the call keeps a note saying
which field and what was done (`ParsedCall.notes`).

**Times.** A wall time in the hour the clocks go back (01:00 to 01:59 on the last Sunday
of October, in Europe/London) happened twice. The row's own durations decide which:
every reading of its times (start, answer, end) is tried, and the one kept is

1. one under which the times are in order and the row's durations match them (to the
   second: phone systems round), else one under which they at least fit; and
2. of several such readings, the earliest: the first 01:xx (summer time) for the start,
   then the answer, then the end. This is also what a row without durations gets.

If no reading fits, the row is refused, saying so. A wall time in the hour the clocks go
forward (01:00 to 01:59 on the last Sunday of March) never happened: the phone system's
clock or zone is wrong, and the row is refused, saying so (not guessed at).

**Contradictions.** A row whose times contradict themselves is refused with the reason:
an answer or an end before the start, an end before the answer, a duration longer than
the time from start to end, talk time (billsec) longer than the time from answer to end
or longer than the duration. Numbers below 0 are not numbers of seconds.
"""

from __future__ import annotations

import enum
import itertools
import re
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from caredesk.core.csv_fields import FieldReader
from caredesk.core.text import storable
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
    caller_key: str  # the caller's number as core.phones.phone_key makes it
    caller_name: str
    dialled: str
    started_at: datetime  # aware, UTC
    answered_at: datetime | None  # None unless a person answered
    ended_at: datetime | None
    seconds_to_answer: int | None  # answered: to answer; otherwise how long it rang
    talk_seconds: int
    outcome: Outcome
    extension: str
    notes: str = ""  # what was done to its text to read or store it ("" for nothing)


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
        """The wall time in UTC: the first, if the clocks went back over it."""
        return self.readings(wall, field)[0]

    def readings(self, wall: datetime, field: str) -> tuple[datetime, ...]:
        """The instants (aware, UTC) a wall time can be: one, or two in the hour the
        clocks go back (the first, then the second). Raises RowError for a wall time
        that never happened (the hour the clocks go forward) or is outside our years."""
        if not FIRST_CALL_YEAR <= wall.year <= LAST_CALL_YEAR:
            raise RowError(f"{field}: {wall:%Y} is outside the years caredesk works with.")
        offset = self.hour_offset(wall.replace(minute=0, second=0, microsecond=0))
        if offset is not None:
            return ((wall - offset).replace(tzinfo=UTC),)
        first = wall.replace(tzinfo=self.zone, fold=0).astimezone(UTC)
        if first.astimezone(self.zone).replace(tzinfo=None) != wall:
            raise RowError(
                f"{field}: {wall:%Y-%m-%d %H:%M:%S} does not exist in {self.zone.key} "
                "(the clocks went forward then): check the phone system's clock or zone."
            )
        second = wall.replace(tzinfo=self.zone, fold=1).astimezone(UTC)
        return (first,) if second == first else (first, second)

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


# Phone systems write times to the second and round durations: a duration may differ
# from the times it spans by this much.
ROUNDING = 1


class Span(NamedTuple):
    """A number of seconds the row gives that must fit between two of its times."""

    first: int  # index of the times it runs between (start 0, answer 1, end 2)
    last: int
    seconds: int
    says: str  # what the number is, as the row names it ("duration")
    matches: bool = True  # it should match the times (else it need only fit between them)


def moments_resolve(
    options: Sequence[tuple[datetime, ...]], names: Sequence[str], spans: Sequence[Span]
) -> tuple[datetime | None, ...]:
    """The reading of the row's times (start, answer, end: each its possible instants,
    () if empty) that the row's own durations say it was (see the module's docstring).

    Raises RowError, naming the fields, when no reading is consistent."""
    combos = list(itertools.product(*(found or (None,) for found in options)))
    fitting: tuple[datetime | None, ...] | None = None
    problem = ""
    for combo in combos:
        found, exact = _contradiction(combo, names, spans)
        if found:
            # the first problem, unless a reading with its times in order has one (a
            # duration that does not fit them): that says more
            if not problem or (" is before " in problem and " is before " not in found):
                problem = found
        elif exact:
            return combo
        elif fitting is None:
            fitting = combo
    if fitting is not None:
        return fitting
    if len(combos) == 1:
        raise RowError(problem)
    doubled = next(found[0] for found in options if len(found) > 1)
    raise RowError(
        f"{problem.rstrip('.')}, whichever of the two {doubled:%d %B %Y} 01:00 to 01:59 hours "
        "(the clocks went back then) the times were in."
    )


def _contradiction(
    moments: tuple[datetime | None, ...], names: Sequence[str], spans: Sequence[Span]
) -> tuple[str, bool]:
    """What is wrong with this reading of the times ("" if nothing), and whether every
    span matches its times exactly (to ROUNDING)."""
    start, answer, end = moments
    if start is not None:
        if answer is not None and answer < start:
            return f"{names[1]} is before {names[0]}.", False
        if end is not None and end < start:
            return f"{names[2]} is before {names[0]}.", False
    if answer is not None and end is not None and end < answer:
        return f"{names[2]} is before {names[1]}.", False
    exact = True
    for span in spans:
        since, until = moments[span.first], moments[span.last]
        if since is None or until is None:
            exact = False
            continue
        between = int((until - since).total_seconds())
        if span.seconds > between + ROUNDING:
            return (
                f"{span.says} ({span.seconds:,} s) is longer than the time from "
                f"{names[span.first]} to {names[span.last]} ({between:,} s).",
                False,
            )
        exact = exact and (not span.matches or span.seconds >= between - ROUNDING)
    return "", exact


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


# -- text -------------------------------------------------------------------------------

# Bytes a line's encoding could not read, kept as lone surrogates (Python's
# "surrogateescape") until the field they are in is decoded on its own.
_UNREAD = re.compile("[\udc80-\udcff]")
FALLBACKS = (("cp1252", "Windows-1252"), ("latin-1", "Latin-1"))


def decoded(data: bytes, encoding: str) -> str | None:
    """A line's text; bytes the encoding cannot read kept for `field_text` to decode.
    None if even that fails (an encoding of more than one byte a character)."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        try:
            return data.decode(encoding, errors="surrogateescape")
        except UnicodeDecodeError:
            return None


def field_text(value: str, encoding: str) -> tuple[str, str]:
    """A field's text as it can be stored, and a note of what was done ("" if nothing):
    bytes the file's encoding could not read decoded as Windows-1252, else Latin-1, and
    characters no database can store removed."""
    notes = []
    if _UNREAD.search(value):
        try:
            data = value.encode(encoding, errors="surrogateescape")
        except UnicodeEncodeError:
            data = b""
        for codec, name in FALLBACKS:
            try:
                value = data.decode(codec)
            except UnicodeDecodeError:
                continue
            notes.append(f"not {encoding.upper()} text, so read as {name}")
            break
    kept = storable(value)
    if kept.removed:
        notes.append(kept.note)
    return kept.text, ", and ".join(notes)


def plain(text: str) -> bool:
    """Whether a row's text needs no `clean_fields` (nearly every row: a fast test)."""
    return text.isascii() and "\x00" not in text


def clean_fields(fields: list[str], names: Sequence[str], encoding: str) -> tuple[list[str], str]:
    """The fields' text as it can be stored (`field_text`), and the notes of what was
    done, each naming its field (names[i], or "column i+1")."""
    notes = []
    cleaned = []
    for index, value in enumerate(fields):
        if plain(value):
            cleaned.append(value)
            continue
        text, note = field_text(value, encoding)
        if note:
            name = names[index] if index < len(names) else f"column {index + 1}"
            notes.append(f"{name}: {note}")
        cleaned.append(text)
    return cleaned, "; ".join(notes)


def shown(text: str) -> str:
    """Text as it can be written to a file and read: bytes that could not be read shown
    as \\xNN, characters that cannot be stored as \\x00 (for the rejects file)."""
    if plain(text):
        return text
    try:
        data = text.encode("utf-8", errors="surrogateescape")
    except UnicodeEncodeError:  # a surrogate that was never a byte
        data = text.encode("utf-8", errors="backslashreplace")
    return data.decode("utf-8", errors="backslashreplace").replace("\x00", "\\x00")


MAX_SHOWN = 2_000  # characters of a refused row (or its reason) kept for the rejects file


def rejected_shown(row: RejectedRow) -> RejectedRow:
    """A refused row as the rejects file shows it: text that can be written (`shown`),
    and no more than MAX_SHOWN characters of the row or the reason (a line of junk need
    not fill the disk, or memory, a second time)."""
    if plain(row.raw) and plain(row.reason) and max(len(row.raw), len(row.reason)) <= MAX_SHOWN:
        return row
    return RejectedRow(row.line_number, _cut(shown(row.reason)), _cut(shown(row.raw)))


def _cut(text: str) -> str:
    if len(text) <= MAX_SHOWN:
        return text
    return f"{text[:MAX_SHOWN]}… ({len(text) - MAX_SHOWN:,} more characters)"


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
            found = decoded(data, encoding)
            if found is None:
                yield (
                    number,
                    _shown(data, encoding),
                    (
                        f"the line is not {encoding} text (byte 0x{data[error.start]:02x} at "
                        f"position {error.start + 1}): save the file as {encoding}"
                    ),
                )
                continue
            text = found
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
            more = decoded(following[1], encoding)
            if more is None:
                break
            joined += more
            if joined.count('"') % 2 == 0:
                break
        if joined.count('"') % 2 == 0 and taken:
            yield number, joined, None
            continue
        pending.extendleft(reversed(taken))
        yield number, text.rstrip("\r\n"), 'a quoted field is not closed (a " is missing)'


def field_reader(delimiter: str) -> FieldReader:
    """A reader of one row's fields at a time (core.csv_fields) that refuses a row that
    is not CSV as a RowError."""
    return FieldReader(delimiter, refused=_not_csv)


def _not_csv(reason: str) -> RowError:
    return RowError(f"{reason}.")


def fields_of(text: str, delimiter: str) -> list[str]:
    """The fields of one row's text (a reader of its own: see field_reader)."""
    return field_reader(delimiter)(text)
