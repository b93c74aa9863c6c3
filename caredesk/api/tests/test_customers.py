"""/api/v1/customers: search and one customer; every answer logs whose details were seen."""

import pytest

from caredesk.customers.models import CustomerAccess, HomeVisitReason

from .conftest import assert_problem, field_errors, new_case, new_customer

CUSTOMERS = "/api/v1/customers"


def test_search_finds_by_name_postcode_phone_and_email(people, clock, officer_api):
    amira = new_customer(clock, phone="01928 123456", email="amira@example.org")
    new_customer(clock, first_name="Ben", last_name="Okafor", postcode="L1 8JQ")
    for q in ("Khan", "wa71ab", "+44 1928 123456", "AMIRA@example.org", "Amira Khan"):
        answer = officer_api.get(CUSTOMERS, q=q)
        assert [c["id"] for c in answer.body["items"]] == [amira.pk], q
    item = officer_api.get(CUSTOMERS, q="Khan").body["items"][0]
    assert item["name"] == "Amira Khan"
    assert item["postcode"] == "WA7 1AB"


def test_each_customer_a_search_shows_is_logged_once(people, clock, api_as):
    khans = [new_customer(clock, first_name=name) for name in ("Amira", "Bilal", "Cara")]
    new_customer(clock, first_name="Dev", last_name="Patel")
    api_as(people.teammate).get(CUSTOMERS, q="Khan", limit=2)
    logged = CustomerAccess.objects.all()
    assert {access.customer for access in logged} == set(khans[:2])
    assert {access.staff for access in logged} == {people.teammate}
    assert all(access.what == "API: customer search" for access in logged)


def test_an_empty_search_finds_and_logs_nothing(people, clock, officer_api):
    new_customer(clock)
    answer = officer_api.get(CUSTOMERS)
    assert answer.body == {"items": [], "next": None}
    assert not CustomerAccess.objects.exists()


def test_search_pages_walk_every_match_once(people, clock, officer_api):
    made = {new_customer(clock, first_name=f"Name{i:02d}").pk for i in range(7)}
    seen, cursor = [], None
    while True:
        params = {"q": "Khan", "limit": 3} | ({"cursor": cursor} if cursor else {})
        answer = officer_api.get(CUSTOMERS, **params)
        seen += [c["id"] for c in answer.body["items"]]
        if (cursor := answer.body["next"]) is None:
            break
    assert len(seen) == 7
    assert set(seen) == made


def test_a_too_long_search_is_a_field_error(people, officer_api):
    assert "q" in field_errors(officer_api.get(CUSTOMERS, q="word " * 100))


def test_a_customer_shows_preferences_and_latest_cases_and_logs_the_read(people, clock, api_as):
    customer = new_customer(
        clock,
        language="Polish",
        interpreter_needed=True,
        home_visits_needed=True,
        home_visit_reason=HomeVisitReason.ILLNESS,
    )
    cases = [new_case(people, clock, customer=customer) for _ in range(3)]
    new_case(people, clock)  # someone else's
    answer = api_as(people.line_manager).get(f"{CUSTOMERS}/{customer.pk}")
    assert answer.status == 200
    body = answer.body
    assert body["preferences"] == [
        "Language: Polish",
        "Needs an interpreter",
        "Needs home visits (illness)",
    ]
    assert body["home_visit_reason"] == "illness"
    assert body["preferred_channel"] is None
    assert [c["reference"] for c in body["cases"]] == [c.reference for c in reversed(cases)]
    assert body["cases_next"] is None
    access = CustomerAccess.objects.get()
    assert (access.customer, access.staff, access.at) == (
        customer,
        people.line_manager,
        clock.now(),
    )


def test_a_customers_further_cases_continue_in_the_case_list(people, clock, officer_api):
    customer = new_customer(clock)
    made = [new_case(people, clock, customer=customer).reference for _ in range(22)]
    body = officer_api.get(f"{CUSTOMERS}/{customer.pk}").body
    assert len(body["cases"]) == 20
    rest = officer_api.get("/api/v1/cases", customer=customer.pk, cursor=body["cases_next"]).body[
        "items"
    ]
    shown = [c["reference"] for c in body["cases"]] + [c["reference"] for c in rest]
    assert shown == list(reversed(made))


@pytest.mark.parametrize("customer_id", ["424242", "0", "-3", "99999999999999999999999"])
def test_an_unknown_customer_is_404_problem(people, officer_api, customer_id):
    assert_problem(officer_api.get(f"{CUSTOMERS}/{customer_id}"), 404, "not_found")
    assert not CustomerAccess.objects.exists()


def test_a_customer_id_that_is_not_a_number_is_a_field_error(people, officer_api):
    assert "customer_id" in field_errors(officer_api.get(f"{CUSTOMERS}/abc"))
