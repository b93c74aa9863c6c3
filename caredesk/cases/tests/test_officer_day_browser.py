"""An officer's day in a real browser, from the header's search box to a reopened case:
find a customer by a first name, add a new one, log their call, filter the team's
queue, take a case with "Assign to me", write a reply, check it, send it, resolve the
case and reopen it. Every page on the way is axe-clean at 1366 and 390 pixels wide and
none scrolls sideways at 320."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, Route, expect

from caredesk.cases.models import Case
from caredesk.cases.services import case_assign
from caredesk.conftest import SettableClock, customer_case
from caredesk.core.clock import system_clock
from caredesk.core.tests.browser import (  # noqa: F401 (fixtures)
    assert_accessible,
    browser_fixture,
    page_fixture,
)

pytestmark = pytest.mark.django_db(transaction=True)


def looked_at(page: Page) -> None:
    """The page as an officer sees it at a desk and on a phone, and at 320 pixels."""
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 700})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, page.url
    page.set_viewport_size({"width": 1366, "height": 900})


def test_an_officers_day(page: Page, live_server, people) -> None:
    # given: Harriet, who wrote in yesterday; and a letter with a colleague, who is busy
    clock = SettableClock(system_clock.now())
    customer_case(people, clock, first_name="Harriet", last_name="Ambrose", postcode="WA7 2BX")
    waiting = customer_case(
        people,
        clock,
        subject="Gate hinge broken",
        title="Mr",
        first_name="Tom",
        last_name="Price",
        email="tom.price@example.org",
    )
    case_assign(case=waiting, officer=people.teammate, by=people.line_manager, clock=clock)
    page.set_default_timeout(30_000)  # the machine is shared: pages may be slow to come

    page.goto(f"{live_server.url}/staff/login/")
    page.get_by_label("Username").fill("olu_officer")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My work")).to_be_visible()

    # find a customer by the start of a first name
    page.get_by_label("Find a customer or case").fill("Harr")
    page.get_by_label("Find a customer or case").press("Enter")
    expect(page.get_by_role("link", name=re.compile("Harriet Ambrose"))).to_be_visible()
    looked_at(page)

    # add a new customer
    page.goto(f"{live_server.url}/customers/new/")
    page.get_by_label("What kind of customer are they?").select_option("tenant")
    page.get_by_label("First name (optional)").fill("Priya")
    page.get_by_label("Last name").fill("Raman")
    page.get_by_label("Phone number (optional)").fill("01928 555 0199")
    page.get_by_label("Postcode (optional)").fill("wa7 5qq")
    looked_at(page)
    page.get_by_role("button", name="Add the customer").click()
    expect(page.get_by_role("status")).to_contain_text("Priya Raman is added")

    # log her call
    page.get_by_role("link", name="Log a contact").first.click()
    page.get_by_label("Find the customer").fill("Raman")
    page.get_by_role("link", name=re.compile("Priya Raman")).click()
    page.get_by_label("What is it about?").select_option("general_enquiry")
    page.get_by_label("Subject").fill("Rent statement")
    page.get_by_label("What they said or asked").fill("Asked for a copy of her rent statement")
    looked_at(page)
    page.get_by_role("button", name="Log the phone call").click()
    expect(page.get_by_text("Logged as HHT-")).to_be_visible()

    # the team's queue, letters only; take the one waiting
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Team").click()
    page.get_by_text("Filter and sort").click()
    page.get_by_label(re.compile(r"^Letter \(\d+\)$")).check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("link", name=waiting.reference)).to_be_visible()
    looked_at(page)
    page.get_by_role("button", name=f"Assign to me {waiting.reference}").click()
    expect(page.get_by_text(f"1 case assigned to you: {waiting.reference}.")).to_be_visible()

    # write a reply, check it as it will arrive, send it
    page.get_by_role("link", name=waiting.reference).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(waiting.reference)
    looked_at(page)
    page.get_by_role("link", name="Write a reply").click()
    page.get_by_label("What your reply says").fill(
        "We have booked a joiner to mend the gate hinge on Thursday morning."
    )
    page.get_by_label("Email").check()
    page.get_by_role("button", name="Check your reply").click()
    expect(page.get_by_role("heading", name="Check your reply")).to_be_visible()
    expect(page.get_by_text("tom.price@example.org").first).to_be_visible()
    expect(page.get_by_text("mend the gate hinge on Thursday").first).to_be_visible()
    looked_at(page)
    page.get_by_role("button", name="Send").click()
    expect(
        page.get_by_text("Email to tom.price@example.org recorded as the response")
    ).to_be_visible()
    assert Case.objects.get(pk=waiting.pk).assigned_to_id == people.officer.pk

    # resolve it, then reopen it when Tom rings back
    page.locator("summary", has_text="Resolve or close").click()
    page.get_by_label("Outcome").fill("Joiner booked; the customer is content")
    page.get_by_role("button", name="Mark as resolved").click()
    page.get_by_role("button", name="Yes, mark it as resolved").click()
    expect(page.get_by_text(f"{waiting.reference} is resolved.")).to_be_visible()
    page.locator("summary", has_text="Reopen the case").click()
    page.get_by_label("Why is the case being reopened?").fill("The joiner did not come")
    page.get_by_role("button", name="Reopen the case").click()
    expect(page.get_by_text(f"{waiting.reference} is open again.")).to_be_visible()
    looked_at(page)
    assert Case.objects.get(pk=waiting.pk).status == "open"


def test_an_action_opened_before_the_page_is_ready_still_shows_its_form(
    page: Page, live_server, people
) -> None:
    """On a busy machine or a slow line an officer can open "Resolve or close" before
    htmx has started: the form it fetches on opening must still come."""
    clock = SettableClock(system_clock.now())
    case = customer_case(people, clock, subject="Fence panel down", last_name="Okafor")
    case_assign(case=case, officer=people.officer, by=people.line_manager, clock=clock)
    page.set_default_timeout(30_000)
    page.goto(f"{live_server.url}/staff/login/")
    page.get_by_label("Username").fill("olu_officer")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My work")).to_be_visible()

    # htmx arrives two seconds late; the officer opens the action at once
    def late(route: Route) -> None:
        page.wait_for_timeout(2_000)
        route.continue_()

    page.route(re.compile(r"/htmx-2[^/]*\.js$"), late)
    page.goto(f"{live_server.url}/cases/{case.reference}/", wait_until="commit")
    page.locator("summary", has_text="Resolve or close").click()
    assert page.evaluate("!window.htmx")  # opened before htmx was there
    expect(page.get_by_label("Outcome")).to_be_visible()
