"""The desk's pages for a customer's record itself: create (duplicates shown first),
edit, merge two records, and pick a customer from any page (search as you type)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from caredesk.core.clock import Clock, system_clock
from caredesk.core.local_addresses import next_asked
from caredesk.core.query import id_or_none
from caredesk.customers.answering import open_requests_of
from caredesk.customers.duplicates import customer_duplicates_list
from caredesk.customers.forms import CONFIRM_NEW, CustomerForm, customer_initial_from_sender
from caredesk.customers.history import details_side_by_side, field_name
from caredesk.customers.merging import customer_merge, customer_merge_plan
from caredesk.customers.models import Customer, CustomerEventSource
from caredesk.customers.picking import customers_pick_list, url_with_customer
from caredesk.customers.restrictions import restrictions_in_force
from caredesk.customers.services import (
    customer_access_record,
    customer_create,
    customer_kept,
    customer_update,
)
from caredesk.errors import CaredeskError
from caredesk.staff.decorators import requires
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can


def _staff(request: HttpRequest) -> StaffMember:
    return request.user  # type: ignore[return-value]


def safe_next(request: HttpRequest) -> str:
    """Where to go back to after the page (`next`), if it is on this site."""
    wanted = next_asked(request)
    return wanted if wanted.startswith("/") else ""


@requires(Can.WORK_CASES)
def customer_new(request: HttpRequest, clock: Clock = system_clock) -> HttpResponse:
    """A new customer. If others on file look like the same person, they are shown
    first; the officer opens one, or saves the new record anyway (a second submit)."""
    staff = _staff(request)
    back = safe_next(request)
    initial = customer_initial_from_sender(
        name=request.GET.get("sender", ""),
        address=request.GET.get("sender_address", ""),
        email=request.GET.get("sender_email", ""),
    )
    form = CustomerForm(request.POST or None, initial=initial)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        details = form.details()
        duplicates = customer_duplicates_list(
            first_name=details["first_name"],
            last_name=details["last_name"],
            organisation=details["organisation"],
            phone=details["phone"],
            email=details["email"],
            postcode=details["postcode"],
        )
        customer_access_record(
            customers=[duplicate.customer for duplicate in duplicates],
            by=staff,
            what="new customer: possible duplicates",
            clock=clock,
        )
        if not duplicates or request.POST.get(CONFIRM_NEW):
            customer = customer_create(by=staff, source=CustomerEventSource.DESK, **details)
            messages.success(request, f"{customer.name} is added as a new customer.")
            if back:
                return redirect(url_with_customer(back, customer))
            return redirect("customers:customer", pk=customer.pk)
    return render(
        request,
        "customers/customer_form.html",
        {"form": form, "duplicates": duplicates, "next": back, "confirm_new": CONFIRM_NEW},
        status=400 if form.errors else 200,
    )


@requires(Can.EDIT_CUSTOMERS)
def customer_edit(request: HttpRequest, pk: int, clock: Clock = system_clock) -> HttpResponse:
    """Change the customer's details. A change may answer their open request to correct
    their data (customers.answering); while the use of their data is restricted, only
    the data protection officer may change them (the service refuses anyone else)."""
    staff = _staff(request)
    customer = get_object_or_404(Customer, pk=pk)
    if customer.merged_into_id is not None:
        return render(
            request,
            "customers/merged.html",
            {"customer": customer, "kept": customer_kept(customer)},
            status=409,
        )
    customer_access_record(customers=[customer], by=staff, what="edit customer page", clock=clock)
    form = CustomerForm(
        request.POST or None, instance=customer, requests=open_requests_of(customer)
    )
    if request.method == "POST" and form.is_valid():
        try:
            event = customer_update(
                customer=customer,
                changes=form.details(),
                by=staff,
                source=CustomerEventSource.DESK,
                clock=clock,
                answers=form.answers(),
            )
        except CaredeskError as error:
            form.add_error(None, error.message)
        else:
            said = "The changes are saved." if event else "Nothing was changed."
            if event is not None and event.request_reference:
                said = f"The changes are saved, as answering request {event.request_reference}."
            messages.success(request, said)
            return redirect("customers:customer", pk=customer.pk)
    return render(
        request,
        "customers/customer_form.html",
        {
            "form": form,
            "customer": customer,
            "next": "",
            "restrictions": restrictions_in_force(customer),
        },
        status=400 if form.errors else 200,
    )


@requires(Can.WORK_CASES)
def customer_merge_page(request: HttpRequest, pk: int, clock: Clock = system_clock) -> HttpResponse:
    """Merge another record into this one: find it, see both side by side, confirm."""
    staff = _staff(request)
    keep = get_object_or_404(Customer, pk=pk)
    if keep.merged_into_id is not None:
        return render(
            request,
            "customers/merged.html",
            {"customer": keep, "kept": customer_kept(keep)},
            status=409,
        )
    params = request.POST if request.method == "POST" else request.GET
    other_pk = id_or_none(params.get("other"))
    other = Customer.objects.filter(pk=other_pk).first() if other_pk else None
    query = request.GET.get("q", "").strip()
    found = [each for each in customers_pick_list(text=query) if each.pk != keep.pk]
    plan, refusal = None, ""
    if other is not None:
        try:
            plan = customer_merge_plan(keep=keep, merge=other)
        except CaredeskError as error:
            refusal = error.message
    if request.method == "POST" and plan is not None and other is not None:
        try:
            done = customer_merge(keep=keep, merge=other, by=staff, clock=clock)
        except CaredeskError as error:
            refusal = error.message
        else:
            messages.success(
                request,
                f"{done.merged.name} (customer {done.merged.pk}) is merged into this record.",
            )
            return redirect("customers:customer", pk=keep.pk)
    customer_access_record(
        customers=[keep, other, *found], by=staff, what="merge customers page", clock=clock
    )
    return render(
        request,
        "customers/merge.html",
        {
            "keep": keep,
            "other": other,
            "query": query,
            "found": found,
            "plan": plan,
            "refusal": refusal,
            "side_by_side": details_side_by_side(keep, other) if other else [],
            "fills": [field_name(name).lower() for name in plan.fills] if plan else [],
        },
        status=409 if refusal and request.method == "POST" else 200,
    )


@requires(Can.WORK_CASES)
@require_GET
def customer_pick(request: HttpRequest, clock: Clock = system_clock) -> HttpResponse:
    """A short list of customers matching `q`, each a link back to `next` with the
    customer chosen: what the search-as-you-type boxes on other pages fetch."""
    query = request.GET.get("q", "").strip()
    found = customers_pick_list(text=query) if query else []
    customer_access_record(
        customers=found, by=_staff(request), what="choosing a customer", clock=clock
    )
    back = safe_next(request) or "/"
    return render(
        request,
        "customers/pick_choices.html",
        {"choices": [(each, url_with_customer(back, each)) for each in found], "query": query},
    )
