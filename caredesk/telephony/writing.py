"""Storing a prepared batch: what the two batch writers share.

An import stores each batch through the writer for its database: `writing_postgresql`
(the batch, measures included, copied in and inserted by one statement) or
`writing_sqlite` (INSERT OR IGNORE, then the measures of the new calls). Either inserts
only the calls not already here (unique source and call key) and their measures, and
says how many it inserted and which of them are voicemails (they open callback cases:
`callbacks`). The import runs each batch in one transaction around the writer.
"""

from __future__ import annotations

from typing import NamedTuple, Protocol

from caredesk.telephony.models import Line
from caredesk.telephony.preparing import Batch
from caredesk.telephony.rows import ParsedCall

CALL_COLUMNS = (
    "source", "call_key", "line_id", "caller", "caller_key", "caller_name", "dialled", "started_at",
    "answered_at", "ended_at", "seconds_to_answer", "rings", "talk_seconds", "outcome",
    "extension", "answered_by_id", "imported_by_id", "notes",
)  # fmt: skip


class Written(NamedTuple):
    """What a writer stored of a batch."""

    inserted: int  # calls new here (the rest of the batch's calls were here already)
    voicemails: list[ParsedCall]  # the new calls that are voicemails, in file order
    noted: int = 0  # new calls with notes (text decoded or cleaned to be stored)


class BatchWriter(Protocol):
    def write(self, batch: Batch) -> Written:
        """Insert the batch's new calls and their measures (in the caller's transaction)."""
        ...


class Lines:
    """The phone lines by name, as (id, team id): made when a batch first names them."""

    def __init__(self) -> None:
        self._known: dict[str, tuple[int, int | None]] = {}

    def get(self, name: str) -> tuple[int, int | None] | None:
        return self._known.get(name) if name else None

    def load(self, names: set[str]) -> None:
        """Make the lines named that are not here yet, and remember each one's ids."""
        missing = {name for name in names if name and name not in self._known}
        if not missing:
            return
        Line.objects.bulk_create([Line(name=name) for name in missing], ignore_conflicts=True)
        for name, pk, team_id in Line.objects.filter(name__in=missing).values_list(
            "name", "id", "team_id"
        ):
            self._known[name] = (pk, team_id)
