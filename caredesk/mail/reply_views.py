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

from caredesk.cases.customer_panel import customer_panel_get
from caredesk.cases.forms import HoldingReplyForm
from caredesk.cases.models import Case
from caredesk.cases.selectors import deadlines_holding_reply_list
from caredesk.cases.views.case_page import case_action, case_or_404
from caredesk.core.active_policy import active_policy
from caredesk.core.clock import Clock, system_clock
from caredesk.customers.services import customer_access_record
from caredesk.documents.framing import repeated_framing
from caredesk.documents.models import DocumentKind
from caredesk.documents.plain_english import plain_english_check
from caredesk.documents.selectors import plain_english_thresholds_get
from caredesk.documents.services import letter_write, wanted_formats
from caredesk.documents.snippets import post_with_snippet
from caredesk.errors import CaredeskError
from caredesk.mail.checking import (
    checked_for,
    checked_refusal,
    checked_token,
    holding_values,
    preview_make,
    reply_values,
    revised_text,
)
from caredesk.mail.forms import ReplyForm
from caredesk.mail.replies import (
    email_reply_write,
    holding_reply_by_email,
    holding_reply_write,
    reply_address,
    revised_day,
)
from caredesk.staff.decorators import requires
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can


def _staff(request: HttpRequest) -> StaffMember:
    return request.user  # type: ignore[return-value]


def _reply_fields(case: Case, data: dict[str, Any]) -> dict[str, str]:
    return {"case": case.reference, "medium": data["medium"], "draft": data["draft"]}


@requires(Can.WORK_CASES)
def reply_page(request: HttpRequest, reference: str, clock: Clock = system_clock) -> HttpResponse:
    """Write the reply on the case, as a letter or an email. "Check your reply" shows it
    exactly as it will be sent; it is sent only from there ("Send"), and "Change" comes
    back here with the text kept. "Check the wording" shows the plain-English check (as
    you type, with htmx)."""
    case = case_or_404(reference)
    staff = _staff(request)
    customer_access_record(
        customers=[case.customer], by=staff, what=f"reply on {case.reference}", clock=clock
    )
    policy = active_policy()
    email_to = reply_address(case)
    posted = post_with_snippet(request.POST, case=case, officer=staff, policy=policy)  # Insert
    form = ReplyForm(posted or None, email_to=email_to, customer=case.customer)
    action = request.POST.get("action", "")
    report, refused = None, ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = _reply_fields(case, data)
        if action == "send":
            now = checked_for(case, by=staff, by_email=data["medium"] == "email", email_to=email_to)
            refused = checked_refusal(
                request.POST.get("checked", ""), fields, now, what="your reply"
            )
        if action == "send" and not refused:
            sent = _reply_send(request, case, data, email_to, clock)
            if isinstance(sent, str):
                form.add_error(None, sent)
            else:
                return sent
        elif action in ("check", "send"):
            return _check_page(request, case, data, fields, email_to, clock, refused)
        report = plain_english_check(data["draft"], plain_english_thresholds_get(policy=policy))
    return render(
        request,
        "mail/write_reply.html",
        {
            "case": case,
            "form": form,
            "report": report,
            "panel": customer_panel_get(customer=case.customer, exclude_case=case),
            "repeated": repeated_framing(form.data.get("draft", "")) if form.is_bound else [],
        },
        status=400 if form.errors else 200,
    )


def _check_page(
    request: HttpRequest,
    case: Case,
    data: dict[str, Any],
    fields: dict[str, str],
    email_to: str,
    clock: Clock,
    refused: str,
) -> HttpResponse:
    policy, staff = active_policy(), _staff(request)
    by_email = data["medium"] == "email"
    values = reply_values(case, policy, staff, data["draft"])
    try:
        preview = preview_make(
            case,
            DocumentKind.RESPONSE,
            values,
            to=email_to,
            by_email=by_email,
            by=staff,
            policy=policy,
            clock=clock,
            typed=data["draft"],
        )
    except CaredeskError as error:
        preview, refused = None, error.message
    return render(
        request,
        "mail/check_reply.html",
        {
            "case": case,
            "preview": preview,
            "fields": fields,
            "checked": checked_token(
                fields, checked_for(case, by=staff, by_email=by_email, email_to=email_to)
            ),
            "refused": refused,
            "panel": customer_panel_get(customer=case.customer, exclude_case=case),
        },
        status=400 if refused else 200,
    )


def _reply_send(
    request: HttpRequest, case: Case, data: dict[str, Any], email_to: str, clock: Clock
) -> HttpResponse | str:
    """Send what the check page showed; or why it cannot be sent."""
    staff, policy = _staff(request), active_policy()
    try:
        if data["medium"] == "email":
            email_reply_write(case=case, draft=data["draft"], by=staff, policy=policy, clock=clock)
            done = f"Email to {email_to} recorded as the response. It goes in a minute."
        else:
            written = letter_write(
                case=case, draft=data["draft"], by=staff, policy=policy, clock=clock
            )
            extra = len(wanted_formats(written)) > 1
            done = (
                "Letter written and recorded as the response. Its printed copy"
                f"{' and the customer’s own format' if extra else ''} will be on the case"
                " in a minute."
            )
    except CaredeskError as error:
        return error.message
    messages.success(request, done)
    return redirect("cases:case", case.reference)


def _holding_fields(case: Case, post: Any) -> dict[str, str]:
    return {
        "case": case.reference,
        "deadline": str(post.get("deadline", "")),
        "reason": str(post.get("reason", "")),
        "revised_by": str(post.get("revised_by", "")),
    }


@requires(Can.WORK_CASES)
@require_POST
def holding_reply(
    request: HttpRequest, reference: str, clock: Clock = system_clock
) -> HttpResponse:
    """The case page's "Send a holding reply": checked first (the check page shows the
    email or letter as it will go), then sent from there, by email or else as a letter."""
    case = case_or_404(reference)
    policy = active_policy()
    deadlines = deadlines_holding_reply_list(case=case, policy=policy)
    action = request.POST.get("action", "check")
    form = HoldingReplyForm(request.POST, deadlines=deadlines, policy=policy, now=clock.now())
    fields = _holding_fields(case, request.POST)
    staff = _staff(request)
    email_to, by_email = reply_address(case), holding_reply_by_email(case)
    refused = ""
    if action == "send":
        now = checked_for(case, by=staff, by_email=by_email, email_to=email_to)
        refused = checked_refusal(
            request.POST.get("checked", ""), fields, now, what="the holding reply"
        )
    if action == "send" and not refused:

        def act(case: Case, data: dict[str, Any], staff: StaffMember) -> str:
            deadline = case.deadlines.get(pk=data["deadline"])
            sent = holding_reply_write(
                deadline=deadline,
                reason=data["reason"],
                revised=data["revised_by"],
                by=staff,
                policy=policy,
                clock=clock,
            )
            revised = sent.reply.revised_due_at.astimezone(policy.working_calendar.zone)
            how = f"emailed to {sent.email.to_address}" if sent.email else "written as a letter"
            return f"Holding reply {how}. New response date: {revised:%A %d %B %Y, %H:%M}."

        return case_action(
            request,
            reference,
            "holding_reply",
            HoldingReplyForm,
            act,
            clock,
            deadlines=deadlines,
            policy=policy,
            now=clock.now(),
        )
    if action == "change" or not form.is_valid():
        if action == "check" and not form.is_valid() and "from_check" not in request.POST:
            return case_action(  # the case page again, with the form's mistakes
                request,
                reference,
                "holding_reply",
                HoldingReplyForm,
                _never,
                clock,
                deadlines=deadlines,
                policy=policy,
                now=clock.now(),
            )
        return render(
            request,
            "mail/holding_reply_form.html",
            {"case": case, "form": form, "seen": request.POST.get("seen", "")},
            status=200 if action == "change" else 400,
        )
    data = form.cleaned_data
    revised_at = data["revised_at"]
    fields = fields | {"revised_by": revised_text(revised_at, policy)}
    values = holding_values(case, policy, staff, data["reason"], revised_day(revised_at, policy))
    try:
        preview = preview_make(
            case,
            DocumentKind.HOLDING_REPLY,
            values,
            to=email_to,
            by_email=by_email,
            by=staff,
            policy=policy,
            clock=clock,
            typed=data["reason"],
        )
    except CaredeskError as error:
        preview, refused = None, error.message
    customer_access_record(
        customers=[case.customer], by=staff, what=f"holding reply on {case.reference}", clock=clock
    )
    return render(
        request,
        "mail/check_holding_reply.html",
        {
            "case": case,
            "preview": preview,
            "fields": fields,
            "checked": checked_token(
                fields, checked_for(case, by=staff, by_email=by_email, email_to=email_to)
            ),
            "refused": refused,
            "revised": revised_at,
            "standard": policy.standard_name(case.deadlines.get(pk=data["deadline"]).standard_key),
            "seen": request.POST.get("seen", ""),
            "panel": customer_panel_get(customer=case.customer, exclude_case=case),
        },
        status=400 if refused else 200,
    )


def _never(case: Case, data: dict[str, Any], staff: StaffMember) -> str:
    raise AssertionError("an invalid form is never acted on")
