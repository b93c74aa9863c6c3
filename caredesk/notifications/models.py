from __future__ import annotations

from django.db import models
from django.db.models import Q

from caredesk.cases.models import Case, Deadline
from caredesk.staff.models import StaffMember


class NotificationKind(models.TextChoices):
    DEADLINE_NEAR = "deadline_near", "Deadline near"
    DEADLINE_BREACHED = "deadline_breached", "Deadline missed"
    URGENT_MESSAGE = "urgent_message", "Urgent message"


class EmailStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    NO_ADDRESS = "no_address", "Not sent: no email address"
    FAILED = "failed", "Not sent: the mail server kept refusing it"


EMAIL_TO_SEND = Q(email_status__in=[EmailStatus.PENDING, EmailStatus.SENDING])


class EmailDelivery(models.Model):
    """How far the sending of a row's email has got: claimed before it is sent (see
    notifications.services.email_claim and email_deliver)."""

    email_status = models.CharField(
        max_length=20, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    email_attempts = models.PositiveIntegerField(default=0)
    email_error = models.TextField(blank=True)

    class Meta:
        abstract = True


class Notification(EmailDelivery):
    """Something a member of staff must know about a case, shown on the desk and emailed.

    Created only by the worker's claims (caredesk.notifications.sweeps), which the
    unique constraints back up: the same notice can never exist twice. The email is
    claimed too: pending -> sending (with the time) -> sent.
    """

    recipient = models.ForeignKey(
        StaffMember, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notifications")
    deadline = models.ForeignKey(
        Deadline, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    due_at = models.DateTimeField(
        null=True, blank=True, help_text="The due time it was about (a revised one is new)."
    )
    message = models.TextField()
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta(EmailDelivery.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "deadline", "due_at", "recipient"],
                condition=Q(deadline__isnull=False),
                name="one_notification_per_due_time",
            ),
            models.UniqueConstraint(
                fields=["kind", "case", "recipient"],
                condition=Q(deadline__isnull=True),
                name="one_notification_per_case",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notifications_for"),
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="unread_notifications"
            ),
            models.Index(fields=["created_at"], condition=EMAIL_TO_SEND, name="emails_to_send"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient}: {self.case.reference}"
