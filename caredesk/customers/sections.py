"""Sections that apps above customers add to the customer page (customers.views): its
one extension point, as panels are the case page's (cases.panels). Customers never
imports them: an app (privacy: the disclosures of the customer's information) declares
its section and registers it from its AppConfig.ready():

    customer_section_register(CustomerSection(
        key="privacy.disclosures",
        position=10,
        template="privacy/customer_disclosures.html",
        context=customer_disclosures_section,
    ))

`context(customer=..., request=...)` returns what the template shows, read there as
`section` ({{ section.disclosures }}), beside the page's own context. It is called only
for those with `capability`: others see nothing of it.

Register from AppConfig.ready() through import_module, as cases and complaints do."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from caredesk.staff.permissions import Can, allowed

if TYPE_CHECKING:
    from django.http import HttpRequest

    from caredesk.customers.models import Customer


class SectionContext(Protocol):
    def __call__(self, *, customer: Customer, request: HttpRequest) -> Mapping[str, Any]: ...


@dataclass(frozen=True)
class CustomerSection:
    key: str  # "<app>.<what>": registering the same key again replaces the section
    position: int
    template: str
    context: SectionContext
    capability: Can = Can.READ_CASES


@dataclass(frozen=True)
class SectionShown:
    key: str
    template: str
    context: Mapping[str, Any]


_sections: dict[str, CustomerSection] = {}


def customer_section_register(section: CustomerSection) -> None:
    _sections[section.key] = section


def customer_sections_shown(*, customer: Customer, request: HttpRequest) -> list[SectionShown]:
    """The sections the person asking may see, in order, each with what it shows."""
    return [
        SectionShown(s.key, s.template, s.context(customer=customer, request=request))
        for s in sorted(_sections.values(), key=lambda s: (s.position, s.key))
        if allowed(request.user, s.capability)
    ]
