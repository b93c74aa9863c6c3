"""The desk's hazard pages: report a hazard on a case, and the hazard's own page, where
each step is recorded (the investigation, made safe, the summary, the work begun), with
every access attempt, the decant, the evidence and the close."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from caredesk.cases.customer_panel import customer_panel_get
from caredesk.cases.views.case_page import case_or_404
from caredesk.complaints import hazards
from caredesk.complaints.hazard_forms import (
    AccessForm,
    CloseForm,
    DecantForm,
    EvidenceForm,
    HazardReportForm,
    InvestigationForm,
    StepDoneForm,
)
from caredesk.complaints.hazard_summaries import (
    SUMMARY_STEP,
    hazard_summary_send,
    summary_by_email,
    summary_preview,
    summary_problem,
)
from caredesk.complaints.models import Hazard, HazardEvidence, HazardStep
from caredesk.core.active_policy import active_policy
from caredesk.core.clock import Clock, system_clock
from caredesk.core.office_time import parse_received
from caredesk.core.store import store_download
from caredesk.customers.services import customer_access_record
from caredesk.customers.vulnerabilities import household_vulnerabilities_of, vulnerability_words
from caredesk.documents.checking import checked_for, checked_refusal, checked_token
from caredesk.errors import CaredeskError
from caredesk.staff.decorators import requires
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can
from caredesk.standards import Policy

FORMS: dict[str, type[Form]] = {
    "investigated": InvestigationForm,
    "access": AccessForm,
    "decant": DecantForm,
    "evidence": EvidenceForm,
    "close": CloseForm,
}


def _staff(request: HttpRequest) -> StaffMember:
    return request.user  # type: ignore[return-value]


@requires(Can.WORK_CASES)
def hazard_new(request: HttpRequest, reference: str, clock: Clock = system_clock) -> HttpResponse:
    case = case_or_404(reference)
    policy, staff = active_policy(), _staff(request)
    form = HazardReportForm(
        request.POST if request.method == "POST" else None, policy=policy, case=case
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            hazard = hazards.hazard_report(
                case=case,
                hazard_type=data["hazard_type"],
                severity=data["severity"],
                description=data["description"],
                where=data["where"],
                contact=form.chosen_contact(),
                by=staff,
                policy=policy,
                clock=clock,
            )
        except CaredeskError as error:
            form.add_error(None, error.message)
        else:
            timed = hazard.steps.count()
            messages.success(
                request,
                f"Hazard recorded. {timed} step{'s' if timed != 1 else ''} timed from when we "
                "were told."
                if hazard.covered
                else "Hazard recorded. Awaab's Law does not cover this kind yet: it is not timed.",
            )
            return redirect("complaints:hazard", hazard.pk)
    customer_access_record(
        customers=[case.customer], by=staff, what=f"hazard on {case.reference}", clock=clock
    )
    return render(
        request,
        "complaints/hazard_new.html",
        {
            "case": case,
            "form": form,
            "panel": customer_panel_get(customer=case.customer, exclude_case=case),
            "vulnerabilities": vulnerability_words(household_vulnerabilities_of(case.customer)),
        },
        status=400 if form.errors else 200,
    )


@requires(Can.WORK_CASES)
def hazard_page(request: HttpRequest, hazard_id: int, clock: Clock = system_clock) -> HttpResponse:
    hazard = get_object_or_404(
        Hazard.objects.select_related("case__customer", "investigated_by", "reported_by"),
        pk=hazard_id,
    )
    policy, staff = active_policy(), _staff(request)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action == "summary":
        return _summary_send(request, hazard, staff, policy, clock)
    bound: dict[str, Form] = {}
    if action in FORMS or action == "done":
        form = (
            StepDoneForm(request.POST, prefix=f"step{request.POST.get('step', '')}")
            if action == "done"
            else FORMS[action](request.POST, request.FILES)
        )
        bound[action] = form
        if form.is_valid():
            try:
                said = _act(action, hazard, form.cleaned_data, request, staff, policy, clock)
            except CaredeskError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, said)
                return redirect("complaints:hazard", hazard.pk)
    customer_access_record(
        customers=[hazard.case.customer], by=staff, what=f"hazard {hazard.pk}", clock=clock
    )
    forms = {name: bound.get(name) or cls() for name, cls in FORMS.items()}
    names = {t.key: t.name for t in policy.hazards.types}
    posted_step = request.POST.get("step", "")
    return render(
        request,
        "complaints/hazard.html",
        {
            "case": hazard.case,
            "hazard": hazard,
            "type_name": names.get(hazard.hazard_type, hazard.hazard_type),
            "steps": [
                (
                    step,
                    policy.standard_name(step.standard_key),
                    step.standard_key in hazards.STEPS_DONE_BY_SAYING,
                    bound["done"]
                    if "done" in bound and posted_step == str(step.pk)
                    else StepDoneForm(prefix=f"step{step.pk}"),
                )
                for step in hazard.steps.select_related("deadline", "done_by")
            ],
            "holding_keys": {s.key for s in policy.deadline_standards() if s.holding_reply},
            "attempts": hazard.access_attempts.select_related("recorded_by"),
            "evidence": hazard.evidence.all(),
            "webhooks": hazard.webhooks.order_by("pk"),
            **_summary(hazard, staff, policy, clock),
            "forms": forms,
            "failed": action if bound and any(f.errors for f in bound.values()) else "",
            "panel": customer_panel_get(customer=hazard.case.customer, exclude_case=hazard.case),
            "vulnerabilities": vulnerability_words(
                household_vulnerabilities_of(hazard.case.customer)
            ),
        },
        status=400 if bound else 200,
    )


def _summary_fields(hazard: Hazard) -> dict[str, str]:
    return {"hazard": str(hazard.pk), "what": "summary"}


def _summary(
    hazard: Hazard, staff: StaffMember, policy: Policy, clock: Clock, refused: str = ""
) -> dict[str, Any]:
    """The written summary as it will go, and the token its Send carries; or why not."""
    if not hazard.steps.filter(standard_key=SUMMARY_STEP).exists():
        return {}
    problem = summary_problem(hazard)
    shown = None
    if not problem:
        try:
            shown = summary_preview(hazard=hazard, by=staff, policy=policy, clock=clock)
        except CaredeskError as error:
            problem = error.message
    customer = hazard.case.customer
    by_email = summary_by_email(customer)
    email_to = customer.email if by_email and customer else ""
    return {
        "summary": shown,
        "summary_problem": refused or problem,
        "summary_checked": checked_token(
            _summary_fields(hazard),
            checked_for(hazard.case, by=staff, by_email=by_email, email_to=email_to),
        ),
    }


def _summary_send(
    request: HttpRequest, hazard: Hazard, staff: StaffMember, policy: Policy, clock: Clock
) -> HttpResponse:
    customer = hazard.case.customer
    by_email = summary_by_email(customer)
    email_to = customer.email if by_email and customer else ""
    now = checked_for(hazard.case, by=staff, by_email=by_email, email_to=email_to)
    refused = checked_refusal(
        request.POST.get("checked", ""), _summary_fields(hazard), now, what="the summary"
    )
    if not refused:
        try:
            sent = hazard_summary_send(hazard=hazard, by=staff, policy=policy, clock=clock)
        except CaredeskError as error:
            refused = error.message
        else:
            how = f"emailed to {email_to}" if by_email else "written as a letter"
            messages.success(request, f"Summary {how}: {sent.subject}.")
            return redirect("complaints:hazard", hazard.pk)
    messages.error(request, refused)
    return redirect("complaints:hazard", hazard.pk)


def _act(
    action: str,
    hazard: Hazard,
    data: dict[str, Any],
    request: HttpRequest,
    staff: StaffMember,
    policy: Policy,
    clock: Clock,
) -> str:
    """Do what the form asked; what to tell the officer."""
    if action == "investigated":
        hazards.hazard_investigated(
            hazard=hazard,
            findings=data["findings"],
            significant=data["significant"],
            at=parse_received(data["ended_at"].isoformat(), policy),
            by=staff,
            policy=policy,
            clock=clock,
        )
        return "Investigation recorded."
    if action == "done":
        step = get_object_or_404(HazardStep, pk=request.POST.get("step"), hazard=hazard)
        hazards.hazard_step_done(
            step=step,
            at=parse_received(data["done_at"].isoformat(), policy),
            note=data["note"],
            by=staff,
            policy=policy,
            clock=clock,
        )
        return f"Recorded: {hazards.STEPS_DONE_BY_SAYING[step.standard_key]}."
    if action == "access":
        hazards.hazard_access_attempt(
            hazard=hazard,
            at=parse_received(data["at"].isoformat(), policy),
            outcome=data["outcome"],
            note=data["note"],
            by=staff,
            policy=policy,
            clock=clock,
        )
        return "Access attempt recorded."
    if action == "decant":
        hazards.hazard_decant_offered(
            hazard=hazard, details=data["details"], by=staff, policy=policy, clock=clock
        )
        return "Alternative accommodation recorded."
    if action == "evidence":
        upload = data["file"]
        hazards.hazard_evidence_add(
            hazard=hazard,
            data=upload.read(),
            file_name=upload.name or "",
            by=staff,
            policy=policy,
            clock=clock,
        )
        return "Evidence added."
    hazards.hazard_close(hazard=hazard, reason=data["reason"], by=staff, policy=policy, clock=clock)
    return "Hazard closed."


@requires(Can.WORK_CASES)
def hazard_evidence(
    request: HttpRequest, evidence_id: int, clock: Clock = system_clock
) -> FileResponse:
    evidence = get_object_or_404(
        HazardEvidence.objects.select_related("hazard__case__customer"), pk=evidence_id
    )
    customer_access_record(
        customers=[evidence.hazard.case.customer],
        by=_staff(request),
        what=f"hazard evidence {evidence.pk}",
        clock=clock,
    )
    return store_download(
        evidence.sha256, name=evidence.file_name, content_type=evidence.content_type
    )
