"""Reading about customers."""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from caredesk.core.text import storable_text
from caredesk.customers.models import (
    AccessibleFormat,
    ContactChannel,
    Customer,
    phone_key,
    postcode_key,
)

# The same expressions as the indexes of customers/migrations/0005_search.py, the names
# without their accents on PostgreSQL (0006_search_unaccented.py).
NAMES = "(first_name || ' ' || last_name || ' ' || organisation)"
UNACCENTED_NAMES = f"customer_unaccented({NAMES})"
SQLITE_NAMES = "customer_names_fts"
WORD = re.compile(r"[^\W_]+")
MAX_WORDS = 8
SEARCH_TEXT_LIMIT = 200
FULL_POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}$")
OUTWARD_CODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?$")


def customer_needs(customer: Customer) -> list[str]:
    """What the customer needs of us, in plain words: what changes how we write to them
    or meet them. The one place that says it (the customer page and panel, the API)."""
    needs = []
    if customer.accessible_format != AccessibleFormat.STANDARD:
        shown = customer.get_accessible_format_display()
        needs.append(f"Needs letters and information in {shown.lower()}")
    if customer.language:
        needs.append(f"Language: {customer.language}")
    if customer.interpreter_needed:
        needs.append("Needs an interpreter")
    if customer.home_visits_needed:
        reason = customer.get_home_visit_reason_display()
        needs.append(f"Needs home visits ({reason.lower()})" if reason else "Needs home visits")
    if customer.same_sex_interviewer:
        needs.append("Needs an interviewer of the same sex")
    return needs


def customer_contact_preferences(customer: Customer) -> list[str]:
    """How and when the customer likes to be contacted, in plain words."""
    preferences = []
    if customer.preferred_channel:
        channel = ContactChannel(customer.preferred_channel).label.lower()
        preferences.append(f"Prefers contact by {channel}")
    if customer.preferred_times:
        preferences.append(f"Best times: {customer.preferred_times}")
    return preferences


def customer_preferences_list(*, customer: Customer) -> list[str]:
    """What staff must know before they reply or meet: the needs, then the preferences."""
    return customer_needs(customer) + customer_contact_preferences(customer)


def customers_search(*, text: str) -> QuerySet[Customer]:
    """Customers matching the text, best first: every word the start of a word of their
    name or organisation, in any order ("john smi"); their phone number or postcode
    however typed; their email address or its start; and, on PostgreSQL, if none of
    those, near misses of a name ("Harison"). Accents do not matter ("Zoe" finds "Zoë").
    Records merged into another are left out. Indexes: customers/migrations/0005_search.py
    and 0006_search_unaccented.py.
    """
    text = storable_text(text).strip()[:SEARCH_TEXT_LIMIT]  # the API's search reaches here too
    if not text:
        return Customer.objects.none()
    vendor = connection.vendor
    words = name_words(text)
    found = Q(pk__in=[])
    if words:
        found |= Q(_names_match(vendor, words))
    phone = phone_key(text)
    if len(phone) >= 6:
        found |= Q(phone_search=phone)
    postcode = postcode_key(text)
    if FULL_POSTCODE.match(postcode):
        found |= Q(postcode_search=postcode)
    elif OUTWARD_CODE.match(postcode) and len(words) == 1:
        found |= Q(postcode_search__startswith=postcode)
    if len(text) >= 3 and " " not in text:
        found |= Q(email__istartswith=text)
    surname = words[-1] if words else ""
    score = Case(
        When(Q(last_name__iexact=surname) if surname else Q(pk__in=[]), then=Value(3)),
        When(Q(last_name__istartswith=surname) if surname else Q(pk__in=[]), then=Value(2)),
        default=Value(1),  # a first name, an organisation, a phone number, ...
    )
    matches = Customer.objects.filter(found, merged_into__isnull=True)
    # count(), not exists(): planned for LIMIT 1, "none match" reads every customer.
    if vendor == "postgresql" and len(text) >= 4 and words and matches.count() == 0:
        # Nothing starts so: near misses of the names ("Harison", "Smyth"), by trigrams.
        matches = Customer.objects.filter(
            RawSQL(
                f"lower({UNACCENTED_NAMES}) %%> %s",
                [" ".join(name_words(_unaccented(text)))],
                BooleanField(),
            ),
            merged_into__isnull=True,
        )
    return matches.annotate(search_score=score).order_by(
        "-search_score", "last_name", "first_name", "pk"
    )


def name_words(text: str) -> list[str]:
    """The words of a name as the indexes split them ("O'Brien-Jones": o, brien, jones)."""
    return [word.lower() for word in WORD.findall(text)][:MAX_WORDS]


def _unaccented(text: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT customer_unaccented(%s)", [text])
        row = cursor.fetchone()
    return str(row[0]) if row and row[0] is not None else text


def _names_match(vendor: str, words: list[str]) -> RawSQL:
    if vendor == "postgresql":
        # The words as the names are indexed: without accents ("zoë" as "zoe"), split
        # again (unaccent writes "½" as " 1/2").
        words = name_words(_unaccented(" ".join(words)))
        query = " & ".join(f"{word}:*" for word in words)
        return RawSQL(
            "customers_customer.names_search @@ to_tsquery('simple', %s)",
            [query],
            BooleanField(),
        )
    query = " AND ".join(f'"{word}"*' for word in words)
    return RawSQL(
        f"customers_customer.id IN (SELECT rowid FROM {SQLITE_NAMES} WHERE {SQLITE_NAMES} "
        f"MATCH %s)",
        [query],
        BooleanField(),
    )
