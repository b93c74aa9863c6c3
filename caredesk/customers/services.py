"""Changing customer records."""

from __future__ import annotations

from typing import Any

from caredesk.core.clock import Clock, system_clock
from caredesk.customers.models import Customer, CustomerType


def customer_create(
    *, customer_type: CustomerType, clock: Clock = system_clock, **details: Any
) -> Customer:
    """A new customer; `details` are Customer fields (names, contact, preferences)."""
    customer = Customer(customer_type=customer_type, created_at=clock.now(), **details)
    customer.full_clean()
    customer.save()
    return customer
