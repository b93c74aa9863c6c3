"""The customers API's answers and search filters (the handlers are in api/customers.py)."""

from collections.abc import Callable
from enum import Enum
from typing import Annotated, Any

from ninja import Schema
from pydantic import AfterValidator, Field, StringConstraints

from caredesk.api.schemas.cases import CaseOut
from caredesk.api.types import STORABLE, Cursor, Limit, ShortText, Time
from caredesk.customers.details_check import (
    DetailRefused,
    address_checked,
    email_checked,
    phone_checked,
    postcode_checked,
    uprn_checked,
)
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


# -- PUT /api/v1/customers/{external_reference}: a customer from the housing system ------


def _checked(check: Callable[[str], str]) -> AfterValidator:
    def run(value: str) -> str:
        try:
            return check(value)
        except DetailRefused as error:
            raise ValueError(f"{str(error)[0].upper()}{str(error)[1:]}.") from None

    return AfterValidator(run)


Text20 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20), STORABLE]
Text60 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=60), STORABLE]
Text100 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100), STORABLE]
Text200 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200), STORABLE]

ExternalReference = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60), STORABLE
]


class CustomerIn(Schema):
    """A customer's details as the housing management system holds them. Only
    `customer_type` is required; a detail left out is left as it is (blank for a new
    customer). `address` is its lines, one to a line."""

    customer_type: CustomerType
    title: Text20 = ""
    first_name: Text100 = ""
    last_name: Text100 = ""
    organisation: Text200 = ""
    email: Annotated[str, StringConstraints(max_length=254), STORABLE, _checked(email_checked)] = ""
    phone: Annotated[str, StringConstraints(max_length=40), STORABLE, _checked(phone_checked)] = ""
    address: Annotated[
        str,
        StringConstraints(max_length=2_100),
        STORABLE,
        _checked(lambda value: address_checked(value.split("\n"))),
    ] = ""
    postcode: Annotated[
        str, StringConstraints(max_length=10), STORABLE, _checked(postcode_checked)
    ] = ""
    uprn: Annotated[
        str,
        StringConstraints(strip_whitespace=True, max_length=12),
        STORABLE,
        _checked(uprn_checked),
    ] = Field("", description="The property's UPRN: 1 to 12 digits.")
    preferred_channel: ContactChannel | None = None
    preferred_times: Text200 = ""
    language: Text60 = Field("", description="Blank means English.")
    accessible_format: AccessibleFormat = AccessibleFormat.STANDARD
    interpreter_needed: bool = False
    home_visits_needed: bool = False
    home_visit_reason: HomeVisitReason | None = None
    same_sex_interviewer: bool = False

    def details(self) -> dict[str, Any]:
        """The details sent, as the record stores them (no choice: blank)."""
        sent = self.model_dump(exclude_unset=True)
        for name in ("preferred_channel", "home_visit_reason"):
            if name in sent and sent[name] is None:
                sent[name] = ""
        return {
            name: str(value) if isinstance(value, Enum) else value for name, value in sent.items()
        }


class CustomerRecord(CustomerOut):
    """A customer's record as the housing system sync keeps it."""

    external_reference: str
    title: str
    first_name: str
    last_name: str
    address: str
    uprn: str
    preferred_channel: ContactChannel | None
    preferred_times: str
    language: str
    accessible_format: AccessibleFormat
    interpreter_needed: bool
    home_visits_needed: bool
    home_visit_reason: HomeVisitReason | None
    same_sex_interviewer: bool
    created_at: Time
    updated_at: Time | None
