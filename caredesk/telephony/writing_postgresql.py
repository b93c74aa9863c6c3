"""Storing a batch in PostgreSQL: one COPY, then one statement.

The batch, its measures included, is copied (one block of COPY text, written by the
preparer or the fast lane) into a temporary table, and one statement inserts the calls
and the measures of the calls it inserted (their ids from its RETURNING, which stays in
the server). Only the count and the keys of the new voicemails come back.

Each batch is first inserted as all new, inside a savepoint: ON CONFLICT DO NOTHING
costs PostgreSQL a speculative insertion per row. If a call is here already, the unique
constraint says so and the batch runs again, skipping the calls already here; following
batches skip too, until one is all new again.
"""

from __future__ import annotations

from typing import Any, cast

from django.db import IntegrityError, connection, transaction

from caredesk.standards.policy import DeadlineStandard
from caredesk.telephony.models import Call, CallMeasure, Line
from caredesk.telephony.preparing import Batch
from caredesk.telephony.writing import CALL_COLUMNS, Written

# A batch as it is copied in. Times are microseconds since the epoch (the engine's unit:
# no text to format or parse); `due` and `met` are the measures, one per phone standard
# in order (NULL for a call that is not measured); `n` keeps file order. The preparer
# and the fast lane write their COPY text in this order.
BATCH_TABLE = "caredesk_call_batch"
BATCH_COLUMNS = (
    "n", "call_key", "line", "caller", "caller_key", "caller_name", "dialled", "started_at",
    "answered_at", "ended_at", "seconds_to_answer", "rings", "talk_seconds", "outcome",
    "extension", "answered_by_id", "due", "met", "notes",
)  # fmt: skip
_CREATE_BATCH_TABLE = f"""
CREATE TEMPORARY TABLE IF NOT EXISTS {BATCH_TABLE} (
    n integer, call_key varchar(150), line varchar(120), caller varchar(80),
    caller_key varchar(80), caller_name varchar(120), dialled varchar(80),
    started_at bigint, answered_at bigint, ended_at bigint, seconds_to_answer integer,
    rings integer, talk_seconds integer, outcome varchar(20), extension varchar(40),
    answered_by_id bigint, due bigint[], met boolean[], notes text
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
    SELECT %(source)s, b.call_key, line.id, b.caller, b.caller_key, b.caller_name,
        b.dialled,
        {_instant("b.started_at")}, {_instant("b.answered_at")}, {_instant("b.ended_at")},
        b.seconds_to_answer, b.rings, b.talk_seconds, b.outcome, b.extension,
        b.answered_by_id, %(imported_by)s, b.notes
    FROM {BATCH_TABLE} b
    LEFT JOIN {Line._meta.db_table} line ON line.name = NULLIF(b.line, '')
    ORDER BY b.n
    {on_conflict}
    RETURNING id, call_key, outcome, notes <> '' AS noted
), measures AS (
    INSERT INTO {CallMeasure._meta.db_table} (call_id, standard_key, due_at, met)
    SELECT new.id, m.standard_key, {_instant("m.due")}, m.met
    FROM new
    JOIN {BATCH_TABLE} b ON b.call_key = new.call_key
    CROSS JOIN LATERAL unnest(%(standards)s::varchar[], b.due, b.met)
        AS m (standard_key, due, met)
    WHERE b.due IS NOT NULL
    ORDER BY b.n
)
SELECT count(*), array_agg(call_key) FILTER (WHERE outcome = 'voicemail'),
    count(*) FILTER (WHERE noted)
FROM new
"""


_INSERT_NEW_BATCH = _insert_batch(skip_existing=False)
_INSERT_BATCH = _insert_batch(skip_existing=True)


class PostgresqlWriter:
    """Stores an import's batches (COPY text prepared) in PostgreSQL."""

    def __init__(self, *, source: str, import_id: int, standards: list[DeadlineStandard]) -> None:
        self.parameters: dict[str, Any] = {
            "source": source,
            "imported_by": import_id,
            "standards": [standard.key for standard in standards],
        }
        self.batch_table_ready = False
        self.expect_new = True  # try the batch as all new calls first

    def write(self, batch: Batch) -> Written:
        """Insert the batch's new calls and their measures: how many, and the new
        voicemails (nothing else needs to come back from the server)."""
        if not batch.copy_text:
            return Written(0, [])
        with connection.cursor() as cursor:
            if not self.batch_table_ready:
                cursor.execute(_CREATE_BATCH_TABLE)
                self.batch_table_ready = True
            # The table empties itself at each commit; inside a caller's transaction
            # (our batches are then savepoints) it must be emptied here. The statement
            # sorts the batch (file order): enough memory keeps that off the disk.
            cursor.execute(f"SET LOCAL work_mem = '64MB'; TRUNCATE {BATCH_TABLE}")
            with cursor.cursor.copy(
                f"COPY {BATCH_TABLE} ({', '.join(BATCH_COLUMNS)}) FROM STDIN"
            ) as copy:
                copy.write(batch.copy_text)
            found = self._insert_new(cursor) if self.expect_new else None
            if found is None:
                cursor.execute(_INSERT_BATCH, self.parameters)
                found = cursor.fetchone()
        count, voicemail_keys, noted = found
        # Expect the next batch to be all new when this one was: a new file usually is
        # throughout, and one that overlaps calls already here usually does so for a
        # stretch (at worst, each batch that holds a call already here is tried twice).
        self.expect_new = count == batch.kept
        keys = set(voicemail_keys or ())
        return Written(count, [call for call in batch.calls if call.call_key in keys], noted)

    def _insert_new(self, cursor: Any) -> tuple[int, list[str], int] | None:
        """Insert the batch as all new, the cheaper statement; None (nothing done) if a
        call in it is here already."""
        try:
            with transaction.atomic():  # a savepoint, undone if a call is here already
                cursor.execute(_INSERT_NEW_BATCH, self.parameters)
                return cast(tuple[int, list[str], int], cursor.fetchone())
        except IntegrityError as error:
            diagnostics = getattr(error.__cause__, "diag", None)
            if getattr(diagnostics, "constraint_name", None) != UNIQUE_CALL:
                raise
            return None
