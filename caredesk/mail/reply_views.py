"""Writing to the customer from the desk: the reply page (a letter or an email, with the
plain-English check beside it) and the holding reply from the case page.

They are mail's because they choose the channel (an email when there is an address to
send it to, else a letter) and mail is above documents, which writes the letters.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from caredesk.cases.forms import HoldingReplyForm
from caredesk.cases.models import Case
from caredesk.cases.selectors import deadlines_holding_reply_list
from caredesk.cases.views.case_page import case_action, case_or_404
from caredesk.core.active_policy import active_policy
from caredesk.core.clock import Clock, system_clock
from caredesk.customers.services import customer_access_record
from caredesk.documents.plain_english import plain_english_check
from caredesk.documents.selectors import plain_english_thresholds_get
from caredesk.documents.services import letter_write, wanted_formats
from caredesk.errors import CaredeskError
from caredesk.mail.forms import ReplyForm
from caredesk.mail.replies import email_reply_write, holding_reply_write, reply_address
from caredesk.staff.decorators import requires
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can


def _staff(request: HttpRequest) -> StaffMember:
    return request.user  # type: ignore[return-value]


@requires(Can.WORK_CASES)
def reply_page(request: HttpRequest, reference: str, clock: Clock = system_clock) -> HttpResponse:
    """Write the reply on the case, as a letter or an email. "Check the wording" shows
    the plain-English check (as you type, with htmx); "Send" records it as the response."""
    case = case_or_404(reference)
    customer_access_record(
        customers=[case.customer],
        by=_staff(request),
        what=f"reply on {case.reference}",
        clock=clock,
    )
    email_to = reply_address(case)
    form = ReplyForm(request.POST or None, email_to=email_to)
    report = None
    if request.method == "POST" and form.is_valid():
        draft = form.cleaned_data["draft"]
        if request.POST.get("action") == "send" and form.cleaned_data["medium"] == "email":
            try:
                email_reply_write(
                    case=case, draft=draft, by=_staff(request), policy=active_policy(), clock=clock
                )
            except CaredeskError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request, f"Email to {email_to} recorded as the response. It goes in a minute."
                )
                return redirect("cases:case", case.reference)
        elif request.POST.get("action") == "send":
            try:
                written = letter_write(
                    case=case, draft=draft, by=_staff(request), policy=active_policy(), clock=clock
                )
            except CaredeskError as error:
                form.add_error(None, error.message)
            else:
                extra = len(wanted_formats(written)) > 1
                messages.success(
                    request,
                    "Letter written and recorded as the response. Its printed copy"
                    f"{' and the customer’s own format' if extra else ''} will be on the case"
                    " in a minute.",
                )
                return redirect("cases:case", case.reference)
        report = plain_english_check(draft, plain_english_thresholds_get(policy=active_policy()))
    return render(
        request,
        "mail/write_reply.html",
        {"case": case, "form": form, "report": report},
        status=400 if form.errors else 200,
    )


@requires(Can.WORK_CASES)
@require_POST
def holding_reply(
    request: HttpRequest, reference: str, clock: Clock = system_clock
) -> HttpResponse:
    """The case page's "Send a holding reply": by email, else as a letter."""
    case = case_or_404(reference)

    def act(case: Case, data: dict[str, Any], staff: StaffMember) -> str:
        deadline = case.deadlines.get(pk=data["deadline"])
        sent = holding_reply_write(
            deadline=deadline,
            reason=data["reason"],
            revised=data["revised_by"],
            by=staff,
            policy=active_policy(),
            clock=clock,
        )
        revised = sent.reply.revised_due_at.astimezone(active_policy().working_calendar.zone)
        how = f"emailed to {sent.email.to_address}" if sent.email else "written as a letter"
        return f"Holding reply {how}. New response date: {revised:%A %d %B %Y, %H:%M}."

    return case_action(
        request,
        reference,
        "holding_reply",
        HoldingReplyForm,
        act,
        clock,
        deadlines=deadlines_holding_reply_list(case=case, policy=active_policy()),
        policy=active_policy(),
    )
