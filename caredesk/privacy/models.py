"""The privacy app's records. Each kind of record is in its own section below."""

from __future__ import annotations

from django.db import models

from caredesk.cases.models import Case

# -- Subject access ------------------------------------------------------------------------


class ExportStatus(models.TextChoices):
    NOT_ASKED = "not_asked", "Not made yet"
    WAITING = "waiting", "Waiting to be made"
    READY = "ready", "Ready"
    FAILED = "failed", "Could not be made"


class SentHow(models.TextChoices):
    SECURE_LINK = "secure_link", "Secure download link or secure email"
    POST = "post", "By recorded post, on an encrypted memory stick or in print"
    IN_PERSON = "in_person", "Collected in person, with proof of identity"


class SubjectAccess(models.Model):
    """A subject access request (a case of that kind): what was withheld from it and
    why, the ZIP made of the customer's data (privacy.exports), and how it was sent."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="subject_access")
    export_status = models.CharField(
        max_length=20, choices=ExportStatus.choices, default=ExportStatus.NOT_ASKED
    )
    export_asked_at = models.DateTimeField(null=True, blank=True)
    export_asked_by = models.ForeignKey(
        "staff.StaffMember", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    export_made_at = models.DateTimeField(null=True, blank=True)
    export_sha256 = models.CharField(max_length=64, blank=True)
    export_size = models.PositiveBigIntegerField(default=0)
    export_files = models.PositiveIntegerField(default=0)
    export_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        "staff.StaffMember", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_how = models.CharField(max_length=20, choices=SentHow.choices, blank=True)

    def __str__(self) -> str:
        return f"Subject access on {self.case}"


class WithheldItem(models.Model):
    """One record left out of a subject access export, and why (another person's data,
    legal privilege...)."""

    subject_access = models.ForeignKey(
        SubjectAccess, on_delete=models.CASCADE, related_name="withheld"
    )
    holding = models.CharField(max_length=100, help_text='The model: "mail.inboundemail".')
    record_id = models.BigIntegerField()
    reason = models.TextField()
    withheld_by = models.ForeignKey("staff.StaffMember", on_delete=models.PROTECT, related_name="+")
    withheld_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subject_access", "holding", "record_id"], name="withheld_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.holding} {self.record_id} withheld"
