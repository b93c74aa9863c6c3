"""Queues of open deadlines, soonest first: mine, my team's, my office's, everyone's overdue.

Each can be filtered and sorted (cases.queue_filters: the filters ride in the query
string, through paging and refreshes), saved as a view of one's own, and refreshes
itself while open: htmx asks for the list again every minute with the poll header, which
the sign-in middleware does not count as activity (staff.sign_in), and gets the list
alone (`cases/queue_list.html`).

The counts beside each filter (cases.queue_filters.queue_facets_count) are read when the
filter panel is open: with the page when filters are on (the panel opens with them), or
asked for by the link "Show how many deadlines each choice has" (`?counts=all`, without
JavaScript); with JavaScript, htmx asks for the panel's choices with their counts when
the panel is opened (`cases/queue_filter_groups.html`, the region FILTERS_ID). A queue
looked at without opening its filters reads no counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.core import signing
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from caredesk.cases import selectors
from caredesk.cases.display import filter_groups, queue_rows, queue_signature
from caredesk.cases.models import Deadline
from caredesk.cases.queue_filters import (
    COUNT_CAP,
    Facet,
    QueueFilters,
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
from caredesk.standards import Policy

PAGE_SIZE = 50
LIST_ID = "queue-list"  # the region htmx asks for again
FILTERS_ID = "filter-groups"  # the filter panel's choices, with their counts
COUNTS_ASKED = ("counts", "all")  # the query-string pair that shows them without JavaScript
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
    also_read: tuple[str, Sequence[Any]] | None = None,
) -> HttpResponse:
    """One queue page (or, for its poll, the list alone). `also_read`: more customers the
    page shows, and what to log their reads as (My work's paused deadlines); their reads
    are written in the same transaction as the list's, one commit for the page."""
    staff: StaffMember = request.user  # type: ignore[assignment]
    policy = active_policy()
    now = clock.now()
    fixed = fixed or {}
    filters = queue_filters_parse(
        request.GET,
        standard_keys=[standard.key for standard in policy.deadline_standards()],
        fixed=tuple(fixed),
    )
    if is_htmx(request) and request.headers.get("HX-Target") == FILTERS_ID:
        # the panel just opened: its choices with their counts, and nothing else (no
        # customer is shown, so no read is logged)
        panel = _filter_panel(queryset, filters, facets=facets, now=now, policy=policy)
        return render(
            request,
            "cases/queue_filter_groups.html",
            panel
            | {
                "filters": filters,
                "sorts": QueueSort.choices,
                "this_page": request.get_full_path(),
            },
        )
    filtered = queue_filters_apply(queryset, filters, now=now, policy=policy)
    after = request.GET.get("after")
    if filters.sort == QueueSort.DUE:
        page = selectors.deadlines_page_get(queryset=filtered, after=after, size=PAGE_SIZE)
    else:
        page = queue_page_get(filtered, sort=filters.sort, after=after, size=PAGE_SIZE)
    customers = [row.case.customer for row in page.items if row.case.customer is not None]
    already = _shown_before(request, staff)
    reads = [  # a poll logs only the customers new to the list
        (f"queue: {heading}", [c for c in customers if c.pk not in already]),
        *([also_read] if also_read else []),
    ]
    reads = [(what, seen) for what, seen in reads if seen]
    if reads:
        with transaction.atomic():  # one commit (one wait for the log's flush) per page
            for what, seen in reads:
                customer_access_record(customers=seen, by=staff, what=what, clock=clock)
    query = urlencode(list(fixed.items()) + filters.pairs())
    rows = queue_rows(page.items, now=now, policy=policy, viewer=staff.pk)
    context: dict[str, Any] = {
        "queue": queue,
        "heading": heading,
        "intro": intro,
        "page": page,
        "rows": rows,
        "signature": queue_signature(rows),
        "me": staff.pk,
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
    counted = filters.any or request.GET.get(COUNTS_ASKED[0]) == COUNTS_ASKED[1]
    panel = _filter_panel(queryset, filters, facets=facets, now=now, policy=policy, counted=counted)
    context |= panel | {
        "sorts": QueueSort.choices,
        "counts_link": urlencode([*fixed.items(), *filters.pairs(), COUNTS_ASKED]),
        "fixed": fixed,
        "saved_views": [
            (view, f"{reverse(f'cases:{view.page}')}?{view.query}")
            for view in saved_views_list(owner=staff)
            if view.page in QUEUE_NAMES
        ],
    }
    return render(request, "cases/queue.html", context)


def _filter_panel(
    queryset: QuerySet[Deadline],
    filters: QueueFilters,
    *,
    facets: Sequence[Facet],
    now: datetime,
    policy: Policy,
    counted: bool = True,
) -> dict[str, Any]:
    """What the filter panel shows: its groups of choices, each counted when `counted`
    (one query, queue_facets_count), and the officers (their select, and the reassign
    form's)."""
    counts = (
        queue_facets_count(queryset, filters, facets=facets, now=now, policy=policy)
        if counted and facets
        else None
    )
    officers = [
        (officer.pk, str(officer))
        for officer in staff_with_capability_list(capability=Can.WORK_CASES)
        .only("pk", "username", "first_name", "last_name")
        .order_by("first_name", "last_name", "pk")
    ]
    return {
        "groups": filter_groups(
            filters,
            counts,
            facets=facets,
            policy=policy,
            officers=officers,
            teams=Team.objects.order_by("name").values_list("pk", "name")
            if Facet.TEAM in facets
            else (),
            offices=Office.objects.order_by("name").values_list("pk", "name")
            if Facet.OFFICE in facets
            else (),
        ),
        "counted": counts is not None or not facets,
        "counts_capped": counts is not None and counts.capped,
        "count_cap": COUNT_CAP,
        "officer_choices": officers,
        "filters_id": FILTERS_ID,
    }


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
    # a poll gets the list alone, and the opened filter panel its choices: not these
    fragment = request.headers.get(POLL_HEADER) or request.headers.get("HX-Target") in (
        LIST_ID,
        FILTERS_ID,
    )
    paused = [] if fragment else list(selectors.deadlines_paused_list(staff=staff)[:PAGE_SIZE])
    policy = active_policy()
    return _queue_page(
        request,
        selectors.deadlines_assigned_list(staff=staff),
        queue="my_work",
        heading="My work",
        intro="Your open deadlines, soonest first.",
        clock=clock,
        facets=(*COMMON_FACETS, Facet.URGENT),
        extra={"mine": True, "paused": queue_rows(paused, now=clock.now(), policy=policy)},
        also_read=(
            "queue: My work (paused)",
            [deadline.case.customer for deadline in paused if deadline.case.customer],
        ),
    )


@requires(Can.READ_CASES)
def team_queue(request: HttpRequest, clock: Clock = system_clock) -> HttpResponse:
    staff: StaffMember = request.user  # type: ignore[assignment]
    asked = request.GET.get("team")
    team_id = id_or_none(asked) if asked else staff.team_id
    teams = list(Team.objects.order_by("name"))
    if team_id is None and not asked:
        return render(request, "cases/choose_queue.html", {"teams": teams})
    team = next((t for t in teams if t.pk == team_id), None)
    if team is None:
        raise Http404("No such team.")
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
