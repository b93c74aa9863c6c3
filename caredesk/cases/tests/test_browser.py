"""The desk in a real browser: Debian's Chromium, driven by Playwright, checked by axe-core.

A member of staff signs in, logs a phone call, finds it in My work, opens it and
records the response; every page visited must have no axe-core violations (WCAG 2.2 A
and AA, and axe's best practices).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from caredesk.cases.models import CaseKind, Channel
from caredesk.cases.services import case_create
from caredesk.core.active_policy import active_policy
from caredesk.core.clock import system_clock
from caredesk.core.tests.browser import (  # noqa: F401 (fixtures)
    assert_accessible,
    browser_fixture,
    enter_app_code,
    page_fixture,
)
from caredesk.customers.models import AccessibleFormat, CustomerType
from caredesk.customers.services import customer_create
from caredesk.worker.tests.helpers import sweep_pass

pytestmark = pytest.mark.django_db(transaction=True)


def test_log_a_phone_call_see_it_in_my_work_and_answer_it(page, live_server, people):
    customer_create(
        customer_type=CustomerType.TENANT,
        first_name="Grace",
        last_name="Nwosu",
        postcode="WA7 2BX",
        phone="01928 555 0101",
        accessible_format=AccessibleFormat.LARGE_PRINT,
    )
    visited = []

    def check() -> None:
        visited.append(page.url)
        assert_accessible(page)

    # given: signed in
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    check()
    page.get_by_label("Username").fill("olu_officer")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    expect(page.get_by_text("Nothing is waiting here.")).to_be_visible()
    check()

    # when: a phone call is logged, the customer found by typing their postcode (htmx)
    page.get_by_role("link", name="Log a contact").click()
    expect(page.get_by_role("heading", name="Phone call")).to_be_visible()
    check()
    page.get_by_label("Find the customer").fill("wa7 2bx")
    page.get_by_role("link", name="Grace Nwosu").click()
    expect(page.get_by_text("Needs letters and information in large print")).to_be_visible()
    check()
    page.get_by_label("What is it about?").select_option("general_enquiry")
    page.get_by_label("Subject").fill("Boiler not working")
    page.get_by_label("What they said or asked").fill("No heating since Sunday")
    page.get_by_role("button", name="Log the phone call").click()

    # then: the case page, and the case in My work with its due time in words
    expect(page.get_by_text("Logged as HHT-")).to_be_visible()
    reference = page.locator("h1").inner_text().split(":")[0]
    check()
    page.get_by_role("link", name="My work").click()
    row = page.get_by_role("row").filter(has_text=reference)
    expect(row.first).to_be_visible()
    expect(row.first).to_contain_text("Due")
    check()

    # and: the response is recorded from the case page
    row.first.get_by_role("link", name=reference).click()
    page.locator("summary", has_text="Record the response").click()
    page.get_by_label("What the response said").fill("Engineer booked for Tuesday")
    page.get_by_role("button", name="Record the response").click()
    expect(page.get_by_text("Response recorded")).to_be_visible()
    check()

    page.get_by_role("link", name="Search").click()
    page.get_by_label("Search").fill("Nwosu")
    page.get_by_label("Search").press("Enter")  # the page works without htmx too
    expect(page.get_by_role("link", name="Grace Nwosu")).to_be_visible()
    check()
    page.get_by_role("link", name="Grace Nwosu").click()
    expect(page.get_by_role("heading", name="Grace Nwosu")).to_be_visible()
    check()
    assert len(visited) == 9


def test_the_line_managers_pages_are_accessible(page, live_server, people, settings):
    # given: a letter to the officer that is long overdue, and one sweep of the worker,
    # so the manager has a breach to see and a notification about it
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    case_create(
        kind=CaseKind.GENERAL_ENQUIRY,
        channel=Channel.LETTER,
        received_at=system_clock.now() - timedelta(days=40),
        subject="Gutter leaking onto the path",
        assign_to=people.officer,
        by=people.officer,
    )
    report = sweep_pass(clock=system_clock, policy=active_policy())
    assert report["deadlines_escalate"].rows == 1
    page.goto(f"{live_server.url}/staff/login/")
    page.get_by_label("Username").fill("lena_manager")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    pages = ("Team", "Office", "Overdue", "Breaches and absences", "Absences", "Standards")
    for name in pages:
        page.get_by_role("navigation", name="Main").get_by_role(
            "link", name=name, exact=True
        ).click()
        page.wait_for_load_state()
        assert_accessible(page)
    page.get_by_role("link", name="Notifications (1 unread)").click()
    expect(page.get_by_text("Gutter leaking onto the path")).to_be_visible()
    assert_accessible(page)


def test_a_form_with_mistakes_is_accessible_and_names_each_field(page, live_server, people):
    page.goto(f"{live_server.url}/staff/login/?next=/log/%3Fchannel%3Dletter")
    page.get_by_label("Username").fill("ada_admin")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    enter_app_code(page, "ada_admin")  # an administrator: two-factor sign-in
    expect(page.get_by_role("heading", name="Letter received")).to_be_visible()
    page.get_by_label("Date stamped on receipt").fill("")
    page.get_by_role("button", name="Log the letter received").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link")).to_have_count(2)  # subject and date, each linked
    assert_accessible(page)
