from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from caredesk.core.clock import Clock, system_clock
from caredesk.customers.models import Customer
from caredesk.customers.selectors import customer_preferences
from caredesk.customers.services import customer_access_record
from caredesk.staff.decorators import requires
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can

CASES_SHOWN = 100


@requires(Can.READ_CASES)
def customer_detail(request: HttpRequest, pk: int, clock: Clock = system_clock) -> HttpResponse:
    """A customer, their needs and preferences, and all their cases, newest first."""
    staff: StaffMember = request.user  # type: ignore[assignment]
    customer = get_object_or_404(Customer, pk=pk)
    customer_access_record(customers=[customer], by=staff, what="customer page", clock=clock)
    cases = customer.cases.select_related("assigned_to").order_by("-received_at", "-pk")
    return render(
        request,
        "customers/customer.html",
        {
            "customer": customer,
            "preferences": customer_preferences(customer),
            "cases": cases[:CASES_SHOWN],
            "case_count": cases.count(),
            "shown": CASES_SHOWN,
        },
    )
