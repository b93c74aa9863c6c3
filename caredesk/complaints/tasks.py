"""The complaints app's tasks: posting a hazard's webhook once its transaction commits."""

from __future__ import annotations

from django_tasks import task

from caredesk.complaints.hazard_webhooks import webhook_send
from caredesk.core.clock import system_clock


@task()
def send_hazard_webhook(webhook_id: int) -> str | None:
    return webhook_send(webhook_id=webhook_id, now=system_clock.now())
