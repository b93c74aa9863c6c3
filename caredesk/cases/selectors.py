"""Reading cases and deadlines. Queues read stored due times: an index scan each."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from caredesk.cases.models import Case, CaseEvent, Deadline, DeadlineStatus
from caredesk.staff.models import StaffMember, Team


def _open_deadlines() -> QuerySet[Deadline]:
    return (
        Deadline.objects.filter(status=DeadlineStatus.OPEN)
        .select_related("case", "case__customer", "assigned_to")
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
