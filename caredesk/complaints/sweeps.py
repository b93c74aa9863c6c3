"""The complaints app's sweeps, in the order the worker runs them (caredesk.worker).

- `hazard_webhooks`: messages to the repairs system not yet posted (their task failed,
  or the repairs system refused them): each claimed before it is posted, tried again up
  to MAX_ATTEMPTS (complaints.hazard_webhooks).
"""

from __future__ import annotations

from caredesk.complaints import hazard_webhooks
from caredesk.core.sweeps import RowSweep, Sweep

SWEEPS: list[Sweep] = [
    RowSweep(
        name="hazard_webhooks",
        candidates=lambda run, wanted: hazard_webhooks.webhooks_to_send(now=run.now, wanted=wanted),
        process=lambda run, webhook_id: hazard_webhooks.webhook_send(
            webhook_id=webhook_id, now=run.now
        ),
    ),
]
