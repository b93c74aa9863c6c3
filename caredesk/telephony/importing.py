"""Importing a call records file: calls, their measures, and callbacks for voicemail.

`calls_import` streams the file in batches (20,000 rows by default; in the fast lane,
20,000 lines, blank ones included), so memory stays flat whatever its size. A thread
reads and prepares the next batch (parsing, the measures, the data to send:
`preparing.Preparer`) while the database stores this one: no more than three batches
are in memory at once. An Asterisk file going to PostgreSQL
takes the fast lane (`fast_lane`): its plain rows are read as columns, with the same
result as the row parser, which still reads every row the fast lane cannot vouch for.
Each batch is one transaction that:

1. inserts its calls, skipping any already here (unique source and call key), and
2. their measures against each phone standard of the policy (a deadline standard for
   the phone channel whose clock starts when a call is offered), worked out with the
   engine's `due_at_batch`: due = start + target ("4 rings" is 4 x the policy's
   ring_seconds); met = answered by then. Answered, transferred and abandoned calls are
   measured; voicemail calls are not (their promise is the callback).
   PostgreSQL: the batch, measures included, is copied (one block of COPY text) into a
   temporary table, and one statement inserts the calls with ON CONFLICT DO NOTHING and
   the measures of the calls it inserted (their ids from its RETURNING, which stays in
   the server). SQLite: INSERT OR IGNORE, then the measures of the new calls;
3. opens a callback case for each voicemail it inserted (a message with the policy's
   message deadline), for the customer whose phone number matches the caller's if
   exactly one does, on the line's team and assigned to nobody (the team shares it).
   The cases are what `cases.services.case_create` would open, written in bulk
   through `cases.drafts` (a month's export can hold thousands of voicemails);
4. updates the import's counters and the time of its progress (an import whose
   progress stops for STALLED_AFTER has stopped, and the worker marks it failed).

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
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any, cast

from django.db import IntegrityError, connection, transaction
from django.db.models import Max

from caredesk.cases.drafts import Recorder, references_reserve, save_drafts
from caredesk.core.clock import Clock
from caredesk.core.memory import large_blocks_mapped
from caredesk.customers.models import Customer, phone_key
from caredesk.staff.models import StaffMember, Team
from caredesk.standards import Policy
from caredesk.standards.zones import from_micros
from caredesk.telephony.mapping import Mapping, load_mapping
from caredesk.telephony.models import (
    Call,
    CallImport,
    CallMeasure,
    CallOutcome,
    Extension,
    ImportStatus,
    Line,
)
from caredesk.telephony.parsers import (
    CallFile,
    CallFileError,
    Outcome,
    ParsedCall,
    RejectedRow,
    read_rows,
)
from caredesk.telephony.preparing import (
    ANSWERED,
    MEASURED,
    Batch,
    Preparer,
    batches,
)

FORMATS = ("asterisk", "generic")
CALL_COLUMNS = (
    "source", "call_key", "line_id", "caller", "caller_name", "dialled", "started_at",
    "answered_at", "ended_at", "seconds_to_answer", "rings", "talk_seconds", "outcome",
    "extension", "answered_by_id", "imported_by_id",
)  # fmt: skip
# PostgreSQL: a batch as it is copied in. Times are microseconds since the epoch (the
# engine's unit: no text to format or parse); `due` and `met` are the measures, one per
# phone standard in order (NULL for a call that is not measured); `n` keeps file order.
_BATCH_TABLE = "caredesk_call_batch"
_BATCH_COLUMNS = (
    "n", "call_key", "line", "caller", "caller_name", "dialled", "started_at",
    "answered_at", "ended_at", "seconds_to_answer", "rings", "talk_seconds", "outcome",
    "extension", "answered_by_id", "due", "met",
)  # fmt: skip
_CREATE_BATCH_TABLE = f"""
CREATE TEMPORARY TABLE IF NOT EXISTS {_BATCH_TABLE} (
    n integer, call_key varchar(150), line varchar(120), caller varchar(80),
    caller_name varchar(120), dialled varchar(80), started_at bigint, answered_at bigint,
    ended_at bigint, seconds_to_answer integer, rings integer, talk_seconds integer,
    outcome varchar(20), extension varchar(40), answered_by_id bigint, due bigint[],
    met boolean[]
) ON COMMIT DELETE ROWS
"""


def _instant(column: str) -> str:
    return f"'epoch'::timestamptz + {column} * interval '1 microsecond'"


_COLUMNS = ", ".join(CALL_COLUMNS)
UNIQUE_CALL = "one_row_per_call"  # the constraint on (source, call_key)


def _insert_batch(*, skip_existing: bool) -> str:
    """One statement: the batch's calls, then the measures of the calls it inserted.

    With `skip_existing`, calls already here are skipped (ON CONFLICT DO NOTHING, which
    costs PostgreSQL a speculative insertion per row: about a fifth of an import's time
    in the database); without it, a call already here fails the whole statement."""
    on_conflict = "ON CONFLICT (source, call_key) DO NOTHING" if skip_existing else ""
    return f"""
WITH new AS (
    INSERT INTO {Call._meta.db_table} ({_COLUMNS})
    SELECT %(source)s, b.call_key, line.id, b.caller, b.caller_name, b.dialled,
        {_instant("b.started_at")}, {_instant("b.answered_at")}, {_instant("b.ended_at")},
        b.seconds_to_answer, b.rings, b.talk_seconds, b.outcome, b.extension,
        b.answered_by_id, %(imported_by)s
    FROM {_BATCH_TABLE} b
    LEFT JOIN {Line._meta.db_table} line ON line.name = NULLIF(b.line, '')
    ORDER BY b.n
    {on_conflict}
    RETURNING id, call_key, outcome
), measures AS (
    INSERT INTO {CallMeasure._meta.db_table} (call_id, standard_key, due_at, met)
    SELECT new.id, m.standard_key, {_instant("m.due")}, m.met
    FROM new
    JOIN {_BATCH_TABLE} b ON b.call_key = new.call_key
    CROSS JOIN LATERAL unnest(%(standards)s::varchar[], b.due, b.met)
        AS m (standard_key, due, met)
    WHERE b.due IS NOT NULL
    ORDER BY b.n
)
SELECT count(*), array_agg(call_key) FILTER (WHERE outcome = 'voicemail') FROM new
"""


_INSERT_NEW_BATCH = _insert_batch(skip_existing=False)
_INSERT_BATCH = _insert_batch(skip_existing=True)

Progress = Callable[[CallImport], None]


def rejects_path(path: Path, rejects_dir: Path | None) -> Path:
    return (rejects_dir or path.parent) / f"{path.name}.rejects.csv"


# An import that has stored nothing for this long has stopped: a batch takes seconds.
STALLED_AFTER = timedelta(minutes=10)
STOPPED = (
    "The import stopped part-way: the process running it ended. The calls imported "
    "before that are kept. Send the file again to import the rest: calls already here "
    "are skipped."
)


def call_imports_stop_stalled(*, clock: Clock) -> list[int]:
    """Mark failed the running imports that have stopped moving (a killed process, a
    machine restarted): otherwise they would show as running for ever. Imports still
    waiting for the worker to start them are left alone. The ids of those marked."""
    now = clock.now()
    stalled = CallImport.objects.filter(
        status=ImportStatus.RUNNING, progress_at__lt=now - STALLED_AFTER
    )
    ids = list(stalled.values_list("pk", flat=True))
    if not ids:  # no write, so on SQLite no wait for a running import's batch
        return []
    # The update asks again whether each is stalled: one may have moved on meanwhile.
    stalled.filter(pk__in=ids).update(status=ImportStatus.FAILED, error=STOPPED, finished_at=now)
    marked = CallImport.objects.filter(pk__in=ids, status=ImportStatus.FAILED, finished_at=now)
    return list(marked.values_list("pk", flat=True))


# Voicemails left longer ago than this before an import are history (see calls_import).
CALLBACK_WINDOW = timedelta(days=31)  # about a month: a monthly export still gets its callbacks


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
    batch_size: int = 20_000,
    callbacks_since: datetime | None = None,
    record: CallImport | None = None,
) -> CallImport:
    """Import one call records file; the CallImport row says what happened.

    `record` is a row made beforehand (an upload the desk or the API follows) to fill
    in; without it the import makes its own.

    `file_format` is 'asterisk' or 'generic' (which needs `mapping`: a Mapping, a mapping
    file or a shipped mapping's name). `zone` is the phone system's time zone (default:
    the mapping's, else the policy's). Raises CallFileError if the file cannot be opened
    or the rejects file cannot be written; a file that fails part-way (a damaged gzip
    stream, a heading row that does not fit the mapping) gives an import marked failed,
    keeping the batches before the failure.

    A voicemail opens a callback case only if it was left after `callbacks_since`
    (default: CALLBACK_WINDOW before now). Older voicemails are history, imported for
    the figures: a year of records imported at once must not open thousands of cases
    that are long dealt with.
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
        if record is None:
            record = CallImport(file_name=path.name[:255], started_at=clock.now(), started_by=by)
        record.file_format = mapping.name if mapping else "asterisk"
        record.status, record.error = ImportStatus.RUNNING, ""
        record.bytes_total, record.bytes_read = call_file.size, 0
        record.rows_read = record.rows_imported = record.rows_duplicate = 0
        record.rows_rejected = 0
        record.rejects_file = str(rejects.path)[:500]
        record.progress_at = clock.now()
        record.save()
        preparer = Preparer.for_policy(
            policy,
            staff_by_extension=dict(Extension.objects.values_list("number", "staff_id")),
            copy_text=connection.vendor == "postgresql",
        )
        run = _Run(
            record=record,
            policy=policy,
            clock=clock,
            source=source,
            rejects=rejects,
            callbacks_since=callbacks_since or record.started_at - CALLBACK_WINDOW,
            preparer=preparer,
        )
        reader: _Reader | None = None
        try:
            reader = _Reader(
                prepared_batches(
                    call_file,
                    file_format=file_format,
                    zone=zone,
                    mapping=mapping,
                    not_after=record.started_at,
                    size=batch_size,
                    preparer=preparer,
                )
            )
            for batch in reader:
                run.import_batch(batch)
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
            if reader is not None:
                reader.stop()  # before the file closes: the thread may be reading it
            rejects.close()
            record.finished_at = clock.now()
            record.bytes_read = call_file.bytes_read
            if not record.rows_rejected:
                record.rejects_file = ""
            record.save()
    return record


def prepared_batches(
    call_file: CallFile,
    *,
    file_format: str,
    zone: str,
    mapping: Mapping | None,
    not_after: datetime | None,
    size: int,
    preparer: Preparer,
) -> Iterator[Batch]:
    """The file's batches, prepared. An Asterisk file going to PostgreSQL takes the fast
    lane (its plain rows read as columns); anything else is read a row at a time."""
    if file_format == "asterisk" and preparer.copy_text:
        from caredesk.telephony.fast_lane import FastLane, fast_batches  # polars: ~0.3 s

        large_blocks_mapped()  # for the whole process: see core/memory.py
        return fast_batches(call_file, size, FastLane(preparer, zone=zone, not_after=not_after))
    rows = read_rows(
        call_file, file_format=file_format, zone=zone, mapping=mapping, not_after=not_after
    )
    return batches(rows, size, preparer, lambda: call_file.bytes_read)


_END = object()


class _Reader:
    """Runs an iterator of batches in a thread, one batch ahead of the caller.

    Reading and preparing a batch is Python's work; storing one is mostly waiting for the
    database, so the two overlap. The queue holds one batch, so with the one being
    prepared and the one being stored no more than three are in memory. An exception in
    the thread (a damaged file) is raised to the caller after the batches before it.
    """

    def __init__(self, batches: Iterator[Any]) -> None:
        self._batches = batches
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=1)
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="calls-import-reader", daemon=True)
        self._thread.start()

    def _put(self, item: Any) -> bool:
        while not self._stopping.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _run(self) -> None:
        try:
            for batch in self._batches:
                if not self._put(batch):
                    return
        except BaseException as error:  # handed to the caller, who raises it
            self._put(error)
        else:
            self._put(_END)

    def __iter__(self) -> Iterator[Any]:
        while (item := self._queue.get()) is not _END:
            if isinstance(item, BaseException):
                raise item
            yield item

    def stop(self) -> None:
        """Stop the thread (after the batch it is preparing) and wait for it."""
        self._stopping.set()
        self._thread.join()


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
    callbacks_since: datetime
    preparer: Preparer

    def __post_init__(self) -> None:
        self.standards = self.preparer.standards
        self.postgres = connection.vendor == "postgresql"
        self.lines: dict[str, tuple[int, int | None]] = {}  # name -> (id, team id)
        # SQLite: the highest call id before this run's next batch. It starts at the
        # highest id of all, so a run of an import row that an earlier run filled (an
        # upload's task run again) does not take that run's calls for new ones.
        self.last_id = 0 if self.postgres else _highest_call_id()
        self.teams: dict[int, Team] = {}
        self.recorder = Recorder(policy=self.policy, absences=())  # nobody is assigned
        self.batch_table_ready = False
        self.expect_new = True  # PostgreSQL: try the batch as all new calls first

    # -- storing (in the caller's thread) ---------------------------------------------

    def import_batch(self, batch: Batch) -> None:
        record = self.record
        for row in batch.rejected:
            self.rejects.add(row)
        refused = len(batch.rejected)
        with transaction.atomic():
            self._load_lines(batch.line_names)
            if self.postgres:
                inserted, voicemails = self._insert_postgresql(batch)
            else:
                inserted, voicemails = self._insert_sqlite(batch.calls)
            self._open_callbacks(voicemails)
            record.rows_read += batch.rows_read
            record.rows_imported += inserted
            record.rows_rejected += refused
            record.rows_duplicate += batch.rows_read - refused - inserted
            record.bytes_read = batch.bytes_read
            record.progress_at = self.clock.now()
            CallImport.objects.filter(pk=record.pk).update(
                progress_at=record.progress_at,
                rows_read=record.rows_read,
                rows_imported=record.rows_imported,
                rows_rejected=record.rows_rejected,
                rows_duplicate=record.rows_duplicate,
                bytes_read=batch.bytes_read,
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

    def _insert_postgresql(self, batch: Batch) -> tuple[int, list[ParsedCall]]:
        """Insert the batch's new calls and their measures: how many, and the new
        voicemails (nothing else needs to come back from the server)."""
        if not batch.copy_text:
            return 0, []
        with connection.cursor() as cursor:
            if not self.batch_table_ready:
                cursor.execute(_CREATE_BATCH_TABLE)
                self.batch_table_ready = True
            # The table empties itself at each commit; inside a caller's transaction
            # (our batches are then savepoints) it must be emptied here. The statement
            # sorts the batch (file order): enough memory keeps that off the disk.
            cursor.execute(f"SET LOCAL work_mem = '64MB'; TRUNCATE {_BATCH_TABLE}")
            with cursor.cursor.copy(
                f"COPY {_BATCH_TABLE} ({', '.join(_BATCH_COLUMNS)}) FROM STDIN"
            ) as copy:
                copy.write(batch.copy_text)
            parameters: dict[str, Any] = {
                "source": self.source,
                "imported_by": self.record.pk,
                "standards": [standard.key for standard in self.standards],
            }
            found = self._insert_new(cursor, parameters) if self.expect_new else None
            if found is None:
                cursor.execute(_INSERT_BATCH, parameters)
                found = cursor.fetchone()
        count, voicemail_keys = found
        # Expect the next batch to be all new when this one was: a new file usually is
        # throughout, and one that overlaps calls already here usually does so for a
        # stretch (at worst, each batch that holds a call already here is tried twice).
        self.expect_new = count == batch.kept
        keys = set(voicemail_keys or ())
        return count, [call for call in batch.calls if call.call_key in keys]

    @staticmethod
    def _insert_new(cursor: Any, parameters: dict[str, Any]) -> tuple[int, list[str]] | None:
        """Insert the batch as all new, the cheaper statement; None (nothing done) if a
        call in it is here already."""
        try:
            with transaction.atomic():  # a savepoint, undone if a call is here already
                cursor.execute(_INSERT_NEW_BATCH, parameters)
                return cast(tuple[int, list[str]], cursor.fetchone())
        except IntegrityError as error:
            diagnostics = getattr(error.__cause__, "diag", None)
            if getattr(diagnostics, "constraint_name", None) != UNIQUE_CALL:
                raise
            return None

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
            self.preparer.rings(call.seconds_to_answer),
            call.talk_seconds,
            CallOutcome(call.outcome.value).value,
            call.extension,
            self.preparer.staff_by_extension.get(call.extension) if answered else None,
            self.record.pk,
        )

    def _insert_sqlite(self, calls: list[ParsedCall]) -> tuple[int, list[ParsedCall]]:
        """Insert the calls not already here, and their measures: how many, and the new
        voicemails."""
        if not calls:
            return 0, []
        adapt = connection.ops.adapt_datetimefield_value
        times = (6, 7, 8)
        prepared = [
            tuple(adapt(value) if index in times else value for index, value in enumerate(row))
            for row in map(self._call_row, calls)
        ]
        marks = ", ".join(["%s"] * len(CALL_COLUMNS))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT OR IGNORE INTO {Call._meta.db_table} ({_COLUMNS}) VALUES ({marks})",
                prepared,
            )
            cursor.execute(
                f"SELECT call_key, id FROM {Call._meta.db_table} "
                "WHERE imported_by_id = %s AND id > %s",
                [self.record.pk, self.last_id],
            )
            inserted = dict(cursor.fetchall())
        if inserted:
            self.last_id = max(inserted.values())
        new_calls = [(inserted[call.call_key], call) for call in calls if call.call_key in inserted]
        self._insert_measures_sqlite(new_calls)
        return len(new_calls), [call for _, call in new_calls if call.outcome is Outcome.VOICEMAIL]

    # -- measures ---------------------------------------------------------------------

    def _insert_measures_sqlite(self, new_calls: list[tuple[int, ParsedCall]]) -> None:
        measured = [(pk, call) for pk, call in new_calls if call.outcome in MEASURED]
        if not measured or not self.standards:
            return
        adapt = connection.ops.adapt_datetimefield_value
        measures = self.preparer.measures([call for _, call in measured])
        rows = [
            (pk, standard.key, adapt(from_micros(due_micros)), was_met)
            for standard, (dues, mets) in zip(self.standards, measures, strict=True)
            for (pk, _), due_micros, was_met in zip(measured, dues, mets, strict=True)
        ]
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {CallMeasure._meta.db_table} (call_id, standard_key, due_at, met) "
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

    def _open_callbacks(self, voicemails: list[ParsedCall]) -> None:
        """A callback case for each voicemail, as services.case_create would open it,
        written in bulk (a month's export can hold thousands)."""
        recent = [call for call in voicemails if call.started_at >= self.callbacks_since]
        if not recent:
            return
        now = self.clock.now()
        customers = _customers_by_number([call.caller for call in recent])
        references = references_reserve(self.policy, [call.started_at for call in recent])
        drafts = []
        for call, reference in zip(recent, references, strict=True):
            line = self._line(call.line)
            drafts.append(
                self.recorder.create(
                    reference=reference,
                    kind="message",
                    channel="voicemail",
                    received_at=call.started_at,
                    subject=f"Voicemail from {self._caller(call)}"[:200],
                    description=self._voicemail_description(call),
                    by=None,
                    now=now,
                    customer=customers.get(phone_key(call.caller)),
                    team=self._team(line[1] if line else None),
                )
            )
        save_drafts(drafts)

    @staticmethod
    def _caller(call: ParsedCall) -> str:
        if call.caller_name and call.caller:
            return f"{call.caller_name} ({call.caller})"
        return call.caller_name or call.caller or "a withheld number"

    def _voicemail_description(self, call: ParsedCall) -> str:
        local = call.started_at.astimezone(self.policy.working_calendar.zone)
        on_line = f" on the {call.line} line" if call.line else ""
        return (
            f"Voicemail left{on_line} at {local:%H:%M on %d %B %Y}; "
            f"call {call.call_key} in {self.record.file_name}. "
            f"Caller: {call.caller or 'withheld'}."
        )


def _customers_by_number(numbers: list[str]) -> dict[str, Customer]:
    """The customer with each phone number (by its search key), where exactly one has it."""
    keys = sorted({key for key in map(phone_key, numbers) if key})
    found: dict[str, list[Customer]] = {}
    for start in range(0, len(keys), LOOKUP_CHUNK):
        chunk = keys[start : start + LOOKUP_CHUNK]
        for customer in Customer.objects.filter(phone_search__in=chunk):
            found.setdefault(customer.phone_search, []).append(customer)
    return {key: matches[0] for key, matches in found.items() if len(matches) == 1}


LOOKUP_CHUNK = 5_000  # numbers a query: well under SQLite's limit of query parameters


def _highest_call_id() -> int:
    return Call.objects.aggregate(highest=Max("id"))["highest"] or 0
