"""The visits app's sweeps (run by caredesk.worker).

- `appointment_reminders`: booked appointments starting tomorrow (the organisation's
  local date) that have had no reminder, from 8am: each claimed (`reminded_at`) before
  its reminder is written, so two workers never send one twice (visits.telling).
"""

from __future__ import annotations

from caredesk.core.sweeps import SetSweep
from caredesk.visits import telling

SWEEPS = [
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
]
