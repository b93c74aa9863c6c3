"""Storing a batch in SQLite: INSERT OR IGNORE, then the measures of the new calls.

The calls of the batch go in with INSERT OR IGNORE (a call already here, by its unique
source and call key, is skipped); the new ones are found again by the import's id and
an id above the highest before the batch, and their measures go in after them.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Max

from caredesk.standards.zones import from_micros
from caredesk.telephony.models import Call, CallMeasure, CallOutcome
from caredesk.telephony.preparing import ANSWERED, MEASURED, Batch, Preparer
from caredesk.telephony.rows import Outcome, ParsedCall
from caredesk.telephony.writing import CALL_COLUMNS, Lines, Written

_COLUMNS = ", ".join(CALL_COLUMNS)
_TIMES = tuple(CALL_COLUMNS.index(name) for name in ("started_at", "answered_at", "ended_at"))


class SqliteWriter:
    """Stores an import's batches (their calls, as parsed) in SQLite."""

    def __init__(self, *, source: str, import_id: int, preparer: Preparer, lines: Lines) -> None:
        self.source = source
        self.import_id = import_id
        self.preparer = preparer
        self.lines = lines
        # The highest call id before the next batch. It starts at the highest id of
        # all, so a run of an import row that an earlier run filled (an upload's task
        # run again) does not take that run's calls for new ones.
        self.last_id = Call.objects.aggregate(highest=Max("id"))["highest"] or 0

    def write(self, batch: Batch) -> Written:
        """Insert the calls not already here, and their measures: how many, and the new
        voicemails."""
        calls = batch.calls
        if not calls:
            return Written(0, [])
        adapt = connection.ops.adapt_datetimefield_value
        prepared = [
            tuple(adapt(value) if index in _TIMES else value for index, value in enumerate(row))
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
                [self.import_id, self.last_id],
            )
            inserted = dict(cursor.fetchall())
        if inserted:
            self.last_id = max(inserted.values())
        new_calls = [(inserted[call.call_key], call) for call in calls if call.call_key in inserted]
        self._insert_measures(new_calls)
        return Written(
            len(new_calls),
            [call for _, call in new_calls if call.outcome is Outcome.VOICEMAIL],
            sum(1 for _, call in new_calls if call.notes),
        )

    def _call_row(self, call: ParsedCall) -> tuple[Any, ...]:
        """The call's values, in the order of CALL_COLUMNS."""
        line = self.lines.get(call.line)
        answered = call.outcome in ANSWERED
        return (
            self.source,
            call.call_key,
            line[0] if line else None,
            call.caller,
            call.caller_key,
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
            self.import_id,
            call.notes,
        )

    def _insert_measures(self, new_calls: list[tuple[int, ParsedCall]]) -> None:
        standards = self.preparer.standards
        measured = [(pk, call) for pk, call in new_calls if call.outcome in MEASURED]
        if not measured or not standards:
            return
        adapt = connection.ops.adapt_datetimefield_value
        measures = self.preparer.measures([call for _, call in measured])
        rows = [
            (pk, standard.key, adapt(from_micros(due_micros)), was_met)
            for standard, (dues, mets) in zip(standards, measures, strict=True)
            for (pk, _), due_micros, was_met in zip(measured, dues, mets, strict=True)
        ]
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {CallMeasure._meta.db_table} (call_id, standard_key, due_at, met) "
                "VALUES (%s, %s, %s, %s)",
                rows,
            )
