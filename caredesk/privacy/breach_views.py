"""The breach pages: the data protection officer's breach log and each breach's page
(the record, the risk, the decision, the people told, the timeline); and the form any
member of staff uses to report a suspected breach to the officer."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from caredesk.cases.display import due_status
from caredesk.cases.models import Deadline, EventKind
from caredesk.core.active_policy import active_policy
from caredesk.core.clock import Clock, system_clock
from caredesk.core.office_time import parse_received
from caredesk.errors import CaredeskError
from caredesk.privacy import breaches
from caredesk.privacy.breach_forms import (
    BreachAssessForm,
    BreachCloseForm,
    BreachDecisionForm,
    BreachReportForm,
    PeopleToldForm,
)
from caredesk.privacy.models import Breach
from caredesk.staff.decorators import requires
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can, allowed
from caredesk.standards import Policy

LOG_SHOWN = 200
# The field a refusal is about, so its message is shown beside it.
FIELD_OF: dict[type[CaredeskError], str] = {
    breaches.BreachAwareInFuture: "became_aware_at",
    breaches.BreachTimeOutOfRange: "at",
    breaches.BreachReasonMissing: "reason",
    breaches.BreachDelayUnexplained: "delay_reason",
}


def _staff(request: HttpRequest) -> StaffMember:
    return request.user  # type: ignore[return-value]


def _refuse(form: Form, error: CaredeskError) -> None:
    field = FIELD_OF.get(type(error))
    form.add_error(field if field in form.fields else None, error.message)


def _when(data: dict[str, Any], name: str, policy: Policy) -> Any:
    value = data.get(name)
    return parse_received(value.isoformat(), policy) if value is not None else None


@requires(Can.REPORT_BREACHES)
def breach_report_page(request: HttpRequest, clock: Clock = system_clock) -> HttpResponse:
    policy, staff = active_policy(), _staff(request)
    form = BreachReportForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            breach = breaches.breach_report(
                became_aware_at=parse_received(data["became_aware_at"].isoformat(), policy),
                what_happened=data["what_happened"],
                how_discovered=data["how_discovered"],
                by=staff,
                policy=policy,
                clock=clock,
            )
        except CaredeskError as error:
            _refuse(form, error)
        else:
            if allowed(staff, Can.MANAGE_PRIVACY):
                messages.success(request, f"Breach recorded: {breach.case.reference}.")
                return redirect("privacy:breach", breach.pk)
            messages.success(
                request,
                f"Thank you. The data protection officer has been told ({breach.case.reference}). "
                "Do not try to put it right yourself unless they ask you to.",
            )
            return redirect("privacy:breach_report")
    return render(
        request, "privacy/breach_report.html", {"form": form}, status=400 if form.errors else 200
    )


@requires(Can.MANAGE_PRIVACY)
def breach_log(request: HttpRequest, clock: Clock = system_clock) -> HttpResponse:
    policy = active_policy()
    now, zone = clock.now(), policy.working_calendar.zone
    found = list(breaches.breaches_log_list()[:LOG_SHOWN])
    deadlines = {
        d.case_id: d
        for d in Deadline.objects.filter(
            case__in=[b.case_id for b in found], standard_key=breaches.STANDARD
        ).order_by("-pk")
    }
    rows = [
        (breach, due_status(deadlines[breach.case_id], now=now, zone=zone))
        if breach.case_id in deadlines
        else (breach, None)
        for breach in found
    ]
    return render(
        request, "privacy/breach_log.html", {"rows": rows, "limit": LOG_SHOWN, "now": now}
    )


FORMS: dict[str, type[Form]] = {
    "decide": BreachDecisionForm,
    "told": PeopleToldForm,
    "close": BreachCloseForm,
}


@requires(Can.MANAGE_PRIVACY)
def breach_of_case(request: HttpRequest, reference: str) -> HttpResponse:
    """The breach whose case this is: the case page links here, since a breach's case
    is ended only on the breach's page (cases.rules.ended_on_its_own_page)."""
    breach = get_object_or_404(Breach.objects.only("pk"), case__reference=reference)
    return redirect("privacy:breach", breach.pk)


@requires(Can.MANAGE_PRIVACY)
def breach_page(request: HttpRequest, breach_id: int, clock: Clock = system_clock) -> HttpResponse:
    breach = get_object_or_404(
        Breach.objects.select_related("case", "case__assigned_to", "reported_by", "decided_by"),
        pk=breach_id,
    )
    policy, staff = active_policy(), _staff(request)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    bound: Form | None = None
    if action == "assess":
        bound = BreachAssessForm(request.POST, breach=breach)
    elif action in FORMS:
        bound = FORMS[action](request.POST)
    if bound is not None and bound.is_valid():
        try:
            said = _act(action, breach, bound.cleaned_data, staff, policy, clock)
        except CaredeskError as error:
            _refuse(bound, error)
        else:
            messages.success(request, said)
            return redirect("privacy:breach", breach.pk)
    forms: dict[str, Form] = {
        "assess": BreachAssessForm(breach=breach),
        **{name: cls() for name, cls in FORMS.items()},
    }
    if bound is not None:
        forms[action] = bound
    deadline = breaches.breach_deadline(breach)
    now = clock.now()
    return render(
        request,
        "privacy/breach.html",
        {
            "breach": breach,
            "case": breach.case,
            "deadline": deadline,
            "due_at": breaches.breach_due_at(breach),
            "status": due_status(deadline, now=now, zone=policy.working_calendar.zone)
            if deadline is not None
            else None,
            "forms": forms,
            "failed": action if bound is not None else "",
            "timeline": breach.case.events.filter(kind=EventKind.BREACH)
            .select_related("actor")
            .order_by("at", "pk"),
        },
        status=400 if bound is not None else 200,
    )


def _act(
    action: str,
    breach: Breach,
    data: dict[str, Any],
    staff: StaffMember,
    policy: Policy,
    clock: Clock,
) -> str:
    """Do what the form asked; what to tell the officer."""
    if action == "assess":
        breaches.breach_assess(
            breach=breach,
            what_happened=data["what_happened"],
            how_discovered=data["how_discovered"],
            data_categories=data["data_categories"],
            data_affected=data["data_affected"],
            people_affected_count=data["people_affected_count"],
            people_affected=data["people_affected"],
            risk_likelihood=data["risk_likelihood"],
            risk_severity=data["risk_severity"],
            risk=data["risk"],
            risk_reasoning=data["risk_reasoning"],
            containment=data["containment"],
            by=staff,
            policy=policy,
            clock=clock,
        )
        return "Assessment recorded."
    if action == "decide":
        decided = breaches.breach_decide(
            breach=breach,
            report=data["report"],
            at=_when(data, "at", policy),
            ico_reference=data["ico_reference"],
            reason=data["reason"],
            delay_reason=data["delay_reason"],
            by=staff,
            policy=policy,
            clock=clock,
        )
        return f"Recorded: {decided.get_decision_display().lower()}."
    if action == "told":
        breaches.breach_people_told(
            breach=breach,
            told=data["told"],
            at=_when(data, "at", policy),
            how=data["how"],
            reason=data["reason"],
            by=staff,
            policy=policy,
            clock=clock,
        )
        return "Recorded whether the people affected were told."
    breaches.breach_close(breach=breach, note=data["note"], by=staff, policy=policy, clock=clock)
    return "Breach closed."
