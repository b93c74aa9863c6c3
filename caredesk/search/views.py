"""The search page: customers and cases from one box (the header's too)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from caredesk.core.clock import Clock, system_clock
from caredesk.core.htmx import is_htmx
from caredesk.customers.models import Customer
from caredesk.customers.services import customer_access_record
from caredesk.search.excerpts import excerpt_marked
from caredesk.search.forms import SearchForm
from caredesk.search.selectors import case_by_reference, search_everything
from caredesk.staff.decorators import requires
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can

SHOWN = 50


@requires(Can.READ_CASES)
def search(request: HttpRequest, clock: Clock = system_clock) -> HttpResponse:
    staff: StaffMember = request.user  # type: ignore[assignment]
    form = SearchForm(request.GET or None)
    context: dict[str, object] = {"form": form, "searched": False, "shown": SHOWN}
    if form.is_valid():
        text = form.cleaned_data["q"].strip()
        if not is_htmx(request) and (case := case_by_reference(text=text)) is not None:
            return redirect("cases:case", reference=case.reference)
        found = search_everything(text=text, shown=SHOWN)
        customer_access_record(
            customers=found.customers_seen(), by=staff, what="search results", clock=clock
        )
        context |= {
            "searched": True,
            "customers": [
                (person, excerpt_marked(_names(person), found.words)) for person in found.customers
            ],
            "more_customers": found.more_customers,
            "by_reference": found.by_reference,
            "hits": found.hits,
            "more_cases": found.more_cases,
        }
    template = "search/results.html" if is_htmx(request) else "search/search.html"
    return render(request, template, context)


def _names(person: Customer) -> str:
    name, organisation = person.name, person.organisation
    return f"{name} ({organisation})" if organisation and organisation != name else name
