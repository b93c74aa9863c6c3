"""Who a letter goes to when its case has no customer: the channel it came in by knows.

Mail's letters register keeps the sender of a letter and their address; visits, say,
may know a visitor's. Such a channel registers a lookup from its AppConfig.ready();
documents asks each in turn (documents.values.case_recipient) and the first that knows,
answers. Documents never imports the channels: they are above it (docs/architecture.md).

This module imports no models at run time, so an AppConfig module may import it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from caredesk.cases.models import Case

# A case with no customer -> (name, address lines), or None if the lookup does not know.
RecipientLookup = Callable[["Case"], tuple[str, list[str]] | None]

_lookups: list[RecipientLookup] = []


def recipient_lookup_register(lookup: RecipientLookup) -> None:
    """Ask `lookup` too. Registering the same lookup again does nothing."""
    if lookup not in _lookups:
        _lookups.append(lookup)


def recipient_registered(case: Case) -> tuple[str, list[str]] | None:
    """What the first lookup that knows says of `case`, or None if none does."""
    for lookup in _lookups:
        found = lookup(case)
        if found is not None:
            return found
    return None
