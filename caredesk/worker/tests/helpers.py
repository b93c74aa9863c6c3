"""Running the worker's sweeps in a test, as one pass of the worker would."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from caredesk.core.sweeps import Sweep, SweepRun
from caredesk.notifications.services import RESEND_AFTER
from caredesk.worker.registry import sweeps_discover
from caredesk.worker.runner import PassReport, sweeps_run


def sweep_pass(
    *,
    clock: Any,
    policy: Any,
    batch_size: int = 100,
    resend_after: timedelta = RESEND_AFTER,
    between_batches: Callable[[], object] | None = None,
    sweeps: Sequence[Sweep] | None = None,
    say: Callable[[str], None] | None = None,
) -> PassReport:
    """One pass over every installed app's sweeps (or `sweeps`), at the clock's time."""

    def between() -> None:
        if between_batches is not None:
            between_batches()

    run = SweepRun(
        now=clock.now(),
        clock=clock,
        policy=policy,
        batch_size=batch_size,
        resend_after=resend_after,
        between_batches=between,
    )
    return sweeps_run(sweeps=sweeps if sweeps is not None else sweeps_discover(), run=run, say=say)


def only(*names: str) -> list[Sweep]:
    """The installed sweeps called `names`."""
    return [sweep for sweep in sweeps_discover() if sweep.name in names]
