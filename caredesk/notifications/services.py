"""Changing notifications: reading them, and sending each one's email exactly once.

The email of a notification is claimed before it is sent (DESIGN.md 5.3):

    pending --claim--> sending (email_claimed_at = now) --sent--> sent
                           `--the mail server refused--> pending (tried again later)

The claim is one conditional UPDATE that must change exactly one row, so of two
workers only one sends. A worker killed after it claimed an email leaves it "sending";
once that claim is older than `resend_after` (5 minutes) another worker takes it over.
So email is exactly once except in one crash window: a worker killed after the mail
server accepted the message and before it recorded "sent" leaves a claim that goes
stale, and the email is sent again (at least once). Each email carries a Message-ID
made from the notification, so mail programs that drop duplicates show it once.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable, Sequence, Set
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import F, Q, QuerySet
from django.urls import reverse

from caredesk.core.active_policy import active_policy
from caredesk.core.clock import Clock, system_clock
from caredesk.errors import NotAllowed
from caredesk.notifications.models import (
    EMAIL_TO_SEND,
    EmailStatus,
    Notification,
    NotificationKind,
)
from caredesk.notifications.selectors import digest_lines_list
from caredesk.staff.models import StaffMember
from caredesk.standards import Policy

logger = logging.getLogger(__name__)

RESEND_AFTER = timedelta(minutes=5)  # a "sending" claim older than this was a killed worker
SMTP_TIMEOUT = 60  # seconds; must stay well below RESEND_AFTER
MAX_EMAIL_ATTEMPTS = 10


# -- reading ----------------------------------------------------------------------------


def notification_mark_read(
    *, notification: Notification, by: StaffMember, clock: Clock = system_clock
) -> Notification:
    """Mark one of your own notifications as read (reading it twice changes nothing)."""
    if notification.recipient_id != by.pk:
        raise NotAllowed("You can only mark your own notifications as read.")
    now = clock.now()
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
    notification.refresh_from_db(fields=["read_at"])
    return notification


def notification_mark_all_read(*, by: StaffMember, clock: Clock = system_clock) -> int:
    """Mark all your notifications as read. Returns how many were unread."""
    return Notification.objects.filter(recipient=by, read_at__isnull=True).update(
        read_at=clock.now()
    )


# -- email ------------------------------------------------------------------------------


def claimable_emails(*, now: datetime, resend_after: timedelta = RESEND_AFTER) -> Q:
    """Emails to send: never tried, refused earlier, or claimed by a worker that died."""
    stale = now - resend_after
    return Q(email_status__in=[EmailStatus.PENDING, EmailStatus.SENDING]) & (
        Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=stale)
    )


def emails_to_send_ids(
    rows: QuerySet[Any],
    *,
    now: datetime,
    resend_after: timedelta,
    skip: Set[int],
    limit: int,
    order: Sequence[str],
) -> list[int]:
    """Up to `limit` ids of `rows` (notices, or mail's emails to customers) whose email
    is still to send (`claimable_emails`), first in `order`, none in `skip`: the
    candidates of the email sweeps."""
    to_send = rows.filter(EMAIL_TO_SEND, claimable_emails(now=now, resend_after=resend_after))
    if skip:
        to_send = to_send.exclude(pk__in=skip)
    return list(to_send.order_by(*order).values_list("pk", flat=True)[:limit])


def email_claim(rows: QuerySet[Any], *, pk: int, now: datetime, resend_after: timedelta) -> bool:
    """Claim the email of row `pk` (a notification, an email to a customer): one
    conditional UPDATE, so that of two workers only one gets True."""
    claimed = rows.filter(claimable_emails(now=now, resend_after=resend_after), pk=pk).update(
        email_status=EmailStatus.SENDING,
        email_claimed_at=now,
        email_attempts=F("email_attempts") + 1,
    )
    return claimed == 1


def email_deliver(
    rows: QuerySet[Any], *, pk: int, claimed_at: datetime, send: Callable[[], object], clock: Clock
) -> EmailStatus:
    """Send a claimed email and record how it went on its row (still ours: claimed at
    `claimed_at`). A refusal leaves it to be tried again once the claim is stale."""
    ours = rows.filter(pk=pk, email_status=EmailStatus.SENDING, email_claimed_at=claimed_at)
    try:
        send()
    except (smtplib.SMTPException, OSError) as error:  # the server: try again later
        attempts = rows.filter(pk=pk).values_list("email_attempts", flat=True).get()
        status = EmailStatus.FAILED if attempts >= MAX_EMAIL_ATTEMPTS else EmailStatus.PENDING
        ours.update(email_status=status, email_error=f"{type(error).__name__}: {error}"[:500])
        logger.warning("Email %s %s not sent: %s", rows.model.__name__, pk, error)
        return status
    except Exception as error:
        # The email itself (an address that cannot be written, say): trying again would
        # fail the same way.
        ours.update(
            email_status=EmailStatus.FAILED, email_error=f"{type(error).__name__}: {error}"[:500]
        )
        logger.exception("Email %s %s cannot be sent", rows.model.__name__, pk)
        return EmailStatus.FAILED
    if ours.update(email_status=EmailStatus.SENT, email_sent_at=clock.now(), email_error="") != 1:
        logger.warning("%s %s was taken over while its email was sent.", rows.model.__name__, pk)
    return EmailStatus.SENT


def notification_email_send(
    *,
    notification_id: int,
    clock: Clock = system_clock,
    resend_after: timedelta = RESEND_AFTER,
    policy: Policy | None = None,
) -> EmailStatus | None:
    """Claim and send one notification's email. None if it was not ours to send.
    `policy` (the active one if None) names the standards in a digest's list."""
    now = clock.now()
    rows = Notification.objects.all()
    if not email_claim(rows, pk=notification_id, now=now, resend_after=resend_after):
        return None
    notification = Notification.objects.select_related("recipient", "case").get(pk=notification_id)
    if not notification.recipient.email:
        rows.filter(pk=notification_id, email_claimed_at=now).update(
            email_status=EmailStatus.NO_ADDRESS
        )
        return EmailStatus.NO_ADDRESS
    return email_deliver(
        rows,
        pk=notification_id,
        claimed_at=now,
        send=notification_email(notification, policy=policy or active_policy()).send,
        clock=clock,
    )


EMAIL_LINES = 200  # a digest's email lists this many missed deadlines; the page, all


def notification_email(notification: Notification, *, policy: Policy) -> EmailMessage:
    site = settings.CAREDESK_SITE_URL.rstrip("/")
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(">") or "caredesk"
    stamp = int(notification.created_at.timestamp())
    text = [notification.message]
    if notification.kind == NotificationKind.DEADLINES_MISSED:
        lines = digest_lines_list(digest=notification, policy=policy, limit=EMAIL_LINES + 1)
        text.append("\n".join(f"- {line}" for line in lines[:EMAIL_LINES]))
        count = notification.missed.count() if len(lines) > EMAIL_LINES else len(lines)
        if count > EMAIL_LINES:
            page = reverse("notifications:digest", args=[notification.pk])
            text.append(f"And {count - EMAIL_LINES:,} more: {site}{page}")
        about = f"{count:,}"
    elif notification.case is not None:
        about = notification.case.reference
    else:  # appointments an absence clashes with: how many
        about = f"{len(notification.links):,}"
    if notification.links:
        text.append("\n".join(f"- {words}: {site}{path}" for words, path in notification.links))
    text.append(f"Your notifications: {site}{reverse('notifications:list')}")
    text.append("This email was sent by caredesk. Please do not reply to it.")
    return EmailMessage(
        subject=f"{notification.get_kind_display()}: {about}",
        body="\n\n".join(text),
        to=[notification.recipient.email],
        connection=get_connection(timeout=SMTP_TIMEOUT),
        headers={"Message-ID": f"<notification-{notification.pk}.{stamp}@{domain}>"},
    )
