"""Every change to a customer's record is an event: who, what before and after, when."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from caredesk.customers.history import customer_history_list
from caredesk.customers.models import (
    Customer,
    CustomerEventKind,
    CustomerEventSource,
    CustomerType,
)
from caredesk.customers.services import (
    CustomerMerged,
    UnknownCustomerField,
    customer_create,
    customer_update,
)

pytestmark = pytest.mark.django_db


def amira(clock, by=None, **details):
    fields = {"first_name": "Amira", "last_name": "Khan", "phone": "0151 510 5000"} | details
    return customer_create(customer_type=CustomerType.TENANT, clock=clock, by=by, **fields)


def test_creating_a_customer_records_who_and_the_details_given(people, clock):
    customer = amira(clock, by=people.officer, postcode="WA7 1AB")
    event = customer.events.get()
    assert (event.kind, event.source, event.by, event.at) == (
        CustomerEventKind.CREATED,
        CustomerEventSource.DESK,
        people.officer,
        clock.now(),
    )
    assert event.changes["phone"] == {"before": None, "after": "0151 510 5000"}
    assert event.changes["postcode"] == {"before": None, "after": "WA7 1AB"}
    assert "organisation" not in event.changes  # blank details are not listed
    assert "interpreter_needed" not in event.changes


def test_a_change_records_each_changed_field_before_and_after(people, clock):
    customer = amira(clock)
    event = customer_update(
        customer=customer,
        changes={"phone": "0151 510 6000", "last_name": "Khan", "interpreter_needed": True},
        by=people.officer,
        source=CustomerEventSource.DESK,
        clock=clock,
    )
    assert event is not None
    assert event.kind == CustomerEventKind.CHANGED
    assert event.changes == {
        "phone": {"before": "0151 510 5000", "after": "0151 510 6000"},
        "interpreter_needed": {"before": False, "after": True},
    }
    assert (customer.phone, customer.phone_search) == ("0151 510 6000", "01515106000")
    assert customer.updated_at == clock.now()


def test_a_change_that_changes_nothing_writes_nothing(people, clock):
    customer = amira(clock)
    assert (
        customer_update(
            customer=customer,
            changes={"phone": "0151 510 5000"},
            by=people.officer,
            source=CustomerEventSource.IMPORT,
            clock=clock,
        )
        is None
    )
    assert customer.events.count() == 1


def test_a_change_not_valid_is_refused_and_nothing_is_kept(people, clock):
    customer = amira(clock)
    with pytest.raises(ValidationError):
        customer_update(
            customer=customer,
            changes={"email": "not an email", "phone": "0151 510 6000"},
            by=people.officer,
            source=CustomerEventSource.API,
            clock=clock,
        )
    assert Customer.objects.get(pk=customer.pk).phone == "0151 510 5000"
    assert customer.events.count() == 1


def test_a_field_that_is_not_a_detail_is_refused(people, clock):
    with pytest.raises(UnknownCustomerField, match="merged_into"):
        customer_update(
            customer=amira(clock),
            changes={"merged_into": None},
            by=people.officer,
            source=CustomerEventSource.API,
            clock=clock,
        )


def test_a_merged_record_cannot_be_changed(people, clock):
    kept, tombstone = amira(clock), amira(clock, first_name="Amirah")
    Customer.objects.filter(pk=tombstone.pk).update(merged_into=kept)
    tombstone.refresh_from_db()
    with pytest.raises(CustomerMerged, match=f"customer {kept.pk}") as refused:
        customer_update(
            customer=tombstone,
            changes={"phone": "0151 510 6000"},
            by=people.officer,
            source=CustomerEventSource.DESK,
            clock=clock,
        )
    assert refused.value.kept == kept


def test_the_history_reads_as_sentences(people, clock):
    customer = amira(clock, by=people.officer, address="1 High St\nRuncorn")
    customer_update(
        customer=customer,
        changes={"phone": "0151 510 6000", "address": "", "preferred_channel": "email"},
        by=people.officer,
        source=CustomerEventSource.IMPORT,
        clock=clock,
    )
    newest, created = customer_history_list(customer=customer)
    assert newest.headline == "Details changed"
    assert newest.by == "Olu Officer"
    assert newest.source == " (housing management system import)"
    assert newest.changes == [
        "Phone changed from 0151 510 5000 to 0151 510 6000",
        "Address removed (was 1 High St / Runcorn)",
        "Preferred channel set to Email",
    ]
    assert created.headline == "Record created"
