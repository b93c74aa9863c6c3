"""Reading cases and deadlines. Queues read stored due times: an index scan each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import Q, QuerySet

from caredesk.cases.models import Case, CaseEvent, Deadline, DeadlineStatus
from caredesk.core.query import id_or_none
from caredesk.staff.models import Office, StaffMember, Team

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


@dataclass(frozen=True)
class DeadlinePage:
    rows: list[Deadline]
    next_after: str | None  # give as `after` for the next page; None on the last


def deadline_page(queryset: QuerySet[Deadline], *, after: str | None, size: int) -> DeadlinePage:
    """One page of a queue, by keyset on (due_at, id): an index range scan, no counting.

    `after` is the cursor of the previous page's last row ("<due, UTC>Z~<id>": nothing a
    URL would change); a cursor that cannot be read starts from the beginning.
    """
    cursor = _read_cursor(after) if after else None
    if cursor is not None:
        due, pk = cursor
        queryset = queryset.filter(Q(due_at__gt=due) | Q(due_at=due, pk__gt=pk))
    rows = list(queryset[: size + 1])
    if len(rows) <= size:
        return DeadlinePage(rows, None)
    last = rows[size - 1]
    assert last.due_at is not None  # open deadlines always have one
    return DeadlinePage(
        rows[:size], f"{last.due_at.astimezone(UTC):%Y-%m-%dT%H:%M:%S.%f}Z~{last.pk}"
    )


def _read_cursor(after: str) -> tuple[datetime, int] | None:
    due_text, _, pk_text = after.partition("~")
    pk = id_or_none(pk_text)
    try:
        due = datetime.fromisoformat(due_text)
        due.astimezone(UTC)  # refuses instants out of range (year 1 at +14:00, say)
    except (ValueError, OverflowError):
        return None
    if pk is None or due.tzinfo is None or not 1900 < due.year < 2200:
        return None
    return due, pk


def due_while_away(*, staff: StaffMember, until: datetime) -> QuerySet[Deadline]:
    """A person's open deadlines falling due before they are back (for their manager)."""
    return my_work(staff=staff).filter(due_at__lt=until)
