"""Writing up an interview from its case, marking an action agreed done, and sending the
customer the written summary (checked first, as every letter is)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from caredesk.cases.customer_panel import customer_panel_get
from caredesk.cases.models import Case
from caredesk.core.active_policy import active_policy
from caredesk.core.clock import Clock, system_clock
from caredesk.customers.services import customer_access_record
from caredesk.documents.checking import checked_for, checked_refusal, checked_token
from caredesk.errors import CaredeskError
from caredesk.staff.decorators import requires
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can
from caredesk.visits import interviews
from caredesk.visits.forms import ACTIONS_MOST, InterviewForm
from caredesk.visits.interview_summaries import (
    interview_summary_send,
    not_sendable_reason,
    summary_media,
    summary_preview,
)
from caredesk.visits.models import Interview, InterviewAction
from caredesk.visits.telling import EMAIL


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
    shown = _number(request.POST.get("actions_shown")) + ("add_action" in request.POST)
    form = InterviewForm(request.POST or None, initial=initial, actions_shown=shown)
    if "add_action" in request.POST:  # another row for an action: nothing is checked yet
        form.is_valid()
        form.errors.clear()
    elif request.method == "POST" and form.is_valid():
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
        {"case": case, "form": form, "actions_most": ACTIONS_MOST},
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


def _number(text: str | None) -> int:
    try:
        return int(text or 0)
    except ValueError:
        return 0


WHAT = "the summary"


@requires(Can.WORK_CASES)
def interview_summary(
    request: HttpRequest, interview_id: int, clock: Clock = system_clock
) -> HttpResponse:
    """The summary as it will go (by letter or email: the page offers the other way when
    the customer can have it); sent only from this page, as it was shown."""
    interview = get_object_or_404(
        Interview.objects.select_related("case__customer", "office"), pk=interview_id
    )
    case, staff, policy = interview.case, _staff(request), active_policy()
    if interview.summary_sent_at is not None:
        messages.info(request, "The summary of this interview has been sent already.")
        return redirect("cases:case", case.reference)
    media = summary_media(case.customer)
    medium = request.POST.get("medium") or request.GET.get("medium") or ""
    if medium not in media:
        medium = media[0] if media else ""
    fields = {"interview": str(interview.pk), "medium": medium}
    by_email = medium == EMAIL
    email_to = case.customer.email if by_email and case.customer else ""
    refused = not_sendable_reason(interview)
    if request.method == "POST" and not refused:
        now = checked_for(case, by=staff, by_email=by_email, email_to=email_to)
        refused = checked_refusal(request.POST.get("checked", ""), fields, now, what=WHAT)
        if not refused:
            try:
                interview_summary_send(
                    interview=interview, medium=medium, by=staff, policy=policy, clock=clock
                )
            except CaredeskError as error:
                refused = error.message
            else:
                messages.success(request, _sent_message(medium, email_to))
                return redirect("cases:case", case.reference)
    customer_access_record(
        customers=[case.customer],
        by=staff,
        what=f"interview summary on {case.reference}",
        clock=clock,
    )
    shown = None
    if medium:
        try:
            shown = summary_preview(
                interview=interview, medium=medium, by=staff, policy=policy, clock=clock
            )
        except CaredeskError as error:
            refused = refused or error.message
    return render(
        request,
        "visits/interview_summary.html",
        {
            "case": case,
            "interview": interview,
            "shown": shown,
            "other_medium": next((other for other in media if other != medium), ""),
            "fields": fields,
            "checked": checked_token(
                fields, checked_for(case, by=staff, by_email=by_email, email_to=email_to)
            ),
            "refused": refused,
            "panel": customer_panel_get(customer=case.customer, exclude_case=case),
        },
        status=400 if refused and request.method == "POST" else 200,
    )


def _sent_message(medium: str, email_to: str) -> str:
    if medium == EMAIL:
        return f"Summary emailed to {email_to}. It goes in a minute."
    return (
        "Summary written as a letter. Its printed copy, and any format the customer "
        "needs, will be on the case in a minute."
    )
