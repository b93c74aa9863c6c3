"""Importing a call records file: calls, their measures, and callbacks for voicemail.

`calls_import` streams the file in batches (20,000 rows by default; in the fast lane,
20,000 lines, blank ones included), so memory stays flat whatever its size. A thread
reads and prepares the next batch (parsing: `asterisk` or `mapped_csv`; the measures
and the data to send: `preparing.Preparer`) while the database stores this one: no
more than three batches are in memory at once. An Asterisk file going to PostgreSQL
takes the fast lane (`fast_lane`): its plain rows are read as columns, with the same
result as the row parser, which still reads every row the fast lane cannot vouch for.
Each batch is one transaction that:

1. inserts its calls, skipping any already here (unique source and call key), and
2. their measures against each phone standard of the policy (a deadline standard for
   the phone channel whose clock starts when a call is offered), worked out with the
   engine's `due_at_batch`: due = start + target ("4 rings" is 4 x the policy's
   ring_seconds); met = answered by then. Answered, transferred and abandoned calls are
   measured; voicemail calls are not (their promise is the callback). Both through the
   database's batch writer: `writing_postgresql` (COPY, then one statement) or
   `writing_sqlite`;
3. opens a callback case for each voicemail it inserted (`callbacks`);
4. updates the import's counters and the time of its progress (an import whose
   progress stops for STALLED_AFTER has stopped, and the worker marks it failed).

A batch is all or nothing and inserts only what is new, so a file imported twice, files
that overlap, or a run killed half-way and run again all end with exactly one row per
call, one measure per call and standard, and one callback case per voicemail.

Rows that cannot be read are refused, never dropped: each goes to the rejects file
(`<file>.rejects.csv`, beside the file or in `rejects_dir`) with its line number, the
reason and the row as it was (`rows.rejected_shown`: at most 2,000 characters of it),
and is counted. The rejects file is written through `core.spreadsheet.csv_writer`, so a
spreadsheet never runs a caller's "name" as a formula.

Two limits stop an import part-way, keeping the batches stored before and saying why
(the import is marked failed with the reason, on its page and from the command):
more refused rows than `max_rejected_rows` (CAREDESK_CALLS_MAX_REJECTED_ROWS: a file
that is mostly junk is not worth a rejects file the size of the disk), and a gzip file
that inflates past `max_inflated_bytes` (CAREDESK_CALLS_MAX_DECOMPRESSED_MB).

Rings: a call answered during the Nth ring took N rings, so rings = seconds to answer
over the ring length, rounded up (11 s at 3 s a ring is 4 rings; 12 s is 4; 13 s is 5).
That agrees with the measure: "4 rings" is due 12 s after the start.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import connection, transaction

from caredesk.core.clock import Clock
from caredesk.core.memory import large_blocks_mapped
from caredesk.core.spreadsheet import csv_writer
from caredesk.staff.models import StaffMember
from caredesk.standards import Policy
from caredesk.telephony.asterisk import asterisk_rows
from caredesk.telephony.call_file import CallFile, CallFileError
from caredesk.telephony.callbacks import CALLBACK_WINDOW, Callbacks
from caredesk.telephony.mapped_csv import generic_rows
from caredesk.telephony.mapping import Mapping, load_mapping
from caredesk.telephony.models import CallImport, Extension, ImportStatus
from caredesk.telephony.preparing import Batch, Preparer, batches
from caredesk.telephony.rows import ParsedRow, RejectedRow, rejected_shown
from caredesk.telephony.writing import BatchWriter, Lines
from caredesk.telephony.writing_postgresql import PostgresqlWriter
from caredesk.telephony.writing_sqlite import SqliteWriter

FORMATS = ("asterisk", "generic")
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
    max_rejected_rows: int | None = None,
    max_inflated_bytes: int | None = None,
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

    `max_rejected_rows` and `max_inflated_bytes` (default: the settings
    CAREDESK_CALLS_MAX_REJECTED_ROWS and CAREDESK_CALLS_MAX_DECOMPRESSED_MB) stop the
    import part-way, marked failed with the reason, keeping what it stored.
    """
    if max_rejected_rows is None:
        max_rejected_rows = int(settings.CAREDESK_CALLS_MAX_REJECTED_ROWS)
    if max_inflated_bytes is None:
        max_inflated_bytes = int(settings.CAREDESK_CALLS_MAX_DECOMPRESSED_BYTES)
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
    with CallFile(path, max_inflated=max_inflated_bytes) as call_file:
        rejects = _RejectsFile(rejects_path(path, Path(rejects_dir) if rejects_dir else None))
        if record is None:
            record = CallImport(file_name=path.name[:255], started_at=clock.now(), started_by=by)
        record.file_format = mapping.name if mapping else "asterisk"
        record.status, record.error = ImportStatus.RUNNING, ""
        record.bytes_total, record.bytes_read = call_file.size, 0
        record.rows_read = record.rows_imported = record.rows_duplicate = 0
        record.rows_rejected = record.calls_noted = 0
        record.rejects_file = str(rejects.path)[:500]
        record.progress_at = clock.now()
        record.save()
        preparer = Preparer.for_policy(
            policy,
            staff_by_extension=dict(Extension.objects.values_list("number", "staff_id")),
            copy_text=connection.vendor == "postgresql",
        )
        lines = Lines()
        writer: BatchWriter = (
            PostgresqlWriter(source=source, import_id=record.pk, standards=preparer.standards)
            if preparer.copy_text
            else SqliteWriter(source=source, import_id=record.pk, preparer=preparer, lines=lines)
        )
        run = _Run(
            record=record,
            clock=clock,
            rejects=rejects,
            max_rejected=max_rejected_rows,
            lines=lines,
            writer=writer,
            callbacks=Callbacks(
                policy=policy,
                since=callbacks_since or record.started_at - CALLBACK_WINDOW,
                file_name=record.file_name,
            ),
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
                if run.stopped:
                    break
            stopped = run.stopped or call_file.stopped
            if stopped:
                record.status = ImportStatus.FAILED
                record.error = (
                    f"{stopped} The {record.rows_imported:,} calls imported before that are "
                    "kept; calls already here are skipped if the file is sent again."
                )
            else:
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
        # Imported here, not at the top: polars costs every process that imports this
        # module (the desk, the API) about 0.3 s and 40 MB, and only this path needs it.
        from caredesk.telephony.fast_lane import FastLane, fast_batches

        large_blocks_mapped()  # for the whole process: see core/memory.py
        return fast_batches(call_file, size, FastLane(preparer, zone=zone, not_after=not_after))
    rows = read_rows(
        call_file, file_format=file_format, zone=zone, mapping=mapping, not_after=not_after
    )
    return batches(rows, size, preparer, lambda: call_file.bytes_read)


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
        self._writer = csv_writer(self._file)
        self._writer.writerow(["line", "reason", "row"])

    def add(self, row: RejectedRow) -> None:
        row = rejected_shown(row)  # text that can be written, cut short
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
    """One import's storing of its batches, in the caller's thread."""

    record: CallImport
    clock: Clock
    rejects: _RejectsFile
    max_rejected: int
    lines: Lines
    writer: BatchWriter
    callbacks: Callbacks
    stopped: str = ""  # why the import stopped before the end of the file ("" if not)

    def import_batch(self, batch: Batch) -> None:
        """Store the batch (its refused rows in the rejects file, up to the limit: past
        it, the batch is still stored, whole, and `stopped` says why no more will be)."""
        record = self.record
        over_at = 0  # the line of the first refused row past the limit (0: none)
        for row in batch.rejected:
            if self.rejects.count >= self.max_rejected:
                over_at = row.line_number
                break
            self.rejects.add(row)
        refused = len(batch.rejected)
        with transaction.atomic():
            self.lines.load(batch.line_names)
            inserted, voicemails, noted = self.writer.write(batch)
            self.callbacks.open(voicemails, lines=self.lines, now=self.clock.now())
            record.rows_read += batch.rows_read
            record.rows_imported += inserted
            record.rows_rejected += refused
            record.calls_noted += noted
            record.rows_duplicate += batch.rows_read - refused - inserted
            record.bytes_read = batch.bytes_read
            record.progress_at = self.clock.now()
            CallImport.objects.filter(pk=record.pk).update(
                progress_at=record.progress_at,
                rows_read=record.rows_read,
                rows_imported=record.rows_imported,
                rows_rejected=record.rows_rejected,
                rows_duplicate=record.rows_duplicate,
                calls_noted=record.calls_noted,
                bytes_read=batch.bytes_read,
            )
        self.rejects.flush()
        if over_at:
            # The rows are read and stored a batch at a time, so the rest of this batch
            # (after the row that went over) is stored too: say where reading stopped.
            self.stopped = (
                f"More than {self.max_rejected:,} rows were refused (the setting "
                f"CAREDESK_CALLS_MAX_REJECTED_ROWS): line {over_at:,} was one too many, so "
                f"the import stopped after reading {record.rows_read:,} rows (the rest of "
                "the batch holding that line was still imported or refused as usual). Is "
                f"this the right file, in the right format? The first {self.max_rejected:,} "
                "refused rows are in the rejects file, each with its reason."
            )
