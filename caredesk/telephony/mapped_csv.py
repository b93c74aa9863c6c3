"""Reading any CSV of call records whose columns a mapping file names (plain Python).

The file has a heading row; the mapping (`caredesk.telephony.mapping`) says which
column holds what, how its times are written, its zone, encoding and delimiter, and
which words mean which outcome. A row may hold quoted line breaks (up to
MAX_LINES_PER_ROW lines). Every row gives a `ParsedCall` or a `RejectedRow` (see
`rows`); a heading row that lacks a mapped column raises `CallFileError`.

Times and text follow `rows`: in the hour the clocks go back, the reading the row's own
seconds to answer and talk time agree with; a row whose times contradict themselves
(answered or ended before it started, ended before it was answered, talk time or
seconds to answer longer than the call) is refused; a field not in the mapping's
encoding is read as Windows-1252 (else Latin-1), and characters no database can store
are removed, the call's notes saying so.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta

from caredesk.core.phones import phone_key
from caredesk.telephony.call_file import CallFileError
from caredesk.telephony.mapping import Columns, Mapping
from caredesk.telephony.rows import (
    FIRST_CALL_YEAR,
    LAST_CALL_YEAR,
    LocalTimes,
    Outcome,
    ParsedCall,
    ParsedRow,
    RejectedRow,
    RowError,
    Span,
    check_length,
    clean_fields,
    fields_of,
    logical_lines,
    moments_resolve,
    not_later,
    plain,
)

MAX_LINES_PER_ROW = 20  # a row may have quoted line breaks, up to this many


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
    rows = logical_lines(
        enumerate(lines, start=1), encoding=settings.encoding, max_lines=MAX_LINES_PER_ROW
    )
    header: dict[str, int] | None = None
    for number, text, problem in rows:
        raw = text.rstrip("\r\n")
        if header is None:
            if problem is not None:
                raise CallFileError(f"{file_name}: the heading row (line {number}): {problem}.")
            try:
                header = _header_indexes(fields_of(text, settings.delimiter), mapping, file_name)
            except RowError as error:
                raise CallFileError(f"{file_name}: the heading row: {error}") from None
            width = max(header.values()) + 1
            continue
        if problem is not None:
            yield RejectedRow(number, problem, raw)
            continue
        try:
            fields = fields_of(text, settings.delimiter)
            if len(fields) < width:
                raise RowError(
                    f"the row has {len(fields)} columns; the columns this mapping reads "
                    f"need at least {width}."
                )
            values = {key: fields[index] for key, index in header.items()}
            notes = "" if plain(text) else _clean(values, mapping)
            call = _generic_call(values, number, mapping, times)
            yield not_later(call._replace(notes=notes) if notes else call, not_after)
        except RowError as error:
            yield RejectedRow(number, str(error), raw)


def _clean(values: dict[str, str], mapping: Mapping) -> str:
    """Make the values storable text (rows.clean_fields), in place; the notes of what
    was done, each naming its column."""
    keys = list(values)
    names = [getattr(mapping.columns, key) for key in keys]
    cleaned, notes = clean_fields(list(values.values()), names, mapping.format.encoding)
    values.update(zip(keys, cleaned, strict=True))
    return notes


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
) -> tuple[datetime, ...]:
    """The instants the time can be (rows.LocalTimes.readings); () if it is empty."""
    value = values.get(key, "")
    text = value.strip()
    if not text:
        return ()
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
        return times.readings(moment, heading)
    if not FIRST_CALL_YEAR <= moment.year <= LAST_CALL_YEAR:
        raise RowError(f"{heading}: {moment:%Y} is outside the years caredesk works with.")
    return (moment.astimezone(UTC),)


def _generic_call(
    values: dict[str, str], number: int, mapping: Mapping, times: LocalTimes
) -> ParsedCall:
    columns = mapping.columns
    call_key = check_length(columns.call_id, values["call_id"].strip(), "call_key")
    if not call_key:
        raise RowError(f"{columns.call_id} is empty, so the call cannot be told apart.")
    starts = _generic_time(values, "started", mapping, times)
    if not starts:
        raise RowError(f"{columns.started} is empty: every call needs the time it started.")
    answers = _generic_time(values, "answered", mapping, times)
    ends = _generic_time(values, "ended", mapping, times)
    waited: int | None = None
    if columns.seconds_to_answer is not None and values["seconds_to_answer"].strip():
        waited = _seconds(values["seconds_to_answer"], columns.seconds_to_answer)
    given_talk: int | None = None
    if columns.talk_seconds is not None and values["talk_seconds"].strip():
        given_talk = _seconds(values["talk_seconds"], columns.talk_seconds)
    names = (columns.started, columns.answered or "answer", columns.ended or "end")
    started, answer, ended_at = moments_resolve(
        [starts, answers, ends], names, _spans(columns, bool(answers), waited, given_talk)
    )
    if started is None:  # never: starts is not empty
        raise RowError(f"{columns.started} is empty: every call needs the time it started.")
    started_at = started
    if answer is not None:
        waited = int((answer - started_at).total_seconds())
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
    if given_talk is not None:
        talk = given_talk
    elif answered_at is not None and ended_at is not None and ended_at >= answered_at:
        talk = int((ended_at - answered_at).total_seconds())
    else:
        talk = 0
    caller = _optional(values, "caller", columns.caller)
    return ParsedCall(
        line_number=number,
        call_key=call_key,
        line=_optional(values, "line", columns.line),
        caller=caller,
        caller_key=phone_key(caller),
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


def _spans(columns: Columns, answered: bool, waited: int | None, talk: int | None) -> list[Span]:
    """The seconds the row gives that must fit between its times (rows.Span)."""
    spans = []
    if waited is not None:  # a seconds_to_answer column: from the start
        spans.append(Span(0, 2, waited, str(columns.seconds_to_answer), matches=False))
    if talk is not None:
        says = str(columns.talk_seconds)
        if answered:
            spans.append(Span(1, 2, talk, says))
        elif waited is not None:
            spans.append(Span(0, 2, waited + talk, f"{columns.seconds_to_answer} plus {says}"))
        else:
            spans.append(Span(0, 2, talk, says, matches=False))
    return spans


def _optional(values: dict[str, str], key: str, heading: str | None) -> str:
    if heading is None:
        return ""
    return check_length(heading, values[key].strip(), key)


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
