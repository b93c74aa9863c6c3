"""Reading Asterisk `cdr_csv` files (Master.csv), one row at a time (plain Python).

No heading row; the columns in Asterisk's order, `ASTERISK_COLUMNS`. Times are the
phone system's local time (`usegmtime=yes` in cdr.conf writes UTC: pass zone "UTC").
Every row gives a `ParsedCall` or a `RejectedRow` (see `rows`). An Asterisk file going to
PostgreSQL is read mostly by the fast lane (`fast_lane`), to the same rules; these are
stated once, here:

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
- **Times**: as `rows` reads them: in the hour the clocks go back, the reading of start,
  answer and end that `duration` (end - start) and `billsec` (end - answer) agree with;
  a time in the hour the clocks go forward is refused. A row whose times contradict
  themselves is refused (`rows.moments_resolve`): answer or end before start, end before
  answer, `duration` longer than start to end, `billsec` longer than answer to end (start
  to end, if not answered) or than `duration`.
- **Text**: a field that is not UTF-8 is read as Windows-1252 (else Latin-1), and
  characters no database can store are removed; the call's notes say so (`rows`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta

from caredesk.core.phones import phone_key
from caredesk.telephony.rows import (
    LIMITS,
    ROUNDING,
    LocalTimes,
    Outcome,
    ParsedCall,
    ParsedRow,
    RejectedRow,
    RowError,
    Span,
    check_length,
    clean_fields,
    field_reader,
    logical_lines,
    moments_resolve,
    not_later,
    plain,
)

ASTERISK_COLUMNS = (
    "accountcode", "src", "dst", "dcontext", "clid", "channel", "dstchannel", "lastapp",
    "lastdata", "start", "answer", "end", "duration", "billsec", "disposition", "amaflags",
    "uniqueid", "userfield",
)  # fmt: skip
UNIQUEID = ASTERISK_COLUMNS.index("uniqueid")
DISPOSITIONS = ("ANSWERED", "NO ANSWER", "BUSY", "FAILED", "CONGESTION")
TRANSFER_APPS = frozenset({"transfer", "blindtransfer", "attendedtransfer"})
_ASTERISK_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")
# A caller id: "Smith, John" <01928 123456>, Smith <01928 123456> or <01928 123456>. The
# fast lane uses the same pattern in Rust's regex, which reads it the same way for the
# printable ASCII the fast lane takes (not beyond: Python's \s also matches \x1c-\x1f).
CLID_PATTERN = r'^\s*(?:"(?P<quoted>.*)"|(?P<plain>[^<]*?))\s*<(?P<number>[^>]*)>\s*$'
_CLID = re.compile(CLID_PATTERN)
HEX_SUFFIX_PATTERN = r"-[0-9A-Fa-f]+$"  # a channel's number: SIP/2004-0000001a
_HEX_SUFFIX = re.compile(HEX_SUFFIX_PATTERN)


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
    fields = field_reader(",")
    for number, text, problem in logical_lines(lines, encoding="utf-8", max_lines=1):
        if problem is not None:
            yield RejectedRow(number, problem, text.rstrip("\r\n"))
            continue
        try:
            row, notes = fields(text), ""
            if not plain(text):
                row, notes = clean_fields(row, ASTERISK_COLUMNS, "utf-8")
            call = _asterisk_call(row, number, times, notes)
            if not_after is not None and call.started_at > not_after:
                not_later(call, not_after)
            yield call
        except RowError as error:
            yield RejectedRow(number, str(error), text.rstrip("\r\n"))


Moment = datetime | tuple[datetime, ...] | None  # a time; its readings if the clocks went back


def _asterisk_time(value: str, field: str, times: LocalTimes) -> Moment:
    """The time in UTC; both readings of a time in the hour the clocks went back."""
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
    readings = times.readings(wall, field)
    if len(readings) > 1:
        return readings
    moment = readings[0]
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


def _asterisk_call(row: list[str], number: int, times: LocalTimes, notes: str) -> ParsedCall:
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
        check_length("uniqueid", call_key, "call_key")
    if not call_key:
        raise RowError("uniqueid is empty, so the call cannot be told apart from others.")
    start = _asterisk_time(row[9], "start", times)
    if start is None:
        raise RowError("start is empty: every call needs the time it started.")
    answer_time = _asterisk_time(row[10], "answer", times)
    end = _asterisk_time(row[11], "end", times)
    duration = _WHOLE.get(row[12])
    if duration is None:
        duration = _whole(row[12], "duration")
    billsec = _WHOLE.get(row[13])
    if billsec is None:
        billsec = _whole(row[13], "billsec")
    disposition = row[14]
    if disposition not in _DISPOSITIONS:
        disposition = " ".join(disposition.split()).upper()
        if disposition not in _DISPOSITIONS:
            raise RowError(f"disposition: {row[14]!r} is not one of {', '.join(DISPOSITIONS)}.")
    if (
        type(start) is datetime
        and (answer_time is None or type(answer_time) is datetime)
        and (end is None or type(end) is datetime)
        and _in_order(start, answer_time, end, duration, billsec)
    ):
        started_at, answer, ended_at = start, answer_time, end
    else:  # the hour the clocks went back, or a contradiction to name
        started_at, answer, ended_at = _resolved(start, answer_time, end, duration, billsec)
    if billsec > duration:
        raise RowError(f"billsec ({billsec:,} s) is longer than duration ({duration:,} s).")
    app = lastapp.strip().lower()
    if app == "voicemail":
        outcome, answered_at, talk = _VOICEMAIL, None, 0
    elif answer is not None and disposition == "ANSWERED":
        outcome = _TRANSFERRED if app in TRANSFER_APPS else _ANSWERED
        answered_at, talk = answer, billsec
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
        check_length("line (dcontext or queue)", line, "line")
        check_length("src", caller, "caller")
        check_length("clid", name, "caller_name")
        check_length("dst", dialled, "dialled")
        check_length("dstchannel", extension, "extension")
    return ParsedCall(
        number, call_key, line, caller, phone_key(caller), name, dialled, started_at,
        answered_at, ended_at, seconds_to_answer, talk, outcome, extension, notes,
    )  # fmt: skip


_SECOND = timedelta(seconds=1)
TIME_NAMES = ("start", "answer", "end")


def _in_order(
    start: datetime, answer: datetime | None, end: datetime | None, duration: int, billsec: int
) -> bool:
    """Whether plain times (no clock change) are in order and the durations fit them:
    the common case, checked inline; `_resolved` names what is wrong otherwise."""
    if answer is not None and answer < start:
        return False
    if end is None:
        return True
    if duration > (end - start) // _SECOND + ROUNDING:
        return False
    if answer is None:
        return billsec <= (end - start) // _SECOND + ROUNDING
    return end >= answer and billsec <= (end - answer) // _SECOND + ROUNDING


def _resolved(
    start: Moment, answer: Moment, end: Moment, duration: int, billsec: int
) -> tuple[datetime, datetime | None, datetime | None]:
    """The reading of the times their durations agree with (rows.moments_resolve)."""
    options = [_readings(start), _readings(answer), _readings(end)]
    spans = [Span(0, 2, duration, "duration")]
    if answer is not None:
        spans.append(Span(1, 2, billsec, "billsec"))
    else:  # not answered: billsec need only fit in the call
        spans.append(Span(0, 2, billsec, "billsec", matches=False))
    started_at, answered_at, ended_at = moments_resolve(options, TIME_NAMES, spans)
    if started_at is None:  # never: start is not empty here
        raise RowError("start is empty: every call needs the time it started.")
    return started_at, answered_at, ended_at


def _readings(moment: Moment) -> tuple[datetime, ...]:
    if moment is None:
        return ()
    return moment if isinstance(moment, tuple) else (moment,)


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
