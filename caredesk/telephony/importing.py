"""Importing a call records file: calls, their measures, and callbacks for voicemail.

`calls_import` streams the file in batches (5,000 rows by default), so memory stays
flat whatever its size. Each batch is one transaction that:

1. inserts its calls, skipping any already here (unique source and call key):
   PostgreSQL copies them into a temporary table and inserts with ON CONFLICT DO
   NOTHING RETURNING id; SQLite uses INSERT OR IGNORE;
2. measures the calls it inserted against each phone standard of the policy (a deadline
   standard for the phone channel whose clock starts when a call is offered), with the
   engine's `due_at_batch`: due = start + target ("4 rings" is 4 x the policy's
   ring_seconds); met = answered by then. Answered, transferred and abandoned calls are
   measured; voicemail calls are not (their promise is the callback);
3. opens a callback case for each voicemail it inserted (a message with the policy's
   message deadline), for the customer whose phone number matches the caller's if
   exactly one does, on the line's team and assigned to nobody (the team shares it);
4. updates the import's counters.

A batch is all or nothing and inserts only what is new, so a file imported twice, files
that overlap, or a run killed half-way and run again all end with exactly one row per
call, one measure per call and standard, and one callback case per voicemail.

Rows that cannot be read are refused, never dropped: each goes to the rejects file
(`<file>.rejects.csv`, beside the file or in `rejects_dir`) with its line number, the
reason and the row as it was, and is counted.

Rings: a call answered during the Nth ring took N rings, so rings = seconds to answer
over the ring length, rounded up (11 s at 3 s a ring is 4 rings; 12 s is 4; 13 s is 5).
That agrees with the measure: "4 rings" is due 12 s after the start.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import IO, Any

import numpy as np
from django.db import connection, transaction

from caredesk.cases.services import case_create
from caredesk.core.clock import Clock
from caredesk.customers.models import Customer, phone_key
from caredesk.staff.models import StaffMember, Team
from caredesk.standards import Policy, due_at_batch
from caredesk.standards.engine import as_utc_instants
from caredesk.standards.policy import Channel, ClockEvent, DeadlineStandard
from caredesk.standards.zones import from_micros
from caredesk.telephony.mapping import Mapping, load_mapping
from caredesk.telephony.models import Call, CallImport, CallOutcome, Extension, ImportStatus, Line
from caredesk.telephony.parsers import (
    CallFile,
    CallFileError,
    Outcome,
    ParsedCall,
    ParsedRow,
    RejectedRow,
    read_rows,
)

FORMATS = ("asterisk", "generic")
MEASURED = frozenset({Outcome.ANSWERED, Outcome.TRANSFERRED, Outcome.ABANDONED})
ANSWERED = frozenset({Outcome.ANSWERED, Outcome.TRANSFERRED})
CALL_COLUMNS = (
    "source", "call_key", "line_id", "caller", "caller_name", "dialled", "started_at",
    "answered_at", "ended_at", "seconds_to_answer", "rings", "talk_seconds", "outcome",
    "extension", "answered_by_id", "imported_by_id",
)  # fmt: skip
_LOAD_TABLE = """
CREATE TEMPORARY TABLE IF NOT EXISTS caredesk_call_load (
    source varchar(40), call_key varchar(150), line_id bigint, caller varchar(80),
    caller_name varchar(120), dialled varchar(80), started_at timestamptz,
    answered_at timestamptz, ended_at timestamptz, seconds_to_answer integer,
    rings integer, talk_seconds integer, outcome varchar(20), extension varchar(40),
    answered_by_id bigint, imported_by_id bigint
) ON COMMIT DELETE ROWS
"""

Progress = Callable[[CallImport], None]


def phone_standards(policy: Policy) -> list[DeadlineStandard]:
    """The standards a call is measured against: phone, clock starting when offered."""
    return [
        standard
        for standard in policy.deadline_standards()
        if standard.starts is ClockEvent.CALL_OFFERED and standard.applies_to(channel=Channel.PHONE)
    ]


def rings_for(seconds: int | None, ring_seconds: float) -> int | None:
    """Rings a call took: during the Nth ring is N rings (rounded up; 0 s is 0 rings)."""
    if seconds is None:
        return None
    return math.ceil(round(seconds / ring_seconds, 6))


def rejects_path(path: Path, rejects_dir: Path | None) -> Path:
    return (rejects_dir or path.parent) / f"{path.name}.rejects.csv"


def calls_import(
    *,
    path: str | Path,
    file_format: str,
    mapping: Mapping | str | Path | None,
    policy: Policy,
    clock: Clock,
    by: StaffMember | None = None,
    progress: Progress | None = None,
    zone: str | None = None,
    rejects_dir: str | Path | None = None,
    batch_size: int = 5000,
) -> CallImport:
    """Import one call records file; the CallImport row says what happened.

    `file_format` is 'asterisk' or 'generic' (which needs `mapping`: a Mapping, a mapping
    file or a shipped mapping's name). `zone` is the phone system's time zone (default:
    the mapping's, else the policy's). Raises CallFileError if the file cannot be opened
    or the rejects file cannot be written; a file that fails part-way (a damaged gzip
    stream, a heading row that does not fit the mapping) gives an import marked failed,
    keeping the batches before the failure.
    """
    if file_format not in FORMATS:
        raise CallFileError(f"'{file_format}' is not a format: use {' or '.join(FORMATS)}.")
    if file_format == "generic":
        if mapping is None:
            raise CallFileError("A generic CSV file needs a mapping file (--mapping).")
        if not isinstance(mapping, Mapping):
            mapping = load_mapping(mapping)
    else:
        mapping = None
    path = Path(path)
    source = mapping.format.source if mapping else "asterisk"
    zone = zone or (mapping.format.zone if mapping else policy.calendar.timezone)
    with CallFile(path) as call_file:
        rejects = _RejectsFile(rejects_path(path, Path(rejects_dir) if rejects_dir else None))
        record = CallImport.objects.create(
            file_name=path.name[:255],
            file_format=mapping.name if mapping else "asterisk",
            started_at=clock.now(),
            bytes_total=call_file.size,
            rejects_file=str(rejects.path)[:500],
            started_by=by,
        )
        run = _Run(record=record, policy=policy, clock=clock, source=source, rejects=rejects)
        try:
            rows = read_rows(
                call_file,
                file_format=file_format,
                zone=zone,
                mapping=mapping,
                not_after=record.started_at,
            )
            for batch in _batches(rows, batch_size):
                run.import_batch(batch, bytes_read=call_file.bytes_read)
                if progress is not None:
                    progress(record)
            record.file_sha256 = call_file.sha256
            record.status = ImportStatus.DONE
        except CallFileError as error:
            record.status, record.error = ImportStatus.FAILED, error.message
        except BaseException as error:
            record.status, record.error = ImportStatus.FAILED, f"{type(error).__name__}: {error}"
            raise
        finally:
            rejects.close()
            record.finished_at = clock.now()
            record.bytes_read = call_file.bytes_read
            if not record.rows_rejected:
                record.rejects_file = ""
            record.save()
    return record


def _batches(rows: Iterable[ParsedRow], size: int) -> Iterator[list[ParsedRow]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


class _RejectsFile:
    """`<file>.rejects.csv`: line, reason, row. Created at once (so a folder we cannot
    write to fails before any work), removed at the end if nothing was refused."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        try:
            self._file: IO[str] = path.open("w", encoding="utf-8", newline="")
        except OSError as error:
            raise CallFileError(
                f"{path}: the rejects file cannot be written ({error.strerror}): "
                "choose a folder for it with --rejects DIR."
            ) from None
        self._writer = csv.writer(self._file)
        self._writer.writerow(["line", "reason", "row"])

    def add(self, row: RejectedRow) -> None:
        self._writer.writerow([row.line_number, row.reason, row.raw])
        self.count += 1

    def flush(self) -> None:
        self._file.flush()

    def close(self) -> None:
        self._file.close()
        if self.count == 0:
            self.path.unlink(missing_ok=True)


@dataclass
class _Run:
    record: CallImport
    policy: Policy
    clock: Clock
    source: str
    rejects: _RejectsFile

    def __post_init__(self) -> None:
        self.standards = phone_standards(self.policy)
        self.ring_seconds = self.policy.calendar.ring_seconds
        self.staff_by_extension = dict(Extension.objects.values_list("number", "staff_id"))
        self.lines: dict[str, tuple[int, int | None]] = {}  # name -> (id, team id)
        self.last_id = 0  # SQLite: the highest id this run inserted so far
        self.teams: dict[int, Team] = {}

    def import_batch(self, batch: list[ParsedRow], *, bytes_read: int) -> None:
        record = self.record
        calls: dict[str, ParsedCall] = {}
        refused = 0
        for row in batch:
            if isinstance(row, RejectedRow):
                self.rejects.add(row)
                refused += 1
            else:
                calls.setdefault(row.call_key, row)
        with transaction.atomic():
            new_ids = self._insert_calls(list(calls.values()))
            new_calls = [(new_ids[key], calls[key]) for key in calls if key in new_ids]
            self._insert_measures(new_calls)
            self._open_callbacks(new_calls)
            record.rows_read += len(batch)
            record.rows_imported += len(new_calls)
            record.rows_rejected += refused
            record.rows_duplicate += len(batch) - refused - len(new_calls)
            record.bytes_read = bytes_read
            CallImport.objects.filter(pk=record.pk).update(
                rows_read=record.rows_read,
                rows_imported=record.rows_imported,
                rows_rejected=record.rows_rejected,
                rows_duplicate=record.rows_duplicate,
                bytes_read=bytes_read,
            )
        self.rejects.flush()

    # -- calls ------------------------------------------------------------------------

    def _line(self, name: str) -> tuple[int, int | None] | None:
        return self.lines.get(name) if name else None

    def _load_lines(self, names: set[str]) -> None:
        missing = {name for name in names if name and name not in self.lines}
        if not missing:
            return
        Line.objects.bulk_create([Line(name=name) for name in missing], ignore_conflicts=True)
        for name, pk, team_id in Line.objects.filter(name__in=missing).values_list(
            "name", "id", "team_id"
        ):
            self.lines[name] = (pk, team_id)

    def _insert_calls(self, calls: list[ParsedCall]) -> dict[str, int]:
        """Insert the calls not already here; their ids by call key."""
        if not calls:
            return {}
        self._load_lines({call.line for call in calls})
        rows = [self._call_row(call) for call in calls]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                return self._insert_postgresql(cursor, rows)
            return self._insert_sqlite(cursor, rows)

    def _call_row(self, call: ParsedCall) -> tuple[Any, ...]:
        line = self._line(call.line)
        answered = call.outcome in ANSWERED
        return (
            self.source,
            call.call_key,
            line[0] if line else None,
            call.caller,
            call.caller_name,
            call.dialled,
            call.started_at,
            call.answered_at,
            call.ended_at,
            call.seconds_to_answer,
            rings_for(call.seconds_to_answer, self.ring_seconds),
            call.talk_seconds,
            CallOutcome(call.outcome.value).value,
            call.extension,
            self.staff_by_extension.get(call.extension) if answered else None,
            self.record.pk,
        )

    def _insert_postgresql(self, cursor: Any, rows: list[tuple[Any, ...]]) -> dict[str, int]:
        cursor.execute(_LOAD_TABLE)
        cursor.execute("TRUNCATE caredesk_call_load")
        columns = ", ".join(CALL_COLUMNS)
        with cursor.cursor.copy(f"COPY caredesk_call_load ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"INSERT INTO {Call._meta.db_table} ({columns}) "
            f"SELECT {columns} FROM caredesk_call_load "
            "ON CONFLICT (source, call_key) DO NOTHING RETURNING call_key, id"
        )
        return dict(cursor.fetchall())

    def _insert_sqlite(self, cursor: Any, rows: list[tuple[Any, ...]]) -> dict[str, int]:
        adapt = connection.ops.adapt_datetimefield_value
        times = (6, 7, 8)
        prepared = [
            tuple(adapt(value) if index in times else value for index, value in enumerate(row))
            for row in rows
        ]
        marks = ", ".join(["%s"] * len(CALL_COLUMNS))
        cursor.executemany(
            f"INSERT OR IGNORE INTO {Call._meta.db_table} ({', '.join(CALL_COLUMNS)}) "
            f"VALUES ({marks})",
            prepared,
        )
        cursor.execute(
            f"SELECT call_key, id FROM {Call._meta.db_table} WHERE imported_by_id = %s AND id > %s",
            [self.record.pk, self.last_id],
        )
        inserted = dict(cursor.fetchall())
        if inserted:
            self.last_id = max(inserted.values())
        return inserted

    # -- measures ---------------------------------------------------------------------

    def _insert_measures(self, new_calls: list[tuple[int, ParsedCall]]) -> None:
        measured = [(pk, call) for pk, call in new_calls if call.outcome in MEASURED]
        if not measured or not self.standards:
            return
        calendar = self.policy.working_calendar
        starts = as_utc_instants([call.started_at for _, call in measured], calendar)
        never = np.iinfo(np.int64).max
        answered = np.array(
            [
                never if call.answered_at is None else _micros(call.answered_at)
                for _, call in measured
            ],
            dtype=np.int64,
        )
        ids = [pk for pk, _ in measured]
        rows: list[tuple[int, str, Any, bool]] = []
        postgres = connection.vendor == "postgresql"
        adapt = connection.ops.adapt_datetimefield_value
        for standard in self.standards:
            due = due_at_batch(starts, standard.target, calendar).view(np.int64)
            met = answered <= due
            for pk, due_micros, was_met in zip(ids, due.tolist(), met.tolist(), strict=True):
                moment = from_micros(due_micros)
                rows.append((pk, standard.key, moment if postgres else adapt(moment), was_met))
        with connection.cursor() as cursor:
            if postgres:
                with cursor.cursor.copy(
                    "COPY telephony_callmeasure (call_id, standard_key, due_at, met) FROM STDIN"
                ) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(
                    "INSERT INTO telephony_callmeasure (call_id, standard_key, due_at, met) "
                    "VALUES (%s, %s, %s, %s)",
                    rows,
                )

    # -- voicemail --------------------------------------------------------------------

    def _team(self, team_id: int | None) -> Team | None:
        if team_id is None:
            return None
        if team_id not in self.teams:
            self.teams[team_id] = Team.objects.get(pk=team_id)
        return self.teams[team_id]

    def _open_callbacks(self, new_calls: list[tuple[int, ParsedCall]]) -> None:
        for _, call in new_calls:
            if call.outcome is not Outcome.VOICEMAIL:
                continue
            line = self._line(call.line)
            who = call.caller_name or call.caller or "a withheld number"
            if call.caller_name and call.caller:
                who = f"{call.caller_name} ({call.caller})"
            local = call.started_at.astimezone(self.policy.working_calendar.zone)
            on_line = f" on the {call.line} line" if call.line else ""
            case_create(
                kind="message",
                channel="voicemail",
                received_at=call.started_at,
                subject=f"Voicemail from {who}"[:200],
                description=(
                    f"Voicemail left{on_line} at {local:%H:%M on %d %B %Y}; "
                    f"call {call.call_key} in {self.record.file_name}. "
                    f"Caller: {call.caller or 'withheld'}."
                ),
                by=None,
                customer=_customer_for(call.caller),
                team=self._team(line[1] if line else None),
                policy=self.policy,
                clock=self.clock,
            )


def _customer_for(number: str) -> Customer | None:
    """The customer with this phone number, if exactly one has it."""
    key = phone_key(number)
    if not key:
        return None
    found = list(Customer.objects.filter(phone_search=key)[:2])
    return found[0] if len(found) == 1 else None


def _micros(moment: datetime) -> int:
    delta = moment.astimezone(UTC) - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
