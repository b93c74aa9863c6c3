"""Correspondence in a real browser (Chromium, Playwright, axe-core): an officer writes a
letter with the plain-English check answering as they type, sends it, and logs a letter
received; every page visited has no axe-core violations."""

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
from caredesk.customers.models import CustomerType
from caredesk.customers.services import customer_create

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def store(settings, tmp_path):
    settings.CAREDESK_MAIL_STORE = tmp_path / "store"


def test_write_a_letter_with_the_plain_english_check_then_log_one_received(
    page, live_server, people
):
    people.officer.phone = "0151 510 1234"
    people.officer.save()
    customer = customer_create(
        customer_type=CustomerType.TENANT, title="Ms", first_name="Grace", last_name="Nwosu"
    )
    case = case_create(
        kind=CaseKind.GENERAL_ENQUIRY,
        channel=Channel.LETTER,
        received_at=system_clock.now() - timedelta(hours=2),
        subject="Fence panel blown down",
        by=people.officer,
        customer=customer,
        assign_to=people.officer,
        policy=active_policy(),
    )
    page.goto(f"{live_server.url}/")
    page.get_by_label("Username").fill("olu_officer")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()

    # the officer writes, and the check answers as they type (htmx)
    page.goto(f"{live_server.url}/cases/{case.reference}/")
    page.get_by_role("link", name="Write a reply").click()
    expect(page.get_by_role("heading", name="Write a reply")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("What your reply says").fill(
        "We will utilise a contractor to rectify the fence forthwith."
    )
    panel = page.locator("#plain-english")
    expect(panel).to_contain_text("“utilise”: try “use”")
    expect(panel).to_contain_text("“forthwith”")
    assert_accessible(page)
    page.get_by_label("What your reply says").fill(
        "We will send a contractor to mend the fence on Tuesday 10 June."
    )
    expect(panel).not_to_contain_text("utilise")
    page.get_by_label("A letter").check()
    page.get_by_role("button", name="Check your reply").click()

    # the letter as it will print, checked before it is sent
    expect(page.get_by_role("heading", name="Check your reply")).to_be_visible()
    expect(page.get_by_text("mend the fence on Tuesday 10 June").first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Send").click()

    # back on the case, the letter is there
    expect(page.get_by_text("Letter written and recorded as the response.")).to_be_visible()
    expect(page.get_by_role("heading", name="Letters", exact=True)).to_be_visible()
    expect(page.get_by_text("signed by Olu Officer")).to_be_visible()
    assert_accessible(page)

    # a letter received is logged in the register
    page.get_by_role("link", name="Letters received").click()
    assert_accessible(page)
    page.get_by_label("Who is it from?").fill("Mrs P. Hughes")
    page.get_by_label("When did it arrive?").fill(
        (system_clock.now() - timedelta(hours=1)).strftime("%d/%m/%Y %H:%M")
    )
    page.get_by_role("button", name="Log the letter").click()
    expect(page.get_by_text("Letter from Mrs P. Hughes logged on")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Mrs P. Hughes")).to_be_visible()
    assert_accessible(page)


def test_the_administrators_pages_for_mail_and_templates_are_accessible(page, live_server, people):
    page.goto(f"{live_server.url}/")
    page.get_by_label("Username").fill("ada_admin")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    enter_app_code(page, "ada_admin")  # an administrator: two-factor sign-in
    page.get_by_role("link", name="Templates").click()
    expect(page.get_by_role("heading", name="Templates")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Acknowledgement (email)", exact=True).click()
    page.get_by_label("Subject").fill("Thanks: {{ case.refrence }}")
    page.get_by_role("button", name="Save the wording").click()
    expect(page.get_by_text("values that are not there: case.refrence").first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Emails to review").click()
    expect(page.get_by_text("There is nothing to review.")).to_be_visible()
    assert_accessible(page)
