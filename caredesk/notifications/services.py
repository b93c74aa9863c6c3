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
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import F, Q
from django.urls import reverse

from caredesk.core.clock import Clock, system_clock
from caredesk.errors import CaredeskError, NotAllowed
from caredesk.notifications.models import EmailStatus, Notification
from caredesk.staff.models import StaffMember

logger = logging.getLogger(__name__)

RESEND_AFTER = timedelta(minutes=5)  # a "sending" claim older than this was a killed worker
SMTP_TIMEOUT = 60  # seconds; must stay well below RESEND_AFTER
MAX_EMAIL_ATTEMPTS = 10


class NotificationError(CaredeskError):
    code = "notification_invalid"


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


def notification_email_send(
    *, notification_id: int, clock: Clock = system_clock, resend_after: timedelta = RESEND_AFTER
) -> EmailStatus | None:
    """Claim and send one notification's email. None if it was not ours to send."""
    now = clock.now()
    claimed = Notification.objects.filter(
        claimable_emails(now=now, resend_after=resend_after), pk=notification_id
    ).update(
        email_status=EmailStatus.SENDING,
        email_claimed_at=now,
        email_attempts=F("email_attempts") + 1,
    )
    if claimed != 1:
        return None
    notification = Notification.objects.select_related("recipient", "case").get(pk=notification_id)
    ours = Notification.objects.filter(
        pk=notification_id, email_status=EmailStatus.SENDING, email_claimed_at=now
    )
    if not notification.recipient.email:
        ours.update(email_status=EmailStatus.NO_ADDRESS)
        return EmailStatus.NO_ADDRESS
    try:
        _email(notification).send()
    except (smtplib.SMTPException, OSError) as error:
        gave_up = notification.email_attempts >= MAX_EMAIL_ATTEMPTS
        status = EmailStatus.FAILED if gave_up else EmailStatus.PENDING
        # Left with its claim time, so it is tried again once `resend_after` has passed.
        ours.update(email_status=status, email_error=f"{type(error).__name__}: {error}"[:500])
        logger.warning("Email for notification %s not sent: %s", notification_id, error)
        return status
    if ours.update(email_status=EmailStatus.SENT, email_sent_at=clock.now(), email_error="") != 1:
        logger.warning("Notification %s was taken over while its email was sent.", notification_id)
    return EmailStatus.SENT


def _email(notification: Notification) -> EmailMessage:
    site = settings.CAREDESK_SITE_URL.rstrip("/")
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(">") or "caredesk"
    stamp = int(notification.created_at.timestamp())
    body = (
        f"{notification.message}\n\n"
        f"Your notifications: {site}{reverse('notifications:list')}\n\n"
        "This email was sent by caredesk. Please do not reply to it."
    )
    return EmailMessage(
        subject=f"{notification.get_kind_display()}: {notification.case.reference}",
        body=body,
        to=[notification.recipient.email],
        connection=get_connection(timeout=SMTP_TIMEOUT),
        headers={"Message-ID": f"<notification-{notification.pk}.{stamp}@{domain}>"},
    )
