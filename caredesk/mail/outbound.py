"""Sending emails to customers, each exactly once, as notifications' emails are sent.

An OutboundEmail is made in the transaction that decides to send it, with its
Message-ID; a task sends it once that commits, and the worker's sweep sends any a task
did not (`caredesk.mail.sweeps`). Each is claimed first (see
caredesk.notifications.services for the states and the one crash window).
"""

from __future__ import annotations

from datetime import timedelta

from django.core.mail import EmailMessage, get_connection

from caredesk.core.clock import Clock
from caredesk.core.tasks import enqueue_after_commit
from caredesk.mail.acknowledgements import customer_from_address
from caredesk.mail.models import OutboundEmail
from caredesk.notifications.models import EmailStatus
from caredesk.notifications.services import (
    RESEND_AFTER,
    SMTP_TIMEOUT,
    email_claim,
    email_deliver,
)
from caredesk.standards import Policy


def outbound_email_queue(outbound: OutboundEmail) -> None:
    """Send it from a task once the transaction that made it commits."""
    enqueue_after_commit("caredesk.mail.tasks.send_outbound_email", outbound.pk)


def outbound_email_send(
    *, outbound_id: int, policy: Policy, clock: Clock, resend_after: timedelta = RESEND_AFTER
) -> EmailStatus | None:
    """Claim and send one email to a customer. None if it was not ours to send."""
    now = clock.now()
    rows = OutboundEmail.objects.all()
    if not email_claim(rows, pk=outbound_id, now=now, resend_after=resend_after):
        return None
    message = _message(rows.select_related("in_reply_to").get(pk=outbound_id), policy)
    return email_deliver(rows, pk=outbound_id, claimed_at=now, send=message.send, clock=clock)


def _message(outbound: OutboundEmail, policy: Policy) -> EmailMessage:
    headers = {"Message-ID": f"<{outbound.message_key}>"}
    answering = outbound.in_reply_to
    if answering is not None and answering.has_message_id:
        headers["In-Reply-To"] = f"<{answering.message_key}>"
    if outbound.references:
        headers["References"] = outbound.references
    if outbound.automatic:
        # RFC 3834: mail software must not answer it; Exchange's own header says the same.
        headers["Auto-Submitted"] = "auto-replied"
        headers["X-Auto-Response-Suppress"] = "All"
    return EmailMessage(
        subject=outbound.subject,
        body=outbound.body,
        from_email=customer_from_address(policy),
        to=[outbound.to_address],
        connection=get_connection(timeout=SMTP_TIMEOUT),
        headers=headers,
    )
