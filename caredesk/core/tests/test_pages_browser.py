"""Cross-cutting page checks in a real browser (Chromium): the GOV.UK error summary takes
focus and the title says "Error: " (with and without JavaScript); no main page scrolls
sideways at 320 px even with a 300-character unbroken word in a case and a customer; the
403, 404 and 500 pages have the header and are axe-clean at 1366 and 390 px."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import include, path, reverse
from playwright.sync_api import Browser, Page, expect

from caredesk.cases.models import CaseKind, Channel
from caredesk.cases.services import case_create
from caredesk.conftest import People
from caredesk.core.clock import system_clock
from caredesk.core.tests.browser import (  # noqa: F401 (fixtures)
    assert_accessible,
    browser_fixture,
    page_fixture,
)
from caredesk.customers.models import CustomerType
from caredesk.customers.services import customer_create

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct horse battery staple"
WORD = "Llanfairpwllgwyngyll" * 15  # 300 characters, no place to break
WIDTHS = (1366, 390)


@login_not_required
def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a failure with details nobody should see")


# This module is also the URL configuration of its tests: the site's, and a page that fails.
urlpatterns = [path("test-boom/", boom), path("", include("caredesk.urls"))]
handler403 = "caredesk.core.error_pages.permission_denied"
handler404 = "caredesk.core.error_pages.page_not_found"
handler500 = "caredesk.core.error_pages.server_error"


# What sticks out past the right edge, to say why a page scrolls sideways.
WIDEST = """[...document.querySelectorAll('body *')]
  .filter((e) => e.getBoundingClientRect().right > 320 && !e.closest('.table-wrap *'))
  .slice(0, 4)
  .map((e) => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""


def sign_in(page: Page, url: str, username: str) -> None:
    page.goto(f"{url}/staff/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_the_error_summary_takes_focus_and_the_title_says_error(
    page: Page, browser: Browser, live_server
) -> None:
    refused = f"{live_server.url}{reverse('policies:standards')}?standard=letter_email_response"
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(refused)
        expect(page.locator(".error-summary")).to_be_focused()
        assert page.title().startswith("Error: Service standards")
        assert_accessible(page)
    # its link moves focus to the field
    page.locator(".error-summary a").click()
    expect(page.get_by_label("Received")).to_be_focused()
    # without JavaScript the summary's autofocus does it
    context = browser.new_context(java_script_enabled=False)
    try:
        plain = context.new_page()
        plain.goto(refused)
        assert plain.title().startswith("Error: ")
        # Chromium applies autofocus at its next rendering step, which can come after
        # the load event: wait for it, as a person would see it.
        expect(plain.locator(".error-summary")).to_be_focused()
    finally:
        context.close()


@pytest.fixture
def long_words(people: People) -> dict[str, str]:
    customer = customer_create(
        customer_type=CustomerType.TENANT,
        first_name="Grace",
        last_name=WORD[:100],
        address=f"{WORD}\nRuncorn",
        postcode="WA7 2BX",
    )
    case = case_create(
        kind=CaseKind.GENERAL_ENQUIRY,
        channel=Channel.LETTER,
        received_at=system_clock.now() - timedelta(hours=2),
        subject=WORD[:200],
        by=people.officer,
        customer=customer,
        assign_to=people.line_manager,
    )
    return {"case": case.reference, "customer": str(customer.pk)}


def test_no_main_page_scrolls_sideways_at_320_px(
    page: Page, live_server, people: People, long_words: dict[str, str]
) -> None:
    page.set_viewport_size({"width": 320, "height": 800})
    sign_in(page, live_server.url, people.line_manager.username)
    pages = [
        reverse("cases:my_work"),
        reverse("cases:team_queue"),
        reverse("cases:office_queue"),
        reverse("cases:overdue"),
        reverse("cases:case", args=[long_words["case"]]),
        reverse("customers:customer", args=[long_words["customer"]]),
        f"{reverse('search:search')}?q=Grace",
        reverse("cases:log_contact"),
        reverse("mail:letters"),
        reverse("mail:review"),
        reverse("cases:manager"),
        reverse("reporting:dashboard"),
        reverse("reporting:board"),
        reverse("telephony:figures"),
        reverse("staff:absences"),
        reverse("notifications:list"),
        reverse("policies:standards"),
        "/no-such-page/",
    ]
    wide: dict[str, tuple[int, list[str]]] = {}
    for address in pages:
        page.goto(f"{live_server.url}{address}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            wide[address] = (width, page.evaluate(WIDEST))
    assert wide == {}, f"These pages scroll sideways at 320 px: {wide}"


@pytest.mark.urls(__name__)
def test_the_error_pages_have_the_header_a_way_back_and_pass_axe(
    page: Page, live_server, people: People
) -> None:
    # 500, signed out: rendered without the request, nothing from the database
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        response = page.goto(f"{live_server.url}/test-boom/")
        assert response is not None
        assert response.status == 500
        expect(page.get_by_role("heading", name="Sorry, there is a problem with the service"))
        assert "details nobody should see" not in page.content()
        expect(page.locator(".site-header")).to_be_visible()
        assert_accessible(page)
    sign_in(page, live_server.url, people.officer.username)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        response = page.goto(f"{live_server.url}/no-such-page/")
        assert response is not None
        assert response.status == 404
        expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
        expect(page.get_by_role("link", name="My work").first).to_be_visible()
        assert_accessible(page)
        response = page.goto(f"{live_server.url}{reverse('reporting:dashboard')}")
        assert response is not None
        assert response.status == 403
        expect(
            page.get_by_role("heading", name="You do not have permission to see this page")
        ).to_be_visible()
        expect(page.get_by_text("If you need it, ask your line manager.")).to_be_visible()
        assert_accessible(page)
