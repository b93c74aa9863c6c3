"""The customer page's equality monitoring in Chromium, checked by axe-core: the form
open, a mistake explained, the answers recorded, and not shown back to the officer
(only the data protection officer and equality monitoring leads read them)."""

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


def test_an_officer_records_equality_answers_in_a_browser_but_cannot_read_them_back(
    page: Page, live_server: Any, people: Any
) -> None:
    customer = customer_create(
        customer_type=CustomerType.TENANT, first_name="Sam", last_name="Okafor"
    )
    page.goto(f"{live_server.url}/staff/login/?next=/customers/{customer.pk}/")
    page.get_by_label("Username").fill("olu_officer")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Equality monitoring")).to_be_visible()
    page.get_by_text("Record the customer's answers").click()
    assert_accessible(page)

    # a mistake is explained next to the question, accessibly
    page.get_by_role("button", name="Record the answers").click()
    expect(page.get_by_role("alert")).to_contain_text("Say whether the customer agrees")
    assert_accessible(page)

    page.get_by_label("Yes, they agree").check()
    page.get_by_label("Religion or belief").select_option("sikh")
    page.get_by_role("button", name="Record the answers").click()
    expect(page.get_by_role("status")).to_contain_text("Equality monitoring answers recorded")
    expect(page.get_by_role("link", name="Show the answers")).to_have_count(0)
    expect(
        page.get_by_text("only the data protection officer and equality monitoring leads")
    ).to_be_visible()
    assert_accessible(page)
