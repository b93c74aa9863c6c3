"""The policy file's schema: what a landlord's customer care policy looks like as data.

A policy file (TOML) has four parts:

- `[organisation]`: who the landlord is and how customers reach it;
- `[document]`: the published policy this file encodes (title, issue, dates, source);
- `[calendar]`: time zone, bank holiday region, working weekdays, office hours,
  closure days and the length of a ring;
- `[[standards]]`: every measurable promise, each with a stable key, the clause it
  comes from, the channels and case kinds it applies to, what starts and stops its
  clock, and its target.

Optional tables hold the landlord's own settings, each with a default: `[escalation]`,
`[correspondence]`, `[holding_replies]`, `[reporting]`, `[lone_working]` (when an
officer not back from a home visit is alerted on) and `[retention]` (how long personal
data is kept); what the Housing Ombudsman's
Complaint Handling Code and Awaab's Law ask beyond timescales: `[complaints]` and
`[hazards]` (`policy_complaints.py`); and `[read_alerts]`, when unusual reading of
customers' records is alerted on (`policy_read_alerts.py`). The tables' building blocks
(a clause, whole numbers, dates) are in `policy_values.py`, and the kinds of value the
settings take (lengths of time, percentages, frequencies) in `policy_fields.py`.

Each setting is checked here on its own, so every bad one is reported; what must hold
across settings is checked in `policy_checks.py`. Loading lives in `policy_files.py`,
and telling the problems in `policy_problems.py` and `policy_lines.py`.
"""

from __future__ import annotations

import enum
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    Discriminator,
    Field,
    StrictBool,
    Tag,
    ValidationInfo,
    field_validator,
    model_validator,
)

from caredesk.errors import UnknownStandard
from caredesk.standards.bank_holidays import Region
from caredesk.standards.calendar import Interval, WorkingCalendar
from caredesk.standards.durations import Duration, parse_duration
from caredesk.standards.office_hours import WEEKDAYS as WEEKDAYS
from caredesk.standards.office_hours import parse_office_hours as parse_office_hours
from caredesk.standards.office_hours import shown
from caredesk.standards.policy_checks import APPOINTMENTS_KEPT as APPOINTMENTS_KEPT
from caredesk.standards.policy_checks import FIRST_CONTACT_RESOLUTION as FIRST_CONTACT_RESOLUTION
from caredesk.standards.policy_checks import LONE_WORKING_DEFAULTS, policy_problems
from caredesk.standards.policy_complaints import Complaints as Complaints
from caredesk.standards.policy_complaints import Hazards as Hazards
from caredesk.standards.policy_fields import (
    ClosureDay,
    DurationField,
    FrequencyField,
    IntervalText,
    Number,
    Percentage,
    RealTimeField,
    RetentionField,
    RevisionField,
    day_hours,
)
from caredesk.standards.policy_read_alerts import ReadAlerts as ReadAlerts
from caredesk.standards.policy_values import Clause as Clause
from caredesk.standards.policy_values import Strict as _Strict
from caredesk.standards.policy_values import WholeNumber as WholeNumber


class Channel(enum.StrEnum):
    PHONE = "phone"
    VOICEMAIL = "voicemail"
    MESSAGE = "message"
    LETTER = "letter"
    EMAIL = "email"
    WEB = "web"
    VISIT = "visit"
    HOME_VISIT = "home_visit"
    ANY = "any"


class CaseKind(enum.StrEnum):
    GENERAL_ENQUIRY = "general_enquiry"
    INFORMATION_REQUEST = "information_request"
    MESSAGE = "message"
    COMPLAINT = "complaint"
    COMPLIMENT = "compliment"
    SUBJECT_ACCESS_REQUEST = "subject_access_request"
    FOI_REQUEST = "foi_request"
    RECTIFICATION_REQUEST = "rectification_request"
    ERASURE_REQUEST = "erasure_request"
    RESTRICTION_REQUEST = "restriction_request"
    STAIRS_REQUEST = "stairs_request"
    PERSONAL_DATA_BREACH = "personal_data_breach"


class ClockEvent(enum.StrEnum):
    """What starts or stops a standard's clock. Each has a plain description."""

    description: str

    def __new__(cls, value: str, description: str) -> ClockEvent:
        member = str.__new__(cls, value)
        member._value_ = value
        member.description = description
        return member

    CALL_OFFERED = "call_offered", "a call reaches the line"
    CALL_ANSWERED = "call_answered", "the call is answered"
    MESSAGE_LEFT = "message_left", "a voicemail is left or a message is taken"
    CUSTOMER_CONTACTED = "customer_contacted", "the officer contacts the customer"
    CALL_ENDED_UNRESOLVED = "call_ended_unresolved", "a phone enquiry ends not dealt with"
    RECEIVED = "received", "the letter, email or request is received"
    RESPONSE_SENT = "response_sent", "a full response is sent"
    COMPLAINT_RECEIVED = "complaint_received", "the complaint is received"
    STAGE_1_ACKNOWLEDGED = "stage_1_acknowledged", "the stage 1 complaint is acknowledged"
    STAGE_2_REQUESTED = "stage_2_requested", "the customer asks for stage 2"
    STAGE_2_ACKNOWLEDGED = "stage_2_acknowledged", "the stage 2 complaint is acknowledged"
    VISITOR_ARRIVED = "visitor_arrived", "a visitor arrives at the office"
    APPOINTMENT_TIME = "appointment_time", "the appointment time, or arrival if later"
    VISITOR_SEEN = "visitor_seen", "the visitor is seen by a member of staff"
    ABSENCE_STARTS = "absence_starts", "the member of staff's absence starts"
    ABSENCE_ENDS = "absence_ends", "the member of staff is back"
    TRANSLATION_REQUESTED = "translation_requested", "a letter is asked for in another language"
    TRANSLATION_SENT = "translation_sent", "the translated letter is sent"
    APPOINTMENT_CHANGED = "appointment_changed", "we cancel or move an appointment"
    VISIT_NO_ACCESS = "visit_no_access", "nobody is in for a home visit"
    ACTION_AGREED = "action_agreed", "an action is agreed with the customer at an interview"
    ACTION_DONE = "action_done", "the action agreed is done"
    REMEDY_AGREED = "remedy_agreed", "a complaint response offers a remedy, to be done by a date"
    REMEDY_DONE = "remedy_done", "the remedy offered is carried out"
    ACTION_PROMISED = "action_promised", "a complaint response promises an action still to do"
    ACTION_COMPLETED = "action_completed", "the action promised in the response is completed"
    EMERGENCY_HAZARD_REPORTED = (
        "emergency_hazard_reported",
        "we learn of a hazard that may put a household in imminent danger",
    )
    HAZARD_MADE_SAFE = "hazard_made_safe", "the emergency hazard is made safe"
    SIGNIFICANT_HAZARD_REPORTED = (
        "significant_hazard_reported",
        "we learn of a hazard that may be a significant risk to a household",
    )
    HAZARD_INVESTIGATED = "hazard_investigated", "the investigation of the hazard is concluded"
    HAZARD_SUMMARY_SENT = (
        "hazard_summary_sent",
        "the tenant is given the written summary of the investigation",
    )
    SAFETY_WORK_BEGUN = "safety_work_begun", "the work to make the home safe begins"
    FURTHER_WORK_BEGUN = (
        "further_work_begun",
        "the further work to stop the hazard coming back begins",
    )
    BREACH_DECIDED = (
        "breach_decided",
        "the breach is reported to the ICO, or the decision not to report it is recorded",
    )
    REVIEW_REQUESTED = (
        "review_requested",
        "the requester asks for a review of the decision on their request for information",
    )
    REVIEW_DECIDED = (
        "review_decided",
        "the outcome of the review is sent to the requester",
    )
    OFFICE_OPENS = "office_opens", "the office opens"
    OFFICE_CLOSES = "office_closes", "the office closes"


class PauseReason(enum.StrEnum):
    WAITING_FOR_CUSTOMER = "waiting_for_customer"
    CLARIFICATION_REQUESTED = "clarification_requested"
    IDENTITY_CHECK = "identity_check"
    OFFICER_ON_ANNUAL_LEAVE = "officer_on_annual_leave"


class Trigger(enum.StrEnum):
    """What a threshold standard sets off when it is passed."""

    OUT_OF_OFFICE_REPLY = "out_of_office_reply"
    VOICEMAIL_AWAY_MESSAGE = "voicemail_away_message"
    TELL_CALLER_OFFICER_AWAY = "tell_caller_officer_away"


class Rule(enum.StrEnum):
    APPOINTMENT_ONLY_VISITS = "appointment_only_visits"
    URGENT_MESSAGES_TO_LINE_MANAGER = "urgent_messages_to_line_manager"


class Basis(enum.StrEnum):
    POLICY = "policy"  # the landlord's own published policy
    LAW = "law"  # statute: UK GDPR, FOI Act
    REGULATOR = "regulator"  # Housing Ombudsman, Regulator of Social Housing


# The loader checks what must hold across settings itself, so it can say where each
# problem is (policy_checks); a Policy made any other way is checked when it is made.
CHECKED_ACROSS = "checked_across"


class Organisation(_Strict):
    name: str = Field(min_length=1)
    short_name: str = Field(min_length=1)
    reference_prefix: str = Field(pattern=r"^[A-Z]{2,5}$")
    phone: str | None = None
    email: str | None = None


class Document(_Strict):
    title: str
    issue: str | None = None
    issued: str = Field(pattern=r"^\d{4}-\d{2}(-\d{2})?$")
    review_due: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}(-\d{2})?$")
    source: str


class CalendarSettings(_Strict):
    timezone: str = "Europe/London"
    region: Literal["england-and-wales", "scotland", "northern-ireland", "none"] = (
        "england-and-wales"
    )
    working_days: list[Literal[WEEKDAYS]] = Field(min_length=1)  # type: ignore[valid-type]
    office_hours: list[IntervalText] = Field(min_length=1)
    office_hours_by_day: dict[  # type: ignore[valid-type]
        Literal[WEEKDAYS], Annotated[list[IntervalText], AfterValidator(day_hours)]
    ] = {}
    closure_days: list[ClosureDay] = []
    ring_seconds: Number = Field(default=3, gt=0, le=30)
    assumptions: list[str] = []

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "Europe" is a folder
            raise ValueError(
                f"{shown(value)} is not a time zone name such as 'Europe/London'."
            ) from None
        return value

    def intervals_by_weekday(self) -> dict[int, tuple[Interval, ...]]:
        default = parse_office_hours(self.office_hours)
        return {
            WEEKDAYS.index(day): parse_office_hours(self.office_hours_by_day[day])
            if day in self.office_hours_by_day
            else default
            for day in self.working_days
        }


class _StandardBase(_Strict):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)
    name: str = Field(min_length=1)
    channels: list[Channel] = Field(min_length=1)
    case_kinds: list[CaseKind] = []  # empty: any kind of case
    clause: Clause
    basis: Basis = Basis.POLICY
    assumption: str | None = None  # where the file interprets the policy, say how

    def applies_to(self, *, channel: Channel, kind: CaseKind | None = None) -> bool:
        channel_fits = Channel.ANY in self.channels or channel in self.channels
        kind_fits = not self.case_kinds or (kind is not None and kind in self.case_kinds)
        return channel_fits and kind_fits


class DeadlineStandard(_StandardBase):
    """A promise to do something within a time: the engine gives it a due time."""

    measure: Literal["deadline"] = "deadline"
    starts: ClockEvent
    stops: ClockEvent
    target: DurationField
    holding_reply: StrictBool = False  # may a holding reply set a revised date?
    max_extension: DurationField | None = None  # the longest extension law or regulator allows
    # The latest revised date the landlord allows after the original due date (without a
    # max_extension); none here: [holding_replies] max_revision.
    max_revision: RevisionField | None = None
    pause_reasons: list[PauseReason] = []  # why the clock may stop; empty: it never does
    warn_before: DurationField | None = None  # this standard's own [escalation] warn_before
    # Whether a case reopened after it was resolved or closed owes this promise again
    # (cases.rules.reopen_restarts): a reopened complaint needs a new full response.
    restarts_on_reopen: StrictBool = False
    # Whether a revised date may only be agreed before the current due time (the Housing
    # Ombudsman's Code: a complaint's response is extended before it is late, not after).
    extension_before_due: StrictBool = False


class ThresholdStandard(_StandardBase):
    """Something that must happen once a span passes a limit (an absence, say)."""

    measure: Literal["threshold"]
    starts: ClockEvent
    stops: ClockEvent
    target: DurationField
    triggers: Trigger


class FrequencyStandard(_StandardBase):
    """Something done at least so many times a working day."""

    measure: Literal["frequency"]
    starts: ClockEvent = ClockEvent.OFFICE_OPENS
    stops: ClockEvent = ClockEvent.OFFICE_CLOSES
    target: FrequencyField
    action: str = Field(min_length=1)


class RuleStandard(_StandardBase):
    """A standing rule with no clock (visits by appointment only, say)."""

    measure: Literal["rule"]
    rule: Rule


def _measure_of(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("measure", "deadline"))
    return str(getattr(value, "measure", "deadline"))


Standard = Annotated[
    Annotated[DeadlineStandard, Tag("deadline")]
    | Annotated[ThresholdStandard, Tag("threshold")]
    | Annotated[FrequencyStandard, Tag("frequency")]
    | Annotated[RuleStandard, Tag("rule")],
    Discriminator(_measure_of),
]


class Escalation(_Strict):
    """When the worker warns an officer that a deadline is near (the landlord's choice).

    `warn_before` is how much time is left when the warning goes: "1 working day" warns
    once a single working day remains. A standard may set its own `warn_before`. No
    warning is given where the whole deadline is shorter than that.
    """

    warn_before: DurationField | None = None


class PlainEnglish(_Strict):
    """When the plain-English check warns an officer about a draft (see
    caredesk.documents.plain_english for where the defaults come from)."""

    min_reading_ease: Number = Field(default=60, ge=0, le=100)
    max_average_sentence_words: Number = Field(default=20, gt=0)
    long_sentence_words: WholeNumber = Field(default=25, gt=0)


class Correspondence(_Strict):
    """How letters look and read: the landlord's choices."""

    large_print_pt: WholeNumber = Field(default=16, ge=16, le=48)  # RNIB: 16 pt or larger
    plain_english: PlainEnglish = PlainEnglish()


class HoldingReplies(_Strict):
    """How far a holding reply may move a deadline: `max_revision` after the original due
    date, for a standard that allows holding replies and sets no limit of its own."""

    max_revision: RevisionField = parse_duration("20 working days")
    assumptions: list[str] = []


class Reporting(_Strict):
    """The landlord's targets for its performance indicators, in percent: "95" for 95% of
    letters answered within the standard. Keys are standard keys, "first_contact_resolution",
    or "appointments_kept" (of the appointments that came to their time, the share kept).
    A figure within `amber_within` points below its target is amber; further below, red."""

    targets: dict[str, Percentage] = {}
    amber_within: Number = Field(default=5, ge=0, le=100)
    assumptions: list[str] = []


class LoneWorking(_Strict):
    """Lone working on home visits: an officer who has not checked out of a visit
    `alert_after` its end is alerted on to their line manager (on the desk and by email),
    and again at `second_alert_after`. The landlord's choice: neither policy says."""

    alert_after: RealTimeField = parse_duration(LONE_WORKING_DEFAULTS["alert_after"])
    second_alert_after: RealTimeField = parse_duration(LONE_WORKING_DEFAULTS["second_alert_after"])
    assumptions: list[str] = []


class Retention(_Strict):
    """How long personal data is kept before the retention schedule (privacy.retention)
    anonymises it. Each period runs from the record's last use:

    - `closed_cases`: a customer none of whose cases is open, with no promise still owed
      and no tenancy, whose last dealings with the landlord (a case received or closed, a
      change to their record) are older than this, is erased without the figures changing;
    - `unmatched_emails`: emails never matched to a case, with their files;
    - `reception_log`: the names of visitors signed in at reception;
    - `access_log`: the log of who read a customer's record;
    - `call_numbers`: callers' numbers and names on call records (the calls stay,
      counted), and the phone system's refused rows kept with an import.

    The landlord's choice: neither seed policy sets periods, and the defaults are the
    examples the data protection work started from (6 years, 1 year, 2 years)."""

    closed_cases: RetentionField = parse_duration("72 months")
    unmatched_emails: RetentionField = parse_duration("12 months")
    reception_log: RetentionField = parse_duration("24 months")
    access_log: RetentionField = parse_duration("24 months")
    call_numbers: RetentionField = parse_duration("24 months")
    assumptions: list[str] = []


class Policy(_Strict):
    schema_version: Literal[1]
    organisation: Organisation
    document: Document
    calendar: CalendarSettings
    escalation: Escalation = Escalation()
    correspondence: Correspondence = Correspondence()
    holding_replies: HoldingReplies = HoldingReplies()
    reporting: Reporting = Reporting()
    lone_working: LoneWorking = LoneWorking()
    complaints: Complaints = Complaints()
    hazards: Hazards = Hazards()
    retention: Retention = Retention()
    read_alerts: ReadAlerts = ReadAlerts()
    standards: list[Standard] = Field(min_length=1)

    @model_validator(mode="after")
    def _settings_fit_together(self, info: ValidationInfo) -> Policy:
        if info.context and info.context.get(CHECKED_ACROSS):
            return self  # the loader has checked, and says where each problem is
        problems = policy_problems(self.model_dump())
        if problems:
            raise ValueError(
                "; ".join(f"{'.'.join(map(str, p.path))}: {p.message}" for p in problems)
            )
        return self

    @cached_property
    def working_calendar(self) -> WorkingCalendar:
        settings = self.calendar
        return WorkingCalendar(
            timezone=settings.timezone,
            working_weekdays=[WEEKDAYS.index(day) for day in settings.working_days],
            office_hours=settings.intervals_by_weekday(),
            region=None if settings.region == "none" else Region(settings.region),
            closure_days=settings.closure_days,
            ring_seconds=settings.ring_seconds,
        )

    def standard(
        self, key: str
    ) -> DeadlineStandard | ThresholdStandard | FrequencyStandard | RuleStandard:
        for standard in self.standards:
            if standard.key == key:
                return standard
        known = ", ".join(s.key for s in self.standards)
        raise UnknownStandard(
            f"{self.organisation.short_name} has no standard '{key}'. Known: {known}."
        )

    def standard_name(self, key: str) -> str:
        """The standard's name; its key if it has since been taken out of the policy."""
        try:
            return self.standard(key).name
        except UnknownStandard:
            return key

    def deadline_standard(self, key: str) -> DeadlineStandard:
        standard = self.standard(key)
        if not isinstance(standard, DeadlineStandard):
            raise UnknownStandard(f"'{key}' is a {standard.measure} standard, not a deadline.")
        return standard

    def warn_before(self, standard: DeadlineStandard) -> Duration | None:
        """How near the due time a deadline of `standard` warns its officer (None: never)."""
        return standard.warn_before or self.escalation.warn_before

    def revision_limit(self, standard: DeadlineStandard) -> Duration:
        """How long after the original due date a holding reply's revised date may be:
        the standard's max_extension (law or regulator), else its max_revision, else the
        policy's [holding_replies] max_revision."""
        return standard.max_extension or standard.max_revision or self.holding_replies.max_revision

    def deadline_standards(self) -> list[DeadlineStandard]:
        return [s for s in self.standards if isinstance(s, DeadlineStandard)]

    def threshold(self, trigger: Trigger) -> ThresholdStandard | None:
        """The threshold standard that sets off `trigger`, if the policy has one."""
        for standard in self.standards:
            if isinstance(standard, ThresholdStandard) and standard.triggers is trigger:
                return standard
        return None

    def rule_standard(self, rule: Rule) -> RuleStandard | None:
        """The standard that makes `rule` a standing rule of this policy, if one does."""
        for standard in self.standards:
            if isinstance(standard, RuleStandard) and standard.rule is rule:
                return standard
        return None

    def has_rule(self, rule: Rule) -> bool:
        return self.rule_standard(rule) is not None
