from __future__ import annotations

import re
from datetime import date, timedelta

from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from caredesk.core.phones import phone_key as phone_key  # customers' and calls' one key


class CustomerType(models.TextChoices):
    TENANT = "tenant", "Tenant"
    LEASEHOLDER = "leaseholder", "Leaseholder"
    SHARED_OWNER = "shared_owner", "Shared owner"
    LICENSEE = "licensee", "Licensee"
    APPLICANT = "applicant", "Applicant"
    ADVICE_CLIENT = "advice_client", "Advice client"
    EXTERNAL_AGENCY = "external_agency", "External agency"
    PARTNER = "partner", "Partner"
    OTHER = "other", "Other"


class ContactChannel(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    TEXT_MESSAGE = "text_message", "Text message"
    VISIT = "visit", "Visit"


class AccessibleFormat(models.TextChoices):
    STANDARD = "standard", "Standard print"
    LARGE_PRINT = "large_print", "Large print"
    BRAILLE = "braille", "Braille"
    AUDIO = "audio", "Audio"
    EASY_READ = "easy_read", "Easy read"


class HomeVisitReason(models.TextChoices):
    PREFERENCE = "preference", "Their preference"
    ILLNESS = "illness", "Illness"
    DISABILITY = "disability", "Disability"


def postcode_key(postcode: str) -> str:
    return re.sub(r"\s+", "", postcode).upper()


class Customer(models.Model):
    """Anyone who uses the landlord's services, with how they want to be dealt with."""

    customer_type = models.CharField(max_length=20, choices=CustomerType.choices)
    title = models.CharField(max_length=20, blank=True)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True, db_index=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True, help_text="The address lines, one to a line.")
    postcode = models.CharField(max_length=10, blank=True)
    uprn = models.CharField(
        "UPRN",
        max_length=12,
        blank=True,
        validators=[RegexValidator(r"^\d{1,12}$", "A UPRN is up to 12 digits.")],
        help_text="The property's Unique Property Reference Number, if known.",
    )
    external_reference = models.CharField(
        max_length=60,
        blank=True,
        help_text="The customer's reference in the housing management system.",
    )
    # Normalised for search: "wa7 1ab" finds "WA7 1AB"; "+44 151..." finds "0151...".
    postcode_search = models.CharField(max_length=10, blank=True, db_index=True, editable=False)
    phone_search = models.CharField(max_length=20, blank=True, db_index=True, editable=False)

    preferred_channel = models.CharField(max_length=20, choices=ContactChannel.choices, blank=True)
    preferred_times = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=60, blank=True, help_text="Blank means English.")
    accessible_format = models.CharField(
        max_length=20, choices=AccessibleFormat.choices, default=AccessibleFormat.STANDARD
    )
    interpreter_needed = models.BooleanField(default=False)
    home_visits_needed = models.BooleanField(default=False)
    home_visit_reason = models.CharField(max_length=20, choices=HomeVisitReason.choices, blank=True)
    same_sex_interviewer = models.BooleanField(default=False)

    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(null=True, blank=True)
    # A record merged into another is kept as a tombstone pointing at the one kept.
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from"
    )
    # Erased (privacy.erasure): the row stays, without the person, for the figures.
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["last_name", "first_name"])]
        constraints = [
            models.UniqueConstraint(
                fields=["external_reference"],
                condition=~models.Q(external_reference=""),
                name="customer_external_reference_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.postcode_search = postcode_key(self.postcode)
        self.phone_search = phone_key(self.phone)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def name(self) -> str:
        person = " ".join(part for part in (self.title, self.first_name, self.last_name) if part)
        return person or self.organisation or f"Customer {self.pk}"


class CustomerEventKind(models.TextChoices):
    CREATED = "created", "Created"
    CHANGED = "changed", "Changed"
    MERGED_INTO = "merged_into", "Merged into another record"
    MERGED_FROM = "merged_from", "Another record merged into this one"
    ERASED = "erased", "Personal data erased"


class CustomerEventSource(models.TextChoices):
    DESK = "desk", "The desk"
    IMPORT = "import", "Housing management system import"
    API = "api", "API"
    RETENTION = "retention", "Retention schedule"


class CustomerEvent(models.Model):
    """One change to a customer's record: who, what (each field before and after), when.

    `changes` maps a field's name to {"before": ..., "after": ...}; `other` is the record
    merged into this one, or this one was merged into."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=CustomerEventKind.choices)
    source = models.CharField(max_length=10, choices=CustomerEventSource.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(
        "staff.StaffMember", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changes = models.JSONField(default=dict, blank=True)
    other = models.ForeignKey(
        Customer, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The customer's request to correct their data that the change answers (a case's
    # reference: customers sits below cases, so it names the case, and privacy lists
    # the changes made under it).
    request_reference = models.CharField(max_length=20, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["customer", "-at"]),
            models.Index(
                fields=["request_reference"],
                condition=~models.Q(request_reference=""),
                name="customer_event_by_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: customer {self.customer_id} at {self.at}"


class CustomerAccess(models.Model):
    """One read of a customer's record by a member of staff: who, what, when (DESIGN 7)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="accesses")
    staff = models.ForeignKey("staff.StaffMember", on_delete=models.PROTECT)
    at = models.DateTimeField()
    what = models.CharField(max_length=200, help_text="What was seen, e.g. 'case HHT-2025-000123'.")

    class Meta:
        indexes = [
            models.Index(fields=["customer", "-at"]),
            models.Index(fields=["staff", "-at"]),
            # The data protection officer's read log over everyone (newest first), and the
            # worker's look at each span of reads (privacy.read_log, privacy.reading_alerts).
            models.Index(fields=["at"], name="customer_access_by_time"),
        ]
        verbose_name_plural = "customer accesses"

    def __str__(self) -> str:
        return f"{self.staff} read {self.what} at {self.at}"


class EqualityProfile(models.Model):
    """A customer's equality monitoring answers: special-category data (DESIGN 7).

    The answers are kept only with the customer's agreement, encrypted (Fernet) in one
    token: read and write them through caredesk.customers.equality, never this column.
    A customer who was asked and did not agree has a profile with `consent_given` false
    and nothing encrypted, so that nobody asks again without reason.
    """

    customer = models.OneToOneField(Customer, on_delete=models.CASCADE, related_name="equality")
    answers_encrypted = models.BinaryField(editable=False, blank=True, default=b"")
    consent_given = models.BooleanField(
        help_text="The customer agreed to their answers being kept for equality monitoring."
    )
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey("staff.StaffMember", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(consent_given=True) | models.Q(answers_encrypted=b""),
                name="equality_answers_only_with_consent",
            )
        ]

    def __str__(self) -> str:
        kept = "answers kept" if self.consent_given else "did not agree"
        return f"Equality monitoring of customer {self.customer_id}: {kept}"


class Vulnerability(models.TextChoices):
    """What in a household makes a hazard in the home more dangerous to them (the
    government's guidance on damp and mould, and on Awaab's Law, names these groups)."""

    YOUNG_CHILD = "young_child", "A baby or a child under 5"
    OLDER_PERSON = "older_person", "Someone aged 65 or over"
    PREGNANCY = "pregnancy", "Someone who is pregnant"
    BREATHING = "breathing", "A lung or breathing condition, such as asthma or COPD"
    IMMUNE = "immune", "A weakened immune system, for example from cancer treatment"
    SKIN = "skin", "A skin condition, such as eczema"
    MENTAL_HEALTH = "mental_health", "A mental health condition"
    DISABILITY = "disability", "A disability or a long-term illness"


class HouseholdVulnerabilities(models.Model):
    """Who in the customer's household is more at risk from a hazard in the home, so that
    a hazard is judged with them in mind (Awaab's Law asks whether it puts *this*
    household's health or safety at significant risk).

    Health data: special category (DESIGN 7). Shown only on the customer page and the
    hazard pages, each showing logged as a read of the customer; read and write through
    caredesk.customers.vulnerabilities."""

    customer = models.OneToOneField(
        Customer, on_delete=models.CASCADE, related_name="household_vulnerabilities"
    )
    kinds = models.JSONField(default=list, blank=True, help_text="Vulnerability values.")
    notes = models.TextField(blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey("staff.StaffMember", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name_plural = "household vulnerabilities"

    def __str__(self) -> str:
        return f"Household vulnerabilities of customer {self.customer_id}"


# -- Consent (Stonewall 3.5.3: "consent, preferably written") ------------------------------


class ConsentPurpose(models.TextChoices):
    """What a customer agreed to, in words the landlord and the customer both use."""

    SERVICES = "services", "Keeping their personal information to provide our services"
    PARTNER_SHARING = "partner_sharing", "Sharing their information with named partner agencies"
    TEXT_MESSAGES = "text_messages", "Contacting them by text message"
    MARKETING = "marketing", "Marketing and newsletters"
    SURVEYS = "surveys", "Taking part in surveys"
    CALL_RECORDING = "call_recording", "Being recorded on calls"
    OTHER = "other", "Something else"


class ConsentHow(models.TextChoices):
    """How a customer told us: given, or withdrawn."""

    WRITTEN = "written", "In writing"
    VERBAL = "verbal", "Verbally, in person or on the phone"
    ONLINE = "online", "Online"


class ConsentEnd(models.TextChoices):
    """How a consent stopped being the current one."""

    WRITTEN = "written", "Withdrawn in writing"
    VERBAL = "verbal", "Withdrawn verbally, in person or on the phone"
    ONLINE = "online", "Withdrawn online"
    # Two records of one customer merged, each with a current consent for the purpose:
    # the one given later stays current (customers.consent.consents_before_merge).
    SUPERSEDED = "superseded", "Replaced by a later consent when two records were merged"


class Consent(models.Model):
    """One consent a customer gave, for one purpose, and its withdrawal. At most one is
    current (not withdrawn) per customer and purpose (per "something else" they name);
    withdrawn ones are kept as history. Written and read through customers.consent."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(max_length=20, choices=ConsentPurpose.choices)
    details = models.CharField(
        max_length=300,
        blank=True,
        help_text="The partner agencies named, or what 'something else' is.",
    )
    given_how = models.CharField(max_length=10, choices=ConsentHow.choices)
    given_at = models.DateTimeField()
    evidence = models.CharField(max_length=500, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey("staff.StaffMember", on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_how = models.CharField(max_length=12, choices=ConsentEnd.choices, blank=True)
    withdrawal_evidence = models.CharField(max_length=500, blank=True)
    withdrawal_recorded_at = models.DateTimeField(null=True, blank=True)
    withdrawal_recorded_by = models.ForeignKey(
        "staff.StaffMember", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["customer", "-given_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "purpose"],
                condition=models.Q(withdrawn_at__isnull=True) & ~models.Q(purpose="other"),
                name="consent_one_current_per_purpose",
            ),
            models.UniqueConstraint(
                fields=["customer", "details"],
                condition=models.Q(withdrawn_at__isnull=True, purpose="other"),
                name="consent_one_current_per_other_purpose",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(
                        withdrawn_at__isnull=True,
                        withdrawn_how="",
                        withdrawal_recorded_at__isnull=True,
                    )
                    | (
                        models.Q(withdrawn_at__isnull=False, withdrawal_recorded_at__isnull=False)
                        & ~models.Q(withdrawn_how="")
                    )
                ),
                name="consent_withdrawal_whole",
            ),
        ]

    def __str__(self) -> str:
        state = "withdrawn" if self.withdrawn_at else "current"
        return f"Consent of customer {self.customer_id} to {self.purpose} ({state})"

    @property
    def purpose_words(self) -> str:
        if self.purpose == ConsentPurpose.OTHER:
            return self.details
        label = str(ConsentPurpose(self.purpose).label)
        return f"{label}: {self.details}" if self.details else label


# -- Representatives: someone the customer has authorised to act for them ------------------


class RepresentativeKind(models.TextChoices):
    ADVOCATE = "advocate", "An advocate"
    FAMILY = "family", "A family member"
    FRIEND = "friend", "A friend or neighbour"
    SOLICITOR = "solicitor", "A solicitor"
    COUNCILLOR_MP = "councillor_mp", "A councillor or MP"
    SUPPORT_WORKER = "support_worker", "A support worker or social worker"
    ADVICE_AGENCY = "advice_agency", "An advice agency, such as Citizens Advice"
    OTHER = "other", "Someone else"


class AuthorityGiven(models.TextChoices):
    """How the customer gave the authority (or how the law gave it)."""

    WRITTEN = "written", "In writing, signed by the customer"
    VERBAL = "verbal", "Verbally, in person or on the phone"
    ONLINE = "online", "Online"
    POWER_OF_ATTORNEY = "power_of_attorney", "A lasting or enduring power of attorney"
    COURT_ORDER = "court_order", "A court order, such as a Court of Protection deputyship"


class Matter(models.TextChoices):
    """What a representative may deal with for the customer, and what a request for
    information is about: the same list, so whether one covers the other is plain."""

    RENT = "rent", "Rent, service charges and arrears"
    BENEFITS = "benefits", "Housing Benefit and Universal Credit"
    REPAIRS = "repairs", "Repairs and the condition of the home"
    TENANCY = "tenancy", "Their tenancy or lease"
    ANTISOCIAL = "antisocial", "Anti-social behaviour"
    COMPLAINTS = "complaints", "Complaints"
    SUPPORT = "support", "Support and wellbeing"
    MOVING = "moving", "Applications and moving home"
    OTHER = "other", "Something else"


class Representative(models.Model):
    """Someone a customer has authorised to act for them: who, for what (everything, or
    the matters named), how the authority was given, from when until when, and its
    revocation. In force from `starts_at` up to, not including, `ends_at` and
    `revoked_at` (customers.representatives.authority_in_force)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="representatives")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=RepresentativeKind.choices)
    relationship = models.CharField(
        max_length=200, blank=True, help_text="Their relationship or organisation."
    )
    covers_everything = models.BooleanField()
    matters = models.JSONField(default=list, blank=True, help_text="Matter values.")
    given_how = models.CharField(max_length=20, choices=AuthorityGiven.choices)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    evidence = models.CharField(max_length=500, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey("staff.StaffMember", on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        "staff.StaffMember", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revocation_evidence = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [models.Index(fields=["customer", "-starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True)
                | models.Q(ends_at__gt=models.F("starts_at")),
                name="representative_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True, revoked_by__isnull=True)
                | models.Q(revoked_at__isnull=False, revoked_by__isnull=False),
                name="representative_revocation_whole",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}, representative of customer {self.customer_id}"

    @property
    def last_day(self) -> date | None:
        """The last office day the authority is in force to the end of (None: no end)."""
        if self.ends_at is None:
            return None
        return timezone.localtime(self.ends_at - timedelta(microseconds=1)).date()


# -- Restricting the use of a customer's data (UK GDPR Article 18) -------------------------


class RestrictionGround(models.TextChoices):
    """Why the use of the customer's data is restricted: the four cases of Article 18(1)."""

    ACCURACY = (
        "accuracy",
        "They say their data is wrong, and we are checking it (Article 18(1)(a))",
    )
    UNLAWFUL = (
        "unlawful",
        "Our use of it is unlawful, and they want it kept but not used rather than erased "
        "(Article 18(1)(b))",
    )
    LEGAL_CLAIMS = (
        "legal_claims",
        "We no longer need it, but they need it kept for a legal claim (Article 18(1)(c))",
    )
    OBJECTION = (
        "objection",
        "They object to our use of it, and we are checking whether our reasons override "
        "theirs (Article 18(1)(d))",
    )


class Restriction(models.Model):
    """A restriction on the use of a customer's data (UK GDPR Article 18): while it is in
    force (not lifted) their data is kept but not otherwise used without their consent;
    the customer page and their cases' pages say so, and only the data protection officer
    may change their details. It is lifted only once the customer has been told that it
    will be (Article 18(3)). Written through customers.restrictions."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="restrictions")
    # The case of the customer's request to restrict, if they asked (a reference, as
    # CustomerEvent.request_reference, for customers sits below cases).
    request_reference = models.CharField(max_length=20, blank=True)
    ground = models.CharField(max_length=20, choices=RestrictionGround.choices)
    reason = models.TextField(help_text="What is restricted and why, in plain words.")
    starts_at = models.DateTimeField()
    started_by = models.ForeignKey("staff.StaffMember", on_delete=models.PROTECT, related_name="+")
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        "staff.StaffMember", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lift_reason = models.TextField(blank=True)
    # Article 18(3): the customer is told before the restriction is lifted.
    told_before_lifting = models.BooleanField(default=False)
    told_at = models.DateTimeField(null=True, blank=True)
    told_how = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["customer"],
                condition=models.Q(lifted_at__isnull=True),
                name="restriction_in_force",
            ),
            models.Index(
                fields=["request_reference"],
                condition=~models.Q(request_reference=""),
                name="restriction_by_request",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    lifted_at__isnull=True, lifted_by__isnull=True, told_before_lifting=False
                )
                | models.Q(
                    lifted_at__isnull=False,
                    lifted_by__isnull=False,
                    told_before_lifting=True,
                    told_at__isnull=False,
                    told_at__lte=models.F("lifted_at"),
                ),
                name="restriction_lifted_only_once_told",
            ),
        ]

    def __str__(self) -> str:
        state = "lifted" if self.lifted_at else "in force"
        return f"Restriction on customer {self.customer_id} ({state})"

    @property
    def in_force(self) -> bool:
        return self.lifted_at is None
