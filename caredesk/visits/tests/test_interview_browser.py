"""Writing up an interview and sending the customer its summary, in a real browser
(Chromium, Playwright, axe-core), at desk and phone widths; and the officer's calendar
page. Every page visited has no axe-core violations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from caredesk.conftest import SettableClock, customer_case, letter_writer
from caredesk.core.tests.browser import (  # noqa: F401 (fixtures)
    assert_accessible,
    browser_fixture,
    page_fixture,
    sign_in,
)
from caredesk.documents.models import CaseLetter, DocumentKind
from caredesk.visits.models import Interview

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [1366, 390])
def test_write_up_an_interview_and_send_the_summary(page, live_server, people, width):
    page.set_viewport_size({"width": width, "height": 900})
    letter_writer(people)
    now = timezone.now()
    case = customer_case(people, SettableClock(now), accessible_format="large_print")
    yesterday = timezone.localtime(now - timedelta(days=1))
    sign_in(page, live_server.url, "olu_officer")

    page.goto(f"{live_server.url}/cases/{case.reference}/?panels=all")
    page.get_by_role("link", name="Write up an interview").click()
    expect(page.get_by_role("heading", name="Write up an interview")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("When was it held?").fill(f"{yesterday:%d/%m/%Y} 10:00")
    page.get_by_label("At the customer's home").check()
    page.get_by_label("Issues raised").fill("Damp in the back bedroom.")
    page.get_by_role("button", name="Add another action").click()
    expect(page.get_by_label("Action 4 agreed")).to_be_visible()
    page.get_by_label("Action 4 agreed").fill("Send a surveyor")
    page.get_by_label("Who does action 4").select_option(label=str(people.teammate))
    page.get_by_label("Action 4 done by").fill(f"{now + timedelta(days=7):%Y-%m-%d}")
    page.get_by_role("button", name="Save the write-up").click()
    expect(page.get_by_text("The interview is written up.")).to_be_visible()

    page.get_by_role("link", name="Send the customer a written summary").click()
    expect(page.get_by_role("heading", name="Check the summary")).to_be_visible()
    expect(page.get_by_text("Also sent in large print.")).to_be_visible()
    expect(page.get_by_text("Send a surveyor.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Send").click()

    expect(page.get_by_text("Summary written as a letter.")).to_be_visible()
    assert CaseLetter.objects.get(case=case).kind == DocumentKind.INTERVIEW_SUMMARY
    assert Interview.objects.get(case=case).summary_sent_as == "letter"
    expect(page.get_by_text("Summary sent by letter on")).to_be_visible()
    assert_accessible(page)


def test_make_read_and_turn_off_the_calendar_address_on_a_phone(page, live_server, people):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url, "olu_officer")

    page.goto(f"{live_server.url}/visits/calendar/")
    expect(page.get_by_text("You have no calendar address.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Make an address").click()
    address = page.get_by_label("Secret address of your calendar").input_value()
    assert_accessible(page)

    feed = page.request.get(address)
    assert feed.status == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    assert feed.text().startswith("BEGIN:VCALENDAR")

    page.get_by_role("button", name="Turn off my calendar").click()
    expect(page.get_by_text("You have no calendar address.")).to_be_visible()
    assert page.request.get(address).status == 404
