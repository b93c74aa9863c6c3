"""Declining a complaint: choose the Code's reason, then write to the customer on the
reply page's shape (mail's writing_page) and send it from the check page."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from caredesk.cases.models import Case
from caredesk.cases.views.case_page import case_or_404
from caredesk.complaints.forms import RefusalForm, RefusalReasonForm
from caredesk.complaints.refusals import (
    KIND,
    complaint_refuse,
    exclusion_get,
    may_refuse,
    refusal_start,
)
from caredesk.core.active_policy import active_policy
from caredesk.core.clock import Clock, system_clock
from caredesk.documents.models import CaseLetter
from caredesk.errors import CaredeskError
from caredesk.mail.reply_views import Writing, letter_files, writing_page
from caredesk.staff.decorators import requires
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can


@requires(Can.WORK_CASES)
def refusal_reason(request: HttpRequest, reference: str) -> HttpResponse:
    """Why the complaint is declined: one of the reasons the policy lists from the Code."""
    case = case_or_404(reference)
    why_not = may_refuse(case)
    if why_not:
        messages.error(request, why_not)
        return redirect("cases:case", case.reference)
    form = RefusalReasonForm(
        request.POST if request.method == "POST" else None, policy=active_policy()
    )
    if form.is_bound and form.is_valid():
        address = reverse("complaints:refusal", args=[case.reference])
        return redirect(f"{address}?reason={form.cleaned_data['reason']}")
    return render(
        request,
        "complaints/refusal_reason.html",
        {"case": case, "form": form},
        status=400 if form.errors else 200,
    )


@requires(Can.WORK_CASES)
def refusal_page(request: HttpRequest, reference: str, clock: Clock = system_clock) -> HttpResponse:
    """Write the letter that declines the complaint, check it, send it from the check page."""
    case = case_or_404(reference)
    policy = active_policy()
    why_not = may_refuse(case)
    reason = request.POST.get("reason") or request.GET.get("reason") or ""
    try:
        exclusion = exclusion_get(policy, reason)
    except CaredeskError as error:
        why_not = why_not or error.message
    if why_not:
        messages.error(request, why_not)
        return redirect("cases:case", case.reference)
    staff: StaffMember = request.user  # type: ignore[assignment]
    writing = Writing(
        kind=KIND,
        url="complaints:refusal",
        what="the letter",
        heading="Tell the customer the complaint is not accepted",
        lead="sending it closes the case: the complaint is recorded as not accepted "
        f"because {exclusion.name[:1].lower()}{exclusion.name[1:]}.",
        check="Check the letter",
        access="complaint refusal",
        form_class=RefusalForm,
        send=partial(_send, reason=reason),
        signed={"reason": reason},
        start=refusal_start(case, policy, staff, exclusion),
    )
    return writing_page(request, case, writing, clock)


def _send(
    request: HttpRequest,
    case: Case,
    data: dict[str, Any],
    email_to: str,
    clock: Clock,
    *,
    reason: str,
) -> HttpResponse | str:
    staff: StaffMember = request.user  # type: ignore[assignment]
    try:
        sent = complaint_refuse(
            case=case,
            reason=reason,
            draft=data["draft"],
            by_email=data["medium"] == "email",
            by=staff,
            policy=active_policy(),
            clock=clock,
        )
    except CaredeskError as error:
        return error.message
    how = (
        f"Letter written. {letter_files(sent)}"
        if isinstance(sent, CaseLetter)
        else f"Emailed to {email_to}. It goes in a minute."
    )
    messages.success(request, f"{how} The complaint is recorded as not accepted, and closed.")
    return redirect("cases:case", case.reference)
