"""Browser fixtures for page tests: Debian's Chromium driven by Playwright, checked by axe-core.

Import the fixtures into a test module (`from caredesk.core.tests.browser import
assert_accessible, browser_fixture, page_fixture`) and mark it
`pytest.mark.django_db(transaction=True)` so the live server sees the test's rows. The
fixtures are named `browser` and `page`; their functions have other names so that a
test's `page` argument does not shadow an import.

Every page a test visits is held to the Content-Security-Policy: a violation (an inline
script or style, an eval) fails the test. A member whose role needs two-factor sign-in
enters their app's code after the password: `enter_app_code(page, username)`.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, ConsoleMessage, Page, expect, sync_playwright

from caredesk.conftest import app_code
from caredesk.staff.models import StaffMember

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
expect.set_options(timeout=10_000)  # a busy CI machine can be slow to answer
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}


@pytest.fixture(scope="module", name="browser")
def browser_fixture() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium is missing: `python3 bootstrap.py install` installs it (Debian).")
    # Playwright runs its own event loop; Django's ORM refuses to run inside one unless told.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


# Each violation of the Content-Security-Policy, as the page reports it.
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} ${event.blockedURI} at ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


@pytest.fixture(name="page")
def page_fixture(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    page = context.new_page()
    page.set_default_timeout(10_000)
    refused: list[str] = []

    def note(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            refused.append(f"{page.url}: {message.text}")

    page.on("console", note)
    context.add_init_script(WATCH_CSP)
    yield page
    refused.extend(csp_violations(page))
    context.close()
    assert refused == [], "The Content-Security-Policy refused: " + "; ".join(refused)


def csp_violations(page: Page) -> list[str]:
    """The violations the page now open has reported (the console catches the others)."""
    try:
        found: list[str] = page.evaluate("window.__cspViolations || []")
    except Exception:  # a page closed or navigating away: the console has them
        return []
    return found


def enter_app_code(page: Page, username: str) -> None:
    """After the password: the code the member's authenticator app shows now."""
    expect(
        page.get_by_role("heading", name="Enter the code from your authenticator app")
    ).to_be_visible()
    member = StaffMember.objects.get(username=username)
    page.get_by_label("Code", exact=True).fill(app_code(member))
    page.get_by_role("button", name="Continue").click()


def assert_accessible(page: Page) -> None:
    results: Any = Axe().run(page, options=AXE_OPTIONS)
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]
    assert problems == [], f"{page.url}: " + "; ".join(problems)


def sign_in(page: Page, url: str, username: str) -> None:
    """Sign in at `url` (the live server's) as `username`, with the test password."""
    page.goto(f"{url}/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
