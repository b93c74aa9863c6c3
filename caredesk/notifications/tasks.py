"""Background tasks (django-tasks; `caredesk worker` runs them). Thin: they call services.

Each is safe to run twice or alongside a sweep doing the same: the work is claimed.
"""

from __future__ import annotations

import logging

from django_tasks import task

from caredesk.core.active_policy import active_policy
from caredesk.core.clock import system_clock
from caredesk.notifications.notices import urgent_case_escalate
from caredesk.notifications.services import notification_email_send

logger = logging.getLogger(__name__)


@task()
def send_notification_email(notification_id: int) -> str | None:
    """Send a notification's email, if no one has yet. The sweeps now queue
    send_notification_emails, a batch at a time; this stays for tasks queued one by one
    before that, until none is left in the queue."""
    status = notification_email_send(
        notification_id=notification_id, clock=system_clock, policy=active_policy()
    )
    return None if status is None else status.value


@task()
def send_notification_emails(notification_ids: list[int]) -> dict[str, int]:
    """Send the emails of a batch of notifications, each if no one has yet. One that
    cannot be sent is logged and left to the email sweep (which tries it again later);
    the others go on. How many of each outcome."""
    policy = active_policy()
    counts: dict[str, int] = {}
    for notification_id in notification_ids:
        try:
            status = notification_email_send(
                notification_id=notification_id, clock=system_clock, policy=policy
            )
        except Exception:
            logger.exception("The email of notification %s could not be sent", notification_id)
            outcome = "error"
        else:
            outcome = "not_ours" if status is None else status.value
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


@task()
def escalate_urgent_case(case_id: int) -> int | None:
    """Pass a new urgent message to the line manager at once. Returns how many were told."""
    told = urgent_case_escalate(case_id=case_id, clock=system_clock, policy=active_policy())
    return None if told is None else len(told)
