"""The complaints pages of a case: defining the complaint at its stage; recording a
compliment."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from caredesk.cases.models import Case, CaseKind
from caredesk.cases.views.case_page import case_or_404
from caredesk.complaints.acknowledgements import acknowledgement_stage
from caredesk.complaints.compliments import compliment_record
from caredesk.complaints.definitions import complaint_define, current_stage
from caredesk.complaints.forms import ComplimentForm, DefinitionForm
from caredesk.complaints.models import Complaint, ComplaintPromise, Compliment
from caredesk.complaints.promises import promise_done
from caredesk.core.active_policy import active_policy
from caredesk.core.clock import Clock, system_clock
from caredesk.customers.services import customer_access_record
from caredesk.errors import CaredeskError
from caredesk.staff.decorators import requires
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can


@requires(Can.WORK_CASES)
def define_page(request: HttpRequest, reference: str, clock: Clock = system_clock) -> HttpResponse:
    """Define the complaint at the stage it is at, then acknowledge it (if it is waiting
    to be acknowledged at that stage) or back to the case."""
    case = case_or_404(reference)
    if case.kind != CaseKind.COMPLAINT:
        messages.error(request, "This case is not a complaint.")
        return redirect("cases:case", case.reference)
    staff: StaffMember = request.user  # type: ignore[assignment]
    policy, stage = active_policy(), current_stage(case)
    complaint = Complaint.objects.filter(case=case).first()
    form = DefinitionForm(
        request.POST if request.method == "POST" else None,
        policy=policy,
        stage=stage,
        initial=_initial(case, complaint, stage, staff),
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            complaint_define(
                case=case,
                points=data["points"],
                handler=data["handler"],
                outcome_wanted=data["outcome_wanted"],
                same_handler_reason=data.get("same_handler_reason", ""),
                service_area=data["service_area"],
                about=data["about"],
                by=staff,
                policy=policy,
                clock=clock,
            )
        except CaredeskError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"The complaint is defined at stage {stage}.")
            if acknowledgement_stage(case) == stage:
                return redirect("complaints:acknowledgement", case.reference)
            return redirect("cases:case", case.reference)
    customer_access_record(
        customers=[case.customer], by=staff, what=f"complaint on {case.reference}", clock=clock
    )
    return render(
        request,
        "complaints/define.html",
        {
            "case": case,
            "form": form,
            "stage": stage,
            "stage_1_handler": complaint.stage_1_handler if complaint else None,
        },
        status=400 if form.errors else 200,
    )


def _initial(
    case: Case, complaint: Complaint | None, stage: int, staff: StaffMember
) -> dict[str, object]:
    about = case.raised_from.reference if case.raised_from else ""
    if complaint is None:
        return {"handler": staff.pk, "about": about}
    points = [point.text for point in complaint.points.filter(stage=stage)]
    if not points and stage == 2:  # stage 2 starts from what stage 1 was about
        points = [point.text for point in complaint.points.filter(stage=1)]
    handler = complaint.handler(stage)
    return {
        "points": "\n".join(points),
        "outcome_wanted": complaint.outcome_wanted,
        "handler": handler.pk if handler else (staff.pk if stage == 1 else None),
        "same_handler_reason": complaint.same_handler_reason,
        "service_area": complaint.service_area,
        "about": about,
    }


@requires(Can.WORK_CASES)
def compliment_page(
    request: HttpRequest, reference: str, clock: Clock = system_clock
) -> HttpResponse:
    """Record what the customer praised and whom; they are told at once."""
    case = case_or_404(reference)
    if case.kind != CaseKind.COMPLIMENT:
        messages.error(request, "This case is not a compliment.")
        return redirect("cases:case", case.reference)
    staff: StaffMember = request.user  # type: ignore[assignment]
    policy = active_policy()
    kept = Compliment.objects.filter(case=case).first()
    initial: dict[str, object] = {"what_they_said": case.subject}
    if kept is not None:
        initial = {
            "what_they_said": kept.what_they_said,
            "staff": list(kept.staff.all()),
            "team": kept.team_id,
            "service_area": kept.service_area,
        }
    form = ComplimentForm(
        request.POST if request.method == "POST" else None, policy=policy, initial=initial
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            compliment = compliment_record(
                case=case,
                what_they_said=data["what_they_said"],
                staff=list(data["staff"]),
                team=data["team"],
                service_area=data["service_area"],
                by=staff,
                policy=policy,
                clock=clock,
            )
        except CaredeskError as error:
            form.add_error(None, error.message)
        else:
            passed = " and passed on" if compliment.passed_on_at else ""
            messages.success(request, f"The compliment is recorded{passed}.")
            return redirect("cases:case", case.reference)
    return render(
        request,
        "complaints/compliment.html",
        {"case": case, "form": form},
        status=400 if form.errors else 200,
    )


@requires(Can.WORK_CASES)
@require_POST
def promise_done_page(
    request: HttpRequest, promise_id: int, clock: Clock = system_clock
) -> HttpResponse:
    promise = get_object_or_404(
        ComplaintPromise.objects.select_related("complaint__case"), pk=promise_id
    )
    staff: StaffMember = request.user  # type: ignore[assignment]
    try:
        promise_done(promise=promise, by=staff, policy=active_policy(), clock=clock)
    except CaredeskError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Done: {promise.what}.")
    return redirect("cases:case", promise.complaint.case.reference)
