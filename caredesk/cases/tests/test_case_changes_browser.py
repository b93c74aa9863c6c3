"""The case's actions in a real browser: resolve with an outcome and confirm, reopen
with a reason, a note naming a colleague (who sees the notice), a scan shown in the
page; every page axe-clean at 1366 and 390 pixels wide, none scrolling sideways at 320."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from caredesk.conftest import SettableClock, customer_case
from caredesk.core.active_policy import active_policy
from caredesk.core.clock import system_clock
from caredesk.core.tests.browser import (  # noqa: F401 (fixtures)
    assert_accessible,
    browser_fixture,
    page_fixture,
)
from caredesk.core.tests.files import PLAIN_PDF
from caredesk.mail.letters_register import letter_log

pytestmark = pytest.mark.django_db(transaction=True)


def checked_at_every_width(page: Page) -> None:
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 700})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.set_viewport_size({"width": 1366, "height": 900})


def sign_in(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/staff/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()


def test_resolve_reopen_mention_and_preview_a_scan(page, live_server, people):
    case = customer_case(people, SettableClock(system_clock.now()))
    letter_log(
        sender="Ms Jo Jones",
        received_at=system_clock.now(),
        by=people.officer,
        policy=active_policy(),
        clock=system_clock,
        case=case,
        scan=PLAIN_PDF,
        scan_name="letter.pdf",
    )
    page.set_default_timeout(30_000)  # the machine is shared: pages may be slow to come
    sign_in(page, live_server.url, "olu_officer")
    page.goto(f"{live_server.url}/cases/{case.reference}/")

    # a note naming a colleague, and one naming nobody
    page.locator("summary", has_text="Add an internal note").click()
    expect(page.get_by_text("Internal note — not sent to the customer").first).to_be_visible()
    page.get_by_label("Note").fill("@tia_teammate can you ring Jo? @sam.j too")
    page.get_by_role("button", name="Add the note").click()
    expect(page.get_by_text("Note added. @tia_teammate was told.")).to_be_visible()
    expect(
        page.get_by_text("Nobody who can read cases is called @sam.j, so nobody was told.")
    ).to_be_visible()
    expect(page.locator(".timeline strong.mention", has_text="@tia_teammate")).to_be_visible()

    # the scan, shown in the page
    page.locator("summary", has_text="Show the scan of the letter from Ms Jo Jones").click()
    frame = page.locator("iframe.preview")
    expect(frame).to_be_visible()
    assert re.search(r"/letters/\d+/scan/\?view=1$", frame.get_attribute("src") or "")
    checked_at_every_width(page)

    # resolve: the outcome, then confirm
    page.locator("summary", has_text="Resolve or close").click()
    page.get_by_role("button", name="Mark as resolved").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the outcome")
    page.get_by_label("Outcome").fill("Fence panel replaced on Tuesday")
    page.get_by_role("button", name="Mark as resolved").click()
    expect(
        page.get_by_role(
            "heading", name=f"Are you sure you want to mark as resolved {case.reference}?"
        )
    ).to_be_visible()
    expect(page.get_by_text("Letters and emails answered within 10 working days")).to_be_visible()
    checked_at_every_width(page)
    page.get_by_role("button", name="Yes, mark it as resolved").click()
    expect(page.get_by_text(f"{case.reference} is resolved.")).to_be_visible()
    expect(page.get_by_text("Outcome: Fence panel replaced on Tuesday")).to_be_visible()

    # reopen, with a reason
    page.locator("summary", has_text="Reopen the case").click()
    page.get_by_role("button", name="Reopen the case").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter why the case is being reopened")
    page.get_by_label("Why is the case being reopened?").fill("The new panel blew down")
    page.get_by_role("button", name="Reopen the case").click()
    expect(page.get_by_text(f"{case.reference} is open again.")).to_be_visible()
    expect(page.get_by_text("Reason: The new panel blew down")).to_be_visible()
    checked_at_every_width(page)

    # the colleague named sees the notice, linking to the case
    sign_in(page, live_server.url, "tia_teammate")
    page.get_by_role("link", name=re.compile(r"Notifications \(1 unread\)")).click()
    expect(page.get_by_text("Olu Officer mentioned you in a note")).to_be_visible()
    checked_at_every_width(page)
    page.get_by_role("link", name=case.reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.reference)
