"""One pass over the sweeps: each on its own, guarded, with a report of what each did.

- A **set sweep** claims a batch and writes it in one write transaction. If the batch
  raises, it is rolled back and its rows are done again one by one, each in its own
  transaction; a row that raises again is recorded (below) and skipped.
- A **row sweep** deals with its candidates one at a time; a row that raises is
  recorded and skipped.
- A **whole sweep** is one call.

A recorded row (`SweepFailure`: attempts, the last error, the next attempt) is logged
with its id and left out of that sweep's candidates until its next attempt: 5 minutes
after the first failure, then 10, 20, 40, and every hour from then on. So a poisoned
row never holds up the rows behind it, and is not tried every minute for ever. A row
that goes through later loses its record. A sweep that raises as a whole (its
candidates cannot be read: the database refused) is logged, and the next sweep runs.

Every sweep of a pass is given the same reading of the clock (`SweepRun.now`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import IntegrityError

from caredesk.core.db import write_transaction
from caredesk.core.sweeps import (
    Done,
    RowSweep,
    SetSweep,
    Sweep,
    SweepRun,
    SweepStopped,
    Wanted,
)
from caredesk.worker.models import SweepFailure

logger = logging.getLogger("caredesk.worker")

FIRST_BACK_OFF = timedelta(minutes=5)
LONGEST_BACK_OFF = timedelta(hours=1)


def back_off(attempts: int) -> timedelta:
    """How long a row waits after its `attempts`-th failure."""
    doubled = FIRST_BACK_OFF * (1 << min(max(attempts - 1, 0), 10))
    return min(doubled, LONGEST_BACK_OFF)


# -- the report ------------------------------------------------------------------------------


@dataclass
class SweepOutcome:
    """What one sweep did in one pass."""

    name: str
    rows: int = 0
    failed: int = 0  # rows that raised (recorded, tried again later)
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    error: str = ""  # the sweep as a whole raised

    def add(self, done: Done) -> None:
        self.rows += done.rows
        for key, value in done.counts.items():
            self.counts[key] = self.counts.get(key, 0) + value

    def __str__(self) -> str:
        said = f"{self.name} {self.rows:,}"
        if self.counts:
            said += " (" + ", ".join(f"{n:,} {k}" for k, n in sorted(self.counts.items())) + ")"
        if self.failed:
            said += f", {self.failed:,} failed"
        if self.error:
            said += f", FAILED: {self.error}"
        return f"{said} in {self.seconds:.2f} s"


@dataclass
class PassReport:
    """What a pass over every sweep did: per sweep, rows done, failed, time taken."""

    outcomes: list[SweepOutcome] = field(default_factory=list)
    seconds: float = 0.0
    stopped: bool = False  # a stop was asked for part-way

    def __getitem__(self, name: str) -> SweepOutcome:
        for outcome in self.outcomes:
            if outcome.name == name:
                return outcome
        return SweepOutcome(name)  # a sweep that did not run (stopped before it)

    @property
    def failed(self) -> int:
        return sum(outcome.failed + bool(outcome.error) for outcome in self.outcomes)

    def __str__(self) -> str:
        """One line: the sweeps that did something or failed, and the time of the pass."""
        busy = [o for o in self.outcomes if o.rows or o.failed or o.error or o.seconds >= 1]
        what = "; ".join(str(outcome) for outcome in busy) or "nothing to do"
        return f"{what}. {len(self.outcomes)} sweeps in {self.seconds:.2f} s" + (
            " (stopped part-way)" if self.stopped else ""
        )

    def table(self) -> list[str]:
        """A line for every sweep."""
        return [str(outcome) for outcome in self.outcomes]


# -- failed rows ------------------------------------------------------------------------------


class Failures:
    """The rows of each sweep with a failure on record, read once a pass."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.waiting: dict[str, set[int]] = {}  # still in back-off: not candidates
        self.recorded: dict[str, set[int]] = {}
        rows = SweepFailure.objects.values_list("sweep", "row_id", "next_attempt_at")
        for sweep, row_id, next_attempt_at in rows:
            self.recorded.setdefault(sweep, set()).add(row_id)
            if next_attempt_at > now:
                self.waiting.setdefault(sweep, set()).add(row_id)

    def skip(self, sweep: str) -> frozenset[int]:
        return frozenset(self.waiting.get(sweep, ()))

    def record(self, sweep: str, row_id: int, error: BaseException) -> None:
        """Log the row's failure and record it; it waits out its back-off."""
        self.waiting.setdefault(sweep, set()).add(row_id)  # not again in this pass, whatever
        text = f"{type(error).__name__}: {error}"[:2000]
        attempts = 1
        try:
            with write_transaction():
                failure = SweepFailure.objects.select_for_update().filter(
                    sweep=sweep, row_id=row_id
                )
                found = failure.first()
                attempts = found.attempts + 1 if found is not None else 1
                values = {
                    "attempts": attempts,
                    "last_error": text,
                    "failed_at": self.now,
                    "next_attempt_at": self.now + back_off(attempts),
                }
                if found is None:
                    SweepFailure.objects.create(sweep=sweep, row_id=row_id, **values)
                else:
                    failure.update(**values)
        except IntegrityError:  # another worker recorded it first: its record stands
            pass
        except Exception:
            logger.exception("Sweep %s: could not record the failure of row %s", sweep, row_id)
        self.recorded.setdefault(sweep, set()).add(row_id)
        logger.error(
            "Sweep %s: row %s failed (attempt %s; tried again after %s): %s",
            sweep,
            row_id,
            attempts,
            back_off(attempts),
            text,
            exc_info=error,
        )

    def cleared(self, sweep: str, row_ids: Iterable[int]) -> None:
        """Rows that went through: their records go."""
        recorded = self.recorded.get(sweep)
        if not recorded:
            return
        done = recorded.intersection(row_ids)
        if done:
            SweepFailure.objects.filter(sweep=sweep, row_id__in=done).delete()
            recorded.difference_update(done)


# -- running them ------------------------------------------------------------------------------


def sweeps_run(
    *, sweeps: Sequence[Sweep], run: SweepRun, say: Callable[[str], None] | None = None
) -> PassReport:
    """Run each sweep once, in order. A stop asked for (SweepStopped, raised between
    batches) ends the pass there: what was done is reported."""
    began = time.perf_counter()
    report = PassReport()
    failures = Failures(run.now)
    try:
        for sweep in sweeps:
            outcome = SweepOutcome(sweep.name)
            report.outcomes.append(outcome)
            started = time.perf_counter()
            try:
                _run(sweep, run, failures, outcome, say)
            except SweepStopped:
                raise
            except Exception as error:
                outcome.error = f"{type(error).__name__}: {error}"[:300]
                logger.exception("Sweep %s failed; the other sweeps go on", sweep.name)
                if say is not None:
                    say(f"Sweep {sweep.name} failed: {error}")
            finally:
                outcome.seconds = time.perf_counter() - started
            _drain(run, say)
    except SweepStopped:
        report.stopped = True
    report.seconds = time.perf_counter() - began
    return report


def _drain(run: SweepRun, say: Callable[[str], None] | None) -> None:
    """Run the queued tasks between sweeps. If that fails (the database went away), say
    so and go on to the next sweep: the tasks stay queued for the next drain."""
    try:
        run.between_batches()
    except SweepStopped:
        raise
    except Exception as error:
        logger.exception("Running the queued tasks failed; the sweeps go on")
        if say is not None:
            say(f"Running the queued tasks failed: {error}")


def _run(
    sweep: Sweep,
    run: SweepRun,
    failures: Failures,
    outcome: SweepOutcome,
    say: Callable[[str], None] | None,
) -> None:
    if isinstance(sweep, SetSweep):
        _in_sets(sweep, run, failures, outcome)
    elif isinstance(sweep, RowSweep):
        _row_by_row(sweep, run, failures, outcome)
    else:
        done = sweep.run(run)
        outcome.add(done)
        if say is not None:
            for line in done.said:
                say(line)


def _in_sets(sweep: SetSweep, run: SweepRun, failures: Failures, outcome: SweepOutcome) -> None:
    if sweep.pending is not None and not sweep.pending(run):
        return
    while True:
        claimed: Sequence[int] = ()
        done = Done()
        try:
            with write_transaction():
                claimed = sweep.claim(run, Wanted(run.batch_size, failures.skip(sweep.name)))
                if claimed:
                    done = sweep.write(run, claimed)
        except SweepStopped:
            raise
        except Exception as error:
            if not claimed:
                raise  # the claim itself: the sweep as a whole failed
            logger.warning(
                "Sweep %s: a batch of %s rows failed (%s: %s); doing them one at a time",
                sweep.name,
                len(claimed),
                type(error).__name__,
                error,
            )
            _one_by_one(sweep, run, failures, outcome, claimed)
        else:
            if claimed:
                outcome.add(done)
                failures.cleared(sweep.name, claimed)
        run.between_batches()
        # A short batch ends the sweep. On PostgreSQL, rows another worker holds are
        # skipped (SKIP LOCKED), so a short batch may leave some: that worker does them,
        # or the next pass does.
        if len(claimed) < run.batch_size:
            return


def _one_by_one(
    sweep: SetSweep, run: SweepRun, failures: Failures, outcome: SweepOutcome, ids: Sequence[int]
) -> None:
    for row_id in ids:
        try:
            with write_transaction():
                claimed = sweep.claim(run, Wanted(1, only=row_id))
                if claimed:
                    outcome.add(sweep.write(run, claimed))
        except SweepStopped:
            raise
        except Exception as error:
            outcome.failed += 1
            failures.record(sweep.name, row_id, error)
        else:
            failures.cleared(sweep.name, [row_id])


def _row_by_row(sweep: RowSweep, run: SweepRun, failures: Failures, outcome: SweepOutcome) -> None:
    seen: set[int] = set()
    while True:
        ids = sweep.candidates(run, Wanted(run.batch_size, failures.skip(sweep.name)))
        new = [row_id for row_id in ids if row_id not in seen]
        for row_id in new:
            seen.add(row_id)
            try:
                what = sweep.process(run, row_id)
            except SweepStopped:
                raise
            except Exception as error:
                outcome.failed += 1
                failures.record(sweep.name, row_id, error)
                continue
            if what is not None:
                outcome.add(Done(rows=1, counts={what: 1}))
            failures.cleared(sweep.name, [row_id])
        run.between_batches()
        # A row dealt with leaves the candidates; one that stays (not ours to do, in a
        # state no claim matches) is not read twice: a batch with nothing new ends it.
        if len(ids) < run.batch_size or not new:
            return
