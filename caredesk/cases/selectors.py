"""Reading cases and deadlines. Queues read stored due times: an index scan each.

The filtered lists (deadlines_open_list, cases_list) are what the REST API pages through;
each is ordered so that keyset pagination (caredesk.core.pagination) reads it as an index
range scan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from django.db.models import (
    Count,
    Exists,
    Max,
    Model,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Window,
)

from caredesk.cases import event_reading
from caredesk.cases.models import (
    Case,
    CaseEvent,
    CaseKind,
    Contact,
    Deadline,
    DeadlinePause,
    DeadlineStatus,
    EventKind,
)
from caredesk.core.pagination import BadCursor, Page, keyset_page
from caredesk.customers.models import Customer, Restriction
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
    "case__received_at",
    "case__status",
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


def deadlines_assigned_list(*, staff: StaffMember) -> QuerySet[Deadline]:
    """A person's open deadlines, soonest first."""
    return _open_deadlines().filter(assigned_to=staff)


def deadlines_team_list(*, team: Team) -> QuerySet[Deadline]:
    return _open_deadlines().filter(team=team)


def deadlines_overdue_list(*, now: datetime) -> QuerySet[Deadline]:
    """Open deadlines already past due. A paused deadline is never among them: its
    status is PAUSED (and it has no due time) until its clock runs again."""
    return _open_deadlines().filter(due_at__lt=now)


def deadlines_paused_list(*, staff: StaffMember) -> QuerySet[Deadline]:
    """A person's paused deadlines (waiting for the customer), paused longest first,
    each with its open pause (`open_pauses`)."""
    return (
        Deadline.objects.filter(status=DeadlineStatus.PAUSED, assigned_to=staff)
        .select_related("case", "case__customer", "assigned_to")
        .only(*QUEUE_COLUMNS)
        .prefetch_related(
            Prefetch(
                "pauses",
                queryset=DeadlinePause.objects.filter(ends_at__isnull=True).order_by("-starts_at"),
                to_attr="open_pauses",
            )
        )
        .order_by("starts_at", "pk")
    )


def case_events_list(*, case: Case) -> QuerySet[CaseEvent]:
    return case.events.select_related("actor").order_by("at", "pk")


@dataclass(frozen=True)
class TimelineEntry:
    event: CaseEvent
    details: event_reading.Details  # what the event says, typed (cases.event_reading)

    @property
    def label(self) -> str:
        """What happened, in words ("Note added"): the enum's label, not
        get_kind_display, which builds the whole table of kinds on every call."""
        try:
            return str(EventKind(self.event.kind).label)
        except ValueError:  # a kind no longer made reads as itself
            return self.event.kind

    @property
    def by(self) -> str:
        """Who did it: the officer's name, or caredesk for the system."""
        return str(self.event.actor) if self.event.actor_id else "caredesk"


def case_timeline_list(*, case: Case) -> list[TimelineEntry]:
    """The case's timeline, each event with its typed details."""
    return [
        TimelineEntry(event, event_reading.event_read(event))
        for event in case_events_list(case=case)
    ]


T = TypeVar("T")
M = TypeVar("M", bound=Model)

# What the case page shows of a person named on a row (the officer who did it): their
# name, not the whole staff record (a page of history names one on every row).
PERSON_NAMED = ("username", "first_name", "last_name")

TIMELINE_PAGE_SIZE = 30  # events on the case page, the newest first
CONTACTS_PAGE_SIZE = 20  # contacts on the case page, the newest first


@dataclass(frozen=True)
class NewestPage(Generic[T]):
    """One page of a case's history, the newest first, and how many there are in all.

    `number` counts from 1 (the newest); the total is read with the rows, in the same
    statement (COUNT(*) OVER ()), so a page of a long history is one query."""

    items: list[T]
    number: int
    size: int
    total: int

    @property
    def older(self) -> int | None:
        """The number of the page of older ones, None when this is the last."""
        return self.number + 1 if self.number * self.size < self.total else None

    @property
    def newer(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def first_shown(self) -> int:
        return (self.number - 1) * self.size + 1 if self.items else 0

    @property
    def last_shown(self) -> int:
        return (self.number - 1) * self.size + len(self.items)


def _newest_page(queryset: QuerySet[M], *, number: int, size: int) -> tuple[list[M], int]:
    start = (max(number, 1) - 1) * size
    rows = list(queryset.annotate(in_all=Window(Count("pk")))[start : start + size])
    return rows, (rows[0].in_all if rows else 0)


def case_timeline_page(
    *, case: Case, number: int = 1, size: int = TIMELINE_PAGE_SIZE
) -> NewestPage[TimelineEntry]:
    """One page of the case's timeline, the newest events first, in one query."""
    found = (
        case.events.select_related("actor")
        .only(
            "case_id", "kind", "at", "data", "actor", *(f"actor__{name}" for name in PERSON_NAMED)
        )
        .order_by("-at", "-pk")
    )
    rows, total = _newest_page(found, number=number, size=size)
    entries = [TimelineEntry(event, event_reading.event_read(event)) for event in rows]
    return NewestPage(entries, max(number, 1), size, total)


def case_contacts_page(
    *, case: Case, number: int = 1, size: int = CONTACTS_PAGE_SIZE
) -> NewestPage[Contact]:
    """One page of the case's contacts, the newest first, in one query."""
    found = (
        case.contacts.select_related("staff")
        .only(
            "case_id",
            "channel",
            "direction",
            "at",
            "summary",
            "staff",
            *(f"staff__{name}" for name in PERSON_NAMED),
        )
        .order_by("-at", "-pk")
    )
    rows, total = _newest_page(found, number=number, size=size)
    return NewestPage(rows, max(number, 1), size, total)


def deadlines_office_list(*, office: Office) -> QuerySet[Deadline]:
    return _open_deadlines().filter(team__office=office)


def case_reference_get(*, pk: int) -> str:
    """The reference of the case with this id (a merged case's pointer to the kept one)."""
    return str(Case.objects.values_list("reference", flat=True).get(pk=pk))


def _restricted() -> Exists:
    """Whether the use of the case's customer's data is restricted (UK GDPR Article 18:
    customers.restrictions), read with the case: its page says so at the top."""
    return Exists(
        Restriction.objects.filter(customer=OuterRef("customer_id"), lifted_at__isnull=True)
    )


def case_page_get(*, reference: str) -> Case:
    """The case, with what its page shows (`customer_restricted` too); Case.DoesNotExist
    if there is none."""
    return (
        Case.objects.select_related("customer", "assigned_to", "team")
        .annotate(customer_restricted=_restricted())
        .get(reference=reference.strip().upper())
    )


@dataclass(frozen=True)
class CaseAsSeen:
    case: Case
    seen: int  # the id of its last event (0: none), read with it in one statement


def case_as_seen_get(*, reference: str) -> CaseAsSeen:
    """The case, as case_page_get, and the last of its events, read together: what a
    page shows the case as of (`cases.locks`). Case.DoesNotExist if there is none."""
    events_of_case = CaseEvent.objects.filter(case=OuterRef("pk"))
    last_event = events_of_case.order_by("-pk").values("pk")[:1]
    case = (
        Case.objects.select_related("customer", "assigned_to", "team")
        .annotate(last_event=Subquery(last_event), customer_restricted=_restricted())
        .get(reference=reference.strip().upper())
    )
    return CaseAsSeen(case=case, seen=case.last_event or 0)


def case_seen_get(*, reference: str) -> int:
    """The id of the last event of the case with this reference (0: none, or no case)."""
    case = Case.objects.filter(reference=reference.strip().upper()).values("pk")[:1]
    found = CaseEvent.objects.filter(case=Subquery(case))
    return found.aggregate(seen=Max("pk"))["seen"] or 0


QUEUE_ORDER = ("due_at", "pk")


def deadlines_page_get(
    *, queryset: QuerySet[Deadline], after: str | None, size: int
) -> Page[Deadline]:
    """One page of a queue, soonest first, by keyset: an index range scan, no counting.

    `after` is the previous page's `next`; a cursor that cannot be read (an old or
    edited link) starts from the beginning.
    """
    try:
        return keyset_page(queryset, order=QUEUE_ORDER, cursor=after, limit=size)
    except BadCursor:
        return keyset_page(queryset, order=QUEUE_ORDER, cursor=None, limit=size)


def deadlines_due_while_away_list(*, staff: StaffMember, until: datetime) -> QuerySet[Deadline]:
    """A person's open deadlines falling due before they are back (for their manager)."""
    return deadlines_assigned_list(staff=staff).filter(due_at__lt=until)


def deadlines_holding_reply_list(
    *, case: Case, policy: Policy, among: list[Deadline] | None = None
) -> list[Deadline]:
    """The case's unfinished deadlines whose standard allows a holding reply (Halton).
    `among`: the case's deadlines, already read (the case page): chosen from them, with
    no query."""
    allowed = [s.key for s in policy.deadline_standards() if s.holding_reply]
    unfinished = (DeadlineStatus.OPEN, DeadlineStatus.PAUSED)
    if among is not None:
        return [d for d in among if d.status in unfinished and d.standard_key in allowed]
    return list(case.deadlines.filter(status__in=unfinished, standard_key__in=allowed))


def complaint_next_step_get(*, case: Case) -> str | None:
    """The next step of a complaint: acknowledge stage 1, stage 2 asked for, acknowledge
    stage 2; None when there is none (or the case is not a complaint)."""
    if case.kind != CaseKind.COMPLAINT:
        return None
    rows = case.events.filter(kind__in=(EventKind.CONTACT, EventKind.ESCALATION))
    said = [event_reading.event_read(row) for row in rows]
    acknowledged = {d.stage for d in said if isinstance(d, event_reading.ComplaintAcknowledged)}
    escalated = any(isinstance(d, event_reading.Escalated) and d.stage == 2 for d in said)
    if 1 not in acknowledged and not escalated:
        return "acknowledge_1"
    if not escalated:
        return "escalate"
    if 2 not in acknowledged:
        return "acknowledge_2"
    return None


# -- filtered lists and single cases (the REST API's reads) -------------------------------

DEADLINE_ORDER = ("due_at", "pk")  # soonest first; the primary key breaks ties
CASE_ORDER = ("-pk",)  # the most recently logged first


def deadlines_open_list(
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


def cases_list(
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


def case_detail_get(*, reference: str) -> Case | None:
    """The case to show, with its customer, deadlines (and holding replies) and contacts."""
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


def case_get(*, reference: str) -> Case | None:
    """The case alone, to change: services read its deadlines afresh (nothing stale
    prefetched)."""
    return Case.objects.select_related("assigned_to", "team").filter(reference=reference).first()


def deadline_unfinished_get(*, case: Case, standard_key: str) -> Deadline | None:
    """The case's open or paused deadline for a standard (fetched afresh, not prefetched)."""
    unfinished = (DeadlineStatus.OPEN, DeadlineStatus.PAUSED)
    return Deadline.objects.filter(
        case=case, standard_key=standard_key, status__in=unfinished
    ).first()
