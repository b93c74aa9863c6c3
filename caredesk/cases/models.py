from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce

from caredesk.customers.models import Customer
from caredesk.staff.models import StaffMember, Team

# These choices are the policy file's own vocabulary (caredesk.standards.policy), so a
# standard's `case_kinds` and `channels` match case records as they are; a test keeps
# the two lists equal.


class CaseKind(models.TextChoices):
    GENERAL_ENQUIRY = "general_enquiry", "General enquiry"
    INFORMATION_REQUEST = "information_request", "Request for a form or information"
    MESSAGE = "message", "Message or callback"
    COMPLAINT = "complaint", "Complaint"
    COMPLIMENT = "compliment", "Compliment"
    SUBJECT_ACCESS_REQUEST = "subject_access_request", "Subject access request"
    FOI_REQUEST = "foi_request", "Freedom of information request"
    RECTIFICATION_REQUEST = "rectification_request", "Request to correct personal data"
    ERASURE_REQUEST = "erasure_request", "Request to erase personal data"
    RESTRICTION_REQUEST = "restriction_request", "Request to restrict the use of personal data"
    STAIRS_REQUEST = "stairs_request", "Request for information under STAIRs"
    PERSONAL_DATA_BREACH = "personal_data_breach", "Personal data breach"


class Channel(models.TextChoices):
    PHONE = "phone", "Phone"
    VOICEMAIL = "voicemail", "Voicemail"
    MESSAGE = "message", "Message taken"
    LETTER = "letter", "Letter"
    EMAIL = "email", "Email"
    WEB = "web", "Web form"
    VISIT = "visit", "Office visit"
    HOME_VISIT = "home_visit", "Home visit"


class PauseReason(models.TextChoices):
    WAITING_FOR_CUSTOMER = "waiting_for_customer", "Waiting for the customer"
    CLARIFICATION_REQUESTED = "clarification_requested", "Clarification asked for"
    IDENTITY_CHECK = "identity_check", "Checking identity"
    OFFICER_ON_ANNUAL_LEAVE = "officer_on_annual_leave", "Officer on annual leave"


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open"
    WAITING_FOR_CUSTOMER = "waiting_for_customer", "Waiting for the customer"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


class ComplaintOutcome(models.TextChoices):
    """The decision on a complaint, which the Housing Ombudsman's Complaint Handling Code
    (2024) asks every stage 1 and stage 2 response to give, in the words landlords and
    the Ombudsman use for it."""

    UPHELD = "upheld", "Upheld"
    PARTLY_UPHELD = "partly_upheld", "Partly upheld"
    NOT_UPHELD = "not_upheld", "Not upheld"


class ReferenceCounter(models.Model):
    """The last number given out for a prefix and year: HHT-2025-000123."""

    prefix = models.CharField(max_length=5)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="one_counter")]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last}"


class Case(models.Model):
    """One matter raised by a customer (or by someone who gave no name)."""

    reference = models.CharField(max_length=20, unique=True)
    kind = models.CharField(max_length=30, choices=CaseKind.choices)
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    channel = models.CharField(max_length=20, choices=Channel.choices)
    received_at = models.DateTimeField()
    subject = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    assigned_to = models.ForeignKey(
        StaffMember, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT)
    status = models.CharField(max_length=30, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    urgent = models.BooleanField(default=False)
    urgent_escalated_at = models.DateTimeField(
        null=True, blank=True, help_text="When the worker passed it to the line manager."
    )
    resolved_at_first_contact = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    # What was done or decided, given when the case was last resolved or closed.
    outcome = models.TextField(blank=True)
    complaint_outcome = models.CharField(
        max_length=20, choices=ComplaintOutcome.choices, blank=True
    )
    # Set when this case was merged into another about the same matter (it is closed).
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_cases"
    )
    # The case this one was raised from: a complaint about a service request, which stays
    # open and linked (cases.complaint_offers).
    raised_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="raised_cases"
    )

    class Meta:
        indexes = [
            models.Index(fields=["customer", "-received_at"]),
            models.Index(fields=["received_at"], name="cases_by_receipt"),  # reporting
            # The worker's sweep for urgent messages not yet passed on (notifications).
            models.Index(
                fields=["created_at"],
                condition=Q(urgent=True, urgent_escalated_at__isnull=True),
                name="urgent_cases_to_escalate",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.subject}"


class Direction(models.TextChoices):
    INBOUND = "inbound", "From the customer"
    OUTBOUND = "outbound", "To the customer"


class Contact(models.Model):
    """One interaction on a channel: a call, a letter, an email, a visit."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contacts")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    direction = models.CharField(max_length=10, choices=Direction.choices)
    at = models.DateTimeField()
    staff = models.ForeignKey(StaffMember, null=True, blank=True, on_delete=models.PROTECT)
    summary = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self) -> str:
        return (
            f"{self.get_direction_display()} by {self.get_channel_display().lower()} at {self.at}"
        )


class DeadlineStatus(models.TextChoices):
    OPEN = "open", "Open"
    PAUSED = "paused", "Paused"
    MET = "met", "Met"
    ENDED_UNMET = "ended_unmet", "Ended without being met"


OPEN_DEADLINE = Q(status=DeadlineStatus.OPEN)
UNFINISHED = (DeadlineStatus.OPEN, DeadlineStatus.PAUSED)  # still owed: open or paused


class Deadline(models.Model):
    """A standard applied to one case: when its clock started, when it is due, when met.

    Written by services, read by everyone: "due next" is an index range scan over open
    rows (the partial indexes below), never a recomputation. `assigned_to` and `team`
    repeat the case's so that a person's or a team's queue is one index too.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadlines")
    standard_key = models.CharField(max_length=60)
    starts_at = models.DateTimeField()
    due_at = models.DateTimeField(null=True, blank=True, help_text="Empty while paused.")
    standard_due_at = models.DateTimeField(null=True, blank=True)
    revised_due_at = models.DateTimeField(null=True, blank=True)
    met_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=DeadlineStatus.choices, default=DeadlineStatus.OPEN
    )
    assigned_to = models.ForeignKey(StaffMember, null=True, blank=True, on_delete=models.PROTECT)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT)
    # The worker's sweeps (caredesk.notifications): when to warn the officer (from the
    # policy's warn_before, through the engine), and when each notice was claimed.
    warn_at = models.DateTimeField(null=True, blank=True, help_text="Empty: no warning.")
    warned_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(
        null=True, blank=True, help_text="When the breach was passed to the line manager."
    )
    # A task's own deadline (a translation) is still owed when the case is resolved.
    outlives_case = models.BooleanField(default=False)
    # A date agreed with the customer (an action agreed at an interview): the deadline is
    # due then, as a revised date given when its clock started (DESIGN.md 3, rule 8), so
    # the reports show both "met the standard" and "met the date agreed".
    agreed_due_at = models.DateTimeField(null=True, blank=True)
    # How long it took to meet, in the standard's unit for time taken (working days for
    # a working-day standard, minutes for hours: caredesk.standards.taken).
    time_taken = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["due_at"], condition=OPEN_DEADLINE, name="open_deadlines_due"),
            models.Index(
                fields=["warn_at"],
                condition=OPEN_DEADLINE & Q(warned_at__isnull=True, assigned_to__isnull=False),
                name="deadlines_to_warn",
            ),
            models.Index(
                fields=["due_at"],
                condition=OPEN_DEADLINE & Q(escalated_at__isnull=True),
                name="deadlines_to_escalate",
            ),
            models.Index(
                fields=["assigned_to", "due_at"], condition=OPEN_DEADLINE, name="my_open_deadlines"
            ),
            models.Index(
                fields=["team", "due_at"], condition=OPEN_DEADLINE, name="team_open_deadlines"
            ),
            # A queue sorted "most overdue against the standard" (cases.queue_filters):
            # read in this order, not every open deadline sorted for each page.
            models.Index(
                fields=["standard_due_at", "id"],
                condition=OPEN_DEADLINE,
                name="open_deadlines_standard_due",
            ),
            # The performance figures (caredesk.reporting): deadlines started, and those
            # met or ended, in a period.
            models.Index(fields=["starts_at"], name="deadlines_by_start"),
            models.Index(
                fields=["standard_key"],
                condition=Q(status=DeadlineStatus.PAUSED),
                name="paused_deadlines",
            ),
            models.Index(Coalesce("met_at", "ended_at"), name="deadlines_by_finish"),
        ]

    def __str__(self) -> str:
        return f"{self.case.reference} {self.standard_key}"

    @property
    def met_standard(self) -> bool | None:
        if self.met_at is None or self.standard_due_at is None:
            return None
        return self.met_at <= self.standard_due_at

    @property
    def met_revised_date(self) -> bool | None:
        if self.met_at is None or self.revised_due_at is None:
            return None
        return self.met_at <= self.revised_due_at


class DeadlinePause(models.Model):
    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="pauses")
    reason = models.CharField(max_length=40, choices=PauseReason.choices)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.get_reason_display()} from {self.starts_at}"


class HoldingReply(models.Model):
    """A reply before the due time giving the reason and a revised response date."""

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="holding_replies")
    sent_at = models.DateTimeField()
    reason = models.TextField()
    revised_due_at = models.DateTimeField()
    sent_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT)

    def __str__(self) -> str:
        return f"Holding reply {self.sent_at}: revised to {self.revised_due_at}"


class EventKind(models.TextChoices):
    CREATED = "created", "Case created"
    ASSIGNED = "assigned", "Assigned"
    REASSIGNED = "reassigned", "Reassigned"
    NOTE = "note", "Note"
    CONTACT = "contact", "Contact"
    HOLDING_REPLY = "holding_reply", "Holding reply sent"
    RESPONSE = "response", "Response sent"
    ESCALATION = "escalation", "Escalated"
    STATUS_CHANGED = "status_changed", "Status changed"
    DEADLINE_STARTED = "deadline_started", "Deadline started"
    DEADLINE_MET = "deadline_met", "Deadline met"
    DEADLINE_WARNING = "deadline_warning", "Warned that a deadline is near"
    REOPENED = "reopened", "Reopened"
    MERGED = "merged", "Merged"
    CUSTOMER_MERGED = "customer_merged", "Customer's records merged"
    DEADLINE_ENDED = "deadline_ended", "Deadline ended unmet"
    # A step of the complaints procedure recorded by the complaints app (defined, a
    # handler chosen, refused, extended...): its words are in the event's text.
    COMPLAINT = "complaint", "Complaint"
    # A hazard in the home (Awaab's Law) recorded by the complaints app: reported,
    # investigated, a step done, closed. Its words are in the event's text.
    HAZARD = "hazard", "Hazard"
    # A personal data breach recorded by the privacy app: reported, assessed, decided
    # (reported to the ICO or not), the people told, closed. Its words are in the text.
    BREACH = "breach", "Personal data breach"
    # A step of a request about information recorded by the privacy app: a request for
    # information decided, its review asked for and decided; a correction answered; a
    # restriction started, answered or lifted. Its words are in the event's text.
    REQUEST = "request", "Request about information"


class CaseEvent(models.Model):
    """Every change to a case: the case timeline and the audit trail are the same rows."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    actor = models.ForeignKey(
        StaffMember, null=True, blank=True, on_delete=models.PROTECT, help_text="Empty: the system."
    )
    at = models.DateTimeField()
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["case", "at"]),
            # A case's last event (what its page shows the case as of: cases.locks),
            # read from the index alone on every case page and every action.
            models.Index(fields=["case", "id"], name="cases_event_last_of_case"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at}"
