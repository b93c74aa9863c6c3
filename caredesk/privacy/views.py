"""The data protection officer's pages: open requests by due date, and a subject access
request's review, export and sending. (The read log's pages are in read_log_views.)"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.db.models import F
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from caredesk.cases.models import UNFINISHED, Case, CaseKind, Deadline
from caredesk.cases.views.case_page import case_or_404
from caredesk.core.clock import Clock, system_clock
from caredesk.core.store import store_download
from caredesk.customers.holdings import holdings
from caredesk.customers.models import Customer
from caredesk.customers.services import customer_access_record
from caredesk.errors import CaredeskError
from caredesk.privacy import subject_access as sar
from caredesk.privacy.forms import SentForm, WithholdForm
from caredesk.privacy.models import ExportStatus, ReadingAlert, SubjectAccess, WithheldItem
from caredesk.privacy.read_log import REQUEST_KINDS
from caredesk.staff.decorators import requires
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can

SHOWN = 200
# The officer's page for each kind of request (the others: the case page).
PAGES: dict[str, str] = {
    CaseKind.SUBJECT_ACCESS_REQUEST: "privacy:subject_access",
    CaseKind.RECTIFICATION_REQUEST: "privacy:rectification",
    CaseKind.ERASURE_REQUEST: "privacy:erasure",
    CaseKind.RESTRICTION_REQUEST: "privacy:restriction",
    CaseKind.STAIRS_REQUEST: "privacy:information",
    CaseKind.FOI_REQUEST: "privacy:information",
}
REVIEW = "information_review"
SECTION_SHOWN = 20


def _staff(request: HttpRequest) -> StaffMember:
    return request.user  # type: ignore[return-value]


@requires(Can.MANAGE_PRIVACY)
def requests_page(request: HttpRequest, clock: Clock = system_clock) -> HttpResponse:
    """Every open request, the soonest due first (a paused one, waiting for proof of
    identity or clarification, after them: it has no due time while it waits), each
    linked to its page; a review of a request for information is a row of its own."""
    open_deadlines = (
        Deadline.objects.filter(case__kind__in=REQUEST_KINDS, status__in=UNFINISHED)
        .select_related("case__customer", "case__assigned_to")
        # NULLs (paused) last on both databases: SQLite puts them first by default.
        .order_by(F("due_at").asc(nulls_last=True), "pk")
    )
    rows = [
        (
            deadline,
            reverse(PAGES.get(deadline.case.kind, "cases:case"), args=[deadline.case.reference]),
            deadline.standard_key == REVIEW,
        )
        for deadline in open_deadlines[:SHOWN]
    ]
    return render(
        request,
        "privacy/requests.html",
        {
            "rows": rows,
            "count": open_deadlines.count(),
            "shown": SHOWN,
            "now": clock.now(),
            "alerts": ReadingAlert.objects.filter(looked_into_at__isnull=True).count(),
        },
    )


def customer_requests_section(*, customer: Customer, request: HttpRequest) -> Mapping[str, Any]:
    """The customer page's list, for the data protection officer, of the customer's
    requests about their data and for information, the newest first, each linked to
    its page (customers.sections; registered by the app's ready())."""
    cases = Case.objects.filter(customer=customer, kind__in=REQUEST_KINDS).order_by(
        "-received_at", "-pk"
    )
    return {
        "requests": [
            (case, reverse(PAGES.get(case.kind, "cases:case"), args=[case.reference]))
            for case in cases[:SECTION_SHOWN]
        ]
    }


def _parts(customer: Customer) -> list[tuple[str, str, int]]:
    """Each part that holds something about the customer: (key, what, how many)."""
    counted = [(h.key, h.what, h.rows(customer).count()) for h in holdings()]
    return [part for part in counted if part[2]]


@requires(Can.MANAGE_PRIVACY)
def subject_access_page(
    request: HttpRequest, reference: str, clock: Clock = system_clock
) -> HttpResponse:
    case = case_or_404(reference)
    staff = _staff(request)
    try:
        record = sar.subject_access_of(case)
    except CaredeskError as error:
        messages.error(request, error.message)
        return redirect("cases:case", case.reference)
    customer = sar.customer_of(case)
    parts = _parts(customer)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    withhold = WithholdForm(
        request.POST if action == "withhold" else None, parts=[(k, w) for k, w, _ in parts]
    )
    sent = SentForm(request.POST if action == "sent" else None)
    failed: Form | None = None
    if action:
        try:
            said = _act(action, record, request, withhold, sent, staff, clock)
        except CaredeskError as error:
            said = None
            (withhold if action == "withhold" else sent).add_error(None, error.message)
        if said:
            messages.success(request, said)
            return redirect("privacy:subject_access", case.reference)
        failed = withhold if action == "withhold" else sent
    customer_access_record(
        customers=[customer], by=staff, what=f"subject access {case.reference}", clock=clock
    )
    return render(
        request,
        "privacy/subject_access.html",
        _context(case, customer, record, parts, withhold, sent, failed),
        status=400 if failed is not None else 200,
    )


def _act(
    action: str,
    record: SubjectAccess,
    request: HttpRequest,
    withhold: WithholdForm,
    sent: SentForm,
    staff: StaffMember,
    clock: Clock,
) -> str | None:
    if action == "withhold":
        if not withhold.is_valid():
            return None
        data = withhold.cleaned_data
        sar.item_withhold(
            subject_access=record,
            holding=data["holding"],
            record_id=data["record_id"],
            reason=data["reason"],
            by=staff,
            clock=clock,
        )
        return f"Record {data['record_id']} will be left out, with the reason."
    if action == "release":
        item = get_object_or_404(WithheldItem, pk=request.POST.get("item"), subject_access=record)
        sar.item_release(item=item, by=staff)
        return f"Record {item.record_id} will be in the export."
    if action == "export":
        sar.export_ask(subject_access=record, by=staff, clock=clock)
        return "The export is being made. This page shows when it is ready."
    if action == "sent":
        if not sent.is_valid():
            return None
        sar.subject_access_sent(
            subject_access=record, how=sent.cleaned_data["how"], by=staff, clock=clock
        )
        return "Recorded as sent. The request's deadline is met."
    raise Http404("No such action.")


def _context(
    case: Any,
    customer: Customer,
    record: SubjectAccess,
    parts: list[tuple[str, str, int]],
    withhold: WithholdForm,
    sent: SentForm,
    failed: Form | None,
) -> dict[str, Any]:
    whats = {key: what for key, what, _ in parts}
    withheld = [(item, whats.get(item.holding, item.holding)) for item in record.withheld.all()]
    return {
        "case": case,
        "customer": customer,
        "record": record,
        "parts": parts,
        "withheld": withheld,
        "deadline": case.deadlines.filter(standard_key="subject_access_request").first(),
        "withhold_form": withhold,
        "sent_form": sent,
        "failed": failed,
        "waiting": record.export_status == ExportStatus.WAITING,
    }


@requires(Can.MANAGE_PRIVACY)
def subject_access_download(
    request: HttpRequest, reference: str, clock: Clock = system_clock
) -> FileResponse:
    """The ZIP as made: each download is a read of the customer's record, logged."""
    case = case_or_404(reference)
    record = get_object_or_404(SubjectAccess, case=case, export_status=ExportStatus.READY)
    customer = sar.customer_of(case)
    customer_access_record(
        customers=[customer],
        by=_staff(request),
        what=f"subject access export downloaded, {case.reference}",
        clock=clock,
    )
    return store_download(
        record.export_sha256,
        name=f"personal-information-{case.reference}.zip",
        content_type="application/zip",
    )
