"""PUT /api/v1/customers/by-reference/{reference}: the housing management system's sync."""

from __future__ import annotations

import json
from typing import Any

from caredesk.customers.models import (
    Customer,
    CustomerAccess,
    CustomerEvent,
    CustomerEventKind,
    CustomerEventSource,
)
from caredesk.customers.restrictions import restriction_start
from caredesk.customers.services import customer_create

from .conftest import Answer, Api, assert_problem, field_errors, new_customer

PATH = "/api/v1/customers/by-reference/"
BODY = {
    "customer_type": "tenant",
    "title": "Mrs",
    "first_name": "Amira",
    "last_name": "Khan",
    "email": "amira.khan@example.org",
    "phone": "01514 960 123",
    "address": "Flat 3\nDerby House\nRuncorn",
    "postcode": "wa7 2jt",
    "uprn": "100010351234",
    "preferred_channel": "phone",
    "interpreter_needed": True,
}


def put(api: Api, reference: str, body: Any) -> Answer:
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    response = api.client.put(
        PATH + reference, data, content_type="application/json", headers=api._headers()
    )
    return api._answer(response)


def test_a_new_reference_creates_the_customer_with_an_api_event_by_the_tokens_owner(
    people, officer_api
):
    answer = put(officer_api, "T000101", BODY)

    assert answer.status == 201, answer.body
    assert answer.body["external_reference"] == "T000101"
    assert answer.body["postcode"] == "WA7 2JT"  # written as Royal Mail writes it
    assert answer.body["address"] == "Flat 3\nDerby House\nRuncorn"
    customer = Customer.objects.get(external_reference="T000101")
    assert customer.postcode_search == "WA72JT"
    assert customer.interpreter_needed is True
    event = CustomerEvent.objects.get(customer=customer)
    assert (event.kind, event.source, event.by) == (
        CustomerEventKind.CREATED,
        CustomerEventSource.API,
        people.officer,
    )
    assert event.changes["last_name"] == {"before": None, "after": "Khan"}
    assert CustomerAccess.objects.filter(customer=customer, staff=people.officer).exists()


def test_the_same_put_twice_changes_nothing_the_second_time(officer_api):
    put(officer_api, "T000101", BODY)
    customer = Customer.objects.get(external_reference="T000101")

    again = put(officer_api, "T000101", BODY)

    assert again.status == 200
    assert CustomerEvent.objects.filter(customer=customer).count() == 1
    customer.refresh_from_db()
    assert customer.updated_at is None


def test_a_change_records_only_the_details_that_differ_and_leaves_out_ones_alone(
    people, officer_api
):
    put(officer_api, "T000101", BODY)

    answer = put(officer_api, "T000101", {"customer_type": "tenant", "phone": "07700 900 456"})

    assert answer.status == 200
    assert answer.body["phone"] == "07700 900 456"
    assert answer.body["email"] == "amira.khan@example.org"  # not sent: kept
    event = CustomerEvent.objects.filter(kind=CustomerEventKind.CHANGED).get()
    assert event.changes == {"phone": {"before": "01514 960 123", "after": "07700 900 456"}}
    assert event.by == people.officer


def test_a_bad_value_is_a_422_naming_the_field_and_nothing_is_written(officer_api):
    errors = field_errors(put(officer_api, "T000101", {**BODY, "postcode": "WA7 1A"}))

    assert errors == {"postcode": "'WA7 1A' is not a UK postcode."}
    assert not Customer.objects.exists()


def test_a_nul_in_a_text_field_or_the_reference_is_refused_naming_it(officer_api):
    assert set(field_errors(put(officer_api, "T000101", {**BODY, "last_name": "K\x00"}))) == {
        "last_name"
    }
    long_reference = "R" * 61
    assert set(field_errors(put(officer_api, long_reference, BODY))) == {"external_reference"}
    assert not Customer.objects.exists()


def test_a_merged_records_reference_is_a_conflict_naming_the_record_kept(clock, officer_api):
    kept = new_customer(clock, external_reference="T000200")
    tombstone = customer_create(
        customer_type="tenant", clock=clock, last_name="Khan", external_reference="T000101"
    )
    Customer.objects.filter(pk=tombstone.pk).update(merged_into=kept)

    answer = put(officer_api, "T000101", BODY)

    body = assert_problem(answer, 409, "conflict")
    assert f"merged into customer {kept.pk}" in body["detail"]
    assert not CustomerEvent.objects.filter(source=CustomerEventSource.API).exists()


def test_only_those_who_work_cases_may_sync_customers(people, api_as):
    assert put(api_as(people.analyst), "T000101", BODY).status == 403
    assert put(Api(None), "T000101", BODY).status == 401
    assert not Customer.objects.exists()


def test_a_change_to_a_restricted_record_is_a_conflict(people, clock, officer_api):
    """The use of the customer's data is restricted (UK GDPR Article 18): only the data
    protection officer may change their details, at the desk."""
    put(officer_api, "T000101", BODY)
    customer = Customer.objects.get(external_reference="T000101")
    restriction_start(
        customer=customer,
        ground="objection",
        reason="They object to our use of their phone number.",
        by=people.data_protection_officer,
        clock=clock,
    )
    answer = put(officer_api, "T000101", BODY | {"phone": "01514 960 999"})
    body = assert_problem(answer, 409, "conflict")
    assert "restricted" in body["detail"]
    customer.refresh_from_db()
    assert customer.phone == "01514 960 123"
    assert put(officer_api, "T000101", BODY).status == 200  # no change: no conflict
