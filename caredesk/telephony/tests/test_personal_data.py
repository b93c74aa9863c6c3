"""A customer's calls are found by their number's key, however either number was written
(telephony.personal_data): for subject access exports and for erasure."""

from datetime import UTC, datetime

import pytest

from caredesk.customers.holdings import declarations
from caredesk.customers.models import Customer, CustomerType
from caredesk.telephony.models import Call

pytestmark = pytest.mark.django_db
AT = datetime(2026, 6, 2, 9, 0, tzinfo=UTC)


def holding():
    return declarations()["telephony.call"]


def customer(phone: str) -> Customer:
    return Customer.objects.create(
        customer_type=CustomerType.TENANT, last_name="Jones", phone=phone, created_at=AT
    )


def calls_from(*numbers: str) -> dict[str, Call]:
    return {
        number: Call.objects.create(
            source="asterisk", call_key=str(n), caller=number, started_at=AT, outcome="answered"
        )
        for n, number in enumerate(numbers)
    }


def test_a_customers_calls_are_found_however_the_numbers_were_written():
    jo = customer("+44 1632 960001")
    calls = calls_from(
        "01632960001",
        "01632 960001",
        "(01632) 960-001",
        "+441632960001",
        "441632960001",
        "01632 960002",  # someone else
        "",  # withheld
    )
    found = list(holding().rows(jo).values_list("caller", flat=True))
    assert sorted(found) == sorted(number for number in calls if number not in ("01632 960002", ""))


def test_many_customers_calls_are_found_at_once_and_nobody_elses():
    jo, sam = customer("01632 960001"), customer("07700 900123")
    calls_from("01632 960 001", "+44 7700 900123", "07700 900999")
    rows = Call.objects.filter(holding().of([jo, sam]))
    assert sorted(rows.values_list("caller", flat=True)) == ["+44 7700 900123", "01632 960 001"]


def test_a_customer_without_a_number_is_not_given_the_withheld_calls():
    nobody = customer("")
    calls_from("", "Anonymous", "01632 960001")
    assert holding().rows(nobody).count() == 0
