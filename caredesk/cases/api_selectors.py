"""Filtered lists of open deadlines and cases (the REST API's reads).

Kept apart from selectors.py while the desk's selectors are being written in the same
checkout; they can move there later unchanged. Each list is ordered so that keyset
pagination (caredesk.api.pagination) reads it as an index range scan.
"""

from datetime import datetime

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from caredesk.cases.models import Case, Contact, Deadline, DeadlineStatus
from caredesk.customers.models import Customer
from caredesk.staff.models import StaffMember, Team

DEADLINE_ORDER = ("due_at", "pk")  # soonest first; the primary key breaks ties
CASE_ORDER = ("-pk",)  # the most recently logged first


def open_deadlines_filtered(
    *,
    now: datetime,
    overdue: bool | None = None,
    due_before: datetime | None = None,
    officer: StaffMember | None = None,
    team: Team | None = None,
    kind: str | None = None,
    case_status: str | None = None,
) -> QuerySet[Deadline]:
    """Open deadlines, soonest first. Officer and team use their own partial indexes."""
    found = (
        Deadline.objects.filter(status=DeadlineStatus.OPEN, due_at__isnull=False)
        .select_related("case", "assigned_to", "team")
        .order_by(*DEADLINE_ORDER)
    )
    if overdue is True:
        found = found.filter(due_at__lt=now)
    elif overdue is False:
        found = found.filter(due_at__gte=now)
    if due_before is not None:
        found = found.filter(due_at__lt=due_before)
    if officer is not None:
        found = found.filter(assigned_to=officer)
    if team is not None:
        found = found.filter(team=team)
    if kind is not None:
        found = found.filter(case__kind=kind)
    if case_status is not None:
        found = found.filter(case__status=case_status)
    return found


def cases_filtered(
    *,
    now: datetime,
    kind: str | None = None,
    status: str | None = None,
    officer: StaffMember | None = None,
    team: Team | None = None,
    overdue: bool | None = None,
    due_before: datetime | None = None,
    customer: Customer | None = None,
) -> QuerySet[Case]:
    """Cases, most recently logged first.

    `overdue`: the case has (True) or has not (False) an open deadline already past due.
    `due_before`: the case has an open deadline due before that time.
    """
    found = Case.objects.select_related("assigned_to", "team").order_by(*CASE_ORDER)
    if kind is not None:
        found = found.filter(kind=kind)
    if status is not None:
        found = found.filter(status=status)
    if officer is not None:
        found = found.filter(assigned_to=officer)
    if team is not None:
        found = found.filter(team=team)
    if customer is not None:
        found = found.filter(customer=customer)
    open_here = Deadline.objects.filter(case=OuterRef("pk"), status=DeadlineStatus.OPEN)
    if overdue is not None:
        late = Exists(open_here.filter(due_at__lt=now))
        found = found.filter(late if overdue else ~late)
    if due_before is not None:
        found = found.filter(Exists(open_here.filter(due_at__lt=due_before)))
    return found


def case_with_everything(*, reference: str) -> Case | None:
    """The case with its customer, deadlines (and holding replies) and contacts."""
    return (
        Case.objects.select_related("customer", "assigned_to", "team")
        .prefetch_related(
            Prefetch(
                "deadlines",
                queryset=Deadline.objects.prefetch_related("holding_replies").order_by(
                    "starts_at", "pk"
                ),
            ),
            Prefetch(
                "contacts", queryset=Contact.objects.select_related("staff").order_by("at", "pk")
            ),
        )
        .filter(reference=reference)
        .first()
    )


def case_to_change(*, reference: str) -> Case | None:
    """The case alone: services read its deadlines afresh (nothing stale prefetched)."""
    return Case.objects.select_related("assigned_to", "team").filter(reference=reference).first()


def unfinished_deadline(*, case: Case, standard_key: str) -> Deadline | None:
    """The case's open or paused deadline for a standard (fetched afresh, not prefetched)."""
    unfinished = (DeadlineStatus.OPEN, DeadlineStatus.PAUSED)
    return Deadline.objects.filter(
        case=case, standard_key=standard_key, status__in=unfinished
    ).first()


def staff_named(name: str) -> StaffMember | None:
    """A member of staff by username, or else by id (when `name` is a number)."""
    found = StaffMember.objects.filter(username=name).first()
    if found is None and name.isascii() and name.isdigit() and len(name) < 19:
        found = StaffMember.objects.filter(pk=int(name)).first()
    return found
