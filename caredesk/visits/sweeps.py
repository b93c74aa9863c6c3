"""The visits' sweeps, in the order the worker runs them (caredesk.worker).

- `lone_working_alerts`: home visits not checked out after their end; the officer's
  line manager is alerted, then alerted again (visits.lone_working).
"""

from __future__ import annotations

from caredesk.core.sweeps import RowSweep
from caredesk.visits import lone_working

SWEEPS = [
    RowSweep(
        name="lone_working_alerts",
        candidates=lambda run, wanted: lone_working.lone_working_candidates(
            now=run.now, policy=run.policy, wanted=wanted
        ),
        process=lambda run, appointment_id: lone_working.lone_working_alert(
            appointment_id=appointment_id, now=run.now, policy=run.policy
        ),
    ),
]
