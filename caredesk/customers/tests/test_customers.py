import pytest
from django.core.exceptions import ValidationError

from caredesk.customers.models import AccessibleFormat, CustomerType, HomeVisitReason
from caredesk.customers.selectors import customer_preferences_list, customers_search
from caredesk.customers.services import customer_create

pytestmark = pytest.mark.django_db


def tenant(**details):
    defaults = {"first_name": "Amira", "last_name": "Khan", "postcode": "WA7 1AB"}
    return customer_create(customer_type=CustomerType.TENANT, **(defaults | details))


def test_a_customer_with_no_special_needs_has_no_preference_notes():
    assert customer_preferences_list(customer=tenant()) == []


def test_preferences_are_spelled_out_for_staff():
    customer = tenant(
        accessible_format=AccessibleFormat.LARGE_PRINT,
        language="Polish",
        interpreter_needed=True,
        home_visits_needed=True,
        home_visit_reason=HomeVisitReason.DISABILITY,
        same_sex_interviewer=True,
        preferred_channel="phone",
        preferred_times="Mornings before 11",
    )
    assert customer_preferences_list(customer=customer) == [
        "Needs letters and information in large print",
        "Language: Polish",
        "Needs an interpreter",
        "Needs home visits (disability)",
        "Needs an interviewer of the same sex",
        "Prefers contact by phone",
        "Best times: Mornings before 11",
    ]


@pytest.mark.parametrize("typed", ["wa71ab", "WA7 1AB", " wa7  1ab "])
def test_search_finds_a_postcode_however_it_is_typed(typed):
    customer = tenant()
    assert list(customers_search(text=typed)) == [customer]


@pytest.mark.parametrize("typed", ["0151 510 5000", "+44 151 510 5000", "01515105000"])
def test_search_finds_a_phone_number_however_it_is_typed(typed):
    customer = tenant(phone="0151 510 5000")
    assert list(customers_search(text=typed)) == [customer]


def test_search_finds_names_and_email_addresses():
    amira = tenant(email="amira.khan@example.org")
    tenant(first_name="Bilal", last_name="Khan", postcode="WA8 2CD")
    assert customers_search(text="Amira Khan").first() == amira
    assert list(customers_search(text="AMIRA.KHAN@example.org")) == [amira]
    assert len(customers_search(text="khan")) == 2
    assert list(customers_search(text="   ")) == []


def test_an_invalid_email_is_refused():
    with pytest.raises(ValidationError):
        tenant(email="not an email")
