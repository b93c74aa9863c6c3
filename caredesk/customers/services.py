"""Changing customer records, and logging every read of one (a stored file of theirs
downloaded included)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import FileResponse

from caredesk.core.clock import Clock, system_clock
from caredesk.core.store import store_download
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


def customer_file_download(
    sha256: str,
    *,
    name: str,
    content_type: str,
    customer: Customer | None,
    by: StaffMember,
    what: str,
    clock: Clock,
) -> FileResponse:
    """A stored file of a customer's as a download, the read recorded (DESIGN 7)."""
    customer_access_record(customers=[customer], by=by, what=what, clock=clock)
    return store_download(sha256, name=name, content_type=content_type)
