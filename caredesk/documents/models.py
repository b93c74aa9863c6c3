"""The wording of what caredesk sends: one template per kind of document and medium.

The project ships a default for each (documents/default_templates.toml); an
administrator's edited version, kept here, takes its place.
"""

from __future__ import annotations

from django.db import models

from caredesk.staff.models import StaffMember


class DocumentKind(models.TextChoices):
    ACKNOWLEDGEMENT = "acknowledgement", "Acknowledgement"
    OUT_OF_OFFICE = "out_of_office", "Out-of-office reply"
    HOLDING_REPLY = "holding_reply", "Holding reply"
    RESPONSE = "response", "Response"
    CALLING_CARD = "calling_card", "Calling card"
    # Written by an officer from the acknowledgement's words (its letter template), when
    # a complaint is acknowledged at a stage: framed like a response.
    COMPLAINT_ACKNOWLEDGEMENT = "complaint_acknowledgement", "Complaint acknowledgement"
    # Sent when an appointment is booked or moved, the day before it, and when we cancel
    # it (visits.telling), by the customer's preferred channel.
    APPOINTMENT_CONFIRMATION = "appointment_confirmation", "Appointment confirmation"
    APPOINTMENT_REMINDER = "appointment_reminder", "Appointment reminder"
    APPOINTMENT_CANCELLATION = "appointment_cancellation", "Appointment cancellation"
    # What was said and agreed at an interview, sent from its write-up (visits), in the
    # customer's format and language.
    INTERVIEW_SUMMARY = "interview_summary", "Interview summary"
    # A complaint declined for a reason the Code allows, with the right to go to the
    # Housing Ombudsman (complaints.refusals): the officer's words, framed.
    COMPLAINT_REFUSAL = "complaint_refusal", "Complaint not accepted"
    # A complaint's stage 1 or stage 2 response, made from its decisions (complaints.responses):
    # sending it is the response on the case, as a RESPONSE is.
    COMPLAINT_RESPONSE = "complaint_response", "Complaint response"
    # The written summary of a hazard's investigation to the tenant (Awaab's Law), from the
    # investigation's record (complaints.hazard_summaries).
    HAZARD_SUMMARY = "hazard_summary", "Hazard investigation summary"


class Medium(models.TextChoices):
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"


class DocumentTemplate(models.Model):
    """An administrator's wording for one kind of document in one medium. The subject
    and body are Django templates over plain values (see documents.rendering)."""

    kind = models.CharField(max_length=30, choices=DocumentKind.choices)
    medium = models.CharField(max_length=10, choices=Medium.choices)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        StaffMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "medium"], name="one_template_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_medium_display().lower()})"


class CaseLetter(models.Model):
    """A letter written on a case, signed by the officer who wrote it. Its formats (the
    printed letter, and large print, Braille or audio as the customer needs) are made
    by the worker and kept as CaseDocuments."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="letters")
    kind = models.CharField(max_length=30, choices=DocumentKind.choices)
    subject = models.CharField(max_length=300)
    body = models.TextField(help_text="The letter's text, as the template filled it in.")
    signed_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    # The signature as it was when the letter was written: a later change to the
    # officer's record (a new post) does not change a letter already sent.
    signed_name = models.CharField(max_length=200)
    signed_post_title = models.CharField(max_length=120)
    signed_phone = models.CharField(max_length=40, blank=True)
    signed_email = models.EmailField(blank=True)
    written_at = models.DateTimeField()
    formats_missing = models.TextField(
        blank=True, help_text="Formats the customer needs that this server could not make."
    )

    def __str__(self) -> str:
        return f"{self.get_kind_display()} letter: {self.subject}"


class DocumentFormat(models.TextChoices):
    STANDARD_PRINT = "standard_print", "Printed letter (PDF)"
    LARGE_PRINT = "large_print", "Large print (PDF)"
    BRAILLE = "braille", "Braille (BRF, for an embosser)"
    AUDIO = "audio", "Audio (MP3)"
    TRANSLATION = "translation", "Translation"
    SCAN = "scan", "Scan of a letter received"


class CaseDocument(models.Model):
    """A file kept on a case: a format of a letter, a translation, a scanned letter. The
    bytes are in the store (caredesk.core.store), found by their digest."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="documents")
    letter = models.ForeignKey(
        CaseLetter, null=True, blank=True, on_delete=models.CASCADE, related_name="documents"
    )
    format = models.CharField(max_length=20, choices=DocumentFormat.choices)
    language = models.CharField(max_length=60, blank=True, help_text="Blank: English.")
    file_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        StaffMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["letter", "format", "language"],
                condition=models.Q(letter__isnull=False),
                name="one_document_per_letter_format",
            )
        ]

    def __str__(self) -> str:
        return self.file_name


class TranslationStatus(models.TextChoices):
    REQUESTED = "requested", "With the translator"
    RETURNED = "returned", "Translation back, not yet sent"
    SENT = "sent", "Sent to the customer"


class TranslationRequest(models.Model):
    """A letter to be translated into the customer's language: a task with its own
    deadline (the policy's `translation` standard), met when the translation is sent."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="translation_requests"
    )
    letter = models.ForeignKey(
        CaseLetter, on_delete=models.CASCADE, related_name="translation_requests"
    )
    language = models.CharField(max_length=60)
    status = models.CharField(
        max_length=20, choices=TranslationStatus.choices, default=TranslationStatus.REQUESTED
    )
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    deadline = models.OneToOneField(
        "cases.Deadline",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="translation_request",
        help_text="Its own deadline: the policy's `translation` standard.",
    )
    document = models.OneToOneField(
        CaseDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["letter", "language"], name="one_translation_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.letter} into {self.language}"


class Snippet(models.Model):
    """A canned reply an administrator keeps for officers to insert into a reply: a
    title, and text with the same values a template may use (documents.snippets)."""

    title = models.CharField(max_length=120, unique=True)
    text = models.TextField()
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        StaffMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return self.title
