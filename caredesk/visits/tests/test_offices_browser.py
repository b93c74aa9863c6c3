"""The office pages in a real browser (Chromium, Playwright, axe-core), on a desktop and
on a phone: an administrator sets an office's hours with one mistake, then right; a
visitor opens the office's public page without signing in. No axe-core violations."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from caredesk.core.tests.browser import (  # noqa: F401 (fixtures)
    assert_accessible,
    browser_fixture,
    page_fixture,
)
from caredesk.staff.models import Office
from caredesk.visits.models import OpeningHours

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [1366, 390])
def test_set_an_office_s_hours_then_see_its_public_page(page, live_server, people, width):
    page.set_viewport_size({"width": width, "height": 900})
    office = Office.objects.get(name="Runcorn")
    page.goto(f"{live_server.url}/staff/login/?next=/visits/offices/")
    page.get_by_label("Username").fill("lena_manager")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Offices", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Runcorn", exact=True).click()
    expect(page.get_by_role("heading", name="Runcorn", exact=True)).to_be_visible()
    assert_accessible(page)

    # what visitors are told: saving it gives the office its public page
    page.get_by_label("Emergency number, for when the office is closed").fill("0800 100 2000")
    page.get_by_label("Step-free access").check()
    page.get_by_role("button", name="Save the details").click()
    expect(page.get_by_text("Runcorn's details are saved.")).to_be_visible()

    # one mistake: told at the field, naming the day, with the summary taking focus
    page.get_by_label("Monday", exact=True).fill("9-5")
    page.get_by_label("Tuesday", exact=True).fill("09:30-13:00, 14:00-17:30")
    page.get_by_role("button", name="Save the opening hours").click()
    expect(page.locator(".error-summary")).to_be_focused()
    mistake = page.get_by_role("link", name="Monday: '9-5' is not an interval")
    expect(mistake).to_be_visible()
    assert_accessible(page)
    mistake.click()
    expect(page.get_by_label("Monday", exact=True)).to_be_focused()
    assert not OpeningHours.objects.exists()

    # then right
    page.get_by_label("Monday", exact=True).fill("09:30-13:00, 14:00-17:30")
    page.get_by_role("button", name="Save the opening hours").click()
    expect(page.get_by_text("Runcorn's opening hours are saved.")).to_be_visible()
    expect(page.get_by_text("9:30am to 1pm and 2pm to 5:30pm")).to_be_visible()
    assert OpeningHours.objects.filter(office=office).count() == 4
    assert_accessible(page)

    # the public page, as a visitor sees it: no sign-in
    visitor = page.context.browser.new_context(locale="en-GB", timezone_id="Europe/London")
    public = visitor.new_page()
    public.set_viewport_size({"width": width, "height": 900})
    public.goto(f"{live_server.url}/offices/")
    public.get_by_role("link", name="Runcorn").click()
    expect(public.get_by_role("heading", name="Runcorn", exact=True)).to_be_visible()
    expect(public.get_by_text("Monday and Tuesday")).to_be_visible()
    expect(public.get_by_text("In an emergency, phone 0800 100 2000.")).to_be_visible()
    expect(public.get_by_role("link", name="Large print poster (PDF)")).to_be_visible()
    expect(public.get_by_role("navigation", name="Main")).to_have_count(0)
    assert_accessible(public)
    visitor.close()
