"""Background tasks (django-tasks; `caredesk worker` runs them). Thin: they call services.

Each is safe to run twice or alongside a sweep doing the same: the work is claimed.
"""

from __future__ import annotations

from django_tasks import task

from caredesk.core.active_policy import active_policy
from caredesk.core.clock import system_clock
from caredesk.notifications.services import notification_email_send
from caredesk.notifications.sweeps import urgent_case_escalate


@task()
def send_notification_email(notification_id: int) -> str | None:
    """Send a notification's email, if no one has yet."""
    status = notification_email_send(notification_id=notification_id, clock=system_clock)
    return None if status is None else status.value


@task()
def escalate_urgent_case(case_id: int) -> int | None:
    """Pass a new urgent message to the line manager at once. Returns how many were told."""
    told = urgent_case_escalate(case_id=case_id, clock=system_clock, policy=active_policy())
    return None if told is None else len(told)
