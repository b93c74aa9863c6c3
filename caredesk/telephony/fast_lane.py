"""The fast lane for Asterisk files: plain rows read a batch at a time, as columns.

Nearly every row of a Master.csv is plain: 18 fields of printable ASCII quoted the
usual way, times written as 2025-06-02 09:15:00 in hours when the clocks do not change,
whole-number durations, a disposition in capitals. `FastLane.batch` reads such rows as
columns with polars (its CSV reader and expressions run in Rust, outside Python's lock,
so they overlap the database's work) and prepares the batch, COPY text and all, exactly
as `Preparer.batch` would from `asterisk.asterisk_rows`, in a fraction of the time.

Any row the fast lane cannot vouch for goes to the row parser, so its call, or its
reason for refusal, is the row parser's own: anything other than printable ASCII
(unicode, tabs, backslashes, an unclosed quote), not exactly 18 fields, the first line
(it may start with a byte order mark), a last line without its line ending, a time not
written exactly so or in an hour when the clocks change, a year caredesk does not work
with, a start after `not_after`, an answer or end before the start, an end before the
answer, a duration or billsec that does not fit the times (or billsec longer than the
duration), a duration that is not plain digits, a disposition written otherwise, a
value longer than its column, and any NUL or byte that is not ASCII (the row parser
decodes and cleans such text, with a note on the call). The
reading rules are `asterisk`'s (its docstring states them); test_fast_lane.py holds the
two lanes to the same batches on generated files full of awkward rows.

It makes COPY text, so it serves PostgreSQL; SQLite imports use the row parser.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from itertools import compress

import numpy as np
import polars as pl

from caredesk.standards.zones import ONE_MICROSECOND, from_micros
from caredesk.telephony.asterisk import (
    ASTERISK_COLUMNS,
    CLID_PATTERN,
    DISPOSITIONS,
    HEX_SUFFIX_PATTERN,
    QUEUE_SEPARATORS,
    TRANSFER_APPS,
    numbered_asterisk_rows,
)
from caredesk.telephony.call_file import MAX_LINE_BYTES, CallFile
from caredesk.telephony.preparing import (
    ANSWERED,
    MEASURED,
    NEVER,
    NULL,
    Batch,
    Preparer,
    micros,
)
from caredesk.telephony.rows import (
    FIRST_CALL_YEAR,
    LAST_CALL_YEAR,
    LIMITS,
    ROUNDING,
    LocalTimes,
    Outcome,
    ParsedCall,
    RejectedRow,
    rejected_shown,
)

# A row the fast lane reads: 18 fields of printable ASCII but backslash, each either
# quoted (a quote inside doubled) or plain (no quote or comma), and a line ending.
_QUOTED = r'"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|"")*"'
_PLAIN = r"[\x20\x21\x23-\x2b\x2d-\x5b\x5d-\x7e]*"
_FIELD = f"(?:{_QUOTED}|{_PLAIN})"
PLAIN_ROW = rf"^{_FIELD}(?:,{_FIELD}){{{len(ASTERISK_COLUMNS) - 1}}}\r?\n$"
_TIME = r"^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01]) (?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$"  # noqa: E501
_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
_WHOLE = r"^[0-9]{1,9}$"
# asterisk.extension_of: the device after the first /, up to the first ; or @; unless an
# @ ends it, a -hex suffix is not part of it (SIP/2004-0000001a, Local/2004@ctx-01;1).
_CHANNEL = r"^[^/]*/(?P<device>[^;@]*)(?P<at>@?)"
_MICROS = 1_000_000
# The prepared calls, as columns (the fields of ParsedCall; times in microseconds).
_CALL_SCHEMA = {
    "line_number": pl.Int64,
    "call_key": pl.String,
    "line": pl.String,
    "caller": pl.String,
    "caller_key": pl.String,
    "caller_name": pl.String,
    "dialled": pl.String,
    "started_at": pl.Int64,
    "answered_at": pl.Int64,
    "ended_at": pl.Int64,
    "seconds_to_answer": pl.Int64,
    "talk_seconds": pl.Int64,
    "outcome": pl.String,
    "extension": pl.String,
    "notes": pl.String,
}


# A batch holds at most this many bytes of lines, however long they are (rows of
# Master.csv are about 300 bytes: 20,000 of them are 6 MB).
MAX_BATCH_BYTES = 64 * 1024 * 1024


def fast_batches(call_file: CallFile, size: int, lane: FastLane) -> Iterator[Batch]:
    """Batches of `size` lines of an Asterisk file (blank lines are read and skipped),
    or fewer, up to MAX_BATCH_BYTES."""
    lines = call_file.lines()
    number = 1
    while chunk := _chunk(lines, size):
        yield lane.batch(number, chunk, call_file.bytes_read)
        number += len(chunk)


def _chunk(lines: Iterator[bytes], size: int) -> list[bytes]:
    """The next `size` lines, or fewer if they come to MAX_BATCH_BYTES first."""
    chunk: list[bytes] = []
    held = 0
    for line in lines:
        chunk.append(line)
        held += len(line)
        if len(chunk) >= size or held >= MAX_BATCH_BYTES:
            break
    return chunk


class FastLane:
    """Prepares batches of an Asterisk file's lines, plain rows as columns."""

    def __init__(self, preparer: Preparer, *, zone: str, not_after: datetime | None) -> None:
        if not preparer.copy_text:
            raise ValueError("The fast lane makes COPY text: give it a preparer that does.")
        self.preparer = preparer
        self.times = LocalTimes(zone)
        self.not_after = not_after

    def batch(self, first_number: int, lines: list[bytes], bytes_read: int) -> Batch:
        """The batch of `lines`, the first of which is line `first_number` of the file."""
        # "" for a line that is not plain: not ASCII, or longer than the row parser reads
        # (CallFile.lines marks an over-long line with a byte that is not ASCII anyway)
        candidates = [
            line if line.isascii() and len(line) <= MAX_LINE_BYTES else b"" for line in lines
        ]
        text = pl.Series("text", candidates, dtype=pl.Binary).cast(pl.String)
        plain = text.str.contains(PLAIN_ROW).fill_null(False).to_numpy().copy()
        if first_number == 1 and lines:
            plain[0] = False  # it may start with a byte order mark
        numbers = np.arange(first_number, first_number + len(lines), dtype=np.int64)
        columns = self._read(b"".join(compress(lines, plain)), numbers[plain])
        vouched = columns["vouched"].to_numpy()
        to_parse = sorted(
            [*np.flatnonzero(~plain).tolist(), *np.flatnonzero(plain)[~vouched].tolist()]
        )
        parsed = list(
            numbered_asterisk_rows(
                ((first_number + index, lines[index]) for index in to_parse),
                times=self.times,
                not_after=self.not_after,
            )
        )
        rejected = [rejected_shown(row) for row in parsed if isinstance(row, RejectedRow)]
        parsed_calls = [row for row in parsed if isinstance(row, ParsedCall)]
        calls = (
            pl.concat(
                [
                    columns.filter(pl.col("vouched")).select(list(_CALL_SCHEMA)),
                    _frame_of(parsed_calls),
                ]
            )
            .sort("line_number")
            .unique(subset="call_key", keep="first", maintain_order=True)
        )
        return Batch(
            rows_read=int(vouched.sum()) + len(parsed),
            bytes_read=bytes_read,
            rejected=rejected,
            kept=len(calls),
            calls=_voicemails(calls),
            copy_text=self._copy_text(calls, escape=_needs_escape(parsed_calls)),
            line_names=set(calls["line"].unique().to_list()) - {""},
        )

    # -- reading ------------------------------------------------------------------------

    def _read(self, data: bytes, numbers: np.ndarray) -> pl.DataFrame:
        """The plain rows' calls as columns, and whether the fast lane vouches for each.

        In three steps, so that no expression is worked out twice: the fields as read,
        then what the rules need from them, then the call."""
        if not data:
            return pl.DataFrame(schema={**_CALL_SCHEMA, "vouched": pl.Boolean})
        raw = pl.read_csv(
            data,
            has_header=False,
            new_columns=list(ASTERISK_COLUMNS),
            schema=dict.fromkeys(ASTERISK_COLUMNS, pl.String),
            quote_char='"',
        ).with_columns(pl.all().fill_null(""))
        offsets = self._offsets_of(raw)
        col = pl.col
        fields = raw.select(
            line_number=pl.Series(numbers),
            call_key=_stripped("uniqueid"),
            src=_stripped("src"),
            dst=_stripped("dst"),
            dcontext=_stripped("dcontext"),
            queue=col("lastdata").str.extract(f"^([^{QUEUE_SEPARATORS}]*)").str.strip_chars(" "),
            has_queue=_stripped("lastdata") != "",
            app=_stripped("lastapp").str.to_lowercase(),
            clid=col("clid").str.extract_groups(CLID_PATTERN),
            clid_text=_stripped("clid"),
            channel=_stripped("dstchannel").str.extract_groups(_CHANNEL),
            duration=col("duration").cast(pl.Int64, strict=False),
            billsec=col("billsec").cast(pl.Int64, strict=False),
            numbers_ok=col("duration").str.contains(_WHOLE) & col("billsec").str.contains(_WHOLE),
            disposition_ok=col("disposition").is_in(list(DISPOSITIONS)),
            disposition_answered=col("disposition") == "ANSWERED",
            **_instant("start", offsets),
            **_instant("answer", offsets),
            **_instant("end", offsets),
        )
        clid, channel, app = col("clid").struct, col("channel").struct, col("app")
        clid_number = clid.field("number").str.strip_chars(" ")
        answer = col("answer")
        parts = fields.select(
            "line_number",
            "call_key",
            "app",
            "start",
            "answer",
            "end",
            "duration",
            "billsec",
            line=pl.when((app == "queue") & col("has_queue"))
            .then(col("queue"))
            .when(col("dcontext") != "")
            .then(col("dcontext"))
            .otherwise(col("dst")),
            caller=pl.when(col("src") != "").then(col("src")).otherwise(clid_number.fill_null("")),
            name=pl.when(clid_number.is_not_null())
            .then(pl.coalesce(clid.field("quoted"), clid.field("plain")).str.strip_chars(" "))
            .otherwise(col("clid_text")),
            dialled=col("dst"),
            extension=pl.when(channel.field("at") == "@")
            .then(channel.field("device"))
            .otherwise(channel.field("device").str.replace(HEX_SUFFIX_PATTERN, ""))
            .fill_null(""),
            answered=answer.is_not_null() & col("disposition_answered"),
            vouched=col("start_ok")
            & col("start").is_not_null()  # the row parser refuses a call without a start
            & col("answer_ok")
            & col("end_ok")
            & col("numbers_ok")
            & col("disposition_ok")
            & (answer.is_null() | (answer >= col("start")))
            & (col("end").is_null() | (col("end") >= col("start")))
            & _durations_fit(),
        )
        person_answered = col("answered") & (app != "voicemail")
        not_after = (
            pl.lit(True) if self.not_after is None else col("start") <= micros(self.not_after)
        )
        return parts.select(
            "line_number",
            "call_key",
            "line",
            "caller",
            caller_key=phone_key_expression(col("caller")),
            caller_name=pl.when(col("name") == col("caller"))
            .then(pl.lit(""))
            .otherwise(col("name")),
            dialled="dialled",
            started_at="start",
            answered_at=pl.when(person_answered).then(answer),
            ended_at="end",
            seconds_to_answer=pl.when(answer.is_not_null())
            .then((answer - col("start")) // _MICROS)
            .otherwise(col("duration")),
            talk_seconds=pl.when(person_answered)
            .then(col("billsec"))
            .otherwise(pl.lit(0, dtype=pl.Int64)),
            outcome=pl.when(app == "voicemail")
            .then(pl.lit(Outcome.VOICEMAIL.value))
            .when(col("answered") & app.is_in(list(TRANSFER_APPS)))
            .then(pl.lit(Outcome.TRANSFERRED.value))
            .when(col("answered"))
            .then(pl.lit(Outcome.ANSWERED.value))
            .otherwise(pl.lit(Outcome.ABANDONED.value)),
            extension="extension",
            notes=pl.lit(""),  # plain rows: nothing to decode or clean
            vouched=(
                col("vouched")
                & not_after
                & col("call_key").str.len_bytes().is_between(1, LIMITS["call_key"])
                & (col("line").str.len_bytes() <= LIMITS["line"])
                & (col("caller").str.len_bytes() <= LIMITS["caller"])
                & (col("name").str.len_bytes() <= LIMITS["caller_name"])
                & (col("dialled").str.len_bytes() <= LIMITS["dialled"])
                & (col("extension").str.len_bytes() <= LIMITS["extension"])
            ).fill_null(False),
        )

    def _offsets_of(self, raw: pl.DataFrame) -> dict[str, int | None]:
        """The UTC offset (microseconds) of each hour the times are in, as LocalTimes
        gives it (None where the clocks change): "2025-06-02 09" -> 3,600,000,000."""
        times = pl.concat([raw["start"], raw["answer"], raw["end"]])
        hours = times.filter(times.str.contains(_TIME)).str.slice(0, 13).unique().to_list()
        return {hour: self._hour_offset(hour) for hour in hours}  # LocalTimes caches them

    def _hour_offset(self, hour: str) -> int | None:
        try:
            wall = datetime(int(hour[:4]), int(hour[5:7]), int(hour[8:10]), int(hour[11:13]))  # noqa: DTZ001
        except ValueError:  # 30 February: the row parser says so
            return None
        offset = self.times.hour_offset(wall)
        return None if offset is None else offset // ONE_MICROSECOND

    # -- COPY text ----------------------------------------------------------------------

    def _copy_text(self, calls: pl.DataFrame, *, escape: bool) -> str:
        """As Preparer._copy_text: the calls as COPY text for writing_postgresql.BATCH_COLUMNS."""
        if calls.is_empty():
            return ""
        preparer = self.preparer
        seconds = calls["seconds_to_answer"].drop_nulls().unique().to_list()
        rings = {value: preparer.rings(value) for value in seconds}
        measured = calls["outcome"].is_in([outcome.value for outcome in MEASURED]).to_numpy()
        due, met = self._measures(calls, measured)

        def text(name: str) -> pl.Expr:
            return _copy_escaped(name) if escape else pl.col(name)

        rows = calls.select(  # writing_postgresql.BATCH_COLUMNS, in order
            n=pl.int_range(pl.len()),
            call_key=text("call_key"),
            line=text("line"),
            caller=text("caller"),
            caller_key=pl.col("caller_key"),  # digits: nothing to escape
            caller_name=text("caller_name"),
            dialled=text("dialled"),
            started_at=pl.col("started_at"),
            answered_at=pl.col("answered_at"),
            ended_at=pl.col("ended_at"),
            seconds_to_answer=pl.col("seconds_to_answer"),
            rings=pl.col("seconds_to_answer").replace_strict(
                rings, default=None, return_dtype=pl.Int64
            ),
            talk_seconds=pl.col("talk_seconds"),
            outcome=pl.col("outcome"),
            extension=text("extension"),
            answered_by_id=pl.when(
                pl.col("outcome").is_in([outcome.value for outcome in ANSWERED])
            ).then(
                pl.col("extension").replace_strict(
                    preparer.staff_by_extension, default=None, return_dtype=pl.Int64
                )
            ),
            due=due,
            met=met,
            notes=text("notes"),
        )
        return rows.write_csv(
            separator="\t",
            include_header=False,
            null_value=NULL,
            quote_style="never",
            line_terminator="\n",
        )

    def _measures(self, calls: pl.DataFrame, measured: np.ndarray) -> tuple[pl.Series, pl.Series]:
        """The due and met arrays' text ({due,due}, {t,f}) for each call; NULL for a call
        not measured, or every call if the policy has no phone standards."""
        size = len(calls)
        nothing = pl.Series([None] * size, dtype=pl.String)
        if not measured.any() or not self.preparer.standards:
            return nothing, nothing
        starts = calls["started_at"].to_numpy()[measured]
        answered = calls["answered_at"].fill_null(NEVER).to_numpy()[measured]
        dues, mets = [], []
        for due, met in self.preparer.measure_arrays(starts, answered):
            full_due = np.zeros(size, dtype=np.int64)
            full_due[measured] = due
            full_met = np.zeros(size, dtype=bool)
            full_met[measured] = met
            dues.append(pl.Series(full_due).cast(pl.String))
            mets.append(pl.Series(full_met).replace_strict({True: "t", False: "f"}))
        frame = pl.DataFrame(
            {
                **{f"due{i}": due for i, due in enumerate(dues)},
                **{f"met{i}": met for i, met in enumerate(mets)},
                "measured": measured,
            }
        )

        def array(prefix: str) -> pl.Expr:
            items = pl.concat_str([pl.col(f"{prefix}{i}") for i in range(len(dues))], separator=",")
            return pl.when(pl.col("measured")).then(
                pl.concat_str([pl.lit("{"), items, pl.lit("}")])
            )

        arrays = frame.select(due=array("due"), met=array("met"))
        return arrays["due"], arrays["met"]


def phone_key_expression(number: pl.Expr) -> pl.Expr:
    """core.phones.phone_key in polars: the number's ASCII digits, a leading 44 made 0.

    Rust's regex, like Python's, reads [^0-9] as any character but the ten ASCII digits
    (a test holds the two to the same key for any text)."""
    return number.str.replace_all("[^0-9]+", "").str.replace("^44", "0")


def _durations_fit() -> pl.Expr:
    """As asterisk._in_order: billsec no longer than duration, and, given an end, the end
    not before the answer, duration no longer than start to end, billsec no longer than
    answer (or start, if not answered) to end; to rows.ROUNDING."""
    col = pl.col
    start, answer, end = col("start"), col("answer"), col("end")
    since = pl.when(answer.is_null()).then(start).otherwise(answer)
    return (col("billsec") <= col("duration")) & (
        end.is_null()
        | (
            (end >= since)
            & (col("duration") <= (end - start) // _MICROS + ROUNDING)
            & (col("billsec") <= (end - since) // _MICROS + ROUNDING)
        )
    )


def _stripped(name: str) -> pl.Expr:
    """The field with spaces around it removed (all str.strip() removes from
    printable ASCII)."""
    return pl.col(name).str.strip_chars(" ")


def _instant(name: str, offsets: dict[str, int | None]) -> dict[str, pl.Expr]:
    """A time field as microseconds since the epoch (UTC), null if empty or unreadable;
    and whether the fast lane vouches for it (empty, or written exactly so in a steady
    hour of a year caredesk works with)."""
    value = pl.col(name)
    wall = value.str.strptime(pl.Datetime("us"), _TIME_FORMAT, strict=False)
    offset = value.str.slice(0, 13).replace_strict(offsets, default=None, return_dtype=pl.Int64)
    instant = pl.when(value.str.contains(_TIME)).then(wall.cast(pl.Int64) - offset)
    return {
        name: instant,
        f"{name}_ok": (value == "")
        | (instant.is_not_null() & wall.dt.year().is_between(FIRST_CALL_YEAR, LAST_CALL_YEAR)),
    }


def _frame_of(calls: list[ParsedCall]) -> pl.DataFrame:
    """Calls from the row parser as columns, times in microseconds."""
    rows = [
        {
            **call._asdict(),
            "started_at": micros(call.started_at),
            "answered_at": _optional_micros(call.answered_at),
            "ended_at": _optional_micros(call.ended_at),
            "outcome": call.outcome.value,
        }
        for call in calls
    ]
    return pl.DataFrame(rows, schema=_CALL_SCHEMA)


def _optional_micros(moment: datetime | None) -> int | None:
    return None if moment is None else micros(moment)


def _voicemails(calls: pl.DataFrame) -> list[ParsedCall]:
    """The voicemail calls, as the row parser gives them (they open callback cases)."""
    return [
        ParsedCall(
            **{
                **row,
                "started_at": from_micros(row["started_at"]),
                "answered_at": None,
                "ended_at": None if row["ended_at"] is None else from_micros(row["ended_at"]),
                "outcome": Outcome.VOICEMAIL,
            }
        )
        for row in calls.filter(pl.col("outcome") == Outcome.VOICEMAIL.value).iter_rows(named=True)
    ]


_ESCAPES = (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r"))


def _needs_escape(calls: list[ParsedCall]) -> bool:
    """Whether any text of the row parser's calls needs escaping for COPY (the fast
    lane's own never do: they have no backslash or control character)."""
    return any(
        any(special in value for special, _ in _ESCAPES)
        for call in calls
        for value in (
            call.call_key,
            call.line,
            call.caller,
            call.caller_name,
            call.dialled,
            call.extension,
            call.notes,
        )
    )


def _copy_escaped(name: str) -> pl.Expr:
    value = pl.col(name)
    for special, escaped in _ESCAPES:
        value = value.str.replace_all(special, escaped, literal=True)
    return value
