"""Writing up an interview from its case, and marking an action agreed done."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from caredesk.cases.models import Case
from caredesk.core.active_policy import active_policy
from caredesk.core.clock import Clock, system_clock
from caredesk.customers.services import customer_access_record
from caredesk.errors import CaredeskError
from caredesk.staff.decorators import requires
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can
from caredesk.visits import interviews
from caredesk.visits.forms import InterviewForm
from caredesk.visits.models import InterviewAction


def _staff(request: HttpRequest) -> StaffMember:
    assert isinstance(request.user, StaffMember)
    return request.user


@requires(Can.WORK_CASES)
def interview_write_up(
    request: HttpRequest, reference: str, clock: Clock = system_clock
) -> HttpResponse:
    case = get_object_or_404(Case.objects.select_related("customer"), reference=reference)
    staff, policy = _staff(request), active_policy()
    initial = {
        "officers": [staff.pk],
        "office": staff.office_id,
        "at_home": "0",
        "customer_attended": True,
    }
    if case.customer is not None and case.customer.interpreter_needed:
        initial["interpreter_language"] = case.customer.language
    form = InterviewForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            interviews.interview_record(
                case=case,
                held_at=data["held_at"],
                where=interviews.Where(
                    office=data["office"],
                    at_home=data["at_home"],
                    room=data["room"],
                    private_room=data["private_room"],
                ),
                officers=list(data["officers"]),
                issues=data["issues"],
                recommendations=data["recommendations"],
                timescales=data["timescales"],
                actions=[
                    interviews.ActionAgreed(what, owner, due) for what, owner, due in form.actions()
                ],
                customer_attended=data["customer_attended"],
                others_present=data["others_present"],
                interpreter_language=data["interpreter_language"],
                by=staff,
                policy=policy,
                clock=clock,
            )
        except CaredeskError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "The interview is written up.")
            return redirect("cases:case", case.reference)
    customer_access_record(customers=[case.customer], by=staff, what="interview", clock=clock)
    return render(
        request,
        "visits/interview.html",
        {"case": case, "form": form},
        status=400 if form.errors else 200,
    )


@requires(Can.WORK_CASES)
@require_POST
def interview_action_done(
    request: HttpRequest, action_id: int, clock: Clock = system_clock
) -> HttpResponse:
    action = get_object_or_404(
        InterviewAction.objects.select_related("interview__case"), pk=action_id
    )
    try:
        interviews.interview_action_done(
            action=action, by=_staff(request), policy=active_policy(), clock=clock
        )
    except CaredeskError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Done: {action.what}.")
    return redirect("cases:case", action.interview.case.reference)
