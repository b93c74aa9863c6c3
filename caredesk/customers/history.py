"""A customer's record's history in words: what changed, from what to what, who did it
and how (the desk, an import, the API), read from its CustomerEvents, newest first."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from caredesk.customers.models import (
    Customer,
    CustomerEvent,
    CustomerEventKind,
    CustomerEventSource,
)
from caredesk.customers.services import DETAIL_FIELDS

SHOWN = 50

_NAMES = {
    "customer_type": "Kind of customer",
    "uprn": "UPRN",
    "email": "Email address",
    "external_reference": "Housing system reference",
    "home_visits_needed": "Needs home visits",
    "interpreter_needed": "Needs an interpreter",
    "same_sex_interviewer": "Prefers an interviewer of the same sex",
    "merged_into": "Merged into",
    "household_vulnerabilities": "Household vulnerabilities",
}
# Kept beside the record, not on it (customers.vulnerabilities): already in words.
_NOT_ON_THE_RECORD = {"household_vulnerabilities"}
# Rows of their own beside the record, each change one sentence in words: a consent
# ("consent:<purpose>", customers.consent), a representative ("representative:<id>",
# customers.representatives), a restriction ("restriction:<id>", customers.restrictions).
_SENTENCES = {
    "consent:": "Consent",
    "representative:": "Representative",
    "restriction:": "Restriction",  # customers.restrictions
}


def _sentence_of(name: str) -> str:
    return next((said for prefix, said in _SENTENCES.items() if name.startswith(prefix)), "")


@dataclass(frozen=True)
class HistoryEntry:
    """One event: its headline and a sentence for each field it changed."""

    headline: str
    changes: list[str]
    by: str
    source: str
    at: datetime
    other: Customer | None
    answers: str = ""  # the customer's request to correct their data the change answered


def field_name(name: str) -> str:
    if _sentence_of(name):
        return _sentence_of(name)
    if name in _NAMES:
        return _NAMES[name]
    field = Customer._meta.get_field(name)
    return str(getattr(field, "verbose_name", name)).capitalize()


def value_words(name: str, value: Any) -> str:
    if value is None or value == "":
        return "nothing"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if name == "merged_into":
        return f"customer {value}"
    if name in _NOT_ON_THE_RECORD:
        return str(value)
    field = Customer._meta.get_field(name)
    choices = dict(getattr(field, "choices", None) or ())
    shown = str(choices.get(value, value))
    return " / ".join(shown.splitlines())  # an address, on one line


def _change(name: str, before: Any, after: Any, kind: str) -> str:
    if _sentence_of(name):
        return f"{_sentence_of(name)}: {after}"
    if kind == CustomerEventKind.CREATED or before in (None, ""):
        return f"{field_name(name)} set to {value_words(name, after)}"
    if after in (None, ""):
        return f"{field_name(name)} removed (was {value_words(name, before)})"
    was, now = value_words(name, before), value_words(name, after)
    return f"{field_name(name)} changed from {was} to {now}"


def _headline(event: CustomerEvent) -> str:
    other = event.other.name if event.other else "another record"
    other_pk = f" (customer {event.other_id})" if event.other_id else ""
    said = [_sentence_of(name) for name in event.changes or {}]
    if event.kind == CustomerEventKind.CHANGED and said and all(said):
        return f"{said[0]} changed"  # a consent, a representative: beside the details
    return {
        CustomerEventKind.CREATED: "Record created",
        CustomerEventKind.CHANGED: "Details changed",
        CustomerEventKind.MERGED_INTO: f"Merged into {other}{other_pk}",
        CustomerEventKind.MERGED_FROM: f"{other}{other_pk} merged into this record",
    }[CustomerEventKind(event.kind)]


def customer_history_list(*, customer: Customer, limit: int = SHOWN) -> list[HistoryEntry]:
    """The newest `limit` events of the record, in words."""
    return _entries(customer.events.select_related("by", "other").order_by("-at", "-pk")[:limit])


def changes_answering_list(*, reference: str) -> list[HistoryEntry]:
    """The changes to a customer's record made in answer to their request to correct
    their data with this case reference, in words, the first made first."""
    if not reference:
        return []
    found = CustomerEvent.objects.filter(request_reference=reference)
    return _entries(found.select_related("by", "other").order_by("at", "pk"))


def _entries(events: Iterable[CustomerEvent]) -> list[HistoryEntry]:
    entries = []
    for event in events:
        changes = [
            _change(name, change.get("before"), change.get("after"), event.kind)
            for name, change in (event.changes or {}).items()
            if isinstance(change, dict)
        ]
        who = event.by.get_full_name() or event.by.username if event.by else ""
        entries.append(
            HistoryEntry(
                headline=_headline(event),
                changes=changes,
                by=who or "caredesk",
                source=""
                if event.source == CustomerEventSource.DESK
                else f" ({CustomerEventSource(event.source).label.lower()})",
                at=event.at,
                other=event.other,
                answers=event.request_reference,
            )
        )
    return entries


def details_side_by_side(first: Customer, second: Customer) -> list[tuple[str, str, str]]:
    """Each detail of two records in words, (name, first's, second's), for comparing."""
    return [
        (
            field_name(name),
            value_words(name, getattr(first, name)),
            value_words(name, getattr(second, name)),
        )
        for name in DETAIL_FIELDS
    ]
