"""The privacy app's sweeps, in the order the worker runs them (caredesk.worker).

- `subject_access_exports`: exports asked for and still waiting after a while (their
  task was lost): made now (privacy.subject_access).
- `retention`: the retention schedule, once a day (privacy.retention): personal data past
  its time anonymised, and files of the store no row names removed.
- `unusual_reading`: the next span of the read log, and an alert to the data protection
  officers for each member of staff whose reading in a window crosses the policy's
  `[read_alerts]` thresholds, once a window (privacy.reading_alerts).
"""

from __future__ import annotations

from caredesk.core.sweeps import Done, RowSweep, Sweep, SweepRun, WholeSweep
from caredesk.privacy.reading_alerts import reading_check
from caredesk.privacy.retention import retention_apply, retention_due_today
from caredesk.privacy.subject_access import export_make, exports_lost


def _make(run: SweepRun, subject_access_id: int) -> str | None:
    made = export_make(
        subject_access_id=subject_access_id,
        organisation=run.policy.organisation.name,
        clock=run.at_now,
    )
    return None if made is None else "made"


def _retention(run: SweepRun) -> Done:
    if not retention_due_today(policy=run.policy, now=run.now):
        return Done()
    record = retention_apply(policy=run.policy, now=run.now, dry_run=False)
    counts = {rule: figures["done"] for rule, figures in record.rules.items()}
    return Done(rows=sum(counts.values()), counts=counts)


SWEEPS: list[Sweep] = [
    RowSweep(
        name="subject_access_exports",
        candidates=lambda run, wanted: exports_lost(now=run.now, wanted=wanted),
        process=_make,
    ),
    WholeSweep(name="retention", run=_retention),
    WholeSweep(
        name="unusual_reading",
        run=lambda run: reading_check(now=run.now, policy=run.policy),
    ),
]
