"""Likely duplicates of a customer about to be created (or of one already on file): the
same phone number, the same email address, or the same name and postcode, each compared
as typed any way ("+44 151..." is "0151...", "wa71ab" is "WA7 1AB", case ignored).
Merged records (tombstones) are never suggested."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from caredesk.customers.models import Customer, phone_key, postcode_key

SUGGESTED = 10
SHORTEST_PHONE = 6  # fewer digits than this match too many people to mean anything


@dataclass(frozen=True)
class Duplicate:
    """A customer on file who may be the same person, and why we think so."""

    customer: Customer
    reasons: tuple[str, ...]


def customer_duplicates_list(
    *,
    first_name: str = "",
    last_name: str = "",
    organisation: str = "",
    phone: str = "",
    email: str = "",
    postcode: str = "",
    exclude: Customer | None = None,
) -> list[Duplicate]:
    """Live customers who share the phone number, the email address, or the name (last
    name and first name, or the organisation) and postcode given; the ones sharing most
    first."""
    phone_found = phone_key(phone)
    postcode_found = postcode_key(postcode)
    email = email.strip()
    first_name, last_name, organisation = (
        first_name.strip(),
        last_name.strip(),
        organisation.strip(),
    )
    wanted = Q()
    if len(phone_found) >= SHORTEST_PHONE:
        wanted |= Q(phone_search=phone_found)
    if email:
        wanted |= Q(email__iexact=email)
    if postcode_found and last_name:
        wanted |= Q(
            postcode_search=postcode_found,
            last_name__iexact=last_name,
            first_name__iexact=first_name,
        )
    if postcode_found and organisation and not last_name:
        wanted |= Q(postcode_search=postcode_found, organisation__iexact=organisation)
    if not wanted:
        return []
    candidates = Customer.objects.filter(wanted, merged_into__isnull=True)
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude.pk)
    found = []
    for customer in candidates.order_by("pk")[: SUGGESTED * 3]:
        reasons = []
        if len(phone_found) >= SHORTEST_PHONE and customer.phone_search == phone_found:
            reasons.append("the same phone number")
        if email and customer.email.lower() == email.lower():
            reasons.append("the same email address")
        same_place = postcode_found and customer.postcode_search == postcode_found
        if same_place and _same_name(customer, first_name, last_name, organisation):
            reasons.append("the same name and postcode")
        found.append(Duplicate(customer, tuple(reasons)))
    found.sort(key=lambda duplicate: (-len(duplicate.reasons), duplicate.customer.pk))
    return found[:SUGGESTED]


def _same_name(customer: Customer, first_name: str, last_name: str, organisation: str) -> bool:
    if last_name:
        return (customer.last_name.lower(), customer.first_name.lower()) == (
            last_name.lower(),
            first_name.lower(),
        )
    return bool(organisation) and customer.organisation.lower() == organisation.lower()
