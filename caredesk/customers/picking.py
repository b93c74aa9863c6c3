"""Choosing a customer on another page (a letter's sender, an email's): the live records
matching a search, and the way back to the page with the customer chosen."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms

from caredesk.core.query import id_or_none
from caredesk.customers.models import Customer
from caredesk.customers.selectors import customers_search

PICK_LIMIT = 10


def customers_pick_list(*, text: str, limit: int = PICK_LIMIT) -> list[Customer]:
    """Customers matching `text`, merged records (tombstones) left out."""
    if not text.strip():
        return []
    return list(customers_search(text=text).filter(merged_into__isnull=True)[:limit])


def customer_chosen(value: object) -> Customer | None:
    """The live customer whose id a query string or form sent, or None."""
    pk = id_or_none(value)
    if pk is None:
        return None
    return Customer.objects.filter(pk=pk, merged_into__isnull=True).first()


def url_with_customer(url: str, customer: Customer) -> str:
    return f"{url}{'&' if '?' in url else '?'}{urlencode({'customer': customer.pk})}"


def customer_chosen_field() -> forms.ModelChoiceField:  # type: ignore[type-arg]
    """A form's customer, chosen above the form (search, or a new record) and carried
    in it unseen; a record merged away meanwhile is refused with what to do."""
    return forms.ModelChoiceField(
        queryset=Customer.objects.filter(merged_into__isnull=True),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "Choose the customer again: that record has gone."},
    )
