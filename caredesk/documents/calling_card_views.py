"""The case page's "Record a visit where nobody was in": when the officer called, then
the calling card as it will print, which is recorded as left only from that page
("Record the card as left"; documents.checking's token of exactly what was shown)."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from caredesk.cases.customer_panel import customer_panel_get
from caredesk.cases.forms import CallingCardForm
from caredesk.cases.models import Case
from caredesk.cases.views.case_page import case_or_404
from caredesk.core.active_policy import active_policy
from caredesk.core.clock import Clock, system_clock
from caredesk.customers.services import customer_access_record
from caredesk.documents.calling_cards import calling_card_leave, calling_card_values
from caredesk.documents.checking import (
    checked_for,
    checked_refusal,
    checked_token,
    formats_sentence,
)
from caredesk.documents.formats.pdf import letter_context
from caredesk.documents.letters import letter_text
from caredesk.documents.models import DocumentKind
from caredesk.documents.rendering import signed_check
from caredesk.documents.services import customer_formats, letter_preview
from caredesk.documents.values import signatory_of
from caredesk.errors import CaredeskError
from caredesk.staff.decorators import requires
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can

WHAT = "the calling card"


def _fields(case: Case, visited_at: datetime) -> dict[str, str]:
    zone = active_policy().working_calendar.zone
    return {"case": case.reference, "visited_at": f"{visited_at.astimezone(zone):%Y-%m-%dT%H:%M}"}


@requires(Can.WORK_CASES)
def calling_card(request: HttpRequest, reference: str, clock: Clock = system_clock) -> HttpResponse:
    """When the officer called (the case page's form, or this page's own); then the card
    as it will print; then, from that page only, the card recorded as left."""
    case = case_or_404(reference)
    staff: StaffMember = request.user  # type: ignore[assignment]
    action = request.POST.get("action", "check")
    form = CallingCardForm(request.POST if request.method == "POST" else None)
    if request.method != "POST" or action == "change" or not form.is_valid():
        return render(
            request,
            "documents/calling_card_form.html",
            {"case": case, "form": form},
            status=400 if form.is_bound and form.errors else 200,
        )
    visited_at = form.cleaned_data["visited_at"]
    fields = _fields(case, visited_at)
    refused = ""
    if action == "send":
        now = checked_for(case, by=staff, by_email=False, email_to="")
        refused = checked_refusal(request.POST.get("checked", ""), fields, now, what=WHAT)
        if not refused:
            try:
                calling_card_leave(
                    case=case, visited_at=visited_at, by=staff, policy=active_policy(), clock=clock
                )
            except CaredeskError as error:
                refused = error.message
            else:
                messages.success(
                    request,
                    "Calling card recorded as left, with the visit. Its printed copy will be "
                    "on the case in a minute.",
                )
                return redirect("cases:case", case.reference)
    return _check_page(request, case, visited_at, fields, clock, refused)


def _check_page(
    request: HttpRequest,
    case: Case,
    visited_at: datetime,
    fields: dict[str, str],
    clock: Clock,
    refused: str,
) -> HttpResponse:
    staff: StaffMember = request.user  # type: ignore[assignment]
    policy = active_policy()
    customer_access_record(
        customers=[case.customer], by=staff, what=f"calling card on {case.reference}", clock=clock
    )
    values = calling_card_values(case, policy, by=staff, visited_at=visited_at)
    letter, also_made = None, ""
    try:
        shown = letter_preview(
            case, DocumentKind.CALLING_CARD, values, by=staff, policy=policy, at=clock.now()
        )
        signed_check(letter_text(shown), signatory_of(staff))
    except CaredeskError as error:
        refused = refused or error.message
    else:
        letter = letter_context(shown)
        customer = case.customer
        also_made = formats_sentence(
            customer_formats(customer), customer.language.strip() if customer else ""
        )
    return render(
        request,
        "documents/check_calling_card.html",
        {
            "case": case,
            "letter": letter,
            "also_made": also_made,
            "visited_at": visited_at,
            "fields": fields,
            "checked": checked_token(
                fields, checked_for(case, by=staff, by_email=False, email_to="")
            ),
            "refused": refused,
            "panel": customer_panel_get(customer=case.customer, exclude_case=case),
        },
        status=400 if refused else 200,
    )
