"""The header's search box in Chromium, checked by axe-core at 1366 and 390 px: a
first-name prefix finds the customer, marked, and opens their record; the page never
scrolls sideways at 320 px."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from caredesk.core.tests.browser import (  # noqa: F401 (fixtures)
    assert_accessible,
    browser_fixture,
    page_fixture,
)
from caredesk.customers.models import CustomerType
from caredesk.customers.services import customer_create

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_first_name_prefix_in_the_header_finds_the_customer_and_opens_them(
    page: Page, live_server: Any, people: Any
) -> None:
    customer = customer_create(
        customer_type=CustomerType.TENANT, first_name="Harriet", last_name="Okonjo"
    )
    customer_create(customer_type=CustomerType.TENANT, first_name="Ben", last_name="Oakes")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/staff/login/")
    page.get_by_label("Username").fill("olu_officer")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My work")).to_be_visible()

    # given the header's box on any page, when a first-name prefix is typed
    page.get_by_label("Find a customer or case").fill("harr")
    page.get_by_role("button", name="Find").click()

    # then the customer is listed, the words found marked, and nobody else
    result = page.get_by_role("link", name="Harriet Okonjo")
    expect(result).to_be_visible()
    expect(result.locator("mark")).to_have_text("Harriet")
    expect(page.get_by_role("link", name="Ben Oakes")).to_have_count(0)
    assert_accessible(page)

    page.set_viewport_size({"width": 390, "height": 800})
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 800})
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= 320, f"the page is {wide} px wide at 320 px"
    page.set_viewport_size({"width": 1366, "height": 900})

    # and opening them shows their record
    result.click()
    expect(page.get_by_role("heading", name="Harriet Okonjo")).to_be_visible()
    assert page.url.endswith(f"/customers/{customer.pk}/")
