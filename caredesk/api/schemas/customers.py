"""The customers API's answers and search filters (the handlers are in api/customers.py)."""

from ninja import Schema
from pydantic import Field

from caredesk.api.schemas.cases import CaseOut
from caredesk.api.types import Cursor, Limit, ShortText, Time
from caredesk.customers.models import (
    AccessibleFormat,
    ContactChannel,
    CustomerType,
    HomeVisitReason,
)


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
