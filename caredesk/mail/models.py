"""Emails as they came in, each a contact on a case; the message itself is in the store."""

from __future__ import annotations

from django.db import models

from caredesk.cases.models import Case, Contact


class Threading(models.TextChoices):
    REPLY = "reply", "A reply to an email on the case"
    REFERENCE = "reference", "The case reference in the subject"
    NEW_CASE = "new_case", "A new case"


class InboundEmail(models.Model):
    """One email received. Its bytes, exactly as they came, are in the mail store under
    `raw_sha256` (see caredesk.mail.store), whatever could or could not be read of them."""

    # The Message-ID without brackets, or a digest of the bytes for a message without
    # one: a message received twice is stored once.
    message_key = models.CharField(max_length=255, unique=True)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="emails")
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
    raw_sha256 = models.CharField(max_length=64)
    raw_size = models.PositiveIntegerField()
    source = models.CharField(max_length=300, help_text="Where it came from: a file, a mailbox.")

    class Meta:
        indexes = [models.Index(fields=["case", "received_at"])]

    def __str__(self) -> str:
        return f"Email from {self.from_address or 'an unknown sender'}: {self.subject[:60]}"


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
