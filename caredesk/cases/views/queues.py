"""Queues of open deadlines, soonest first: mine, my team's, my office's, everyone's overdue."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from caredesk.cases import selectors
from caredesk.cases.display import queue_rows
from caredesk.cases.models import Deadline
from caredesk.core.active_policy import active_policy
from caredesk.core.clock import Clock, system_clock
from caredesk.core.query import id_or_none
from caredesk.customers.services import customer_access_record
from caredesk.staff.decorators import requires
from caredesk.staff.models import Office, StaffMember, Team
from caredesk.staff.permissions import Can

PAGE_SIZE = 50


def _queue_page(
    request: HttpRequest,
    queryset: QuerySet[Deadline],
    *,
    heading: str,
    intro: str,
    clock: Clock,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    page = selectors.deadlines_page_get(
        queryset=queryset, after=request.GET.get("after"), size=PAGE_SIZE
    )
    staff: StaffMember = request.user  # type: ignore[assignment]
    customer_access_record(
        customers=(row.case.customer for row in page.items),
        by=staff,
        what=f"queue: {heading}",
        clock=clock,
    )
    return render(
        request,
        "cases/queue.html",
        {
            "heading": heading,
            "intro": intro,
            "page": page,
            "rows": queue_rows(page.items, now=clock.now(), policy=active_policy()),
            "first_page": not request.GET.get("after"),
            **(extra or {}),
        },
    )


@requires(Can.READ_CASES)
def my_work(request: HttpRequest, clock: Clock = system_clock) -> HttpResponse:
    staff: StaffMember = request.user  # type: ignore[assignment]
    return _queue_page(
        request,
        selectors.deadlines_assigned_list(staff=staff),
        heading="My work",
        intro="Your open deadlines, soonest first.",
        clock=clock,
        extra={"mine": True},
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
        heading=f"{team.name} team",
        intro="The team's open deadlines, soonest first.",
        clock=clock,
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
        heading=f"{office.name} office",
        intro="Open deadlines of every team in this office, soonest first.",
        clock=clock,
        extra={"offices": offices, "chosen_office": office},
    )


@requires(Can.READ_CASES)
def overdue(request: HttpRequest, clock: Clock = system_clock) -> HttpResponse:
    return _queue_page(
        request,
        selectors.deadlines_overdue_list(now=clock.now()),
        heading="Overdue",
        intro="Every open deadline that has passed, the longest overdue first.",
        clock=clock,
    )
