"""The cases API (/api/v1/deadlines, /api/v1/cases): parse, call a service, render.

Lists carry no customer details (only the customer's id), so they log nothing; the
case itself does show its customer, and each such answer logs the read.
"""

from datetime import datetime, timedelta
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from caredesk.api.auth import acting, reads, writes
from caredesk.api.clock import api_clock
from caredesk.api.pagination import keyset_page
from caredesk.api.problems import (
    AUTH_PROBLEMS,
    INPUT_PROBLEMS,
    Conflict,
    FieldError,
    NotFound,
    Problem,
)
from caredesk.api.schemas.cases import (
    AssignIn,
    CaseCustomer,
    CaseDetail,
    CaseFilters,
    CaseIn,
    CaseOut,
    CasePage,
    ContactOut,
    DeadlineDetail,
    DeadlineOut,
    DeadlinePage,
    EventOut,
    Filters,
    HoldingReplyIn,
    HoldingReplyOut,
    NoteIn,
    ResponseIn,
)
from caredesk.api.types import Reference, StaffOut
from caredesk.cases.intake import contact_receive
from caredesk.cases.models import (
    Case,
    CaseEvent,
    CaseKind,
    CaseStatus,
    Channel,
    Contact,
    Deadline,
    DeadlineStatus,
    Direction,
    EventKind,
)
from caredesk.cases.selectors import (
    CASE_ORDER,
    DEADLINE_ORDER,
    case_detail_get,
    case_events_list,
    case_get,
    cases_list,
    deadline_unfinished_get,
    deadlines_open_list,
)
from caredesk.cases.services import (
    case_assign,
    holding_reply_send,
    note_add,
    response_send,
)
from caredesk.core.active_policy import active_policy
from caredesk.customers.models import Customer, CustomerType
from caredesk.customers.selectors import customer_preferences_list
from caredesk.customers.services import customer_access_record
from caredesk.staff.models import StaffMember, Team
from caredesk.staff.permissions import Can, allowed
from caredesk.staff.selectors import staff_member_find
from caredesk.standards import Duration, Policy, parse_duration

router = Router(tags=["cases"])

READ_ANSWERS: dict[int, Any] = {**AUTH_PROBLEMS, 422: Problem}
ONE_CASE_ANSWERS: dict[int, Any] = {**AUTH_PROBLEMS, 404: Problem}
WRITE_ANSWERS: dict[int, Any] = {**AUTH_PROBLEMS, **INPUT_PROBLEMS, 404: Problem, 409: Problem}


@router.get("deadlines", response={200: DeadlinePage, **READ_ANSWERS}, auth=reads)
def list_deadlines(request: HttpRequest, filters: Query[Filters]) -> DeadlinePage:
    """Open deadlines, soonest first (ties by id). Follow `next` as `cursor` for more."""
    now = api_clock.now()
    found = deadlines_open_list(now=now, **_common_filters(filters))
    page = keyset_page(found, order=DEADLINE_ORDER, cursor=filters.cursor, limit=filters.limit)
    policy = active_policy()
    return DeadlinePage(items=[_deadline(d, now, policy) for d in page.items], next=page.next)


@router.get("cases", response={200: CasePage, **READ_ANSWERS}, auth=reads)
def list_cases(request: HttpRequest, filters: Query[CaseFilters]) -> CasePage:
    """Cases, most recently logged first. Follow `next` as `cursor` for more."""
    customer = None
    if filters.customer is not None:
        customer = Customer.objects.filter(pk=filters.customer).first()
        if customer is None:
            raise FieldError("customer", "No customer has this id.", "query")
    common = _common_filters(filters)
    found = cases_list(
        now=api_clock.now(), status=common.pop("case_status"), customer=customer, **common
    )
    page = keyset_page(found, order=CASE_ORDER, cursor=filters.cursor, limit=filters.limit)
    if customer is not None:  # one customer's case history is a read of their record
        customer_access_record(
            customers=[customer], by=acting(request), what="API: their cases", clock=api_clock
        )
    return CasePage(items=[case_out(case) for case in page.items], next=page.next)


@router.get("cases/{reference}", response={200: CaseDetail, **ONE_CASE_ANSWERS}, auth=reads)
def get_case(request: HttpRequest, reference: Reference) -> CaseDetail:
    """The case with its deadlines, contacts and timeline. Logs the read of its customer."""
    return _case_detail(_case(reference), acting(request))


# -- changing -----------------------------------------------------------------------------


@router.post("cases", response={201: CaseDetail, **WRITE_ANSWERS}, auth=writes)
def create_case(request: HttpRequest, payload: CaseIn) -> Status[CaseDetail]:
    """Log a new case; every deadline of the policy that applies to it starts."""
    customer = None
    if payload.customer is not None:
        customer = Customer.objects.filter(pk=payload.customer).first()
        if customer is None:
            raise FieldError("customer", "No customer has this id.")
    if payload.received_at > api_clock.now():
        raise FieldError("received_at", "A case cannot be received in the future.")
    received = contact_receive(
        kind=payload.kind,
        channel=payload.channel,
        received_at=payload.received_at,
        subject=payload.subject,
        summary=payload.description,
        customer=customer,
        assign_to=_officer(payload.assign_to, "assign_to"),
        urgent=payload.urgent,
        resolved_at_first_contact=payload.resolved_at_first_contact,
        by=acting(request),
        policy=active_policy(),
        clock=api_clock,
    )
    return Status(201, _case_detail(_case(received.case.reference), acting(request)))


@router.post("cases/{reference}/notes", response={201: EventOut, **WRITE_ANSWERS}, auth=writes)
def add_note(request: HttpRequest, reference: Reference, payload: NoteIn) -> Status[EventOut]:
    """A note on the case's timeline."""
    event = note_add(
        case=_case(reference, to_change=True),
        text=payload.text,
        by=acting(request),
        clock=api_clock,
    )
    return Status(201, event_out(event))


@router.post(
    "cases/{reference}/responses", response={201: ContactOut, **WRITE_ANSWERS}, auth=writes
)
def send_response(
    request: HttpRequest, reference: Reference, payload: ResponseIn
) -> Status[ContactOut]:
    """Record the full response sent: meets the deadlines that stop on a response."""
    case = _case(reference, to_change=True)
    if payload.at is not None and payload.at > api_clock.now():
        raise FieldError("at", "A response cannot have been sent in the future.")
    if payload.at is not None and payload.at < case.received_at:
        raise FieldError("at", "A response cannot be sent before the case was received.")
    contact = response_send(
        case=case,
        channel=payload.channel,
        summary=payload.summary,
        at=payload.at,
        by=acting(request),
        clock=api_clock,
    )
    return Status(201, contact_out(contact))


@router.post(
    "cases/{reference}/holding-replies",
    response={201: DeadlineDetail, **WRITE_ANSWERS},
    auth=writes,
)
def send_holding_reply(
    request: HttpRequest, reference: Reference, payload: HoldingReplyIn
) -> Status[DeadlineDetail]:
    """A holding reply: the reason, and a revised date (or a duration from now)."""
    case = _case(reference, to_change=True)
    policy = active_policy()
    revised: datetime | Duration
    if (payload.revised_due_at is None) == (payload.revised_after is None):
        raise FieldError(
            "revised_due_at", "Give either revised_due_at or revised_after, not both or neither."
        )
    if payload.revised_due_at is not None:
        revised = payload.revised_due_at
    else:
        assert payload.revised_after is not None
        revised = parse_duration(payload.revised_after)
    if payload.standard not in {standard.key for standard in policy.deadline_standards()}:
        raise FieldError("standard", "The policy has no deadline standard with this key.")
    deadline = deadline_unfinished_get(case=case, standard_key=payload.standard)
    if deadline is None:
        raise Conflict(f"This case has no open deadline for “{payload.standard}”.")
    holding_reply_send(
        deadline=deadline,
        reason=payload.reason,
        revised=revised,
        by=acting(request),
        policy=policy,
        clock=api_clock,
    )
    deadline.refresh_from_db()
    return Status(201, deadline_detail(deadline, api_clock.now(), policy))


@router.post("cases/{reference}/assign", response={200: CaseOut, **WRITE_ANSWERS}, auth=writes)
def assign_case(request: HttpRequest, reference: Reference, payload: AssignIn) -> CaseOut:
    """Give the case to an officer (or to their cover while they are away)."""
    officer = _officer(payload.officer, "officer")
    assert officer is not None
    case = case_assign(
        case=_case(reference, to_change=True), officer=officer, by=acting(request), clock=api_clock
    )
    return case_out(case)


# -- helpers ------------------------------------------------------------------------------


def _case(reference: str, *, to_change: bool = False) -> Case:
    """The case to show (everything prefetched) or to change (the case alone); else 404."""
    case = None
    if _looks_like_reference(reference):
        find = case_get if to_change else case_detail_get
        case = find(reference=reference)
    if case is None:
        raise NotFound(f"No case has the reference “{reference[:40]}”.")
    return case


def _looks_like_reference(text: str) -> bool:
    return 0 < len(text) <= 20 and text.isascii() and text.replace("-", "").isalnum()


def _officer(name: str | None, field: str) -> StaffMember | None:
    if name is None:
        return None
    officer = staff_member_find(name=name)
    if officer is None:
        raise FieldError(field, "No member of staff has this username or id.")
    if not allowed(officer, Can.WORK_CASES):
        raise FieldError(field, f"{officer} cannot be given cases (no officer role).")
    return officer


def _common_filters(filters: Filters) -> dict[str, Any]:
    officer = None
    if filters.officer is not None:
        officer = staff_member_find(name=filters.officer)
        if officer is None:
            raise FieldError("officer", "No member of staff has this username or id.", "query")
    team = None
    if filters.team is not None:
        team = Team.objects.filter(pk=filters.team).first()
        if team is None:
            raise FieldError("team", "No team has this id.", "query")
    return {
        "overdue": filters.overdue,
        "due_before": filters.due_before,
        "officer": officer,
        "team": team,
        "kind": filters.kind,
        "case_status": filters.status,
    }


def _seconds_between(now: datetime, due: datetime) -> int:
    """Whole seconds from now until due; negative when overdue."""
    return (due - now) // timedelta(seconds=1)


def _deadline(deadline: Deadline, now: datetime, policy: Policy) -> DeadlineOut:
    assert deadline.due_at is not None  # open deadlines always have one
    return DeadlineOut(
        id=deadline.pk,
        case=deadline.case.reference,
        case_subject=deadline.case.subject,
        kind=CaseKind(deadline.case.kind),
        case_status=CaseStatus(deadline.case.status),
        standard=deadline.standard_key,
        standard_name=policy.standard_name(deadline.standard_key),
        starts_at=deadline.starts_at,
        due_at=deadline.due_at,
        standard_due_at=deadline.standard_due_at,
        revised_due_at=deadline.revised_due_at,
        overdue=deadline.due_at < now,
        seconds_left=_seconds_between(now, deadline.due_at),
        assigned_to=StaffOut.of(deadline.assigned_to),
        team_id=deadline.team_id,
    )


def deadline_detail(deadline: Deadline, now: datetime, policy: Policy) -> DeadlineDetail:
    is_open = deadline.status == DeadlineStatus.OPEN and deadline.due_at is not None
    return DeadlineDetail(
        id=deadline.pk,
        standard=deadline.standard_key,
        standard_name=policy.standard_name(deadline.standard_key),
        status=DeadlineStatus(deadline.status),
        starts_at=deadline.starts_at,
        due_at=deadline.due_at,
        standard_due_at=deadline.standard_due_at,
        revised_due_at=deadline.revised_due_at,
        met_at=deadline.met_at,
        ended_at=deadline.ended_at,
        overdue=is_open and deadline.due_at is not None and deadline.due_at < now,
        seconds_left=_seconds_between(now, deadline.due_at)
        if deadline.due_at and is_open
        else None,
        met_standard=deadline.met_standard,
        met_revised_date=deadline.met_revised_date,
        holding_replies=[
            HoldingReplyOut(
                sent_at=reply.sent_at,
                reason=reply.reason,
                revised_due_at=reply.revised_due_at,
                sent_by=StaffOut.of(reply.sent_by),
            )
            for reply in sorted(deadline.holding_replies.all(), key=lambda r: (r.sent_at, r.pk))
        ],
    )


def case_out(case: Case) -> CaseOut:
    return CaseOut(**_case_fields(case))


def _case_fields(case: Case) -> dict[str, Any]:
    return {
        "reference": case.reference,
        "kind": CaseKind(case.kind),
        "channel": Channel(case.channel),
        "status": CaseStatus(case.status),
        "subject": case.subject,
        "received_at": case.received_at,
        "urgent": case.urgent,
        "resolved_at_first_contact": case.resolved_at_first_contact,
        "assigned_to": StaffOut.of(case.assigned_to),
        "team_id": case.team_id,
        "customer_id": case.customer_id,
        "created_at": case.created_at,
    }


def contact_out(contact: Contact) -> ContactOut:
    return ContactOut(
        id=contact.pk,
        channel=Channel(contact.channel),
        direction=Direction(contact.direction),
        at=contact.at,
        staff=StaffOut.of(contact.staff),
        summary=contact.summary,
    )


def event_out(event: CaseEvent) -> EventOut:
    return EventOut(
        id=event.pk,
        kind=EventKind(event.kind),
        title=event.get_kind_display(),
        at=event.at,
        actor=StaffOut.of(event.actor),
        data=event.data if isinstance(event.data, dict) else {"value": event.data},
    )


def _case_detail(case: Case, by: StaffMember) -> CaseDetail:
    now = api_clock.now()
    policy = active_policy()
    customer = None
    if case.customer is not None:
        customer = CaseCustomer(
            id=case.customer.pk,
            name=case.customer.name,
            customer_type=CustomerType(case.customer.customer_type),
            email=case.customer.email,
            phone=case.customer.phone,
            postcode=case.customer.postcode,
            preferences=customer_preferences_list(customer=case.customer),
        )
        customer_access_record(
            customers=[case.customer], by=by, what=f"API: case {case.reference}", clock=api_clock
        )
    return CaseDetail(
        **_case_fields(case),
        description=case.description,
        customer=customer,
        deadlines=[deadline_detail(d, now, policy) for d in case.deadlines.all()],
        contacts=[contact_out(contact) for contact in case.contacts.all()],
        events=[event_out(event) for event in case_events_list(case=case)],
    )
