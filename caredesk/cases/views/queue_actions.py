"""What an officer does from a queue: take a case ("Assign to me"), give several ticked
cases to someone, and keep their filters as a named view (rename it, delete it)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from caredesk.cases.reassign import Reassigned, cases_give
from caredesk.cases.views.queues import QUEUE_NAMES
from caredesk.core.clock import Clock, system_clock
from caredesk.core.local_addresses import address_is_ours
from caredesk.core.query import id_or_none
from caredesk.errors import CaredeskError
from caredesk.staff.decorators import requires
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can, allowed
from caredesk.staff.saved_views import (
    saved_view_create,
    saved_view_delete,
    saved_view_rename,
    saved_views_list,
)


def _back(request: HttpRequest, default: str = "cases:my_work") -> HttpResponseRedirect:
    """Back to the page the form was on (a local address only), or to My work."""
    asked = request.POST.get("next", "")
    if address_is_ours(request, asked):
        return HttpResponseRedirect(asked)
    return redirect(default)


def _report(request: HttpRequest, result: Reassigned, officer: StaffMember, me: bool) -> None:
    given = len(result.given)
    if given:
        cases = "1 case" if given == 1 else f"{given} cases"
        to = "you" if me else str(officer)
        done = f"{cases} {'assigned to' if me else 'reassigned to'} {to}"
        messages.success(request, f"{done}: {', '.join(result.given)}." if given <= 5 else done)
    for reference, cover in result.covered:
        messages.success(
            request, f"{officer} is away, so {reference} has gone to {cover}, who covers for them."
        )
    if result.refused:
        could_not = (
            "1 could not be"
            if len(result.refused) == 1
            else (f"{len(result.refused)} could not be")
        )
        listed = "; ".join(f"{reference}: {why}" for reference, why in result.refused)
        messages.error(request, f"{could_not}: {listed}")
    if not (given or result.covered or result.refused):
        messages.error(request, "Select at least one case.")


def _shown_with(request: HttpRequest, references: list[str]) -> dict[str, int | None]:
    """Whom the page showed each case with, by reference: a queue row posts
    `was_with:<reference>` (the staff id, empty for nobody), the case page's header
    `was_with`. A case the page said nothing of counts as shown with nobody."""
    shown: dict[str, int | None] = {}
    for reference in references:
        key = reference.strip().upper()
        posted = request.POST.get(f"was_with:{key}", request.POST.get(f"was_with:{reference}"))
        if posted is None and len(references) == 1:
            posted = request.POST.get("was_with")
        shown[key] = id_or_none(posted or "")
    return shown


@requires(Can.WORK_CASES)
@require_POST
def assign_to_me(request: HttpRequest, clock: Clock = system_clock) -> HttpResponse:
    """Take one case: from a queue's row, or the case page's header."""
    me: StaffMember = request.user  # type: ignore[assignment]
    references = request.POST.getlist("case")[:1]
    result = cases_give(
        references=references,
        officer=me,
        by=me,
        shown_with=_shown_with(request, references),
        clock=clock,
    )
    _report(request, result, me, me=True)
    return _back(request)


@requires(Can.WORK_CASES)
@require_POST
def queue_reassign(request: HttpRequest, clock: Clock = system_clock) -> HttpResponse:
    """Give the ticked cases to one officer: each case on its own, so one refusal
    costs the others nothing."""
    me: StaffMember = request.user  # type: ignore[assignment]
    officer_id = id_or_none(request.POST.get("officer"))
    officer = StaffMember.objects.filter(pk=officer_id or 0, is_active=True).first()
    if officer is None or not allowed(officer, Can.WORK_CASES):
        messages.error(request, "Choose who to give the cases to.")
        return _back(request)
    references = request.POST.getlist("case")
    result = cases_give(
        references=references,
        officer=officer,
        by=me,
        shown_with=_shown_with(request, references),
        clock=clock,
    )
    _report(request, result, officer, me=officer.pk == me.pk)
    return _back(request)


@requires(Can.READ_CASES)
@require_POST
def saved_view_save(request: HttpRequest, clock: Clock = system_clock) -> HttpResponse:
    me: StaffMember = request.user  # type: ignore[assignment]
    page = request.POST.get("page", "")
    if page not in QUEUE_NAMES:
        page = "my_work"
    query = request.POST.get("query", "")
    try:
        view = saved_view_create(
            owner=me, name=request.POST.get("name", ""), page=page, query=query, clock=clock
        )
    except CaredeskError as refusal:
        messages.error(request, f"The view was not saved. {refusal.message}")
        return HttpResponseRedirect(f"{_queue_url(page)}?{query}")
    messages.success(request, f"Saved as “{view.name}”. It is listed under Your saved views.")
    return HttpResponseRedirect(f"{_queue_url(page)}?{view.query}")


def _queue_url(page: str) -> str:
    return reverse(f"cases:{page}")


@requires(Can.READ_CASES)
def saved_views(request: HttpRequest) -> HttpResponse:
    """A person's own saved views: open, rename or delete each."""
    me: StaffMember = request.user  # type: ignore[assignment]
    problem, problem_for, status = "", 0, 200
    if request.method == "POST":
        view_id = id_or_none(request.POST.get("view"))
        try:
            if request.POST.get("action") == "delete":
                name = saved_view_delete(owner=me, view_id=view_id)
                messages.success(request, f"“{name}” deleted.")
            else:
                view = saved_view_rename(
                    owner=me, view_id=view_id, name=request.POST.get("name", "")
                )
                messages.success(request, f"Renamed to “{view.name}”.")
        except CaredeskError as refusal:
            problem, problem_for, status = refusal.message, view_id or 0, 400
        else:
            return redirect("cases:saved_views")
    views = [
        (view, f"{_queue_url(view.page)}?{view.query}", QUEUE_NAMES.get(view.page, ""))
        for view in saved_views_list(owner=me)
        if view.page in QUEUE_NAMES
    ]
    return render(
        request,
        "cases/saved_views.html",
        {"views": views, "problem": problem, "problem_for": problem_for},
        status=status,
    )
