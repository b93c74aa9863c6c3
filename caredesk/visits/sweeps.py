"""The visits app's sweeps, in the order the worker runs them (caredesk.worker).

- `appointment_reminders`: booked appointments starting tomorrow (the organisation's
  local date) that have had no reminder, from 8am: each claimed (`reminded_at`) before
  its reminder is written, so two workers never send one twice (visits.telling).
- `lone_working_alerts`: home visits not checked out after their end; the officer's
  line manager is alerted, then alerted again (visits.lone_working).
"""

from __future__ import annotations

from caredesk.core.sweeps import RowSweep, SetSweep, Sweep
from caredesk.visits import lone_working, telling

SWEEPS: list[Sweep] = [
    SetSweep(
        name="appointment_reminders",
        claim=lambda run, wanted: telling.reminders_claim(
            now=run.now, policy=run.policy, wanted=wanted
        ),
        write=lambda run, ids: telling.reminders_write(
            appointment_ids=ids, now=run.now, policy=run.policy
        ),
        pending=lambda run: telling.reminders_due(now=run.now, policy=run.policy).exists(),
    ),
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
