"""The privacy app's records. Each kind of record is in its own section below."""

from __future__ import annotations

from django.db import models

from caredesk.cases.models import Case
from caredesk.customers.models import Matter
from caredesk.staff.models import StaffMember

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


# -- Disclosures to third parties (Stonewall Housing 3.6: "requests for personal
# information from ... third parties, and guidelines for giving out information") --------


class RequesterKind(models.TextChoices):
    POLICE = "police", "The police"
    COUNCIL = "council", "A council"
    LANDLORD = "landlord", "Another landlord"
    REPRESENTATIVE = "representative", "An advocate or representative of the customer"
    COURT = "court", "A court or tribunal"
    UTILITY = "utility", "A utility company"
    OTHER = "other", "Someone else"


class LawfulBasis(models.TextChoices):
    """The UK GDPR Article 6 basis a disclosure relies on, or the customer's own
    authority given to their representative."""

    REPRESENTATIVE = "representative", "The customer's representative, acting with their authority"
    CONSENT = "consent", "Consent: the customer agreed to this disclosure (Article 6(1)(a))"
    CONTRACT = "contract", "Contract: needed for the customer's tenancy or lease (Article 6(1)(b))"
    LEGAL_OBLIGATION = "legal_obligation", "Legal obligation: the law requires it (Article 6(1)(c))"
    VITAL_INTERESTS = (
        "vital_interests",
        "Vital interests: to protect someone's life (Article 6(1)(d))",
    )
    PUBLIC_TASK = "public_task", "Public task (Article 6(1)(e))"
    LEGITIMATE_INTERESTS = "legitimate_interests", "Legitimate interests (Article 6(1)(f))"


class Exemption(models.TextChoices):
    """Where relevant, the Data Protection Act 2018 exemption also relied on."""

    NONE = "", "None"
    CRIME_TAXATION = "crime_taxation", "Crime and taxation: DPA 2018 Schedule 2 paragraph 2"
    REQUIRED_BY_LAW = (
        "required_by_law",
        "Required by law or a court order: DPA 2018 Schedule 2 paragraph 5(1) and (2)",
    )
    LEGAL_PROCEEDINGS = (
        "legal_proceedings",
        "Legal proceedings and advice: DPA 2018 Schedule 2 paragraph 5(3)",
    )
    SAFEGUARDING = (
        "safeguarding",
        "Safeguarding a child or an adult at risk: DPA 2018 Schedule 1 paragraph 18",
    )


class DisclosureDecision(models.TextChoices):
    FULL = "full", "Disclose in full"
    PART = "part", "Disclose in part"
    REFUSE = "refuse", "Refuse"


class DisclosureRequest(models.Model):
    """A request from a third party for a customer's personal information, logged by
    any caseworker for the data protection officer, and the officer's decision: the
    lawful basis, disclose in full, in part, or refuse, why, and what was disclosed.
    Written through privacy.disclosures."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="disclosure_requests"
    )
    requester_kind = models.CharField(max_length=20, choices=RequesterKind.choices)
    requester_name = models.CharField(max_length=200)
    requester_organisation = models.CharField(max_length=200, blank=True)
    # A request from someone the customer authorised: checked against that authority
    representative = models.ForeignKey(
        "customers.Representative",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disclosure_requests",
    )
    matter = models.CharField(max_length=20, choices=Matter.choices)
    asked = models.TextField(help_text="What was asked for, in the requester's words.")
    received_at = models.DateTimeField()
    logged_at = models.DateTimeField()
    logged_by = models.ForeignKey("staff.StaffMember", on_delete=models.PROTECT, related_name="+")

    decision = models.CharField(max_length=10, choices=DisclosureDecision.choices, blank=True)
    basis = models.CharField(max_length=30, choices=LawfulBasis.choices, blank=True)
    exemption = models.CharField(max_length=30, choices=Exemption.choices, blank=True)
    reason = models.TextField(blank=True)
    disclosed = models.TextField(blank=True, help_text="What was disclosed, if anything.")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        "staff.StaffMember", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["customer", "-received_at"]),
            models.Index(
                fields=["received_at"],
                condition=models.Q(decided_at__isnull=True),
                name="disclosure_open_by_received",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decided_at__isnull=True, decision="", decided_by__isnull=True)
                | (
                    models.Q(decided_at__isnull=False, decided_by__isnull=False)
                    & ~models.Q(decision="")
                ),
                name="disclosure_decision_whole",
            ),
            models.CheckConstraint(
                condition=models.Q(decision__in=["", "refuse"]) | ~models.Q(basis=""),
                name="disclosure_has_a_basis",
            ),
        ]

    def __str__(self) -> str:
        return f"Request {self.pk} from {self.requester_name} about customer {self.customer_id}"

    @property
    def requester(self) -> str:
        org = self.requester_organisation
        return f"{self.requester_name}, {org}" if org else self.requester_name


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


# -- Erasure and the retention schedule (privacy.erasure, privacy.retention) ---------------


class ErasureBasis(models.TextChoices):
    REQUEST = "request", "The customer asked for their data to be erased"
    RETENTION = "retention", "The retention schedule"


class Erasure(models.Model):
    """A customer's personal data erased: when, on what basis, by whom, and how many rows
    of each kind were cleared. It names nobody: the customer row it points to is itself
    erased, kept without the person for the figures."""

    customer = models.OneToOneField(
        "customers.Customer", on_delete=models.PROTECT, related_name="erasure"
    )
    at = models.DateTimeField()
    basis = models.CharField(max_length=20, choices=ErasureBasis.choices)
    by = models.ForeignKey(
        StaffMember, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    request = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # {"mail.inboundemail": 3, ...}: rows cleared of each kind, and the store's files
    # removed once it committed (both for one customer's erasure; a retention chunk's
    # are not shared out among its customers).
    rows = models.JSONField(default=dict, blank=True)
    files_removed = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"Erasure of customer {self.customer_id} at {self.at}"


class RetentionRun(models.Model):
    """One run of the retention schedule (privacy.retention), or a dry run of it: what
    each rule found past its time, and what was done."""

    at = models.DateTimeField()
    dry_run = models.BooleanField()
    by = models.ForeignKey(
        StaffMember, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # {"closed_cases": {"due": 12, "done": 12, "held": 3, "kept_since": "..."}, ...}
    rules = models.JSONField(default=dict)
    seconds = models.FloatField(default=0)
    finished = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["-at"])]

    def __str__(self) -> str:
        return f"{'Dry run' if self.dry_run else 'Run'} of the retention schedule at {self.at}"


# -- Who read what: unusual reading of customers' records (privacy.reading_alerts) -------


class ReadsChecked(models.Model):
    """How far the worker has looked through the read log (customers.CustomerAccess) for
    unusual reading: one row, moved on by a conditional UPDATE from the value read, so
    two workers never look at the same span."""

    up_to = models.DateTimeField()

    def __str__(self) -> str:
        return f"Reads checked up to {self.up_to}"


class UnexplainedRead(models.Model):
    """A customer whose record a member of staff opened in a window with no reason
    (privacy.read_log: no case of theirs or their team's): what the alerts count, one
    row per customer for each span the worker looked at (count them distinct). Kept
    with the read log's own rows."""

    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="unexplained_reads"
    )
    window_starts = models.DateTimeField()
    first_read_at = models.DateTimeField()  # of the span looked at
    no_case_at_all = models.BooleanField()  # no case with anyone either

    class Meta:
        indexes = [models.Index(fields=["staff", "window_starts"])]

    def __str__(self) -> str:
        return f"{self.staff_id} read {self.customer_id} with no case at {self.first_read_at}"


class ReadingAlert(models.Model):
    """Unusual reading by one member of staff in one window, raised once to the data
    protection officers, and what the officer found when they looked into it."""

    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    window_starts = models.DateTimeField()
    window_ends = models.DateTimeField()
    raised_at = models.DateTimeField()
    # when it was raised: different customers read with no case of theirs or their
    # team's, and of those, how many had no case with anyone
    customers = models.PositiveIntegerField()
    no_case_at_all = models.PositiveIntegerField()
    looked_into_at = models.DateTimeField(null=True, blank=True)
    looked_into_by = models.ForeignKey(
        StaffMember, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "window_starts"], name="reading_alert_once_a_window"
            ),
            models.CheckConstraint(
                condition=models.Q(looked_into_at__isnull=True, looked_into_by__isnull=True)
                | models.Q(looked_into_at__isnull=False, looked_into_by__isnull=False),
                name="reading_alert_looked_into_whole",
            ),
        ]
        indexes = [
            models.Index(
                fields=["window_starts"],
                condition=models.Q(looked_into_at__isnull=True),
                name="reading_alerts_open",
            )
        ]

    def __str__(self) -> str:
        return f"Reading by {self.staff} from {self.window_starts}"


# -- Answering a request to correct or to restrict (UK GDPR Articles 16 and 18) ------------


class AnswerHow(models.TextChoices):
    """How an answer to a request went to the person who made it."""

    EMAIL = "email", "By email"
    LETTER = "letter", "By letter"
    IN_PERSON = "in_person", "In person, with a copy in writing"


class RightsOutcome(models.TextChoices):
    CORRECTED = "corrected", "Corrected"
    RESTRICTED = "restricted", "Restricted"
    REFUSED = "refused", "Refused"


class RightsAnswer(models.Model):
    """The answer to a customer's request to correct their data (rectification) or to
    restrict its use: done, or refused with the reason and their right to complain to the
    ICO (UK GDPR Article 12(4)), and how it was sent. Sending it is the response on the
    case, which meets the request's deadline (privacy.rights)."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="rights_answer")
    outcome = models.CharField(max_length=20, choices=RightsOutcome.choices)
    said = models.TextField(help_text="What was done, or why not: the customer reads it.")
    told_of_ico = models.BooleanField(default=False)
    how = models.CharField(max_length=20, choices=AnswerHow.choices)
    answered_at = models.DateTimeField()
    answered_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(outcome="refused") | models.Q(told_of_ico=True),
                name="rights_refusal_tells_of_the_ico",
            ),
        ]

    def __str__(self) -> str:
        return f"Answer to {self.case}: {self.outcome}"


# -- Requests for information: STAIRs and Freedom of Information, and their review ---------


class InformationDecision(models.TextChoices):
    GIVEN = "given", "Given in full"
    PART = "part", "Given in part, the rest refused"
    REFUSED = "refused", "Refused"
    NOT_HELD = "not_held", "Not held: we do not have the information"


class ReviewOutcome(models.TextChoices):
    UPHELD = "upheld", "Upheld: the decision stands"
    OVERTURNED = "overturned", "Overturned: more information is given"


class InformationRequest(models.Model):
    """A request for information under STAIRs or the Freedom of Information Act (a case of
    that kind): the decision (the information given, or refused with the reason: an
    exemption or exception) and how it was sent, which meets the request's deadline; then
    the review the requester may ask for (its own deadline, `information_review`), decided
    by someone other than the first decision-maker: upheld, or overturned with what was
    then given. Written through privacy.information."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="information_request")
    decision = models.CharField(max_length=20, choices=InformationDecision.choices, blank=True)
    given = models.TextField(blank=True, help_text="What was given, and in what form.")
    refused_under = models.CharField(max_length=200, blank=True)  # the exemption or exception
    reason = models.TextField(blank=True)  # why it was refused, in plain words
    how = models.CharField(max_length=20, choices=AnswerHow.choices, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # the review
    review_asked_at = models.DateTimeField(null=True, blank=True)
    review_grounds = models.TextField(blank=True)  # why they ask, in their words
    review_logged_by = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_outcome = models.CharField(max_length=20, choices=ReviewOutcome.choices, blank=True)
    review_given = models.TextField(blank=True)  # what was then given, if overturned
    review_reason = models.TextField(blank=True)  # why the decision stands, or what changed
    review_how = models.CharField(max_length=20, choices=AnswerHow.choices, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="information_decision_whole",
                condition=models.Q(decision="", decided_at__isnull=True, decided_by__isnull=True)
                | (
                    models.Q(decided_at__isnull=False, decided_by__isnull=False)
                    & ~models.Q(decision="")
                    & ~models.Q(how="")
                ),
            ),
            models.CheckConstraint(
                name="information_refusal_has_a_reason",
                condition=models.Q(decision__in=["", "given"]) | ~models.Q(reason=""),
            ),
            models.CheckConstraint(
                name="information_review_after_the_decision",
                condition=models.Q(review_asked_at__isnull=True)
                | models.Q(decided_at__isnull=False),
            ),
            models.CheckConstraint(
                name="information_review_whole",
                condition=models.Q(
                    review_outcome="", reviewed_at__isnull=True, reviewed_by__isnull=True
                )
                | (
                    models.Q(
                        review_asked_at__isnull=False,
                        reviewed_at__isnull=False,
                        reviewed_by__isnull=False,
                    )
                    & ~models.Q(review_outcome="")
                    & ~models.Q(review_how="")
                ),
            ),
            models.CheckConstraint(
                name="information_reviewed_by_someone_else",
                condition=models.Q(reviewed_by__isnull=True)
                | ~models.Q(reviewed_by=models.F("decided_by")),
            ),
        ]

    def __str__(self) -> str:
        return f"Request for information on {self.case}"
