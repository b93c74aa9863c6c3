"""Writing a complaint's response: the decisions, checked as the response will go, and
sent from the check page only (documents.checking signs what the check page showed)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from caredesk.cases.customer_panel import customer_panel_get
from caredesk.cases.models import Case
from caredesk.cases.views.case_page import case_or_404
from caredesk.complaints.definitions import complaint_of
from caredesk.complaints.forms import ResponseForm
from caredesk.complaints.responses import (
    KIND,
    complaint_response_send,
    draft_problems,
    response_render,
    response_values,
    stage_to_answer,
)
from caredesk.core.active_policy import active_policy
from caredesk.core.clock import Clock, system_clock
from caredesk.customers.services import customer_access_record
from caredesk.documents.checking import checked_for, checked_refusal, checked_token
from caredesk.documents.models import CaseLetter
from caredesk.documents.plain_english import plain_english_check
from caredesk.documents.selectors import plain_english_thresholds_get
from caredesk.errors import CaredeskError
from caredesk.mail.checking import preview_make
from caredesk.mail.replies import reply_address
from caredesk.mail.reply_views import letter_files
from caredesk.staff.decorators import requires
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can

WHAT = "the response"


def _number(text: str | None) -> int:
    try:
        return int(text or 0)
    except ValueError:
        return 0


@requires(Can.WORK_CASES)
def response_page(
    request: HttpRequest, reference: str, clock: Clock = system_clock
) -> HttpResponse:
    """Write the response (the decisions), "Check the response" shows it as it will go,
    "Send" from there sends it; "Change" comes back with everything kept."""
    case = case_or_404(reference)
    stage = stage_to_answer(case)
    if stage is None:
        messages.error(request, "This complaint is not waiting for a response.")
        return redirect("cases:case", case.reference)
    staff: StaffMember = request.user  # type: ignore[assignment]
    policy = active_policy()
    complaint = complaint_of(case, now=clock.now())
    points = list(complaint.points.filter(stage=stage))
    email_to = reply_address(case)
    action = request.POST.get("action", "")
    shown = _number(request.POST.get("promises_shown")) + ("add_promise" in request.POST)
    form = ResponseForm(
        request.POST if request.method == "POST" else None,
        points=points,
        policy=policy,
        promises_shown=shown,
        email_to=email_to,
        customer=case.customer,
    )
    customer_access_record(
        customers=[case.customer],
        by=staff,
        what=f"complaint response on {case.reference}",
        clock=clock,
    )
    if "add_promise" in request.POST:  # another promise row: nothing is checked yet
        form.is_valid()
        form.errors.clear()
    elif form.is_bound and action in ("check", "send") and form.is_valid():
        draft = form.response_draft()
        today = clock.now().astimezone(policy.working_calendar.zone).date()
        for problem in draft_problems(points, draft, policy, today):
            form.add_error(None, problem)
    if form.is_bound and action in ("check", "send") and not form.errors:
        return _check_or_send(request, case, stage, form, email_to, clock)
    return render(
        request,
        "complaints/response_write.html",
        {
            "case": case,
            "stage": stage,
            "form": form,
            "points": points,
            "complaint": complaint,
            "panel": customer_panel_get(customer=case.customer, exclude_case=case),
        },
        status=400 if form.errors else 200,
    )


def _fields(case: Case, form: ResponseForm) -> dict[str, str]:
    """What the check page showed, as posted: every field, and the case."""
    posted = {name: str(form.data.get(name, "")) for name in form.fields}
    return {"case": case.reference, "promises_shown": str(form.promises_shown)} | posted


def _check_or_send(
    request: HttpRequest,
    case: Case,
    stage: int,
    form: ResponseForm,
    email_to: str,
    clock: Clock,
) -> HttpResponse:
    staff: StaffMember = request.user  # type: ignore[assignment]
    policy = active_policy()
    draft = form.response_draft()
    by_email = form.cleaned_data["medium"] == "email"
    fields = _fields(case, form)
    refused = ""
    if request.POST.get("action") == "send":
        now = checked_for(case, by=staff, by_email=by_email, email_to=email_to)
        refused = checked_refusal(request.POST.get("checked", ""), fields, now, what=WHAT)
        if not refused:
            try:
                sent = complaint_response_send(
                    case=case, draft=draft, by_email=by_email, by=staff, policy=policy, clock=clock
                )
            except CaredeskError as error:
                refused = error.message
            else:
                how = (
                    f"Response written as a letter. {letter_files(sent)}"
                    if isinstance(sent, CaseLetter)
                    else f"Response emailed to {email_to}. It goes in a minute."
                )
                messages.success(request, f"{how} Stage {stage} is answered.")
                return redirect("cases:case", case.reference)
    complaint = complaint_of(case, now=clock.now())
    values = response_values(case, complaint, stage, draft, policy, staff)
    preview, report = None, None
    try:
        _, body = response_render(values, by_email=by_email)
        preview = preview_make(
            case,
            KIND,
            values,
            to=email_to,
            by_email=by_email,
            by=staff,
            policy=policy,
            clock=clock,
            typed=draft.more,
        )
        report = plain_english_check(body, plain_english_thresholds_get(policy=policy))
    except CaredeskError as error:
        refused = refused or error.message
    return render(
        request,
        "complaints/response_check.html",
        {
            "case": case,
            "stage": stage,
            "preview": preview,
            "report": report,
            "fields": fields,
            "checked": checked_token(
                fields, checked_for(case, by=staff, by_email=by_email, email_to=email_to)
            ),
            "refused": refused,
            "panel": customer_panel_get(customer=case.customer, exclude_case=case),
        },
        status=400 if refused else 200,
    )
