"""The customers API (/api/v1/customers): search, and one customer with their cases.

Every answer here shows customers' details, so each one logs the read
(customers.services.customer_access_record): who, which customers, when.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from caredesk.api.auth import acting, reads, writes
from caredesk.api.cases import case_out
from caredesk.api.clock import api_clock
from caredesk.api.pagination import keyset_page
from caredesk.api.problems import (
    AUTH_PROBLEMS,
    INPUT_PROBLEMS,
    Conflict,
    FieldError,
    NotFound,
    Problem,
)
from caredesk.api.schemas.customers import (
    CustomerDetail,
    CustomerIn,
    CustomerOut,
    CustomerPage,
    CustomerRecord,
    ExternalReference,
    SearchFilters,
)
from caredesk.api.types import MAX_ID
from caredesk.cases.selectors import CASE_ORDER, cases_list
from caredesk.customers.models import (
    AccessibleFormat,
    ContactChannel,
    Customer,
    CustomerType,
    HomeVisitReason,
)
from caredesk.customers.selectors import customer_preferences_list, customers_search
from caredesk.customers.services import (
    CustomerMerged,
    CustomerRestricted,
    customer_access_record,
)
from caredesk.customers.syncing import customer_put

router = Router(tags=["customers"])

SEARCH_ORDER = ("last_name", "first_name", "pk")  # customers_search's own order
CASES_SHOWN = 20


@router.get("customers", response={200: CustomerPage, **AUTH_PROBLEMS, 422: Problem}, auth=reads)
def search_customers(request: HttpRequest, filters: Query[SearchFilters]) -> CustomerPage:
    """Customers matching a name, postcode, phone number or email address (`q`)."""
    found = customers_search(text=filters.q)
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
        cases_list(now=api_clock.now(), customer=customer),
        order=CASE_ORDER,
        cursor=None,
        limit=CASES_SHOWN,
    )
    customer_access_record(
        customers=[customer], by=acting(request), what="API: customer record", clock=api_clock
    )
    return CustomerDetail(
        **_summary(customer),
        **_details(customer),
        cases=[case_out(case) for case in cases.items],
        cases_next=cases.next,
    )


@router.put(
    "customers/by-reference/{external_reference}",
    response={
        200: CustomerRecord,
        201: CustomerRecord,
        **AUTH_PROBLEMS,
        **INPUT_PROBLEMS,
        404: Problem,  # an address that is no reference (a slash in it, nothing after it)
        409: Problem,
    },
    auth=writes,
)
def put_customer(
    request: HttpRequest,
    external_reference: Path[ExternalReference],
    payload: CustomerIn,
) -> Status[CustomerRecord]:
    """The housing management system's sync: create (201) or change (200) the customer
    with this reference in the housing system. Details left out are left as they are;
    only the details that differ are changed, with an event listing each (before and
    after), so the same request twice changes nothing the second time. A reference whose
    record was merged into another is a conflict (409) naming the record kept; so is a
    change to a record the use of whose data is restricted (UK GDPR Article 18)."""
    by = acting(request)
    try:
        synced = customer_put(
            reference=external_reference, details=payload.details(), by=by, clock=api_clock
        )
    except (CustomerMerged, CustomerRestricted) as error:
        raise Conflict(error.message) from None
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise FieldError(field, " ".join(messages)) from None
    customer = synced.customer
    customer_access_record(customers=[customer], by=by, what="API: customer sync", clock=api_clock)
    return Status(201 if synced.created else 200, customer_record(customer))


def customer_record(customer: Customer) -> CustomerRecord:
    return CustomerRecord(
        **_summary(customer),
        **_details(customer),
        external_reference=customer.external_reference,
        uprn=customer.uprn,
        updated_at=customer.updated_at,
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
        "preferences": customer_preferences_list(customer=customer),
    }


def _details(customer: Customer) -> dict[str, Any]:
    """A customer's names, address, preferences and needs, as one record and the sync
    both answer them."""
    return {
        "title": customer.title,
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "address": customer.address,
        "preferred_channel": ContactChannel(customer.preferred_channel)
        if customer.preferred_channel
        else None,
        "preferred_times": customer.preferred_times,
        "language": customer.language,
        "accessible_format": AccessibleFormat(customer.accessible_format),
        "interpreter_needed": customer.interpreter_needed,
        "home_visits_needed": customer.home_visits_needed,
        "home_visit_reason": HomeVisitReason(customer.home_visit_reason)
        if customer.home_visit_reason
        else None,
        "same_sex_interviewer": customer.same_sex_interviewer,
        "created_at": customer.created_at,
    }
