"""The reporting app's sweep (run by caredesk.worker, last: after every app's writes).

- `figures_refresh`: count the performance figures again for the days whose records
  changed since the last pass (the days the roll-up triggers marked).
"""

from __future__ import annotations

from caredesk.core.sweeps import Done, SweepRun, WholeSweep
from caredesk.reporting.rollups import figures_refresh


def _figures(run: SweepRun) -> Done:
    return Done(rows=figures_refresh(policy=run.policy).days)


SWEEPS = [WholeSweep(name="figures_refresh", run=_figures)]
