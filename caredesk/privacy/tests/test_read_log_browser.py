"""The read log page in a real browser (Chromium, Playwright, axe-core), on a phone's
width and a desk's: the data protection officer finds a member of staff's reads, is told
of a "to" day before the "from" day, and marks an alert as looked into."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from caredesk.core.tests.browser import (  # noqa: F401 (fixtures)
    assert_accessible,
    browser_fixture,
    enter_app_code,
    page_fixture,
    sign_in,
)
from caredesk.privacy.models import ReadingAlert
from caredesk.privacy.tests.test_read_log import customer, read

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [390, 1366])
def test_the_officer_filters_the_log_and_looks_into_an_alert(page, live_server, people, width):
    now = timezone.now()
    dpo = people.data_protection_officer
    for i in range(3):
        read(customer(f"Read{i}"), people.outsider, now - timedelta(hours=i + 1))
    alert = ReadingAlert.objects.create(
        staff=people.outsider,
        window_starts=now - timedelta(days=1),
        window_ends=now,
        raised_at=now,
        customers=31,
        no_case_at_all=0,
    )
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server.url, dpo.username)
    enter_app_code(page, dpo.username)

    page.goto(f"{live_server.url}/privacy/")
    page.get_by_role("link", name="Who read customers' records").click()
    expect(page.get_by_role("heading", name="Unusual reading to look into (1)")).to_be_visible()
    expect(page.get_by_text("No case", exact=True)).to_have_count(3)
    assert_accessible(page)

    # a "to" day before the "from" day
    page.get_by_label("From").fill("2025-06-20")
    page.get_by_label("To", exact=True).fill("2025-06-19")
    page.get_by_role("button", name="Show reads").click()
    expect(page.locator(".error-summary")).to_be_focused()
    assert page.title().startswith("Error: ")
    assert_accessible(page)

    # the member of staff's reads
    page.get_by_label("From").fill("")
    page.get_by_label("To", exact=True).fill("")
    page.get_by_label("Member of staff").select_option(label="Oscar Outsider")
    page.get_by_role("button", name="Show reads").click()
    expect(page.get_by_role("cell", name="Oscar Outsider")).to_have_count(3)

    # the alert, looked into
    page.get_by_text("Mark as looked into").first.click()
    page.get_by_label("What did you find?").fill("Covering the Repairs team's phones.")
    page.get_by_role("button", name="Mark as looked into").click()
    expect(page.get_by_text("marked as looked into")).to_be_visible()
    expect(page.get_by_role("heading", name="Unusual reading to look into (1)")).to_have_count(0)
    assert_accessible(page)
    alert.refresh_from_db()
    assert alert.note == "Covering the Repairs team's phones."
