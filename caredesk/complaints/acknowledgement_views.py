"""The case page's "Acknowledge at stage 1" (or 2): the reply page's shape (reply_views)
for the complaint's acknowledgement, started from the acknowledgement's words; sending
it from the check page records the stage acknowledged (complaints.acknowledgements).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from caredesk.cases.models import Case
from caredesk.cases.views.case_page import case_or_404
from caredesk.complaints.acknowledgements import (
    KIND,
    acknowledgement_stage,
    acknowledgement_start,
    complaint_acknowledgement_send,
)
from caredesk.complaints.definitions import stage_defined
from caredesk.complaints.forms import AcknowledgementForm
from caredesk.complaints.models import Complaint
from caredesk.core.active_policy import active_policy
from caredesk.core.clock import Clock, system_clock
from caredesk.documents.models import CaseLetter
from caredesk.errors import CaredeskError
from caredesk.mail.reply_views import Writing, letter_files, writing_page
from caredesk.staff.decorators import requires
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can


@requires(Can.WORK_CASES)
def acknowledgement_page(
    request: HttpRequest, reference: str, clock: Clock = system_clock
) -> HttpResponse:
    """Write the acknowledgement, check it, and send it from the check page."""
    case = case_or_404(reference)
    stage = acknowledgement_stage(case)
    if stage is None:
        messages.error(request, "This case has no complaint waiting to be acknowledged.")
        return redirect("cases:case", case.reference)
    if not stage_defined(Complaint.objects.filter(case=case).first(), stage):
        messages.info(
            request,
            f"First define the complaint at stage {stage}: the acknowledgement tells the "
            "customer what we understand it to be about.",
        )
        return redirect("complaints:define", case.reference)
    staff: StaffMember = request.user  # type: ignore[assignment]
    writing = Writing(
        kind=KIND,
        url="complaints:acknowledgement",
        what="the acknowledgement",
        heading=f"Acknowledge the complaint at stage {stage}",
        lead=f"sending it records the complaint as acknowledged at stage {stage}: the "
        "response deadline starts.",
        check="Check the acknowledgement",
        access="acknowledgement",
        form_class=AcknowledgementForm,
        send=partial(_send, stage=stage),
        signed={"stage": str(stage)},
        start=_start(case, staff, stage, clock),
    )
    return writing_page(request, case, writing, clock)


def _start(case: Case, staff: StaffMember, stage: int, clock: Clock) -> str:
    try:
        return acknowledgement_start(case, active_policy(), staff, stage=stage, now=clock.now())
    except CaredeskError:  # an administrator's template that cannot be filled in
        return ""


def _send(
    request: HttpRequest,
    case: Case,
    data: dict[str, Any],
    email_to: str,
    clock: Clock,
    *,
    stage: int,
) -> HttpResponse | str:
    """Send what the check page showed, and record the stage; or why it cannot be."""
    staff: StaffMember = request.user  # type: ignore[assignment]
    try:
        sent = complaint_acknowledgement_send(
            case=case,
            stage=stage,
            draft=data["draft"],
            by_email=data["medium"] == "email",
            by=staff,
            policy=active_policy(),
            clock=clock,
        )
    except CaredeskError as error:
        return error.message
    how = (
        f"Acknowledgement written as a letter. {letter_files(sent)}"
        if isinstance(sent, CaseLetter)
        else f"Acknowledgement emailed to {email_to}. It goes in a minute."
    )
    messages.success(
        request, f"{how} Stage {stage} acknowledged: the response deadline has started."
    )
    return redirect("cases:case", case.reference)
