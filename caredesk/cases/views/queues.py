"""Queues of open deadlines, soonest first: mine, my team's, my office's, everyone's overdue.

Each can be filtered and sorted (cases.queue_filters: the filters ride in the query
string, through paging and refreshes), saved as a view of one's own, and refreshes
itself while open: htmx asks for the list again every minute with the poll header, which
the sign-in middleware does not count as activity (staff.sign_in), and gets the list
alone (`cases/queue_list.html`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from django.core import signing
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from caredesk.cases import selectors
from caredesk.cases.display import filter_groups, queue_rows
from caredesk.cases.models import Deadline
from caredesk.cases.queue_filters import (
    COUNT_CAP,
    Facet,
    FacetCounts,
    QueueSort,
    queue_facets_count,
    queue_filters_apply,
    queue_filters_parse,
    queue_page_get,
)
from caredesk.core.active_policy import active_policy
from caredesk.core.clock import Clock, system_clock
from caredesk.core.htmx import is_htmx
from caredesk.core.query import id_or_none
from caredesk.customers.services import customer_access_record
from caredesk.staff.decorators import requires
from caredesk.staff.models import Office, StaffMember, Team
from caredesk.staff.permissions import Can, allowed
from caredesk.staff.saved_views import saved_views_list
from caredesk.staff.selectors import staff_with_capability_list
from caredesk.staff.sign_in import POLL_HEADER

PAGE_SIZE = 50
LIST_ID = "queue-list"  # the region htmx asks for again
SHOWN_HEADER = "X-Caredesk-Shown"  # the signed customer ids of the list a poll replaces
_SHOWN_SALT = "caredesk.cases.queue_shown"
SHOWN_FOR = 15 * 60  # seconds: a tab asleep longer than this logs its reads again
COMMON_FACETS = (Facet.STANDARD, Facet.KIND, Facet.CHANNEL, Facet.STATUS)
QUEUE_NAMES = {
    "my_work": "My work",
    "team_queue": "Team",
    "office_queue": "Office",
    "overdue": "Overdue",
}


def _queue_page(
    request: HttpRequest,
    queryset: QuerySet[Deadline],
    *,
    queue: str,
    heading: str,
    intro: str,
    clock: Clock,
    facets: Sequence[Facet],
    fixed: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    staff: StaffMember = request.user  # type: ignore[assignment]
    policy = active_policy()
    now = clock.now()
    fixed = fixed or {}
    filters = queue_filters_parse(
        request.GET,
        standard_keys=[standard.key for standard in policy.deadline_standards()],
        fixed=tuple(fixed),
    )
    filtered = queue_filters_apply(queryset, filters, now=now, policy=policy)
    after = request.GET.get("after")
    if filters.sort == QueueSort.DUE:
        page = selectors.deadlines_page_get(queryset=filtered, after=after, size=PAGE_SIZE)
    else:
        page = queue_page_get(filtered, sort=filters.sort, after=after, size=PAGE_SIZE)
    customers = [row.case.customer for row in page.items if row.case.customer is not None]
    already = _shown_before(request, staff)
    customer_access_record(  # a poll logs only the customers new to the list
        customers=(c for c in customers if c.pk not in already),
        by=staff,
        what=f"queue: {heading}",
        clock=clock,
    )
    query = urlencode(list(fixed.items()) + filters.pairs())
    context: dict[str, Any] = {
        "queue": queue,
        "heading": heading,
        "intro": intro,
        "page": page,
        "rows": queue_rows(page.items, now=now, policy=policy),
        "first_page": not after,
        "query": query,
        "this_page": request.get_full_path(),
        "updated_at": now,
        "filters": filters,
        "list_id": LIST_ID,
        "shown": _shown_token(staff, customers),
        "can_assign": allowed(staff, Can.WORK_CASES),
        **(extra or {}),
    }
    if is_htmx(request) and request.headers.get("HX-Target") == LIST_ID:
        return render(request, "cases/queue_list.html", context | {"polled": True})
    counts = (
        queue_facets_count(queryset, filters, facets=facets, now=now, policy=policy)
        if facets
        else FacetCounts({}, capped=False)
    )
    officers = staff_with_capability_list(capability=Can.WORK_CASES).order_by(
        "first_name", "last_name", "pk"
    )
    context |= {
        "groups": filter_groups(
            filters,
            counts,
            facets=facets,
            policy=policy,
            officers=officers,
            teams=Team.objects.order_by("name"),
            offices=Office.objects.order_by("name"),
        ),
        "sorts": QueueSort.choices,
        "counts_capped": counts.capped,
        "count_cap": COUNT_CAP,
        "fixed": fixed,
        "officers": officers,
        "saved_views": [
            (view, f"{reverse(f'cases:{view.page}')}?{view.query}")
            for view in saved_views_list(owner=staff)
            if view.page in QUEUE_NAMES
        ],
    }
    return render(request, "cases/queue.html", context)


def _shown_token(staff: StaffMember, customers: Sequence[Any]) -> str:
    """The customers a list shows, signed for the officer: its poll sends it back."""
    ids = sorted({customer.pk for customer in customers})
    return signing.dumps([staff.pk, ids], salt=_SHOWN_SALT, compress=True)


def _shown_before(request: HttpRequest, staff: StaffMember) -> set[int]:
    """On a poll, the customers the list it replaces showed this officer (their reads are
    logged already); else none."""
    if not request.headers.get(POLL_HEADER):
        return set()
    try:
        who, ids = signing.loads(
            request.headers.get(SHOWN_HEADER, ""), salt=_SHOWN_SALT, max_age=SHOWN_FOR
        )
    except (signing.BadSignature, TypeError, ValueError):
        return set()
    if who != staff.pk or not isinstance(ids, list):
        return set()
    return {i for i in ids if isinstance(i, int)}


@requires(Can.READ_CASES)
def my_work(request: HttpRequest, clock: Clock = system_clock) -> HttpResponse:
    staff: StaffMember = request.user  # type: ignore[assignment]
    paused = list(selectors.deadlines_paused_list(staff=staff)[:PAGE_SIZE])
    policy = active_policy()
    if not request.headers.get(POLL_HEADER):  # a poll gets the list alone, not these
        customer_access_record(
            customers=(deadline.case.customer for deadline in paused),
            by=staff,
            what="queue: My work (paused)",
            clock=clock,
        )
    return _queue_page(
        request,
        selectors.deadlines_assigned_list(staff=staff),
        queue="my_work",
        heading="My work",
        intro="Your open deadlines, soonest first.",
        clock=clock,
        facets=(*COMMON_FACETS, Facet.URGENT),
        extra={"mine": True, "paused": queue_rows(paused, now=clock.now(), policy=policy)},
    )


@requires(Can.READ_CASES)
def team_queue(request: HttpRequest, clock: Clock = system_clock) -> HttpResponse:
    staff: StaffMember = request.user  # type: ignore[assignment]
    asked = request.GET.get("team")
    team_id = id_or_none(asked) if asked else staff.team_id
    teams = Team.objects.order_by("name")
    if team_id is None and not asked:
        return render(request, "cases/choose_queue.html", {"teams": teams})
    team = get_object_or_404(Team, pk=team_id or 0)
    return _queue_page(
        request,
        selectors.deadlines_team_list(team=team),
        queue="team_queue",
        heading=f"{team.name} team",
        intro="The team's open deadlines, soonest first.",
        clock=clock,
        facets=(*COMMON_FACETS, Facet.OFFICER, Facet.URGENT),
        fixed={"team": str(team.pk)},
        extra={"teams": teams, "chosen_team": team},
    )


@requires(Can.READ_CASES)
def office_queue(request: HttpRequest, clock: Clock = system_clock) -> HttpResponse:
    staff: StaffMember = request.user  # type: ignore[assignment]
    asked = request.GET.get("office")
    office_id = (
        id_or_none(asked) if asked else (staff.office_id or (staff.team and staff.team.office_id))
    )
    offices = Office.objects.order_by("name")
    if office_id is None and not asked:
        return render(request, "cases/choose_queue.html", {"offices": offices})
    office = get_object_or_404(Office, pk=office_id or 0)
    return _queue_page(
        request,
        selectors.deadlines_office_list(office=office),
        queue="office_queue",
        heading=f"{office.name} office",
        intro="Open deadlines of every team in this office, soonest first.",
        clock=clock,
        facets=(*COMMON_FACETS, Facet.OFFICER, Facet.TEAM, Facet.URGENT),
        fixed={"office": str(office.pk)},
        extra={"offices": offices, "chosen_office": office},
    )


@requires(Can.READ_CASES)
def overdue(request: HttpRequest, clock: Clock = system_clock) -> HttpResponse:
    return _queue_page(
        request,
        selectors.deadlines_overdue_list(now=clock.now()),
        queue="overdue",
        heading="Overdue",
        intro="Every open deadline that has passed, the longest overdue first.",
        clock=clock,
        facets=(*COMMON_FACETS, Facet.OFFICER, Facet.TEAM, Facet.OFFICE, Facet.URGENT),
    )
