"""Turning parsed rows into batches ready to store, without the database.

`Preparer.batch` keeps the first row of each call key, sets the refused rows aside,
measures the calls against the phone standards with the engine's `due_at_batch`, and
(for PostgreSQL) writes the calls and their measures as one block of COPY text. The
import runs this in its reader thread while the database stores the batch before.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice

import numpy as np

from caredesk.standards.calendar import WorkingCalendar
from caredesk.standards.engine import due_at_batch
from caredesk.standards.policy import Channel, ClockEvent, DeadlineStandard, Policy
from caredesk.standards.zones import EPOCH, ONE_MICROSECOND
from caredesk.telephony.rows import Outcome, ParsedCall, ParsedRow, RejectedRow, rejected_shown

MEASURED = frozenset({Outcome.ANSWERED, Outcome.TRANSFERRED, Outcome.ABANDONED})
ANSWERED = frozenset({Outcome.ANSWERED, Outcome.TRANSFERRED})
VOICEMAIL = Outcome.VOICEMAIL
NULL = "\\N"  # NULL in COPY text
NEVER = np.iinfo(np.int64).max  # the answer time of a call nobody answered


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


@dataclass
class Batch:
    """A batch as read and prepared, ready to store."""

    rows_read: int
    bytes_read: int
    rejected: list[RejectedRow]
    kept: int  # calls: the first row of each call key
    # The first row of each call key in the batch, in file order. With COPY text, only
    # the voicemails: the text carries the rest, and voicemails open callback cases.
    calls: list[ParsedCall]
    copy_text: str = ""  # PostgreSQL: the calls and their measures, as COPY text
    line_names: set[str] = field(default_factory=set)


@dataclass
class Preparer:
    """Everything needed to prepare batches, read from the database beforehand."""

    standards: list[DeadlineStandard]  # the phone standards, in the order stored
    calendar: WorkingCalendar
    ring_seconds: float
    staff_by_extension: dict[str, int]
    copy_text: bool  # PostgreSQL: write the COPY text (and keep only voicemail calls)
    _rings: dict[int, int | None] = field(default_factory=dict, repr=False)

    @classmethod
    def for_policy(
        cls, policy: Policy, *, staff_by_extension: dict[str, int], copy_text: bool
    ) -> Preparer:
        return cls(
            standards=phone_standards(policy),
            calendar=policy.working_calendar,
            ring_seconds=policy.calendar.ring_seconds,
            staff_by_extension=staff_by_extension,
            copy_text=copy_text,
        )

    def batch(self, rows: list[ParsedRow], bytes_read: int) -> Batch:
        calls: dict[str, ParsedCall] = {}
        rejected: list[RejectedRow] = []
        for row in rows:
            if isinstance(row, RejectedRow):
                rejected.append(rejected_shown(row))
            else:
                calls.setdefault(row.call_key, row)
        kept = list(calls.values())
        batch = Batch(
            rows_read=len(rows),
            bytes_read=bytes_read,
            rejected=rejected,
            kept=len(kept),
            calls=kept,
            line_names={call.line for call in kept if call.line},
        )
        if self.copy_text:
            batch.copy_text = self._copy_text(kept)
            batch.calls = [call for call in kept if call.outcome is VOICEMAIL]
        return batch

    def rings(self, seconds: int | None) -> int | None:
        if seconds is None:
            return None
        rings = self._rings.get(seconds)
        if rings is None:
            rings = self._rings[seconds] = rings_for(seconds, self.ring_seconds)
        return rings

    def measures(self, calls: list[ParsedCall]) -> list[tuple[list[int], list[bool]]]:
        """Due (microseconds) and met of each call against each phone standard."""
        starts = np.array([micros(call.started_at) for call in calls], dtype=np.int64)
        answered = np.array(
            [NEVER if call.answered_at is None else micros(call.answered_at) for call in calls],
            dtype=np.int64,
        )
        return [(due.tolist(), met.tolist()) for due, met in self.measure_arrays(starts, answered)]

    def measure_arrays(
        self, starts: np.ndarray, answered: np.ndarray
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """Due (microseconds) and met against each phone standard, of calls given by
        their starts and answer times (microseconds; NEVER for a call not answered)."""
        measures = []
        for standard in self.standards:
            due = due_at_batch(starts.view("datetime64[us]"), standard.target, self.calendar)
            due_micros = due.view(np.int64)
            measures.append((due_micros, answered <= due_micros))
        return measures

    def _copy_text(self, calls: list[ParsedCall]) -> str:
        """The calls as rows of COPY text (tab-separated) for the batch table
        (writing_postgresql.BATCH_COLUMNS, in that order)."""
        if not calls:
            return ""
        null = NULL
        by_extension = self.staff_by_extension
        rings = self.rings
        due: list[str] = [null] * len(calls)
        met: list[str] = [null] * len(calls)
        measured = [i for i, call in enumerate(calls) if call.outcome in MEASURED]
        if measured and self.standards:
            measures = self.measures([calls[i] for i in measured])
            dues = zip(*(d for d, _ in measures), strict=True)
            mets = zip(*(m for _, m in measures), strict=True)
            for i, due_row, met_row in zip(measured, dues, mets, strict=True):
                due[i] = "{" + ",".join(map(str, due_row)) + "}"
                met[i] = "{" + ",".join(["t" if was else "f" for was in met_row]) + "}"
        columns = (
            [str(n) for n in range(len(calls))],
            _text([call.call_key for call in calls]),
            _text([call.line for call in calls]),
            _text([call.caller for call in calls]),
            [call.caller_key for call in calls],  # digits: nothing to escape
            _text([call.caller_name for call in calls]),
            _text([call.dialled for call in calls]),
            [str(micros(call.started_at)) for call in calls],
            [_optional_micros(call.answered_at) for call in calls],
            [_optional_micros(call.ended_at) for call in calls],
            [
                null if call.seconds_to_answer is None else str(call.seconds_to_answer)
                for call in calls
            ],
            [_optional_int(rings(call.seconds_to_answer)) for call in calls],
            [str(call.talk_seconds) for call in calls],
            [call.outcome for call in calls],  # a StrEnum: its text is its value
            _text([call.extension for call in calls]),
            [
                _optional_int(
                    by_extension.get(call.extension) if call.outcome in ANSWERED else None
                )
                for call in calls
            ],
            due,
            met,
            _text([call.notes for call in calls]),
        )
        return "\n".join(map("\t".join, zip(*columns, strict=True))) + "\n"


def batches(
    rows: Iterable[ParsedRow], size: int, preparer: Preparer, bytes_read: Callable[[], int]
) -> Iterator[Batch]:
    """Batches of `size` rows; `bytes_read()` says how far into the file each ends."""
    # Refused rows cut short as they come (rows.rejected_shown): a batch of long lines of
    # junk is not held whole.
    iterator = (rejected_shown(row) if isinstance(row, RejectedRow) else row for row in rows)
    while chunk := list(islice(iterator, size)):
        yield preparer.batch(chunk, bytes_read())


# -- COPY text ----------------------------------------------------------------------------


def micros(moment: datetime) -> int:
    """An aware datetime as microseconds since the epoch."""
    return (moment - EPOCH) // ONE_MICROSECOND


def _optional_micros(moment: datetime | None) -> str:
    return NULL if moment is None else str((moment - EPOCH) // ONE_MICROSECOND)


def _optional_int(value: int | None) -> str:
    return NULL if value is None else str(value)


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(values: list[str]) -> list[str]:
    """Text values for COPY: backslash, tab, line feed and carriage return escaped
    (looked for in the whole column at once: they are rare)."""
    joined = "".join(values)
    if "\\" in joined or "\t" in joined or "\n" in joined or "\r" in joined:
        return [value.translate(_ESCAPES) for value in values]
    return values
