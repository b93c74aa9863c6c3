"""The letters register in Chromium, checked by axe-core at 1366 and 390 px: the customer
found as the officer types (htmx), chosen, and a letter logged twice flagged before it
opens a second case."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from caredesk.cases.models import Case
from caredesk.core.tests.browser import (  # noqa: F401 (fixtures)
    assert_accessible,
    browser_fixture,
    page_fixture,
)
from caredesk.customers.models import CustomerType
from caredesk.customers.services import customer_create

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_officer_picks_the_sender_as_they_type_and_is_warned_of_a_second_entry(
    page: Page, live_server: Any, people: Any
) -> None:
    customer = customer_create(
        customer_type=CustomerType.TENANT,
        title="Mrs",
        first_name="Pat",
        last_name="Hughes",
        address="4 Brook Lane\nWidnes",
        postcode="WA8 7QD",
    )
    # The live server's first page warms it up: on a busy 2-core machine, over 10 s.
    page.set_default_timeout(30_000)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/staff/login/?next=/mail/letters/")
    page.get_by_label("Username").fill("olu_officer")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Letters received")).to_be_visible()
    page.wait_for_load_state()  # htmx listens once its script has run: then type

    # the matches come as the officer types, without pressing Find
    page.get_by_label("Find the customer").press_sequentially("Hugh")
    expect(
        page.locator("#customer-choices").get_by_role("link", name="Mrs Pat Hughes")
    ).to_be_visible()
    assert_accessible(page)
    page.locator("#customer-choices").get_by_role("link", name="Mrs Pat Hughes").click()
    expect(page.get_by_text("Customer: Mrs Pat Hughes")).to_be_visible()
    expect(page.get_by_label("Who is it from?")).to_have_value("Mrs Pat Hughes")

    for _ in range(2):  # the second time by someone who did not see the first
        page.get_by_label("Who is it from?").fill("Mrs Pat Hughes")
        page.get_by_label("What is it about?").fill("Damp in the back bedroom")
        page.get_by_label("When did it arrive?").fill("02/06/2025 09:30")
        page.get_by_role("button", name="Log the letter").click()
    first = Case.objects.get()
    assert first.customer == customer
    expect(
        page.get_by_role(
            "heading", name=f"This looks like a letter already logged: {first.reference} on 2 June"
        )
    ).to_be_visible()
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 800})
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 800})
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= 320, f"the page is {wide} px wide at 320 px"
    page.set_viewport_size({"width": 1366, "height": 900})

    page.get_by_role("button", name=f"Add it to {first.reference}").click()
    expect(page.get_by_role("status")).to_contain_text(f"logged on {first.reference}")
    assert Case.objects.count() == 1
    assert first.letters_received.count() == 2
