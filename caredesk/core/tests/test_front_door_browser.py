"""The front door in a real browser (Chromium): the Content-Security-Policy enforced, with
htmx still working under it, and an administrator setting up two-factor sign-in from
the page as a person with an authenticator app would. The page fixture fails a test on
any CSP violation."""

from __future__ import annotations

import re
from base64 import b32decode
from datetime import timedelta

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from caredesk.cases.models import CaseKind, Channel
from caredesk.cases.services import case_create
from caredesk.conftest import make_staff
from caredesk.core.clock import system_clock
from caredesk.core.tests.browser import (  # noqa: F401 (fixtures)
    assert_accessible,
    browser_fixture,
    csp_violations,
    page_fixture,
)
from caredesk.customers.models import CustomerType
from caredesk.customers.services import customer_create
from caredesk.staff.models import Role

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct horse battery staple"


def sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/staff/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_pages_keep_working_under_the_content_security_policy(page, live_server, people):
    customer = customer_create(
        customer_type=CustomerType.TENANT, first_name="Grace", last_name="Nwosu", postcode="WA7 2BX"
    )
    case = case_create(
        kind=CaseKind.GENERAL_ENQUIRY,
        channel=Channel.LETTER,
        received_at=system_clock.now() - timedelta(hours=2),
        subject="Fence panel blown down",
        by=people.officer,
        customer=customer,
        assign_to=people.officer,
    )
    # the policy is sent, enforced (not only reported), with no inline script or eval
    response = page.goto(f"{live_server.url}/staff/login/")
    assert response is not None
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    sign_in(page, live_server, "olu_officer")
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    home = page.request.get(f"{live_server.url}/")
    assert "no-store" in home.headers["cache-control"]

    # search as you type: htmx answers without the Enter key
    page.get_by_role("link", name="Search").click()
    page.wait_for_url("**/search/")
    page.wait_for_load_state()  # htmx listens once its script has run: then type
    page.get_by_label("Search").press_sequentially("Nwosu", delay=20)
    expect(page.get_by_role("link", name="Grace Nwosu")).to_be_visible()
    assert page.url.endswith("/search/")  # no page load: htmx swapped the results in

    # the customer finder on Log a contact, and the case page
    page.get_by_role("link", name="Log a contact").click()
    page.wait_for_url("**/log/")
    page.wait_for_load_state()
    page.get_by_label("Find the customer").press_sequentially("wa7 2bx", delay=20)
    expect(page.get_by_role("link", name="Grace Nwosu")).to_be_visible()
    page.goto(f"{live_server.url}/cases/{case.reference}/")
    expect(page.get_by_role("heading", name=re.compile(case.reference))).to_be_visible()
    assert csp_violations(page) == []


def test_an_administrator_sets_up_two_factor_sign_in_in_the_browser(page, live_server, people):
    make_staff("ann_admin", Role.ADMINISTRATOR, two_factor=False)
    sign_in(page, live_server, "ann_admin")
    # must set it up before anything else
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    expect(
        page.get_by_role("img", name="QR code to scan with your authenticator app")
    ).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/staff/absences/")
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()

    # the key typed into an app, as the page shows it
    key = page.locator(".secret-key code").inner_text().replace(" ", "")
    key += "=" * (-len(key) % 8)
    code = f"{totp(b32decode(key)):06d}"
    page.get_by_label("Code from the app").fill(code)
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("heading", name="Two-factor sign-in is on")).to_be_visible()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    assert_accessible(page)
    page.get_by_role("link", name="I have saved my codes – continue").click()
    page.get_by_role("link", name="Staff accounts").click()
    expect(page.get_by_role("heading", name="Staff accounts")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Olu Officer").click()
    expect(page.get_by_role("heading", name="Olu Officer")).to_be_visible()
    assert_accessible(page)
