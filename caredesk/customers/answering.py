"""The customer's open requests that a change to their record can answer: a request to
correct their data (UK GDPR Article 16) is answered through the record's own edit, the
change recording the request's reference (`CustomerEvent.request_reference`).

The requests are cases, and customers sits below cases, so it never reads them itself:
an app above (privacy, whose requests they are) registers a lookup from its
AppConfig.ready(), as apps add sections to the customer page (customers.sections):

    open_requests_lookup_register(open_rectification_requests)

`lookup(customer)` returns the customer's open requests a change may answer, the oldest
first. With none registered, a change answers no request."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from caredesk.customers.models import Customer


@dataclass(frozen=True)
class OpenRequest:
    reference: str  # the case's: "HHT-2026-000123"
    subject: str  # what they asked, in the case's words


Lookup = Callable[[Customer], list[OpenRequest]]
_lookups: list[Lookup] = []


def open_requests_lookup_register(lookup: Lookup) -> None:
    """Add `lookup` (registering it again changes nothing)."""
    if lookup not in _lookups:
        _lookups.append(lookup)


def open_requests_of(customer: Customer) -> list[OpenRequest]:
    """The customer's open requests a change to their record may answer."""
    return [found for lookup in _lookups for found in lookup(customer)]
