"""Sending emails to customers, each exactly once, as notifications' emails are sent.

An OutboundEmail is made in the transaction that decides to send it, with its
Message-ID; a task sends it once that commits, and the worker's sweep sends any a task
did not (`caredesk.mail.sweeps`). Each is claimed first (see
caredesk.notifications.services for the states and the one crash window).
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection

from caredesk.core.active_policy import active_policy
from caredesk.core.clock import Clock
from caredesk.core.tasks import enqueue_after_commit
from caredesk.documents.emailing import CustomerEmail
from caredesk.mail.acknowledgements import customer_from_address, message_domain
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


def customer_notice_queue(email: CustomerEmail) -> int:
    """An email another app wrote for the customer (visits' appointment confirmation, say:
    documents.emailing), kept and queued in the caller's transaction. Not marked
    automatic: it is no reply to anything, and the automatic replies' hourly limit (a
    loop breaker for acknowledgements) must not count a morning's reminders."""
    name = email.kind.replace("_", "-")
    outbound = OutboundEmail.objects.create(
        case=email.case,
        kind=email.kind,
        message_key=f"{name}.{uuid.uuid4().hex}@{message_domain(active_policy())}",
        automatic=False,
        to_address=email.to,
        subject=email.subject[:300],
        body=email.body,
        calendar=email.calendar,
        created_at=email.created_at,
        contact=email.contact,
    )
    outbound_email_queue(outbound)
    return outbound.pk


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
    message = EmailMultiAlternatives(
        subject=outbound.subject,
        body=outbound.body,
        from_email=customer_from_address(policy),
        to=[outbound.to_address],
        connection=get_connection(timeout=SMTP_TIMEOUT),
        headers=headers,
    )
    if outbound.calendar:
        # RFC 6047: the invitation as a text/calendar alternative naming its METHOD, which
        # mail programs (Outlook, Gmail, Apple Mail) offer to add to the calendar.
        method = _METHOD.search(outbound.calendar)
        kind = f"text/calendar; method={method.group(1) if method else 'PUBLISH'}"
        message.attach_alternative(outbound.calendar, kind)
    return message


_METHOD = re.compile(r"^METHOD:([A-Z-]+)\r?$", re.MULTILINE)
