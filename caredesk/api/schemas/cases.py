"""The cases API's request and answer schemas (the handlers are in api/cases.py)."""

from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field, field_validator

from caredesk.api.types import (
    Cursor,
    Id,
    Limit,
    LongText,
    RequiredLongText,
    RequiredShortText,
    ShortText,
    StaffName,
    StaffOut,
    Time,
    TimeIn,
)
from caredesk.cases.models import (
    CaseKind,
    CaseStatus,
    Channel,
    DeadlineStatus,
    Direction,
    EventKind,
)
from caredesk.customers.models import CustomerType
from caredesk.errors import CaredeskError
from caredesk.standards import parse_duration


class Filters(Schema):
    overdue: bool | None = Field(None, description="true: past due now; false: not yet due.")
    due_before: TimeIn | None = Field(
        None, description="Due before this time (no offset: Europe/London time)."
    )
    officer: StaffName | None = Field(None, description="Assigned to: a username or a staff id.")
    team: Id | None = Field(None, description="The team's id.")
    kind: CaseKind | None = Field(None, description="The case's kind.")
    status: CaseStatus | None = Field(None, description="The case's status.")
    cursor: Cursor | None = Field(None, description="The `next` of the page before.")
    limit: Limit = Field(50, description="At most this many items (1 to 100).")


class CaseFilters(Filters):
    customer: Id | None = Field(None, description="The customer's id.")


class DeadlineOut(Schema):
    """An open deadline in a list. `seconds_left` is negative once it is overdue."""

    id: int
    case: str
    case_subject: str
    kind: CaseKind
    case_status: CaseStatus
    standard: str
    standard_name: str
    starts_at: Time
    due_at: Time
    standard_due_at: Time | None
    revised_due_at: Time | None
    overdue: bool
    seconds_left: int
    assigned_to: StaffOut | None
    team_id: int | None


class DeadlinePage(Schema):
    items: list[DeadlineOut]
    next: str | None


class CaseOut(Schema):
    reference: str
    kind: CaseKind
    channel: Channel
    status: CaseStatus
    subject: str
    received_at: Time
    urgent: bool
    resolved_at_first_contact: bool
    assigned_to: StaffOut | None
    team_id: int | None
    customer_id: int | None
    created_at: Time


class CasePage(Schema):
    items: list[CaseOut]
    next: str | None


class HoldingReplyOut(Schema):
    sent_at: Time
    reason: str
    revised_due_at: Time
    sent_by: StaffOut | None


class DeadlineDetail(Schema):
    """A deadline of one case. `met_standard` compares with the standard's own due time;
    `met_revised_date` with the date a holding reply gave. Both are null until met."""

    id: int
    standard: str
    standard_name: str
    status: DeadlineStatus
    starts_at: Time
    due_at: Time | None
    standard_due_at: Time | None
    revised_due_at: Time | None
    met_at: Time | None
    ended_at: Time | None
    overdue: bool
    seconds_left: int | None
    met_standard: bool | None
    met_revised_date: bool | None
    holding_replies: list[HoldingReplyOut]


class ContactOut(Schema):
    id: int
    channel: Channel
    direction: Direction
    at: Time
    staff: StaffOut | None
    summary: str


class EventOut(Schema):
    id: int
    kind: EventKind
    title: str
    at: Time
    actor: StaffOut | None
    data: dict[str, Any]


class CaseCustomer(Schema):
    """The customer, with the preferences staff must see on every case."""

    id: int
    name: str
    customer_type: CustomerType
    email: str
    phone: str
    postcode: str
    preferences: list[str]


class CaseDetail(CaseOut):
    description: str
    customer: CaseCustomer | None
    deadlines: list[DeadlineDetail]
    contacts: list[ContactOut]
    events: list[EventOut]


class CaseIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: CaseKind
    channel: Channel
    received_at: TimeIn
    subject: RequiredShortText
    description: LongText = ""
    customer: Id | None = None
    assign_to: StaffName | None = None
    urgent: bool = False
    resolved_at_first_contact: bool = False


class NoteIn(Schema):
    model_config = ConfigDict(extra="forbid")

    text: RequiredLongText


class ResponseIn(Schema):
    model_config = ConfigDict(extra="forbid")

    channel: Channel
    summary: RequiredLongText
    at: TimeIn | None = None  # when it was sent; empty means now


class HoldingReplyIn(Schema):
    """Give either `revised_due_at` (a time) or `revised_after` ('10 working days')."""

    model_config = ConfigDict(extra="forbid")

    standard: RequiredShortText
    reason: RequiredLongText
    revised_due_at: TimeIn | None = None
    revised_after: ShortText | None = None

    @field_validator("revised_after")
    @classmethod
    def _a_duration(cls, text: str | None) -> str | None:
        if text is not None:
            try:
                parse_duration(text)
            except CaredeskError as error:
                raise ValueError(error.message) from None
        return text


class AssignIn(Schema):
    model_config = ConfigDict(extra="forbid")

    officer: StaffName
