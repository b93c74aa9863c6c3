"""The customer panel: what an officer must know about the customer before they write,
call or visit, the same on the case page, the reply page and Log a contact.

One selector and one template (cases/customer_panel.html), so the panel is the one
place that says what a customer needs. A bounded number of queries whatever the
customer's history: their other open cases (the first few, and how many) and their
last few contacts.
"""

from __future__ import annotations

from dataclasses import dataclass

from caredesk.cases.models import Case, CaseStatus, Contact
from caredesk.customers.models import AccessibleFormat, Customer
from caredesk.customers.selectors import customer_contact_preferences, customer_needs

OPEN_CASES_SHOWN = 5
CONTACTS_SHOWN = 5
_OPEN = (CaseStatus.OPEN, CaseStatus.WAITING_FOR_CUSTOMER)


@dataclass(frozen=True)
class CustomerPanel:
    customer: Customer | None
    needs: list[str]  # what changes how we write to or meet them: shown first, prominent
    preferences: list[str]  # how and when they like to be contacted
    accessible_format: str  # "Braille", "Large print"... ("" for standard print)
    open_cases: list[Case]  # other open cases, the most recent first, at most a few
    open_cases_count: int  # all of them
    last_contacts: list[Contact]

    @property
    def more_open_cases(self) -> int:
        return self.open_cases_count - len(self.open_cases)


def customer_panel_get(
    *, customer: Customer | None, exclude_case: Case | None = None
) -> CustomerPanel:
    """The panel for `customer` (None: nobody named), leaving out the case being worked.
    At most three queries: open cases, their count, the last contacts."""
    if customer is None:
        return CustomerPanel(None, [], [], "", [], 0, [])
    others = Case.objects.filter(customer=customer, status__in=_OPEN)
    if exclude_case is not None:
        others = others.exclude(pk=exclude_case.pk)
    shown = others.only("reference", "subject").order_by("-received_at", "-pk")
    open_cases = list(shown[:OPEN_CASES_SHOWN])
    count = len(open_cases) if len(open_cases) < OPEN_CASES_SHOWN else others.count()
    contacts = list(
        Contact.objects.filter(case__customer=customer)
        .select_related("case")
        .only("at", "channel", "direction", "case", "case__reference")
        .order_by("-at", "-pk")[:CONTACTS_SHOWN]
    )
    standard = customer.accessible_format == AccessibleFormat.STANDARD
    return CustomerPanel(
        customer=customer,
        needs=customer_needs(customer),
        preferences=customer_contact_preferences(customer),
        accessible_format="" if standard else customer.get_accessible_format_display(),
        open_cases=open_cases,
        open_cases_count=count,
        last_contacts=contacts,
    )
