"""What the notifications app holds about a customer (customers.holdings): the messages
staff were sent about their cases."""

from __future__ import annotations

from caredesk.customers.holdings import Holding, declare
from caredesk.notifications.models import MissedDeadline, Notification

declare(
    Holding(
        Notification,
        "Messages to our staff about your cases",
        path="case__customer",
        personal=("message", "links"),
        not_personal=("email_error",),  # sending to our own staff
        withheld=("email_status", "email_claimed_at", "email_attempts", "email_error"),
    ),
    Holding(
        MissedDeadline,
        "Answers to you that were late, as our managers were told",
        path="deadline__case__customer",
    ),
)
