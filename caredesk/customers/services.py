"""Changing customer records, and logging every read of one."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from caredesk.core.clock import Clock, system_clock
from caredesk.customers.models import Customer, CustomerAccess, CustomerType
from caredesk.staff.models import StaffMember


def customer_create(
    *, customer_type: CustomerType, clock: Clock = system_clock, **details: Any
) -> Customer:
    """A new customer; `details` are Customer fields (names, contact, preferences)."""
    customer = Customer(customer_type=customer_type, created_at=clock.now(), **details)
    customer.full_clean()
    customer.save()
    return customer


def customer_access_record(
    *,
    customers: Iterable[Customer | None],
    by: StaffMember,
    what: str,
    clock: Clock = system_clock,
) -> None:
    """Log that `by` saw these customers' details (pages, API answers, exports)."""
    now = clock.now()
    seen = {customer.pk: customer for customer in customers if customer is not None}
    CustomerAccess.objects.bulk_create(
        CustomerAccess(customer=customer, staff=by, at=now, what=what[:200])
        for customer in seen.values()
    )
