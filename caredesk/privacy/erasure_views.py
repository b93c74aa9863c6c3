"""The data protection officer's erasure pages: an erasure request (what holds it, what
would be erased, erasing or refusing, which answers it), and the retention schedule
(its periods, its runs, and a dry run of what it would do now)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from caredesk.cases.views.case_page import case_or_404
from caredesk.core.active_policy import active_policy
from caredesk.core.clock import Clock, system_clock
from caredesk.customers.holdings import holdings
from caredesk.customers.services import customer_access_record
from caredesk.errors import CaredeskError
from caredesk.privacy import erasure
from caredesk.privacy.erasure_forms import EraseForm, RefuseErasureForm
from caredesk.privacy.models import Erasure, RetentionRun
from caredesk.privacy.retention import RULE_DONE, RULE_WORDS, RULES, retention_apply
from caredesk.staff.decorators import requires
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can

RUNS_SHOWN = 20


def _staff(request: HttpRequest) -> StaffMember:
    return request.user  # type: ignore[return-value]


@requires(Can.MANAGE_PRIVACY)
def erasure_page(request: HttpRequest, reference: str, clock: Clock = system_clock) -> HttpResponse:
    case = case_or_404(reference)
    staff = _staff(request)
    try:
        customer = erasure.erasure_request_customer(case)
    except CaredeskError as error:
        messages.error(request, error.message)
        return redirect("cases:case", case.reference)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    erase = EraseForm(request.POST if action == "erase" else None)
    refuse = RefuseErasureForm(request.POST if action == "refuse" else None)
    failed: Form | None = None
    if action:
        form = {"erase": erase, "refuse": refuse}.get(action)
        if form is None:
            raise Http404("No such action.")
        if form.is_valid():
            try:
                said = _act(action, case, form, staff, clock)
            except CaredeskError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, said)
                return redirect("privacy:erasure", case.reference)
        failed = form
    if customer.erased_at is None:
        customer_access_record(
            customers=[customer], by=staff, what=f"erasure request {case.reference}", clock=clock
        )
    return render(
        request,
        "privacy/erasure.html",
        _context(case, customer, erase, refuse, failed),
        status=400 if failed is not None else 200,
    )


def _act(action: str, case: Any, form: Form, staff: StaffMember, clock: Clock) -> str:
    data = form.cleaned_data
    if action == "erase":
        erased = erasure.erasure_carry_out(
            request=case, told_how=data["told_how"], by=staff, clock=clock
        )
        return (
            f"Their personal data is erased: {sum(erased.rows.values()):,} records cleared. "
            "The request is answered."
        )
    erasure.erasure_refuse(
        request=case, reason=data["reason"], told_how=data["told_how"], by=staff, clock=clock
    )
    return "Recorded that their data will not be erased, and why. The request is answered."


def _context(
    case: Any, customer: Any, erase: EraseForm, refuse: RefuseErasureForm, failed: Form | None
) -> dict[str, Any]:
    done = Erasure.objects.filter(customer=customer).select_related("by").first()
    answered = case.status in erasure.FINISHED
    parts: list[tuple[str, int]] = []
    holds: list[erasure.Hold] = []
    if done is None:
        holds = erasure.erasure_holds(customer, request=case)
        parts = [(h.what, n) for h in holdings() if (n := h.rows(customer).count())]
    return {
        "case": case,
        "customer": customer,
        "done": done,
        "answered": answered,
        "holds": holds,
        "parts": parts,
        "deadline": case.deadlines.filter(standard_key="erasure_request").first(),
        "erase_form": erase,
        "refuse_form": refuse,
        "failed": failed,
    }


@requires(Can.MANAGE_PRIVACY)
def retention_page(request: HttpRequest, clock: Clock = system_clock) -> HttpResponse:
    """The schedule's periods, its last runs, and (asked for) a dry run now."""
    policy = active_policy()
    dry_run = None
    if request.method == "POST":  # the page's one form: a dry run
        dry_run = retention_apply(policy=policy, now=clock.now(), dry_run=True, by=_staff(request))
    periods = [(RULE_WORDS[rule], getattr(policy.retention, rule, None)) for rule in RULES]
    return render(
        request,
        "privacy/retention.html",
        {
            "periods": periods,
            "assumptions": policy.retention.assumptions,
            "dry_run": dry_run and _rows(dry_run),
            "runs": [
                (run, _rows(run))
                for run in RetentionRun.objects.select_related("by").order_by("-at")[:RUNS_SHOWN]
            ],
        },
    )


def _rows(run: RetentionRun) -> list[tuple[str, dict[str, Any], str]]:
    """Each rule's words, figures and what was done to what it found."""
    return [
        (RULE_WORDS[rule], run.rules[rule], RULE_DONE[rule]) for rule in RULES if rule in run.rules
    ]
