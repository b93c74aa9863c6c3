"""Emails as they came in, each a contact on a case; the message itself is in the store."""

from __future__ import annotations

from django.db import models

from caredesk.cases.models import Case, Contact
from caredesk.customers.models import Customer
from caredesk.documents.models import DocumentKind
from caredesk.notifications.models import EmailDelivery, EmailStatus


class Threading(models.TextChoices):
    REPLY = "reply", "A reply to an email on the case"
    REFERENCE = "reference", "The case reference in the subject"
    NEW_CASE = "new_case", "A new case"
    FOR_REVIEW = "for_review", "Sent by a machine, with no case: for review"
    PARKED = "parked", "Could not be stored: kept as it came, for review"


class InboundEmail(models.Model):
    """One email received. Its bytes, exactly as they came, are in the mail store under
    `raw_sha256` (see caredesk.core.store), whatever could or could not be read of them."""

    # The Message-ID without brackets, or a digest of the bytes for a message without
    # one: a message received twice is stored once.
    message_key = models.CharField(max_length=255, unique=True)
    # None: sent by a machine and not about any case (bulk mail, a bounce), or parked (it
    # could not be stored), so it waits on the review list rather than opening a case
    # with deadlines.
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="emails"
    )
    contact = models.OneToOneField(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="email"
    )
    threading = models.CharField(max_length=20, choices=Threading.choices)
    from_address = models.CharField(max_length=254, blank=True, db_index=True)
    from_name = models.CharField(max_length=200, blank=True)
    to = models.TextField(blank=True)
    subject = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True, help_text="The Date header.")
    received_at = models.DateTimeField()
    replied_to = models.JSONField(default=list, blank=True, help_text="Message keys it answers.")
    text = models.TextField(blank=True)
    automatic = models.CharField(
        max_length=200, blank=True, help_text="Why a machine sent it: never acknowledged."
    )
    problems = models.TextField(blank=True, help_text="What could not be read, a line each.")
    not_acknowledged = models.CharField(
        max_length=300, blank=True, help_text="Why a new case's email had no acknowledgement."
    )
    parked_reason = models.TextField(
        blank=True, help_text="Why it could not be stored (parked): shown for review."
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    raw_sha256 = models.CharField(max_length=64)
    raw_size = models.PositiveIntegerField()
    source = models.CharField(max_length=300, help_text="Where it came from: a file, a mailbox.")

    class Meta:
        indexes = [
            models.Index(fields=["case", "received_at"]),
            models.Index(
                fields=["received_at"],
                condition=models.Q(case__isnull=True, reviewed_at__isnull=True),
                name="emails_to_review",
            ),
        ]

    def __str__(self) -> str:
        return f"Email from {self.from_address or 'an unknown sender'}: {self.subject[:60]}"

    @property
    def customer(self) -> Customer | None:
        return self.case.customer if self.case else None

    @property
    def has_message_id(self) -> bool:
        """False for a message that came without one: its key is a digest of its bytes,
        which no mail program knows, so a reply cannot name it."""
        return not self.message_key.startswith("sha256:")

    def references_for_a_reply(self) -> str:
        """The References header of a reply to this email: the thread it was in, then
        itself (RFC 5322 3.6.4). Empty for a message without a Message-ID."""
        if not self.has_message_id:
            return ""
        return " ".join(f"<{key}>" for key in [*reversed(self.replied_to), self.message_key])


class EmailAttachment(models.Model):
    """A file that came with an email (inline images and forwarded messages included)."""

    email = models.ForeignKey(InboundEmail, on_delete=models.CASCADE, related_name="attachments")
    file_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    inline = models.BooleanField(default=False)
    content_id = models.CharField(max_length=255, blank=True)

    def __str__(self) -> str:
        return self.file_name


class OutboundEmail(EmailDelivery):
    """An email to a customer: an acknowledgement, an out-of-office reply, a response.

    Sent by the worker, claimed first as notifications' emails are (pending -> sending
    -> sent; see notifications.services). Its Message-ID is fixed when it is made, so a
    customer's reply threads back onto the case and a second send is the same message.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="outbound_emails")
    kind = models.CharField(max_length=30, choices=DocumentKind.choices)
    in_reply_to = models.ForeignKey(
        InboundEmail, null=True, blank=True, on_delete=models.SET_NULL, related_name="answers"
    )
    message_key = models.CharField(max_length=255, unique=True, help_text="Its Message-ID.")
    references = models.TextField(blank=True, help_text="The References header.")
    automatic = models.BooleanField(
        default=False, help_text="Sent by caredesk itself: marked Auto-Submitted (RFC 3834)."
    )
    to_address = models.CharField(max_length=254)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    created_at = models.DateTimeField()
    contact = models.OneToOneField(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="outbound_email"
    )
    # An appointment's invitation (or its cancellation) as iCalendar text, sent with the
    # body as a text/calendar alternative that mail programs offer to add to a calendar.
    calendar = models.TextField(blank=True)

    class Meta(EmailDelivery.Meta):
        indexes = [
            models.Index(fields=["to_address", "kind", "created_at"]),
            models.Index(
                fields=["created_at"],
                condition=models.Q(email_status__in=[EmailStatus.PENDING, EmailStatus.SENDING]),
                name="outbound_to_send",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.to_address}: {self.subject[:60]}"


class ReceivedLetter(models.Model):
    """A letter logged in the register on receipt (Stonewall 2.9: "The Administrator will
    record correspondence upon receipt"), with its scan, and the case it went to."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="letters_received")
    contact = models.OneToOneField(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="letter_received"
    )
    sender = models.CharField(max_length=200)
    sender_address = models.TextField(blank=True)
    received_at = models.DateTimeField(help_text="When it arrived: deadlines run from here.")
    logged_at = models.DateTimeField()
    logged_by = models.ForeignKey(
        "staff.StaffMember", on_delete=models.PROTECT, related_name="letters_logged"
    )
    scan_name = models.CharField(max_length=200, blank=True)
    scan_type = models.CharField(max_length=120, blank=True)
    scan_size = models.PositiveIntegerField(default=0)
    scan_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        indexes = [models.Index(fields=["-received_at"], name="letters_received_newest")]

    def __str__(self) -> str:
        return f"Letter from {self.sender} received {self.received_at:%d %b %Y}"
