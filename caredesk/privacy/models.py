"""The privacy app's records. Each kind of record is in its own section below."""

from __future__ import annotations

from django.db import models

from caredesk.cases.models import Case
from caredesk.staff.models import StaffMember

# -- Personal data breaches (privacy.breaches) ------------------------------------------


class BreachData(models.TextChoices):
    """The kinds of personal data a breach touched (the ICO's breach report form asks)."""

    CONTACT = "contact", "Names, addresses and contact details"
    IDENTITY = "identity", "Identity documents or numbers (National Insurance, passport)"
    FINANCIAL = "financial", "Financial: bank details, rent account, benefits"
    TENANCY = "tenancy", "Tenancy and housing records"
    HEALTH = "health", "Health or disability (special category)"
    SPECIAL = "special", "Other special category: ethnic origin, religion, sexual orientation"
    CRIMINAL = "criminal", "Criminal offences, or allegations of antisocial behaviour"
    SAFEGUARDING = "safeguarding", "Vulnerability and safeguarding"
    CHILDREN = "children", "Children's data"
    SIGN_IN = "sign_in", "Passwords or other sign-in details"
    OTHER = "other", "Other"


class BreachLikelihood(models.TextChoices):
    """How likely harm to the people affected is."""

    REMOTE = "remote", "Remote"
    POSSIBLE = "possible", "Possible"
    LIKELY = "likely", "Likely"


class BreachSeverity(models.TextChoices):
    """How bad the harm to the people affected would be."""

    MINIMAL = "minimal", "Minimal"
    SIGNIFICANT = "significant", "Significant"
    SEVERE = "severe", "Severe"


class BreachRisk(models.TextChoices):
    """The risk to people's rights and freedoms (UK GDPR Articles 33 and 34): unlikely,
    not reported to the ICO; a risk, reported; a high risk, reported and the people
    affected told without undue delay."""

    UNLIKELY = "unlikely", "Unlikely to result in a risk to people's rights and freedoms"
    RISK = "risk", "A risk to people's rights and freedoms"
    HIGH = "high", "A high risk to people's rights and freedoms"


class BreachDecision(models.TextChoices):
    REPORTED = "reported", "Reported to the ICO"
    NOT_REPORTED = "not_reported", "Not reported to the ICO"


class Breach(models.Model):
    """A personal data breach: its case (kind personal_data_breach, received when the
    landlord became aware, which starts the 72 hours), what happened, the assessment of
    the risk, the decision to report it to the ICO or not, and whether the people
    affected were told (Article 34). The breach log is these rows."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="breach")
    became_aware_at = models.DateTimeField()
    reported_by = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, related_name="breaches_reported"
    )
    reported_at = models.DateTimeField()  # when it was written down here
    what_happened = models.TextField()
    how_discovered = models.TextField(blank=True)
    # the assessment (the data protection officer's)
    data_categories = models.JSONField(default=list, blank=True)  # BreachData values
    data_affected = models.TextField(blank=True)
    people_affected_count = models.PositiveIntegerField(null=True, blank=True)
    people_affected = models.TextField(blank=True)  # who: tenants, staff, children...
    risk_likelihood = models.CharField(max_length=20, choices=BreachLikelihood.choices, blank=True)
    risk_severity = models.CharField(max_length=20, choices=BreachSeverity.choices, blank=True)
    risk = models.CharField(max_length=20, choices=BreachRisk.choices, blank=True)
    risk_reasoning = models.TextField(blank=True)
    containment = models.TextField(blank=True)
    assessed_at = models.DateTimeField(null=True, blank=True)
    assessed_by = models.ForeignKey(
        StaffMember, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # the decision (UK GDPR Article 33(1), (5))
    decision = models.CharField(max_length=20, choices=BreachDecision.choices, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)  # reported, or decided not to
    decided_by = models.ForeignKey(
        StaffMember, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reported_to_ico_at = models.DateTimeField(null=True, blank=True)
    ico_reference = models.CharField(max_length=50, blank=True)
    decided_not_to_report_at = models.DateTimeField(null=True, blank=True)
    not_reported_reason = models.TextField(blank=True)
    delay_reason = models.TextField(blank=True)  # decided after the 72 hours: why
    # telling the people affected (UK GDPR Article 34)
    people_told_at = models.DateTimeField(null=True, blank=True)
    people_told_how = models.TextField(blank=True)
    people_not_told_reason = models.TextField(blank=True)
    people_recorded_at = models.DateTimeField(null=True, blank=True)  # either of the two
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        StaffMember, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closing_note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="breach_decision_recorded_whole",
                condition=(
                    models.Q(decision="", decided_at__isnull=True)
                    | models.Q(decision="reported", reported_to_ico_at__isnull=False)
                    | (
                        models.Q(decision="not_reported", decided_not_to_report_at__isnull=False)
                        & ~models.Q(not_reported_reason="")
                    )
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"Breach {self.pk} ({self.case.reference})"

    @property
    def people_told_recorded(self) -> bool:
        return self.people_recorded_at is not None

    def data_category_labels(self) -> list[str]:
        labels = dict(BreachData.choices)
        return [str(labels.get(value, value)) for value in self.data_categories]
