"""Complaints as the Housing Ombudsman's Complaint Handling Code (2024) asks them to be
handled, and compliments.

A complaint is a case of the kind "complaint" (its deadlines, contacts and timeline are
the case's); `Complaint` keeps what the Code adds: the complaint defined in our words,
point by point, at each stage; who handles each stage; a refusal and its reason; and what
was learned (service area and root cause). The service request a complaint is about is
the case's `raised_from` (cases.complaint_offers).
"""

from __future__ import annotations

from django.db import models

from caredesk.cases.models import Case, ComplaintOutcome, Deadline
from caredesk.staff.models import StaffMember, Team

STAGES = (1, 2)


class Complaint(models.Model):
    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="complaint")
    outcome_wanted = models.TextField(
        blank=True, help_text="What the customer wants us to do to put it right."
    )
    service_area = models.CharField(max_length=60, blank=True)  # [complaints] service_areas
    root_cause = models.CharField(max_length=60, blank=True)  # [complaints] root_causes
    stage_1_handler = models.ForeignKey(
        StaffMember, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    stage_2_handler = models.ForeignKey(
        StaffMember, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Why stage 2 is handled by the person who handled stage 1 (a landlord too small for
    # anyone else), where the policy asks for someone else.
    same_handler_reason = models.TextField(blank=True)
    # When each stage was answered, and the decision (for the figures: complaints.figures)
    stage_1_answered_at = models.DateTimeField(null=True, blank=True)
    stage_1_outcome = models.CharField(max_length=20, choices=ComplaintOutcome.choices, blank=True)
    stage_2_answered_at = models.DateTimeField(null=True, blank=True)
    stage_2_outcome = models.CharField(max_length=20, choices=ComplaintOutcome.choices, blank=True)
    refused_at = models.DateTimeField(null=True, blank=True)
    refused_by = models.ForeignKey(
        StaffMember, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    refusal_reason = models.CharField(max_length=60, blank=True)  # [complaints] exclusions
    refusal_explanation = models.TextField(blank=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Complaint {self.case}"

    def handler(self, stage: int) -> StaffMember | None:
        return self.stage_2_handler if stage == 2 else self.stage_1_handler


class ComplaintPoint(models.Model):
    """One point of the complaint as we defined it at a stage, and, once answered, our
    decision on it with the reasons (the Code: a response addresses every point)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="points")
    stage = models.PositiveSmallIntegerField()
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    decision = models.CharField(max_length=20, choices=ComplaintOutcome.choices, blank=True)
    reasons = models.TextField(blank=True)

    class Meta:
        ordering = ["stage", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "stage", "number"], name="one_point_per_number"
            ),
            models.CheckConstraint(
                condition=models.Q(stage__in=STAGES), name="complaint_point_stage"
            ),
        ]

    def __str__(self) -> str:
        return f"Stage {self.stage}, point {self.number}: {self.text[:40]}"


class Compliment(models.Model):
    """Praise for a service, a member of staff or a team: passed on to them, and counted."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="compliment")
    staff = models.ManyToManyField(StaffMember, blank=True, related_name="compliments")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="compliments"
    )
    service_area = models.CharField(max_length=60, blank=True)
    what_they_said = models.TextField()
    recorded_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    passed_on_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Compliment {self.case}"


class PromiseKind(models.TextChoices):
    """What a response promised: a remedy (to put right what went wrong) or an action
    still to be done. Each is a deadline of the policy's standards that start on it
    (Halton: complaint_remedy, complaint_action), due on the date promised, that
    outlives the case."""

    REMEDY = "remedy", "Remedy"
    ACTION = "action", "Outstanding action"


class ComplaintPromise(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="promises")
    stage = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=PromiseKind.choices)
    what = models.CharField(max_length=500)
    owner = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    deadline = models.OneToOneField(
        Deadline,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaint_promise",
    )
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        StaffMember, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["stage", "due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.what} (by {self.due_on})"


# -- hazards (Awaab's Law) -------------------------------------------------------------


class HazardSeverity(models.TextChoices):
    """How bad a hazard is, as the Regulations sort them: an emergency (an imminent risk of
    significant harm) or a significant hazard (a significant risk of harm)."""

    EMERGENCY = "emergency", "Emergency: an imminent risk of significant harm"
    SIGNIFICANT = "significant", "Significant: a significant risk of harm"


class Hazard(models.Model):
    """A hazard in a customer's home we were told of (Awaab's Law: The Hazards in Social
    Housing (Prescribed Requirements) (England) Regulations 2025). The clock starts when
    we became aware: the time of the contact that told us. Each step the Regulations set
    is a `HazardStep` with its deadline; it runs beside any complaint on the case."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="hazards")
    contact = models.ForeignKey(
        "cases.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hazard_type = models.CharField(max_length=60)  # [hazards] types key
    severity = models.CharField(max_length=20, choices=HazardSeverity.choices)
    where = models.CharField(max_length=200, blank=True, help_text="Where in the home.")
    description = models.TextField()
    aware_at = models.DateTimeField(help_text="When we became aware: the contact's time.")
    reported_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField()
    # Awaab's Law covers it (its type's phase had begun, or an emergency): its steps are
    # timed. A hazard it does not cover yet is still recorded and dealt with.
    covered = models.BooleanField(default=True)
    investigated_at = models.DateTimeField(null=True, blank=True)
    investigated_by = models.ForeignKey(
        StaffMember, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    findings = models.TextField(blank=True)
    significant = models.BooleanField(
        null=True, help_text="The investigation's finding: a significant risk of harm."
    )
    decant_offered_at = models.DateTimeField(null=True, blank=True)
    decant_details = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_reason = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["aware_at"], name="hazards_by_awareness")]

    def __str__(self) -> str:
        return f"{self.get_severity_display()} hazard on {self.case}"


class HazardStep(models.Model):
    """One step the Regulations time (investigate, make safe, write to the tenant, begin
    the safety work, begin further work): the deadline of the policy's standard for it,
    and when it was done, by whom, with what note."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="steps")
    standard_key = models.CharField(max_length=60)
    deadline = models.OneToOneField(
        Deadline, null=True, blank=True, on_delete=models.SET_NULL, related_name="hazard_step"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        StaffMember, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    done_source = models.CharField(max_length=20, blank=True)  # "desk" or "repairs system"
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["hazard", "standard_key"], name="one_step_per_standard")
        ]

    def __str__(self) -> str:
        return f"{self.standard_key} of {self.hazard}"


class AccessOutcome(models.TextChoices):
    IN = "in", "Got in"
    NO_ANSWER = "no_answer", "Nobody answered"
    REFUSED = "refused", "Access refused"
    RESCHEDULED = "rescheduled", "Put off at the tenant's request"


class HazardAccessAttempt(models.Model):
    """Every attempt to get into the home, logged: the Regulations' timescales allow for a
    tenant who will not give access only if each attempt is recorded."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="access_attempts")
    at = models.DateTimeField()
    outcome = models.CharField(max_length=20, choices=AccessOutcome.choices)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} at {self.at:%Y-%m-%d %H:%M}"


class HazardEvidence(models.Model):
    """A photograph or document of the investigation, kept in the file store."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="evidence")
    sha256 = models.CharField(max_length=64)
    file_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    added_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.file_name


class WebhookStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Not sent: the repairs system kept refusing it"
    NOT_SET_UP = "not_set_up", "Not sent: no repairs system is set up"


class HazardWebhook(models.Model):
    """A signed message to the repairs system about a hazard: reported, or a step started
    with its due time. Claimed before it is sent (pending, sending, sent), so each goes
    once however many workers run."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="webhooks")
    event = models.CharField(max_length=40)  # "hazard.reported", "hazard.step_started"
    payload = models.JSONField()
    created_at = models.DateTimeField()
    status = models.CharField(
        max_length=20, choices=WebhookStatus.choices, default=WebhookStatus.PENDING
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(status__in=["pending", "sending"]),
                name="hazard_webhooks_to_send",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} for hazard {self.hazard_id}: {self.get_status_display()}"


# -- The annual complaints performance and service improvement report (the Code, 8) ------


class AnnualComplaintsReport(models.Model):
    """The report for one year of the Tenant Satisfaction Measures (1 April `year` to 31
    March `year` + 1): the learning and improvements written for it, the governing body's
    response, and whether it is published (then readable at a public address)."""

    year = models.PositiveSmallIntegerField(unique=True)
    learning = models.TextField(blank=True)
    governing_body_response = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        StaffMember, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"Annual complaints report {self.year} to {self.year + 1}"


class CodeSelfAssessment(models.Model):
    """One provision of the Code, for one year's report: whether we comply, the evidence
    and our commentary (complaints.code_provisions lists the provisions)."""

    report = models.ForeignKey(
        AnnualComplaintsReport, on_delete=models.CASCADE, related_name="assessments"
    )
    provision = models.CharField(max_length=8)  # "5.10"
    complies = models.BooleanField()
    evidence = models.TextField(blank=True)
    commentary = models.TextField(blank=True)
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "provision"], name="one_assessment_each")
        ]

    def __str__(self) -> str:
        return f"{self.report.year}, {self.provision}: {'complies' if self.complies else 'not'}"


class AnnualReportChange(models.Model):
    """Who changed what in a year's report, and when: each self-assessment saved, the
    learning or the governing body's response written, the report published or
    withdrawn."""

    report = models.ForeignKey(
        AnnualComplaintsReport, on_delete=models.CASCADE, related_name="changes"
    )
    provision = models.CharField(max_length=8, blank=True)
    what = models.CharField(max_length=300)
    by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.by}: {self.what}"
