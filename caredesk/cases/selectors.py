"""Reading cases and deadlines. Queues read stored due times: an index scan each."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from caredesk.cases.models import Case, CaseEvent, CaseKind, Deadline, DeadlineStatus, EventKind
from caredesk.core.pagination import BadCursor, Page, keyset_page
from caredesk.staff.models import Office, StaffMember, Team
from caredesk.standards import Policy

# What a queue shows, and no more: loading whole customer and staff rows for 50 lines
# of a queue costs more than the index scan that finds them.
QUEUE_COLUMNS = (
    "id",
    "case_id",
    "standard_key",
    "status",
    "starts_at",
    "due_at",
    "standard_due_at",
    "revised_due_at",
    "met_at",
    "assigned_to_id",
    "team_id",
    "case__reference",
    "case__subject",
    "case__urgent",
    "case__customer_id",
    "case__customer__title",
    "case__customer__first_name",
    "case__customer__last_name",
    "case__customer__organisation",
    "assigned_to__first_name",
    "assigned_to__last_name",
    "assigned_to__username",
)


def _open_deadlines() -> QuerySet[Deadline]:
    return (
        Deadline.objects.filter(status=DeadlineStatus.OPEN)
        .select_related("case", "case__customer", "assigned_to")
        .only(*QUEUE_COLUMNS)
        .order_by("due_at", "pk")
    )


def my_work(*, staff: StaffMember) -> QuerySet[Deadline]:
    """A person's open deadlines, soonest first."""
    return _open_deadlines().filter(assigned_to=staff)


def team_queue(*, team: Team) -> QuerySet[Deadline]:
    return _open_deadlines().filter(team=team)


def overdue(*, now: datetime) -> QuerySet[Deadline]:
    return _open_deadlines().filter(due_at__lt=now)


def case_timeline(*, case: Case) -> QuerySet[CaseEvent]:
    return case.events.select_related("actor").order_by("at", "pk")


def office_queue(*, office: Office) -> QuerySet[Deadline]:
    return _open_deadlines().filter(team__office=office)


def case_by_reference(reference: str) -> Case:
    """The case, with what its page shows; Case.DoesNotExist if there is none."""
    return Case.objects.select_related("customer", "assigned_to", "team").get(
        reference=reference.strip().upper()
    )


QUEUE_ORDER = ("due_at", "pk")


def deadline_page(queryset: QuerySet[Deadline], *, after: str | None, size: int) -> Page[Deadline]:
    """One page of a queue, soonest first, by keyset: an index range scan, no counting.

    `after` is the previous page's `next`; a cursor that cannot be read (an old or
    edited link) starts from the beginning.
    """
    try:
        return keyset_page(queryset, order=QUEUE_ORDER, cursor=after, limit=size)
    except BadCursor:
        return keyset_page(queryset, order=QUEUE_ORDER, cursor=None, limit=size)


def due_while_away(*, staff: StaffMember, until: datetime) -> QuerySet[Deadline]:
    """A person's open deadlines falling due before they are back (for their manager)."""
    return my_work(staff=staff).filter(due_at__lt=until)


def holding_reply_deadlines(*, case: Case, policy: Policy) -> list[Deadline]:
    """The case's unfinished deadlines whose standard allows a holding reply (Halton)."""
    allowed = [s.key for s in policy.deadline_standards() if s.holding_reply]
    unfinished = (DeadlineStatus.OPEN, DeadlineStatus.PAUSED)
    return list(case.deadlines.filter(status__in=unfinished, standard_key__in=allowed))


def complaint_next_step(*, case: Case) -> str | None:
    """The next step of a complaint: acknowledge stage 1, stage 2 asked for, acknowledge
    stage 2; None when there is none (or the case is not a complaint)."""
    if case.kind != CaseKind.COMPLAINT:
        return None
    events = case.events.filter(kind__in=(EventKind.CONTACT, EventKind.ESCALATION))
    acknowledged = {e.data.get("acknowledged_stage") for e in events if e.kind == EventKind.CONTACT}
    escalated = any(e.data.get("stage") == 2 for e in events if e.kind == EventKind.ESCALATION)
    if 1 not in acknowledged and not escalated:
        return "acknowledge_1"
    if not escalated:
        return "escalate"
    if 2 not in acknowledged:
        return "acknowledge_2"
    return None
