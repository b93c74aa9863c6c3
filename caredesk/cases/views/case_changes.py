"""The case page's actions that end or join cases: resolve, close, reopen and merge.

Resolving, closing and merging ask to confirm first, on a page of their own (GOV.UK's
"Are you sure" pattern, which needs no JavaScript): the form is sent once and answered
with what will happen (the deadlines that will end; the two cases side by side), then
sent again with `confirmed` and carried out as every case page action is
(`case_page.case_action`: the case locked, a stale page refused).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from caredesk.cases import merging, reopening, rules, selectors, services
from caredesk.cases.forms import FinishForm, MergeForm, ReopenForm
from caredesk.cases.models import UNFINISHED, Case, CaseKind, CaseStatus, ComplaintOutcome
from caredesk.cases.views.case_page import (
    _case_as_seen,
    _render_case,
    _seen_sent,
    case_action,
    case_or_404,
)
from caredesk.core.active_policy import active_policy
from caredesk.core.clock import Clock, system_clock
from caredesk.customers.services import customer_access_record
from caredesk.errors import CaredeskError
from caredesk.staff.decorators import requires
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can


def _seen(request: HttpRequest) -> str:
    sent = request.POST.get("seen", "")
    return sent if sent.isascii() and sent.isdigit() and len(sent) < 19 else ""


@requires(Can.WORK_CASES)
@require_POST
def finish(request: HttpRequest, reference: str, clock: Clock = system_clock) -> HttpResponse:
    case = case_or_404(reference)
    complaint = case.kind == CaseKind.COMPLAINT
    form = FinishForm(request.POST, complaint=complaint)
    # A breach is not confirmed first: the service refuses it (case_finish), at once.
    breach = rules.ended_on_its_own_page(kind=case.kind)
    if form.is_valid() and not form.cleaned_data["confirmed"] and not breach:
        status = CaseStatus(form.cleaned_data["status"])
        policy = active_policy()
        ending = case.deadlines.filter(status__in=UNFINISHED, outlives_case=False)
        decision = form.cleaned_data.get("complaint_outcome", "")
        return render(
            request,
            "cases/finish_confirm.html",
            {
                "case": case,
                "status": status,
                "verb": "close" if status == CaseStatus.CLOSED else "mark as resolved",
                "outcome": form.cleaned_data["outcome"],
                "complaint_outcome": decision,
                "complaint_outcome_label": ComplaintOutcome(decision).label if decision else "",
                "ending": [policy.standard(d.standard_key).name for d in ending],
                "seen": _seen(request),
            },
        )

    def act(case: Case, data: dict[str, Any], staff: StaffMember) -> str:
        services.case_finish(
            case=case,
            status=data["status"],
            outcome=data["outcome"],
            complaint_outcome=data.get("complaint_outcome", ""),
            by=staff,
            clock=clock,
        )
        return f"{case.reference} is {CaseStatus(data['status']).label.lower()}."

    return case_action(request, reference, "finish", FinishForm, act, clock, complaint=complaint)


@requires(Can.WORK_CASES)
@require_POST
def reopen(request: HttpRequest, reference: str, clock: Clock = system_clock) -> HttpResponse:
    def act(case: Case, data: dict[str, Any], staff: StaffMember) -> str:
        restarted = reopening.case_reopen(case=case, reason=data["reason"], by=staff, clock=clock)
        if not restarted:
            return f"{case.reference} is open again."
        policy = active_policy()
        names = ", ".join(policy.standard(key).name for key in restarted)
        return f"{case.reference} is open again. Started again: {names}."

    return case_action(request, reference, "reopen", ReopenForm, act, clock)


@requires(Can.WORK_CASES)
@require_POST
def merge(request: HttpRequest, reference: str, clock: Clock = system_clock) -> HttpResponse:
    """Merge the duplicate named in the form into this case."""
    kept = case_or_404(reference)
    staff: StaffMember = request.user  # type: ignore[assignment]
    form = MergeForm(request.POST)
    duplicate: Case | None = None
    if form.is_valid():
        try:
            duplicate = selectors.case_page_get(reference=form.cleaned_data["other"])
        except Case.DoesNotExist:
            form.add_error("other", f"There is no case {form.cleaned_data['other']}.")
    if duplicate is not None and not form.cleaned_data["confirmed"]:
        customer_access_record(
            customers=[kept.customer, duplicate.customer],
            by=staff,
            what=f"cases {kept.reference} and {duplicate.reference}, to merge them",
            clock=clock,
        )
        return render(
            request,
            "cases/merge_confirm.html",
            {
                "kept": kept,
                "duplicate": duplicate,
                "refusal": merging.merge_refusal(kept=kept, merged=duplicate),
                "seen": _seen(request),
            },
        )

    if duplicate is not None:
        # Not case_action: the merge locks both cases itself, the lower id first.
        try:
            done = merging.case_merge(
                kept=kept, merged=duplicate, by=staff, seen=_seen_sent(request), clock=clock
            )
        except CaredeskError as error:
            form.add_error(None, error.message)
        else:
            said = f"{duplicate.reference} is merged into {kept.reference}."
            if done.ended:
                said += (
                    f" Deadlines of {duplicate.reference} this case already had running "
                    f"have ended: {len(done.ended)}."
                )
            messages.success(request, said)
            return redirect("cases:case", reference=kept.reference)
    case, seen_now = _case_as_seen(reference)
    return _render_case(
        request, case, seen=seen_now, clock=clock, failed={"merge": form}, status=400
    )
