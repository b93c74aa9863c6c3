"""The desk's pages for a customer's record: create (duplicates first), edit, merge, pick."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from caredesk.customers.duplicates import customer_duplicates_list
from caredesk.customers.forms import CustomerForm, customer_initial_from_sender
from caredesk.customers.merging import customer_merge
from caredesk.customers.models import Customer, CustomerAccess, CustomerEventKind, CustomerType
from caredesk.customers.services import customer_create

pytestmark = pytest.mark.django_db

VALID = {
    "customer_type": "tenant",
    "title": "Ms",
    "first_name": "Jo",
    "last_name": "Jones",
    "phone": "0151 510 5000",
    "email": "",
    "address": "12 Mersey Road\nRuncorn",
    "postcode": "wa7 1aa",
    "accessible_format": "standard",
}


@pytest.fixture
def officer_client(client, people):
    client.force_login(people.officer)
    return client


def jo(**details):
    fields = {"first_name": "Jo", "last_name": "Jones", "postcode": "WA7 1AA"} | details
    return customer_create(customer_type=CustomerType.TENANT, **fields)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("postcode", "WA7", "Enter a postcode in the right format, like WA7 1AB"),
        ("phone", "call me", "Enter a phone number, like 01632 960 001"),
        ("email", "jo at example", "Enter an email address in the right format"),
        ("uprn", "12AB", "Enter a UPRN of up to 12 digits"),
        ("first_name", "J" * 101, "First name must be 100 characters or fewer"),
        ("last_name", "", "Enter their last name, or an organisation's name"),
        ("home_visit_reason", "illness", "Tick that they need home visits"),
        ("customer_type", "landlord", "Choose one of the options"),
    ],
)
def test_each_problem_is_named_at_its_field(field, value, message):
    form = CustomerForm(VALID | {field: value})
    assert not form.is_valid()
    assert any(message in error for error in form.errors[field])


def test_details_are_tidied_and_each_text_field_says_its_longest(db):
    form = CustomerForm(VALID | {"uprn": "1000 1234 5678"})
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["postcode"], form.cleaned_data["uprn"]) == ("WA7 1AA", "100012345678")
    assert "Up to 100 characters." in form.fields["last_name"].help_text
    # a box for lines of text says it as every textarea on the desk does (core.forms)
    assert "You can enter up to 500 characters." in form.fields["address"].help_text
    assert 'maxlength="500"' in str(form["address"])


def test_a_customer_is_prefilled_from_a_letters_sender():
    assert customer_initial_from_sender(
        name="Mrs P. Hughes", address="4 Brook Lane\nWidnes\nwa8 7qd", email="p@example.org"
    ) == {
        "title": "Mrs",
        "first_name": "P.",
        "last_name": "Hughes",
        "postcode": "WA8 7QD",
        "address": "4 Brook Lane\nWidnes",
        "email": "p@example.org",
    }


def test_duplicates_are_found_by_phone_email_or_name_and_postcode(db):
    by_phone = jo(first_name="Joanne", postcode="", phone="+44 151 510 5000")
    by_email = jo(first_name="Joe", postcode="WA8 1AA", email="JO@example.org")
    by_name = jo()
    jo(first_name="Jo", postcode="WA8 2BB")  # same name, elsewhere: not suggested
    found = customer_duplicates_list(
        first_name="jo",
        last_name="JONES",
        phone="0151 510 5000",
        email="jo@example.org",
        postcode="wa71aa",
    )
    assert {duplicate.customer for duplicate in found} == {by_phone, by_email, by_name}
    reasons = {duplicate.customer: duplicate.reasons for duplicate in found}
    assert reasons[by_phone] == ("the same phone number",)
    assert reasons[by_name] == ("the same name and postcode",)
    assert customer_duplicates_list(phone="0151") == []  # too short to mean anything


def test_a_new_customer_with_a_likely_duplicate_is_shown_it_before_saving(officer_client):
    existing = jo(phone="0151 510 5000")
    page = officer_client.post(reverse("customers:new"), VALID)
    assert page.status_code == 200
    assert "This may be someone we already know" in page.text
    assert reverse("customers:customer", args=[existing.pk]) in page.text
    assert Customer.objects.count() == 1
    assert CustomerAccess.objects.filter(customer=existing).exists()  # the read is logged
    saved = officer_client.post(reverse("customers:new"), VALID | {"confirm_new": "1"})
    created = Customer.objects.exclude(pk=existing.pk).get()
    assert saved.url == reverse("customers:customer", args=[created.pk])
    assert created.events.get().kind == CustomerEventKind.CREATED


def test_a_new_customer_goes_back_where_the_officer_came_from(officer_client):
    saved = officer_client.post(
        reverse("customers:new"), VALID | {"next": "/mail/letters/?q=jones"}
    )
    created = Customer.objects.get()
    assert saved.url == f"/mail/letters/?q=jones&customer={created.pk}"
    elsewhere = officer_client.post(
        reverse("customers:new"),
        VALID | {"next": "https://example.com/", "confirm_new": "1"},
    )
    assert elsewhere.url.startswith("/customers/")


def test_an_edit_is_saved_and_shown_in_the_history(officer_client):
    customer = jo(phone="0151 510 5000")
    url = reverse("customers:edit", args=[customer.pk])
    assert officer_client.get(url).status_code == 200
    officer_client.post(url, VALID | {"phone": "0151 510 6000", "preferred_channel": "email"})
    page = officer_client.get(reverse("customers:customer", args=[customer.pk]))
    assert "Phone changed from 0151 510 5000 to 0151 510 6000" in page.text
    assert "Preferred channel set to Email" in page.text
    assert re.search(r"by Olu Officer on \d{1,2} [A-Z][a-z]+ \d{4} at \d\d:\d\d", page.text)


def test_a_merged_record_shows_where_it_went_and_cannot_be_edited(officer_client, people, clock):
    keep, merge = jo(), jo(first_name="Joanne")
    customer_merge(keep=keep, merge=merge, by=people.officer, clock=clock)
    page = officer_client.get(reverse("customers:customer", args=[merge.pk]))
    assert "This record was merged into" in page.text
    assert reverse("customers:customer", args=[keep.pk]) in page.text
    refused = officer_client.post(reverse("customers:edit", args=[merge.pk]), VALID)
    assert refused.status_code == 409
    assert reverse("customers:customer", args=[keep.pk]) in refused.text
    assert Customer.objects.get(pk=merge.pk).first_name == "Joanne"


def test_the_merge_page_compares_then_merges(officer_client):
    keep, merge = jo(phone="0151 510 5000"), jo(first_name="Joanne", email="jo@example.org")
    url = reverse("customers:merge", args=[keep.pk])
    found = officer_client.get(url, {"q": "Jones"})
    assert f"?other={merge.pk}" in found.text
    compared = officer_client.get(url, {"other": merge.pk})
    assert "Compare the two records" in compared.text
    assert "has no email address: it will take the other record" in compared.text
    done = officer_client.post(url, {"other": merge.pk})
    assert done.url == reverse("customers:customer", args=[keep.pk])
    assert Customer.objects.get(pk=merge.pk).merged_into == keep
    again = officer_client.post(url, {"other": merge.pk})
    assert again.status_code == 409
    assert "already merged" in again.text


def test_the_picker_lists_live_customers_linking_back_and_logs_the_read(officer_client):
    customer = jo()
    page = officer_client.get(reverse("customers:pick"), {"q": "Jones", "next": "/mail/letters/"})
    assert f'href="/mail/letters/?customer={customer.pk}"' in page.text
    assert CustomerAccess.objects.filter(customer=customer, what="choosing a customer").exists()


@pytest.mark.parametrize("name", ["new", "pick"])
def test_the_scrutiny_panel_and_readers_cannot_create_or_pick(client, people, name):
    for who in (people.scrutiny_member, people.data_protection_officer):
        client.force_login(who)
        assert client.get(reverse(f"customers:{name}")).status_code == 403


def test_the_scrutiny_panel_cannot_edit_or_merge(client, people):
    customer = jo()
    client.force_login(people.scrutiny_member)
    for name in ("edit", "merge"):
        assert client.post(reverse(f"customers:{name}", args=[customer.pk])).status_code == 403
    assert customer.events.count() == 1


@given(name=st.text(max_size=300), address=st.text(max_size=600), email=st.text(max_size=300))
def test_prefilling_from_any_sender_never_fails_and_fits_the_form(name, address, email):
    initial = customer_initial_from_sender(name=name, address=address, email=email)
    assert set(initial) <= {"title", "first_name", "last_name", "postcode", "address", "email"}
    limits = {"title": 20, "first_name": 100, "last_name": 100, "postcode": 10, "address": 500}
    for field, value in initial.items():
        assert len(value) <= limits.get(field, 254), field
