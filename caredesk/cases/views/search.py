"""Search by case reference, name, postcode, phone number or email address."""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from caredesk.cases.forms import SearchForm
from caredesk.cases.models import Case
from caredesk.core.htmx import is_htmx
from caredesk.customers.models import Customer
from caredesk.customers.selectors import customers_search
from caredesk.customers.services import customer_access_record
from caredesk.staff.decorators import requires
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can

REFERENCE = re.compile(r"^[A-Z]{2,5}-\d{4}-\d{1,6}$")
RESULTS = 50


@requires(Can.READ_CASES)
def search(request: HttpRequest) -> HttpResponse:
    staff: StaffMember = request.user  # type: ignore[assignment]
    form = SearchForm(request.GET or None)
    customers: list[Customer] = []
    cases: list[Case] = []
    if form.is_valid():
        text = form.cleaned_data["q"].strip()
        reference = text.upper()
        if REFERENCE.match(reference):
            found = Case.objects.filter(reference=reference).first()
            if found is not None:
                return redirect("cases:case", reference=found.reference)
        customers = list(customers_search(text=text)[:RESULTS])
        cases = list(
            Case.objects.filter(reference__startswith=reference)
            .select_related("customer")
            .order_by("-received_at")[:RESULTS]
            if len(reference) >= 4 and "-" in reference
            else []
        )
        customer_access_record(
            customers=[*customers, *(c.customer for c in cases)], by=staff, what="search results"
        )
    template = "cases/search_results.html" if is_htmx(request) else "cases/search.html"
    return render(
        request,
        template,
        {
            "form": form,
            "customers": customers,
            "cases": cases,
            "searched": form.is_bound and form.is_valid(),
        },
    )
