"""The customers API (/api/v1/customers): search, and one customer with their cases.

Every answer here shows customers' details, so each one logs the read
(customers.services.customer_access_record): who, which customers, when.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from caredesk.api.auth import acting, reads
from caredesk.api.clock import api_clock
from caredesk.api.pagination import keyset_page
from caredesk.api.problems import AUTH_PROBLEMS, NotFound, Problem
from caredesk.api.types import MAX_ID, Cursor, Limit, ShortText, Time
from caredesk.cases.api import case_out
from caredesk.cases.api_schemas import CaseOut
from caredesk.cases.api_selectors import CASE_ORDER, cases_filtered
from caredesk.customers.models import (
    AccessibleFormat,
    ContactChannel,
    Customer,
    CustomerType,
    HomeVisitReason,
)
from caredesk.customers.selectors import customer_preferences, customer_search
from caredesk.customers.services import customer_access_record

router = Router(tags=["customers"])

SEARCH_ORDER = ("last_name", "first_name", "pk")  # customer_search's own order
CASES_SHOWN = 20


class SearchFilters(Schema):
    q: ShortText = Field("", description="A name, postcode, phone number or email address.")
    cursor: Cursor | None = Field(None, description="The `next` of the page before.")
    limit: Limit = Field(20, description="At most this many customers (1 to 100).")


class CustomerOut(Schema):
    id: int
    name: str
    customer_type: CustomerType
    organisation: str
    email: str
    phone: str
    postcode: str
    preferences: list[str]


class CustomerPage(Schema):
    items: list[CustomerOut]
    next: str | None


class CustomerDetail(CustomerOut):
    """A customer's record. `cases` are the latest few; `cases_next` continues them at
    /api/v1/cases?customer=<id>&cursor=<cases_next>."""

    title: str
    first_name: str
    last_name: str
    address: str
    preferred_channel: ContactChannel | None
    preferred_times: str
    language: str
    accessible_format: AccessibleFormat
    interpreter_needed: bool
    home_visits_needed: bool
    home_visit_reason: HomeVisitReason | None
    same_sex_interviewer: bool
    created_at: Time
    cases: list[CaseOut]
    cases_next: str | None


@router.get("customers", response={200: CustomerPage, **AUTH_PROBLEMS, 422: Problem}, auth=reads)
def search_customers(request: HttpRequest, filters: Query[SearchFilters]) -> CustomerPage:
    """Customers matching a name, postcode, phone number or email address (`q`)."""
    found = customer_search(filters.q)
    page = keyset_page(found, order=SEARCH_ORDER, cursor=filters.cursor, limit=filters.limit)
    customer_access_record(
        customers=page.items, by=acting(request), what="API: customer search", clock=api_clock
    )
    return CustomerPage(items=[CustomerOut(**_summary(c)) for c in page.items], next=page.next)


@router.get(
    "customers/{customer_id}",
    response={200: CustomerDetail, **AUTH_PROBLEMS, 404: Problem},
    auth=reads,
)
def get_customer(request: HttpRequest, customer_id: int) -> CustomerDetail:
    """One customer, with their preferences and latest cases. Logs the read."""
    customer = (
        Customer.objects.filter(pk=customer_id).first() if 0 < customer_id <= MAX_ID else None
    )
    if customer is None:
        raise NotFound("No customer has this id.")
    cases = keyset_page(
        cases_filtered(now=api_clock.now(), customer=customer),
        order=CASE_ORDER,
        cursor=None,
        limit=CASES_SHOWN,
    )
    customer_access_record(
        customers=[customer], by=acting(request), what="API: customer record", clock=api_clock
    )
    return CustomerDetail(
        **_summary(customer),
        title=customer.title,
        first_name=customer.first_name,
        last_name=customer.last_name,
        address=customer.address,
        preferred_channel=ContactChannel(customer.preferred_channel)
        if customer.preferred_channel
        else None,
        preferred_times=customer.preferred_times,
        language=customer.language,
        accessible_format=AccessibleFormat(customer.accessible_format),
        interpreter_needed=customer.interpreter_needed,
        home_visits_needed=customer.home_visits_needed,
        home_visit_reason=HomeVisitReason(customer.home_visit_reason)
        if customer.home_visit_reason
        else None,
        same_sex_interviewer=customer.same_sex_interviewer,
        created_at=customer.created_at,
        cases=[case_out(case) for case in cases.items],
        cases_next=cases.next,
    )


def _summary(customer: Customer) -> dict[str, Any]:
    return {
        "id": customer.pk,
        "name": customer.name,
        "customer_type": CustomerType(customer.customer_type),
        "organisation": customer.organisation,
        "email": customer.email,
        "phone": customer.phone,
        "postcode": customer.postcode,
        "preferences": customer_preferences(customer),
    }
