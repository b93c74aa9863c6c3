"""Reading about customers."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from caredesk.core.text import storable_text
from caredesk.customers.models import AccessibleFormat, Customer, phone_key, postcode_key


def customer_preferences_list(*, customer: Customer) -> list[str]:
    """What staff must know before they reply or meet, in plain words, for every case."""
    notes = []
    if customer.accessible_format != AccessibleFormat.STANDARD:
        notes.append(f"Needs information in {customer.get_accessible_format_display().lower()}")
    if customer.language:
        notes.append(f"Language: {customer.language}")
    if customer.interpreter_needed:
        notes.append("Needs an interpreter")
    if customer.home_visits_needed:
        reason = customer.get_home_visit_reason_display()
        notes.append(f"Home visits needed ({reason.lower()})" if reason else "Home visits needed")
    if customer.same_sex_interviewer:
        notes.append("Prefers an interviewer of the same sex")
    if customer.preferred_channel:
        notes.append(f"Prefers contact by {customer.get_preferred_channel_display().lower()}")
    if customer.preferred_times:
        notes.append(f"Best times: {customer.preferred_times}")
    return notes


def customers_search(*, text: str) -> QuerySet[Customer]:
    """Customers matching a name, postcode, phone number or email address."""
    text = storable_text(text).strip()  # the API's search reaches here too
    if not text:
        return Customer.objects.none()
    found = Q(email__iexact=text) | Q(postcode_search=postcode_key(text))
    if len(phone_key(text)) >= 6:
        found |= Q(phone_search=phone_key(text))
    for word in text.split():
        found |= Q(last_name__iexact=word) | Q(organisation__icontains=word)
    words = text.split()
    if len(words) >= 2:
        found |= Q(first_name__iexact=words[0], last_name__iexact=words[-1])
    return Customer.objects.filter(found).order_by("last_name", "first_name", "pk")
