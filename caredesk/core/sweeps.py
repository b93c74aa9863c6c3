"""The shape of a sweep: a background job the worker runs at every pass.

Each app lists its own sweeps in its `sweeps.py` as `SWEEPS`; `caredesk.worker` finds
them (its registry) and runs each on its own, guarded, at every pass. Apps never import
the worker: this module is all they need. A sweep comes in one of three shapes:

- `SetSweep`: rows dealt with in sets. `claim` takes a batch in one statement (an
  UPDATE of the batch's candidates that marks them done, returning their ids) and
  `write` writes what they call for in bulk; the worker runs both in one write
  transaction. If the batch fails, it is rolled back and its rows are done again one by
  one, each in a transaction of its own, so only the row that fails is held back.
- `RowSweep`: rows dealt with one at a time (an email: each is sent on its own).
  `candidates` reads ids, `process` deals with one and does its own claiming.
- `WholeSweep`: one call a pass, with no rows to tell apart (count figures again).

A row that raises is logged with its id and recorded by the worker, which leaves it out
of the candidates (`Wanted.skip`) until its next attempt, later each time. Every sweep
is given the pass's one reading of the clock (`SweepRun.now`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from caredesk.core.clock import Clock, FixedClock
from caredesk.standards import Policy


class SweepStopped(Exception):
    """The worker was asked to stop: raised between batches. Let it through."""


def _nothing() -> None:
    return None


@dataclass(frozen=True)
class SweepRun:
    """One pass of the worker over its sweeps: what every sweep is given."""

    now: datetime  # the pass's one reading of the clock: claims and notices use it
    clock: Clock  # for what happens later than `now` (an email sent minutes into the pass)
    policy: Policy
    batch_size: int = 100
    resend_after: timedelta = timedelta(minutes=5)
    # The worker's queued tasks: call after each batch. Raises SweepStopped to stop.
    between_batches: Callable[[], None] = _nothing
    # Raises SweepStopped if the worker was asked to stop (between a sweep's steps).
    stop_if_asked: Callable[[], None] = _nothing

    @property
    def at_now(self) -> Clock:
        """A clock that says `now`: for a service that reads a clock once."""
        return FixedClock(self.now)


@dataclass(frozen=True)
class Wanted:
    """Which candidates a claim may take."""

    limit: int
    skip: Set[int] = frozenset()  # rows waiting to be tried again after a failure
    only: int | None = None  # just this row (the worker's one-by-one retry of a batch)


@dataclass(frozen=True)
class Done:
    """What a batch or a whole sweep did."""

    rows: int = 0  # rows dealt with
    counts: Mapping[str, int] = field(default_factory=dict)  # more to tell: {"sent": 3}
    said: tuple[str, ...] = ()  # lines for the worker's log

    def __add__(self, other: Done) -> Done:
        counts = dict(self.counts)
        for key, value in other.counts.items():
            counts[key] = counts.get(key, 0) + value
        return Done(self.rows + other.rows, counts, self.said + other.said)


@dataclass(frozen=True)
class SetSweep:
    name: str
    # Claim up to `wanted.limit` candidates (in a stable order, none in `wanted.skip`)
    # in the worker's write transaction; the ids claimed. They must leave the candidates.
    claim: Callable[[SweepRun, Wanted], Sequence[int]]
    # Write what the claimed rows call for, in the same transaction.
    write: Callable[[SweepRun, Sequence[int]], Done]
    # A cheap read: might there be rows to claim? When not, no write transaction is
    # opened (on SQLite that takes the database's write lock).
    pending: Callable[[SweepRun], bool] | None = None
    check: Callable[[], None] | None = None  # raises a CaredeskError if set up wrongly


@dataclass(frozen=True)
class RowSweep:
    name: str
    # Up to `wanted.limit` candidate ids in a stable order, none in `wanted.skip`.
    candidates: Callable[[SweepRun, Wanted], Sequence[int]]
    # Deal with one row: what became of it ("sent"), or None if it was not ours to do.
    process: Callable[[SweepRun, int], str | None]
    check: Callable[[], None] | None = None


@dataclass(frozen=True)
class WholeSweep:
    name: str
    run: Callable[[SweepRun], Done]
    check: Callable[[], None] | None = None


Sweep = SetSweep | RowSweep | WholeSweep
