"""The disclosure log's pages: the data protection officer's log (open requests first),
a request's page with the decision form, and logging a request from the customer page
(a section of it: privacy.apps registers it)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from caredesk.core.clock import Clock, system_clock
from caredesk.customers.consent_forms import moment_on
from caredesk.customers.models import Customer
from caredesk.customers.services import customer_access_record
from caredesk.errors import CaredeskError
from caredesk.privacy.disclosure_forms import DisclosureDecisionForm, DisclosureRequestForm
from caredesk.privacy.disclosures import (
    customer_disclosures,
    disclosure_authority,
    disclosure_decide,
    disclosure_log,
    disclosure_request_log,
)
from caredesk.privacy.models import DisclosureRequest
from caredesk.staff.decorators import requires
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can, allowed


def _staff(request: HttpRequest) -> StaffMember:
    return request.user  # type: ignore[return-value]


def customer_disclosures_section(*, customer: Customer, request: HttpRequest) -> Mapping[str, Any]:
    """The customer page's list of requests for their information (who asked, when,
    what was decided and disclosed) and the form to log one."""
    return {
        "disclosures": customer_disclosures(customer),
        "can_decide": allowed(request.user, Can.MANAGE_PRIVACY),
        "form": DisclosureRequestForm(customer=customer)
        if allowed(request.user, Can.WORK_CASES)
        else None,
    }


@requires(Can.WORK_CASES)
def disclosure_new(request: HttpRequest, pk: int, clock: Clock = system_clock) -> HttpResponse:
    """Log a request for the customer's information from a third party, for the data
    protection officer to decide."""
    customer = get_object_or_404(Customer, pk=pk)
    staff = _staff(request)
    form = DisclosureRequestForm(request.POST or None, customer=customer)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            disclosure_request_log(
                customer=customer,
                requester_kind=data["requester_kind"],
                requester_name=data["requester_name"],
                requester_organisation=data["requester_organisation"],
                representative=form.chosen_representative(),
                matter=data["matter"],
                asked=data["asked"],
                received_at=moment_on(data["received_on"], clock.now()),
                by=staff,
                clock=clock,
            )
        except CaredeskError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                "The request is logged for the data protection officer. Do not give out "
                "any information until they have decided.",
            )
            return redirect(reverse("customers:customer", args=[customer.pk]) + "#disclosures")
    customer_access_record(
        customers=[customer], by=staff, what="log a request for information", clock=clock
    )
    return render(
        request,
        "privacy/disclosure_new.html",
        {"customer": customer, "form": form},
        status=400 if form.errors else 200,
    )


@requires(Can.MANAGE_PRIVACY)
@require_GET
def disclosure_log_page(request: HttpRequest) -> HttpResponse:
    """Requests for customers' information: the open ones first, the oldest first."""
    log = disclosure_log()
    return render(request, "privacy/disclosure_log.html", {"log": log})


@requires(Can.MANAGE_PRIVACY)
def disclosure_page(
    request: HttpRequest, disclosure_id: int, clock: Clock = system_clock
) -> HttpResponse:
    """A request, the customer's authority for a representative as of now, and the
    decision (or the form to make it)."""
    staff = _staff(request)
    row = get_object_or_404(
        DisclosureRequest.objects.select_related(
            "customer", "representative", "logged_by", "decided_by"
        ),
        pk=disclosure_id,
    )
    form = DisclosureDecisionForm(request.POST or None)
    if request.method == "POST" and row.decided_at is None and form.is_valid():
        data = form.cleaned_data
        try:
            disclosure_decide(
                request=row,
                decision=data["decision"],
                basis=data["basis"],
                exemption=data["exemption"],
                reason=data["reason"],
                disclosed=data["disclosed"],
                by=staff,
                clock=clock,
            )
        except CaredeskError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Decision recorded, and logged as a read of the record.")
            return redirect("privacy:disclosure", disclosure_id=row.pk)
    row.refresh_from_db()
    customer_access_record(
        customers=[row.customer], by=staff, what=f"disclosure request {row.pk}", clock=clock
    )
    return render(
        request,
        "privacy/disclosure.html",
        {
            "disclosure": row,
            "customer": row.customer,
            "authority": disclosure_authority(row, at=clock.now()),
            "form": form,
        },
        status=400 if form.errors else 200,
    )
