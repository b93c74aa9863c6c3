"""A customer's record in Chromium, checked by axe-core at 1366 and 390 px: added after a
likely duplicate is shown, a preference changed and seen in the history, and two records
merged, the merged one pointing at the one kept."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from caredesk.core.tests.browser import (  # noqa: F401 (fixtures)
    assert_accessible,
    browser_fixture,
    page_fixture,
)
from caredesk.customers.models import Customer, CustomerType
from caredesk.customers.services import customer_create

pytestmark = pytest.mark.django_db(transaction=True)


def narrow_and_back(page: Page) -> None:
    """Axe-clean at 390 px; no sideways scrolling at 320 px; then wide again."""
    page.set_viewport_size({"width": 390, "height": 800})
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 800})
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= 320, f"{page.url} is {wide} px wide at 320 px"
    page.set_viewport_size({"width": 1366, "height": 900})


def test_an_officer_adds_changes_and_merges_customers(
    page: Page, live_server: Any, people: Any
) -> None:
    existing = customer_create(
        customer_type=CustomerType.TENANT,
        first_name="Sam",
        last_name="Okafor",
        phone="0151 510 5000",
        postcode="WA7 1AB",
    )
    # The live server's first page warms it up: on a busy 2-core machine, over 10 s.
    page.set_default_timeout(30_000)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/staff/login/?next=/customers/new/")
    page.get_by_label("Username").fill("olu_officer")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()

    # a mistake is named at its field
    expect(page.get_by_role("heading", name="Add a new customer")).to_be_visible()
    page.get_by_label("What kind of customer are they?").select_option("tenant")
    page.get_by_label("First name (optional)").fill("Samuel")
    page.get_by_label("Last name").fill("Okafor")
    page.get_by_label("Phone number (optional)").fill("+44 151 510 5000")
    page.get_by_label("Postcode (optional)").fill("WA7")
    page.get_by_role("button", name="Add the customer").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a postcode in the right format")
    assert_accessible(page)

    # the same phone number: the record on file is shown before saving
    page.get_by_label("Postcode (optional)").fill("wa7 1ab")
    page.get_by_role("button", name="Add the customer").click()
    expect(page.get_by_role("heading", name="This may be someone we already know")).to_be_visible()
    expect(page.get_by_role("link", name="Sam Okafor")).to_be_visible()
    assert_accessible(page)
    narrow_and_back(page)
    page.get_by_role("button", name="Save as a new customer anyway").click()
    expect(page.get_by_role("status")).to_contain_text("Samuel Okafor is added")
    new = Customer.objects.get(first_name="Samuel")

    # a preference changed, and the history says so
    page.get_by_role("link", name="Change Samuel Okafor's details").click()
    page.get_by_label("How do they prefer us to contact them? (optional)").select_option("email")
    page.get_by_role("button", name="Save the changes").click()
    expect(page.get_by_role("status")).to_contain_text("The changes are saved")
    expect(page.get_by_text("Preferred channel set to Email")).to_be_visible()
    expect(page.get_by_text("by Olu Officer on")).to_have_count(2)
    assert_accessible(page)
    narrow_and_back(page)

    # the two records merged: the merged one points at the one kept
    page.get_by_role("link", name="Merge another record into this one").click()
    page.get_by_label("Find the other record").fill("Okafor")
    page.get_by_role("main").get_by_role("button", name="Find").click()
    page.get_by_role("link", name="Sam Okafor").click()
    expect(page.get_by_role("heading", name="Compare the two records")).to_be_visible()
    assert_accessible(page)
    narrow_and_back(page)
    page.get_by_role("button", name=f"Merge Sam Okafor (customer {existing.pk})").click()
    expect(page.get_by_role("status")).to_contain_text("is merged into this record")
    page.goto(f"{live_server.url}/customers/{existing.pk}/")
    expect(page.get_by_text("This record was merged into")).to_be_visible()
    page.get_by_role("link", name=f"Samuel Okafor's record (customer {new.pk})").click()
    expect(page.get_by_role("heading", name="Samuel Okafor")).to_be_visible()
    assert_accessible(page)
