from __future__ import annotations

from django.db import models
from django.db.models import Q

from caredesk.cases.models import Case, Deadline
from caredesk.staff.models import StaffMember


class NotificationKind(models.TextChoices):
    DEADLINE_NEAR = "deadline_near", "Deadline near"
    DEADLINE_BREACHED = "deadline_breached", "Deadline missed"  # one each: before digests
    URGENT_MESSAGE = "urgent_message", "Urgent message"
    DEADLINES_MISSED = "deadlines_missed", "Deadlines missed"  # a line manager's digest
    MENTIONED = "mentioned", "Mentioned in a note"
    # Given by the apps above (visits): lone working on a home visit, and appointments an
    # absence booked later clashes with.
    LONE_WORKING = "lone_working", "Not back from a home visit"
    LONE_WORKING_AGAIN = "lone_working_again", "Still not back from a home visit"
    APPOINTMENTS_CLASH = "appointments_clash", "Appointments clash with an absence"
    # complaints: a customer's compliment passed on to those it names, and their managers
    COMPLIMENT = "compliment", "A compliment"
    # privacy: a suspected personal data breach reported to the data protection officers
    BREACH_REPORTED = "breach_reported", "A personal data breach reported"
    # privacy: unusual reading of customers' records by a member of staff
    UNUSUAL_READING = "unusual_reading", "Unusual reading of customers' records"


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

    Created by the worker's claims (caredesk.notifications.notices), which the unique
    constraints back up: the same notice can never exist twice; and by a note naming a
    colleague (caredesk.notifications.mentions: raised afresh by the next mention). The email is
    claimed too: pending -> sending (with the time) -> sent.

    A line manager's digest of missed deadlines (DEADLINES_MISSED) is about many cases,
    so has no case: its deadlines are its `missed` lines (MissedDeadline).
    """

    recipient = models.ForeignKey(
        StaffMember, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    deadline = models.ForeignKey(
        Deadline, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    due_at = models.DateTimeField(
        null=True, blank=True, help_text="The due time it was about (a revised one is new)."
    )
    message = models.TextField()
    # Where to act on it, as [text, path] pairs: the page lists them as links, the email
    # with the site's address (an absence's notice: each appointment it clashes with).
    links = models.JSONField(default=list, blank=True)
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
        about = self.case.reference if self.case is not None else self.message
        return f"{self.get_kind_display()} for {self.recipient}: {about}"


class MissedDeadline(models.Model):
    """A missed deadline a line manager is told of: one line of their digest.

    Written with the deadline's escalation (its claim, in the same transaction), then
    gathered into the manager's digest (`digest`, empty until then) by the next step of
    the sweep: each line joins exactly one digest. The unique constraint backs up the
    claim: a manager is never told twice of the same due time of the same deadline.
    """

    recipient = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="+")
    # (Both indexed by the constraint and the index below, which lead with them.)
    deadline = models.ForeignKey(
        Deadline, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    due_at = models.DateTimeField(help_text="The due time that was missed.")
    assigned_to = models.ForeignKey(
        StaffMember,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who had it when it was missed.",
    )
    escalated_at = models.DateTimeField()
    digest = models.ForeignKey(
        Notification,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="missed",
        db_index=False,
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "due_at", "recipient"], name="one_missed_line_per_due_time"
            )
        ]
        indexes = [
            models.Index(
                fields=["recipient"],
                condition=Q(digest__isnull=True),
                name="missed_lines_to_gather",
            ),
            models.Index(fields=["digest", "due_at"], name="missed_lines_of_digest"),
        ]

    def __str__(self) -> str:
        return f"Deadline {self.deadline_id} missed at {self.due_at}, for {self.recipient}"
