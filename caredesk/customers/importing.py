"""Importing customers from a housing management system's export (CSV and a mapping).

`customers_import` reads the file a batch at a time (2,000 rows by default), so memory
stays flat whatever its size. Each batch is one transaction that:

1. reads, in one query, the records that already have the batch's references;
2. creates the new ones (`bulk_create`) with a CREATED event each;
3. changes only the records whose details differ (`bulk_update` of those rows and
   those details), with a CHANGED event each listing every change, before and after;
4. leaves the rest alone: an unchanged record is not written and gets no event.

So the same file imported twice writes nothing the second time (see `syncing`). Rows
that cannot be imported are refused, never dropped: each goes to the rejects file
(`<file>.rejects.csv`, beside the file unless told otherwise) with its line number and
the reason, naming the column ("line 1042: postcode (column 'Postcode') 'WA7 1A' is not
a UK postcode"), then the row as it was, under the file's own headings, in the file's
encoding: fix the rows there and import that file. A reference that appears twice in
the file is taken from its first row; the later row is refused naming the earlier line.
A reference whose record was merged into another is refused naming the record kept.

With `dry_run`, everything is read and compared but nothing is stored: the summary says
what an import would do.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.db import IntegrityError

from caredesk.core.clock import Clock
from caredesk.core.db import write_transaction
from caredesk.core.spreadsheet import csv_writer
from caredesk.customers.import_mapping import CustomerMapping, load_customer_mapping
from caredesk.customers.import_rows import CustomerFile, CustomerFileError, CustomerRow, RefusedRow
from caredesk.customers.import_writing import customers_insert, events_insert
from caredesk.customers.models import Customer
from caredesk.customers.services import customer_kept
from caredesk.customers.syncing import (
    Changes,
    created_changes,
    customer_new,
    details_apply,
    import_event,
    merged_reason,
    restricted_now,
    restricted_reason,
)

REJECTS_HEADINGS = ["Refused on line", "Why refused"]


@dataclass
class ImportSummary:
    file_name: str
    rows_read: int = 0
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    refused: int = 0
    seconds: float = 0.0
    bytes_read: int = 0
    bytes_total: int = 0
    rejects_file: str = ""
    dry_run: bool = False

    def line(self) -> str:
        """customers.csv: 10,000 rows read, 12 new, 30 changed, 9,955 unchanged, 3 refused
        (see customers.csv.rejects.csv) in 4.1 s"""
        refused = f"{self.refused:,} refused"
        if self.refused:
            refused += f" (see {self.rejects_file})"
        text = (
            f"{self.file_name}: {self.rows_read:,} rows read, {self.created:,} new, "
            f"{self.changed:,} changed, {self.unchanged:,} unchanged, {refused} "
            f"in {self.seconds:.1f} s"
        )
        if self.dry_run:
            text += " (a dry run: nothing was stored)"
        return text


Progress = Callable[[ImportSummary], None]


def rejects_path_for(path: Path) -> Path:
    return path.parent / f"{path.name}.rejects.csv"


def customers_import(
    *,
    path: str | Path,
    mapping: CustomerMapping | str | Path,
    clock: Clock,
    rejects_path: str | Path | None = None,
    dry_run: bool = False,
    batch_size: int = 2_000,
    progress: Progress | None = None,
) -> ImportSummary:
    """Import one customer export; the summary says what happened (see the module).

    Raises CustomerFileError if the file cannot be opened, has no heading row or lacks a
    column the mapping names, or the rejects file cannot be written; the batches stored
    before such a failure part-way are kept."""
    began = time.perf_counter()
    path = Path(path)
    if not isinstance(mapping, CustomerMapping):
        mapping = load_customer_mapping(mapping)
    summary = ImportSummary(file_name=path.name, dry_run=dry_run)
    try:
        file = path.open("rb")
        summary.bytes_total = path.stat().st_size
    except OSError as error:
        raise CustomerFileError(f"{path}: the file cannot be read ({error.strerror}).") from None
    rejects = Rejects(Path(rejects_path) if rejects_path else rejects_path_for(path), mapping)
    with file, rejects:
        reader = CustomerFile(file, mapping=mapping, name=path.name)
        first_line: dict[str, int] = {}
        batch: list[CustomerRow] = []
        for row in reader.rows():
            summary.rows_read += 1
            if isinstance(row, CustomerRow) and row.reference in first_line:
                row = RefusedRow(
                    row.line,
                    f"reference '{row.reference}' is already on line "
                    f"{first_line[row.reference]:,} of this file: this row is left out",
                    row.fields,
                )
            if isinstance(row, RefusedRow):
                rejects.add(row, reader.headings)
                continue
            first_line[row.reference] = row.line
            batch.append(row)
            if len(batch) >= batch_size:
                _store(batch, summary, rejects, reader.headings, mapping, clock, dry_run)
                batch = []
                summary.bytes_read = reader.bytes_read
                if progress is not None:
                    progress(summary)
        if batch:
            _store(batch, summary, rejects, reader.headings, mapping, clock, dry_run)
        summary.bytes_read = reader.bytes_read
    summary.refused = rejects.count
    summary.rejects_file = str(rejects.path) if rejects.count else ""
    summary.seconds = time.perf_counter() - began
    if progress is not None:
        progress(summary)
    return summary


def _store(
    batch: list[CustomerRow],
    summary: ImportSummary,
    rejects: Rejects,
    headings: list[str],
    mapping: CustomerMapping,
    clock: Clock,
    dry_run: bool,
) -> None:
    """One batch in one transaction; tried once more if another writer (the desk, the
    API) gave one of its references to a new record meanwhile."""
    for attempt in (1, 2):
        try:
            with write_transaction():
                outcome = _batch_write(batch, mapping, clock, dry_run)
        except IntegrityError:
            if attempt == 2:
                raise
            continue
        created, changed, unchanged, refused = outcome
        summary.created += created
        summary.changed += changed
        summary.unchanged += unchanged
        for row, reason in refused:
            rejects.add(RefusedRow(row.line, reason, row.fields), headings)
        return


def _batch_write(
    batch: list[CustomerRow], mapping: CustomerMapping, clock: Clock, dry_run: bool
) -> tuple[int, int, int, list[tuple[CustomerRow, str]]]:
    now = clock.now()
    existing = {
        customer.external_reference: customer
        # "<> ''" lets PostgreSQL and SQLite use the partial unique index on the reference
        # (neither proves it from a long IN list: PostgreSQL stops at 100 items)
        for customer in Customer.objects.exclude(external_reference="")
        .filter(external_reference__in=[row.reference for row in batch])
        .annotate(restricted=restricted_now())
    }
    new: list[Customer] = []
    changed: list[tuple[Customer, Changes]] = []
    refused: list[tuple[CustomerRow, str]] = []
    unchanged = 0
    for row in batch:
        customer = existing.get(row.reference)
        if customer is None:
            new.append(
                customer_new(
                    reference=row.reference,
                    details=row.details,
                    customer_type=mapping.format.customer_type,
                    now=now,
                )
            )
            continue
        if customer.merged_into_id is not None:
            refused.append((row, merged_reason(row.reference, customer, customer_kept(customer))))
            continue
        changes = details_apply(customer, row.details, now=now)
        if changes and customer.restricted:
            refused.append((row, restricted_reason(row.reference, customer)))
        elif changes:
            changed.append((customer, changes))
        else:
            unchanged += 1
    if dry_run:
        return len(new), len(changed), unchanged, refused
    customers_insert(new)
    if changed:
        fields = {name for _, changes in changed for name in changes}
        fields |= {"postcode_search", "phone_search", "updated_at"}
        Customer.objects.bulk_update([customer for customer, _ in changed], sorted(fields))
    events = [
        import_event(customer, created=True, changes=created_changes(customer), now=now)
        for customer in new
    ] + [
        import_event(customer, created=False, changes=changes, now=now)
        for customer, changes in changed
    ]
    events_insert(events)
    return len(new), len(changed), unchanged, refused


class Rejects:
    """The rejects file, made when the first row is refused: the line and the reason,
    then the row under the file's own headings, in its encoding (bytes that were not
    text written back as they came), so it can be fixed and imported again."""

    def __init__(self, path: Path, mapping: CustomerMapping) -> None:
        self.path = path
        self.count = 0
        self._mapping = mapping
        self._file: IO[str] | None = None
        self._writer: Any = None

    def add(self, row: RefusedRow, headings: list[str]) -> None:
        if self._writer is None:
            try:
                self._file = self.path.open(
                    "w",
                    encoding=self._mapping.format.encoding,
                    errors="surrogateescape",
                    newline="",
                )
            except OSError as error:
                raise CustomerFileError(
                    f"{self.path}: the rejects file cannot be written ({error.strerror})."
                ) from None
            self._writer = csv_writer(self._file, delimiter=self._mapping.format.delimiter)
            self._writer.writerow([*REJECTS_HEADINGS, *headings])
        encoding = self._mapping.format.encoding
        reason = row.reason.encode(encoding, errors="replace").decode(encoding)
        self._writer.writerow([row.line, reason, *row.fields])
        self.count += 1

    def __enter__(self) -> Rejects:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._file is not None:
            self._file.close()
