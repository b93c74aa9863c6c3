"""The reporting app's sweep (run by caredesk.worker, last: after every app's writes).

- `figures_refresh`: count the performance figures again for the days whose records
  changed since the last pass (the days the roll-up triggers marked).
- `report_files_make`: make the reports' PDFs still waiting (their task was lost) and
  fail those a stopped worker left half-made (caredesk.reporting.report_files).
"""

from __future__ import annotations

from caredesk.core.sweeps import Done, SweepRun, WholeSweep
from caredesk.reporting.report_makers import report_files_make_waiting
from caredesk.reporting.rollups import figures_refresh


def _figures(run: SweepRun) -> Done:
    return Done(rows=figures_refresh(policy=run.policy).days)


def _report_files(run: SweepRun) -> Done:
    return Done(rows=report_files_make_waiting(clock=run.clock))


SWEEPS = [
    WholeSweep(name="figures_refresh", run=_figures),
    WholeSweep(name="report_files_make", run=_report_files),
]
