"""The Tenant Satisfaction Measures' complaint returns page, and the dashboard's
complaints, in Chromium: axe-clean at desk and phone widths, none scrolling sideways at
320 pixels, each table named by its caption."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from caredesk.conftest import SettableClock, letter_writer
from caredesk.core.tests.browser import (  # noqa: F401 (fixtures)
    assert_accessible,
    browser_fixture,
    page_fixture,
)
from caredesk.customers.models import CustomerType

pytestmark = pytest.mark.django_db(transaction=True)


def checked_at_every_width(page: Page) -> None:
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 700})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.set_viewport_size({"width": 1366, "height": 900})


def _complaints(people: Any) -> None:
    """A tenant's complaint answered late, a shared owner's in time, one not accepted."""
    from caredesk.complaints.tests.test_returns import answer, at, received, refuse

    letter_writer(people)
    clock = SettableClock(datetime(2025, 6, 2, 9, tzinfo=UTC))
    late = received(people, clock, at(2025, 9, 1), CustomerType.TENANT, "Bea")
    answer(people, clock, late, at(2025, 10, 6), 1)
    on_time = received(people, clock, at(2026, 2, 2), CustomerType.SHARED_OWNER, "Dee")
    answer(people, clock, on_time, at(2026, 2, 4), 1)
    declined = received(people, clock, at(2026, 3, 9), CustomerType.TENANT, "Fay")
    refuse(people, clock, declined, at(2026, 3, 10))


def test_the_performance_team_reads_the_returns_in_a_browser(
    page: Page, live_server: Any, people: Any
) -> None:
    _complaints(people)

    page.goto(f"{live_server.url}/staff/login/?next=/performance/complaints/returns/")
    page.get_by_label("Username").fill("lena_manager")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Year ending 31 March").select_option("2026")
    page.get_by_role("button", name="Show the figures").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Tenant Satisfaction Measures: complaints, 2025 to 2026"
    )
    ch01 = page.get_by_role("table", name="Complaints per 1,000 homes (CH01), 2025 to 2026")
    expect(ch01.get_by_role("row").nth(1)).to_contain_text("0.1 per 1,000 homes")  # 1 / 7,200
    ch02 = page.get_by_role(
        "table", name="Complaints responded to within the Code's timescale (CH02), 2025 to 2026"
    )
    expect(ch02.get_by_role("row").nth(1)).to_contain_text("0.0%")  # 0 of 1: late
    expect(ch02.get_by_role("row").nth(2)).to_contain_text("100.0%")  # the shared owner's
    expect(page.get_by_text("1 complaint received in the year and not accepted")).to_be_visible()
    checked_at_every_width(page)

    # a year with no count of homes says so
    page.get_by_label("Year ending 31 March").select_option("2025")
    page.get_by_role("button", name="Show the figures").click()
    expect(page.get_by_text("The policy file has no count of homes")).to_be_visible()
    checked_at_every_width(page)

    # and the dashboard's complaints for March 2026
    page.goto(f"{live_server.url}/performance/?month=2026-03")
    expect(page.get_by_role("heading", name="Complaints and compliments")).to_be_visible()
    expect(
        page.get_by_role("table", name="Complaints not accepted in March 2026, by reason")
    ).to_contain_text("Already considered under the complaints procedure")
    checked_at_every_width(page)
