"""Writing to the customer from the desk: the reply page (a letter or an email, with the
plain-English check beside it) and the holding reply from the case page.

They are mail's because they choose the channel (an email when there is an address to
send it to, else a letter) and mail is above documents, which writes the letters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
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
from caredesk.documents.checking import checked_for, checked_refusal, checked_token
from caredesk.documents.framing import repeated_framing
from caredesk.documents.models import CaseLetter, DocumentKind
from caredesk.documents.plain_english import plain_english_check
from caredesk.documents.selectors import plain_english_thresholds_get
from caredesk.documents.services import letter_write, wanted_formats
from caredesk.documents.snippets import post_with_snippet
from caredesk.errors import CaredeskError
from caredesk.mail.checking import holding_values, preview_make, reply_values, revised_text
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


@dataclass(frozen=True)
class Writing:
    """A page where an officer writes to the customer, as a letter or an email, then
    checks it and sends it from the check page: the reply, a complaint's
    acknowledgement."""

    kind: DocumentKind
    url: str  # the page's own name: the check page posts back to it
    what: str  # "your reply", in the check's messages
    heading: str  # "Write a reply"
    lead: str  # what sending it does: "recorded as the response on the case."
    check: str  # "Check your reply": the button and the check page's heading
    access: str  # what the customer's record was read for: "reply"
    form_class: type[ReplyForm]
    send: Callable[[HttpRequest, Case, dict[str, Any], str, Clock], HttpResponse | str]
    signed: dict[str, str] = field(default_factory=dict)  # more the check signs (the stage)
    start: str = ""  # the words the text starts from


def _fields(case: Case, data: dict[str, Any], writing: Writing) -> dict[str, str]:
    return {"case": case.reference, "medium": data["medium"], "draft": data["draft"]} | (
        writing.signed
    )


@requires(Can.WORK_CASES)
def reply_page(request: HttpRequest, reference: str, clock: Clock = system_clock) -> HttpResponse:
    """Write the reply on the case, as a letter or an email. "Check your reply" shows it
    exactly as it will be sent; it is sent only from there ("Send"), and "Change" comes
    back here with the text kept. "Check the wording" shows the plain-English check (as
    you type, with htmx)."""
    case = case_or_404(reference)
    reply = Writing(
        kind=DocumentKind.RESPONSE,
        url="mail:reply",
        what="your reply",
        heading="Write a reply",
        lead="recorded as the response on the case.",
        check="Check your reply",
        access="reply",
        form_class=ReplyForm,
        send=_reply_send,
    )
    return writing_page(request, case, reply, clock)


def writing_page(request: HttpRequest, case: Case, writing: Writing, clock: Clock) -> HttpResponse:
    """The page that writes `writing`, its check page, and its send."""
    staff = _staff(request)
    customer_access_record(
        customers=[case.customer],
        by=staff,
        what=f"{writing.access} on {case.reference}",
        clock=clock,
    )
    policy = active_policy()
    email_to = reply_address(case)
    posted = post_with_snippet(request.POST, case=case, officer=staff, policy=policy)  # Insert
    # Opened (the case page's button posts, with no text): the text starts as it should.
    form = writing.form_class(
        posted if "draft" in posted else None,
        email_to=email_to,
        customer=case.customer,
        initial={"draft": writing.start},
    )
    action = request.POST.get("action", "")
    report, refused = None, ""
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        fields = _fields(case, data, writing)
        if action == "send":
            now = checked_for(case, by=staff, by_email=data["medium"] == "email", email_to=email_to)
            refused = checked_refusal(
                request.POST.get("checked", ""), fields, now, what=writing.what
            )
        if action == "send" and not refused:
            sent = writing.send(request, case, data, email_to, clock)
            if isinstance(sent, str):
                form.add_error(None, sent)
            else:
                return sent
        elif action in ("check", "send"):
            return _check_page(request, case, writing, data, fields, email_to, clock, refused)
        report = plain_english_check(data["draft"], plain_english_thresholds_get(policy=policy))
    draft = form.data.get("draft", "") if form.is_bound else writing.start
    return render(
        request,
        "mail/write_reply.html",
        {
            "case": case,
            "form": form,
            "writing": writing,
            "report": report,
            "panel": customer_panel_get(customer=case.customer, exclude_case=case),
            "repeated": repeated_framing(draft),
        },
        status=400 if form.errors else 200,
    )


def _check_page(
    request: HttpRequest,
    case: Case,
    writing: Writing,
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
            writing.kind,
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
            "writing": writing,
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
            done = "Letter written and recorded as the response. " + letter_files(written)
    except CaredeskError as error:
        return error.message
    messages.success(request, done)
    return redirect("cases:case", case.reference)


def letter_files(written: CaseLetter) -> str:
    """What the officer is told of a letter's files: they come from the worker."""
    extra = len(wanted_formats(written)) > 1
    return (
        f"Its printed copy{' and the customer’s own format' if extra else ''} will be on "
        "the case in a minute."
    )


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
