"""Changing customer records (every change a CustomerEvent: who, what before and after,
when), and logging every read of one (a stored file of theirs downloaded included)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.http import FileResponse

from caredesk.core.clock import Clock, system_clock
from caredesk.core.db import write_transaction
from caredesk.core.store import store_download
from caredesk.customers.answering import open_requests_of
from caredesk.customers.models import (
    Customer,
    CustomerAccess,
    CustomerEvent,
    CustomerEventKind,
    CustomerEventSource,
    CustomerType,
    Restriction,
)
from caredesk.errors import CaredeskError
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can, allowed

# The fields of a customer's record a person (or an import) may set, in the order the
# desk shows them. The rest are kept by caredesk (search keys, times, the merge pointer).
DETAIL_FIELDS = (
    "customer_type",
    "title",
    "first_name",
    "last_name",
    "organisation",
    "phone",
    "email",
    "address",
    "postcode",
    "uprn",
    "external_reference",
    "preferred_channel",
    "preferred_times",
    "language",
    "accessible_format",
    "interpreter_needed",
    "home_visits_needed",
    "home_visit_reason",
    "same_sex_interviewer",
)


class CustomerMerged(CaredeskError):
    """The record was merged into another: change the record kept instead."""

    code = "customer_merged"

    def __init__(self, message: str, *, kept: Customer) -> None:
        super().__init__(message)
        self.kept = kept


class UnknownCustomerField(CaredeskError):
    """A change names a field that is not one of a customer's details."""

    code = "customer_field_unknown"


class CustomerRestricted(CaredeskError):
    """A change to the details of a customer the use of whose data is restricted (UK GDPR
    Article 18), by anyone but the data protection officer."""

    code = "customer_restricted"


class NotAnOpenRequest(CaredeskError):
    """A change said to answer a request that is not one of the customer's open requests
    to correct their data."""

    code = "customer_request_not_open"


def restricted(customer: Customer) -> bool:
    """Whether a restriction on the use of the customer's data is in force."""
    return Restriction.objects.filter(customer=customer, lifted_at__isnull=True).exists()


def refuse_if_restricted(customer: Customer, *, by: StaffMember | None) -> None:
    """Raise `CustomerRestricted` if the use of the customer's data is restricted and
    `by` is not the data protection officer (an import or the API acts as nobody who is)."""
    if by is not None and allowed(by, Can.MANAGE_PRIVACY):
        return
    if restricted(customer):
        raise CustomerRestricted(
            f"Use of {customer.name}'s data is restricted, so their details cannot be "
            "changed. Only the data protection officer can change them while the "
            "restriction is in force: ask them."
        )


def customer_kept(customer: Customer) -> Customer:
    """The live record a tombstone points to (following merges of merges); the customer
    itself if it was never merged."""
    seen = {customer.pk}
    while customer.merged_into_id is not None and customer.merged_into_id not in seen:
        seen.add(customer.merged_into_id)
        customer = Customer.objects.get(pk=customer.merged_into_id)
    return customer


def refuse_if_merged(customer: Customer) -> None:
    """Raise `CustomerMerged` naming the record kept if `customer` is a tombstone."""
    if customer.merged_into_id is not None:
        kept = customer_kept(customer)
        raise CustomerMerged(
            f"{customer.name}'s record was merged into {kept.name}'s (customer {kept.pk}). "
            "Change that record instead.",
            kept=kept,
        )


def _stored(value: Any) -> Any:
    """A field's value as the event keeps it (JSON: text, a number, true or false)."""
    return value if value is None or isinstance(value, bool | int | float) else str(value)


@write_transaction()
def customer_create(
    *,
    customer_type: CustomerType | str,
    clock: Clock = system_clock,
    by: StaffMember | None = None,
    source: CustomerEventSource = CustomerEventSource.DESK,
    **details: Any,
) -> Customer:
    """A new customer; `details` are Customer fields (names, contact, preferences).

    Raises Django's `ValidationError` (per field) if a detail is not valid. Records a
    CREATED event with the details given (before: None)."""
    now = clock.now()
    customer = Customer(customer_type=customer_type, created_at=now, **details)
    customer.full_clean()
    customer.save()
    given = {
        field: {"before": None, "after": _stored(getattr(customer, field))}
        for field in DETAIL_FIELDS
        if getattr(customer, field) not in ("", None, False)
    }
    CustomerEvent.objects.create(
        customer=customer,
        kind=CustomerEventKind.CREATED,
        source=source,
        at=now,
        by=by,
        changes=given,
    )
    return customer


@write_transaction()
def customer_update(
    *,
    customer: Customer,
    changes: Mapping[str, Any],
    by: StaffMember | None,
    source: CustomerEventSource,
    clock: Clock = system_clock,
    answers: str = "",
) -> CustomerEvent | None:
    """Set the customer's details in `changes` ({field: new value}, fields of
    `DETAIL_FIELDS`) and record a CHANGED event with each changed field's before and
    after; `answers`, the reference of the customer's open request to correct their data
    that the change answers, is recorded on it. Returns None, writing nothing, if nothing
    changed.

    Raises `CustomerMerged` for a merged record, `UnknownCustomerField` for a field that
    is not a detail, `CustomerRestricted` for a change to a restricted record by anyone
    but the data protection officer, `NotAnOpenRequest` for an `answers` that is not one
    of the customer's open requests, and Django's `ValidationError` (per field) for a
    value not valid."""
    unknown = sorted(set(changes) - set(DETAIL_FIELDS))
    if unknown:
        raise UnknownCustomerField(f"A customer has no detail called {', '.join(unknown)}.")
    given = customer
    customer = Customer.objects.select_for_update().get(pk=given.pk)
    refuse_if_merged(customer)
    answers = answers.strip()
    if answers and answers not in {found.reference for found in open_requests_of(customer)}:
        raise NotAnOpenRequest(
            f"{answers} is not an open request of {customer.name}'s to correct their details."
        )
    changed: dict[str, dict[str, Any]] = {}
    for field, value in changes.items():
        before = getattr(customer, field)
        if before != value:
            changed[field] = {"before": _stored(before), "after": _stored(value)}
            setattr(customer, field, value)
    if not changed:
        return None
    refuse_if_restricted(customer, by=by)
    now = clock.now()
    customer.updated_at = now
    customer.full_clean()
    customer.save()
    given.refresh_from_db()
    return CustomerEvent.objects.create(
        customer=customer,
        kind=CustomerEventKind.CHANGED,
        source=source,
        at=now,
        by=by,
        changes=changed,
        request_reference=answers,
    )


def customer_note_change(
    *,
    customer_id: int,
    name: str,
    before: str | None,
    after: str | None,
    by: StaffMember | None,
    at: datetime,
) -> CustomerEvent:
    """Put on the record's history a change to something kept beside the record, not
    one of its DETAIL_FIELDS (its household vulnerabilities, a consent, a
    representative), already in words: `name` is the entry's key (history.py names it)."""
    return CustomerEvent.objects.create(
        customer_id=customer_id,
        kind=CustomerEventKind.CHANGED,
        source=CustomerEventSource.DESK,
        at=at,
        by=by,
        changes={name: {"before": before, "after": after}},
    )


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
    if len(seen) == 1:  # a page about one customer: one INSERT, no transaction around it
        (customer,) = seen.values()
        CustomerAccess.objects.create(customer=customer, staff=by, at=now, what=what[:200])
        return
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
