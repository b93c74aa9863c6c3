"""Background tasks for mail (django-tasks; `caredesk worker` runs them). Thin."""

from __future__ import annotations

from django_tasks import task

from caredesk.core.active_policy import active_policy
from caredesk.core.clock import system_clock
from caredesk.mail.outbound import outbound_email_send


@task()
def send_outbound_email(outbound_id: int) -> str | None:
    """Send an email to a customer, if no one has yet."""
    status = outbound_email_send(
        outbound_id=outbound_id, policy=active_policy(), clock=system_clock
    )
    return None if status is None else status.value
