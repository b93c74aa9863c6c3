"""The read log, for the data protection officer: who read which customer's record,
when and what, and whether they had a reason to.

Every page, API answer and download that shows a customer's details records a read
(`customers.services.customer_access_record`: a `CustomerAccess` row). This module
reads those rows: filtered by customer, member of staff and period (days in the
organisation's time zone, both included), the newest first, a page at a time.

**A reason to read.** caredesk has no "patch" (the homes an officer looks after), so
the team stands for it. A read has a reason when the customer has a case

- given to the reader, or with the reader's team (the case's team, or its officer's),
- received before the read, or within `CASE_SOON_AFTER` after it (a record looked up
  while a call is taken, before the contact is logged), and
- open now, or changed (any event on its timeline: its closing, a note) no longer than
  the policy's `[read_alerts] after_closing` before the read (the follow-up question
  after a case is closed).

Cases are judged as they are when the log is read: a case reopened since counts as open.
A data protection officer (MANAGE_PRIVACY) also has a reason to read a customer who has
a request about their information (subject access, correction, erasure, restriction,
STAIRs, FOI: a case of that kind with anyone) or a request from a third party for it
(the disclosure log), on the same times; and to read a customer's own read log
(`READ_LOG_WHAT`). So the officer's subject access work is logged like anyone's reads,
and never counted as unusual. Cover for an absent colleague in another team is not a
reason: such reads show as "no case", for the officer to judge.

A read "in a list" is one of several customers logged together (search results, a
queue, a picker): the page showed names, not a record opened. The log shows them; the
alerts (privacy.reading_alerts) count only records opened.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import (
    BooleanField,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.expressions import CombinedExpression

from caredesk.cases.models import Case, CaseEvent, CaseKind, CaseStatus
from caredesk.core.pagination import Page, keyset_page
from caredesk.customers.models import Customer, CustomerAccess
from caredesk.customers.selectors import customers_search
from caredesk.privacy.models import DisclosureRequest
from caredesk.staff.permissions import Can
from caredesk.staff.selectors import staff_with_capability_list
from caredesk.standards import Policy

# A case received this long after a read still explains it (and the worker judges a
# read only once this long has passed: privacy.reading_alerts).
CASE_SOON_AFTER = timedelta(hours=1)
# What the read log page records when it shows a customer's reads.
READ_LOG_WHAT = "read log"
PAGE_SIZE = 50
# The most customers a search in the customer filter may find.
MATCHES_MAX = 50
OPEN = (CaseStatus.OPEN, CaseStatus.WAITING_FOR_CUSTOMER)
# The requests a data protection officer answers: the customers' rights, STAIRs, FOI.
REQUEST_KINDS = (
    CaseKind.SUBJECT_ACCESS_REQUEST,
    CaseKind.RECTIFICATION_REQUEST,
    CaseKind.ERASURE_REQUEST,
    CaseKind.RESTRICTION_REQUEST,
    CaseKind.STAIRS_REQUEST,
    CaseKind.FOI_REQUEST,
)


@dataclass(frozen=True)
class ReadFilters:
    """Which reads to show. None: any."""

    customer_ids: tuple[int, ...] | None = None
    staff_id: int | None = None
    first_day: date | None = None  # local dates, both included
    last_day: date | None = None


@dataclass(frozen=True)
class CustomerMatch:
    """The customers a filter's words found (at most MATCHES_MAX), and whether there
    were more."""

    customers: list[Customer]
    more: bool


# -- days and times ---------------------------------------------------------------------


def day_start(day: date, zone: ZoneInfo) -> datetime:
    """The instant (UTC) the local day begins: midnight exists on every day in the UK."""
    return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)


def period_bounds(
    first_day: date | None, last_day: date | None, zone: ZoneInfo
) -> tuple[datetime | None, datetime | None]:
    """From the start of `first_day` (included) to the start of the day after
    `last_day` (excluded), in UTC: 23:30 on the last day, in summer time or not, is in."""
    start = day_start(first_day, zone) if first_day is not None else None
    end = day_start(last_day + timedelta(days=1), zone) if last_day is not None else None
    return start, end


def _before_read(delta: timedelta, *, depth: int = 1) -> ExpressionWrapper[CombinedExpression]:
    """The read's time (`depth` subqueries out) moved by `delta`."""
    at: OuterRef = OuterRef("at")
    for _ in range(depth - 1):
        at = OuterRef(at)
    return ExpressionWrapper(at + delta, output_field=DateTimeField())


# -- the reason rule -------------------------------------------------------------------


def live_cases(*, after_closing: timedelta) -> QuerySet[Case]:
    """Cases of the read's customer (a CustomerAccess, one query out) live at the read:
    received by CASE_SOON_AFTER after it, and open, or changed since `after_closing`
    before it."""
    changed = CaseEvent.objects.filter(
        case=OuterRef("pk"), at__gte=_before_read(-after_closing, depth=2)
    )
    return Case.objects.filter(
        Q(status__in=OPEN) | Q(Exists(changed)),
        customer=OuterRef("customer"),
        received_at__lte=_before_read(CASE_SOON_AFTER),
    )


def _readers(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Of `cases`, those given to the reader or with the reader's team."""
    team = OuterRef("staff__team")
    return cases.filter(Q(assigned_to=OuterRef("staff")) | Q(team=team) | Q(assigned_to__team=team))


def _requests(*, after_closing: timedelta) -> Q:
    """The customer has a request about their information: a case of a request kind
    (anyone's), or a third party's request in the disclosure log, live at the read."""
    cases = live_cases(after_closing=after_closing).filter(kind__in=REQUEST_KINDS)
    disclosures = DisclosureRequest.objects.filter(
        Q(decided_at__isnull=True) | Q(decided_at__gte=_before_read(-after_closing)),
        customer=OuterRef("customer"),
        received_at__lte=_before_read(CASE_SOON_AFTER),
    )
    return Q(Exists(cases)) | Q(Exists(disclosures))


def officer_ids() -> list[int]:
    """The data protection officers (MANAGE_PRIVACY), by id."""
    return list(
        staff_with_capability_list(capability=Can.MANAGE_PRIVACY).values_list("pk", flat=True)
    )


def reason(*, after_closing: timedelta, officers: Sequence[int]) -> Q:
    """A read (CustomerAccess) with a reason: the module's docstring says the rule."""
    found = Q(Exists(_readers(live_cases(after_closing=after_closing))))
    if officers:
        officer_work = Q(what=READ_LOG_WHAT) | _requests(after_closing=after_closing)
        found |= Q(staff_id__in=list(officers)) & officer_work
    return found


def no_case_at_all(*, after_closing: timedelta) -> Q:
    """A read of a customer with no case live at the read, with anyone."""
    return ~Q(Exists(live_cases(after_closing=after_closing)))


def in_a_list() -> Q:
    """A read logged with other customers' (the same reader, moment and page)."""
    together = CustomerAccess.objects.filter(
        staff=OuterRef("staff"), at=OuterRef("at"), what=OuterRef("what")
    ).exclude(customer=OuterRef("customer"))
    return Q(Exists(together))


def after_closing_of(policy: Policy) -> timedelta:
    return timedelta(days=policy.read_alerts.after_closing_days)


# -- the log ----------------------------------------------------------------------------


def reads_list(*, filters: ReadFilters, policy: Policy) -> QuerySet[CustomerAccess]:
    """The reads `filters` asks for, each with `has_reason`; in no order."""
    rows = CustomerAccess.objects.select_related("staff__team", "customer")
    if filters.customer_ids is not None:
        rows = rows.filter(customer_id__in=filters.customer_ids)
    if filters.staff_id is not None:
        rows = rows.filter(staff_id=filters.staff_id)
    start, end = period_bounds(filters.first_day, filters.last_day, policy.working_calendar.zone)
    if start is not None:
        rows = rows.filter(at__gte=start)
    if end is not None:
        rows = rows.filter(at__lt=end)
    found = reason(after_closing=after_closing_of(policy), officers=officer_ids())
    return rows.annotate(has_reason=ExpressionWrapper(found, output_field=BooleanField()))


def reads_page(
    *, filters: ReadFilters, policy: Policy, cursor: str | None, size: int | None = None
) -> Page[CustomerAccess]:
    """A page of the reads (PAGE_SIZE unless `size`), the newest first, after `cursor`.
    Raises BadCursor."""
    return keyset_page(
        reads_list(filters=filters, policy=policy),
        order=("-at", "-pk"),
        cursor=cursor,
        limit=size or PAGE_SIZE,
    )


def customers_matching(text: str) -> CustomerMatch:
    """The customers the customer filter names: by their number in caredesk, their
    housing reference or a case's reference; else by name, phone, postcode or email
    (customers.selectors.customers_search). A record merged into another is found by
    its number or reference: its own reads stay with it."""
    text = text.strip()
    if not text:
        return CustomerMatch([], False)
    exact = Q(external_reference=text) | Q(
        pk__in=Case.objects.filter(reference=text.upper()).values("customer_id")
    )
    if text.isascii() and text.isdigit() and len(text) <= 18:
        exact |= Q(pk=int(text))
    named = list(Customer.objects.filter(exact).order_by("pk")[: MATCHES_MAX + 1])
    if not named:
        named = list(customers_search(text=text)[: MATCHES_MAX + 1])
    return CustomerMatch(named[:MATCHES_MAX], len(named) > MATCHES_MAX)
