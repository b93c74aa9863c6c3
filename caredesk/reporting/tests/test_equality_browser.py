"""The equality impact monitoring report in Chromium, checked by axe-core."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from caredesk.conftest import make_staff
from caredesk.core.tests.browser import (  # noqa: F401 (fixtures)
    assert_accessible,
    browser_fixture,
    page_fixture,
)
from caredesk.reporting.tests.test_equality import QUERY, customers, deadlines
from caredesk.staff.models import Role

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct horse battery staple"


def sign_in(page: Page, live_server: Any, username: str, to: str) -> None:
    page.goto(f"{live_server.url}/staff/login/?next={to}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_an_analyst_reads_the_equality_report_in_a_browser(
    page: Page, live_server: Any, people: Any
) -> None:
    deadlines(customers(10, {"disability": "yes"}, people), in_time=40, late=10)
    deadlines(customers(40, {"disability": "no"}, people), in_time=190, late=10)
    make_staff("ana_analyst", Role.PERFORMANCE_ANALYST)
    sign_in(page, live_server, "ana_analyst", "/performance/")
    page.get_by_role("link", name="Equality impact monitoring report").click()
    page.get_by_label("From").fill(QUERY["first"])
    page.get_by_label("To").fill(QUERY["last"])
    page.get_by_role("button", name="Show the report").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Equality impact monitoring report: Halton Housing Trust, 1 June 2025 to 30 June 2025"
    )
    table = page.get_by_role("table", name="Disability: met in time")
    row = table.get_by_role("row", name=re.compile("Disabled or a long-term health condition"))
    expect(row).to_contain_text("Significant and material difference: fewer met in time")
    assert_accessible(page)
