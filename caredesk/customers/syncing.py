"""Keeping customers in step with the housing management system, by its reference.

The housing system is where a customer's details are kept first; caredesk takes them by
the customer's reference there (`Customer.external_reference`), from a nightly file
(`importing`, in bulk) or one customer at a time (`PUT /api/v1/customers/{reference}`,
through `customer_put`). Both:

- create the customer if no record has the reference (a CREATED event),
- change only the details that differ (a CHANGED event listing each one, before and
  after), and write nothing at all when none differ, so a sync run twice changes
  nothing the second time;
- leave alone every detail they were not given;
- refuse a reference whose record was merged into another (a tombstone), naming the
  record kept. (A merge moves the reference to the record kept when that record has
  none, so the lookup finds the kept record itself; a tombstone keeps its reference
  only when the kept record has a different one.)
- refuse a change to a record the use of whose data is restricted (UK GDPR Article
  18: customers.restrictions), which only the data protection officer may make.

The events have the shape `customers.services` gives them: CREATED lists the details
set (before: None); CHANGED lists each changed detail's before and after.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef

from caredesk.core.clock import Clock
from caredesk.core.db import write_transaction
from caredesk.customers.models import (
    Customer,
    CustomerEvent,
    CustomerEventKind,
    CustomerEventSource,
    CustomerType,
    Restriction,
    phone_key,
    postcode_key,
)
from caredesk.customers.services import (
    DETAIL_FIELDS,
    CustomerMerged,
    customer_create,
    customer_kept,
    customer_update,
)
from caredesk.staff.models import StaffMember

Details = dict[str, Any]  # detail name -> value to store (text, choice value or bool)
Changes = dict[str, dict[str, Any]]  # detail name -> {"before": ..., "after": ...}


@dataclass(frozen=True)
class Synced:
    customer: Customer
    created: bool
    changed: bool


def merged_reason(reference: str, tombstone: Customer, kept: Customer) -> str:
    return (
        f"reference '{reference}' is customer {tombstone.pk}'s record, which was merged "
        f"into customer {kept.pk}: use customer {kept.pk}'s reference for them"
    )


def restricted_now() -> Exists:
    """Whether the use of the customer's data is restricted (UK GDPR Article 18), as an
    annotation: an import reads it with the records it may change."""
    return Exists(Restriction.objects.filter(customer=OuterRef("pk"), lifted_at__isnull=True))


def restricted_reason(reference: str, customer: Customer) -> str:
    return (
        f"reference '{reference}' is customer {customer.pk}'s record, the use of whose "
        "data is restricted: only the data protection officer may change it, at the desk"
    )


def customer_new(
    *, reference: str, details: Details, customer_type: str, now: datetime
) -> Customer:
    """A new (unsaved) record, its search keys filled as save() would."""
    customer = Customer(
        external_reference=reference,
        customer_type=details.get("customer_type", customer_type),
        created_at=now,
        **{name: value for name, value in details.items() if name != "customer_type"},
    )
    customer.postcode_search = postcode_key(customer.postcode)
    customer.phone_search = phone_key(customer.phone)
    return customer


def created_changes(customer: Customer) -> Changes:
    """What a CREATED event lists: each detail set (as customers.services records it)."""
    return {
        name: {"before": None, "after": getattr(customer, name)}
        for name in DETAIL_FIELDS
        if getattr(customer, name) not in ("", None, False)
    }


def details_apply(customer: Customer, details: Details, *, now: datetime) -> Changes:
    """Set the details that differ on `customer` (unsaved); each change, before and after."""
    changes: Changes = {}
    for name, value in details.items():
        before = getattr(customer, name)
        if before != value:
            changes[name] = {"before": before, "after": value}
            setattr(customer, name, value)
    if changes:
        customer.postcode_search = postcode_key(customer.postcode)
        customer.phone_search = phone_key(customer.phone)
        customer.updated_at = now
    return changes


def import_event(
    customer: Customer, *, created: bool, changes: Changes, now: datetime
) -> CustomerEvent:
    return CustomerEvent(
        customer=customer,
        kind=CustomerEventKind.CREATED if created else CustomerEventKind.CHANGED,
        source=CustomerEventSource.IMPORT,
        at=now,
        by=None,
        changes=changes,
    )


def customer_put(
    *,
    reference: str,
    details: Details,
    by: StaffMember,
    clock: Clock,
    customer_type: str = CustomerType.TENANT,
) -> Synced:
    """Create or change the customer with this reference (the API's PUT): see the module.

    `customer_type` is a new customer's type if `details` has none. Raises
    `CustomerMerged` if the reference is a merged record's, and Django's ValidationError
    (per field) for a value the record cannot take."""
    with write_transaction():
        customer = (
            Customer.objects.select_for_update()
            .exclude(external_reference="")  # so that the partial unique index is used
            .filter(external_reference=reference)
            .first()
        )
        if customer is None:
            given = {name: value for name, value in details.items() if name != "customer_type"}
            created = customer_create(
                customer_type=details.get("customer_type", customer_type),
                external_reference=reference,
                clock=clock,
                by=by,
                source=CustomerEventSource.API,
                **given,
            )
            return Synced(created, True, True)
        if customer.merged_into_id is not None:
            kept = customer_kept(customer)
            raise CustomerMerged(merged_reason(reference, customer, kept), kept=kept)
        event = customer_update(
            customer=customer, changes=details, by=by, source=CustomerEventSource.API, clock=clock
        )
        return Synced(customer, False, event is not None)
