"""Check before send in a real browser, for what is new in issue 16's second part: a
complaint acknowledged by writing to the customer, and a calling card left after a visit
where nobody was in. Write, check, send; every page axe-clean at 1366 and 390 pixels."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from caredesk.cases.models import CaseKind, Channel
from caredesk.cases.services import case_create
from caredesk.conftest import SettableClock, customer_case, letter_writer
from caredesk.core.clock import system_clock
from caredesk.core.tests.browser import (  # noqa: F401 (fixtures)
    assert_accessible,
    browser_fixture,
    page_fixture,
)
from caredesk.documents.models import CaseLetter, DocumentKind

pytestmark = pytest.mark.django_db(transaction=True)


def looked_at(page: Page) -> None:
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        assert_accessible(page)
    page.set_viewport_size({"width": 1366, "height": 900})


def sign_in(page: Page, live_server) -> None:
    page.set_default_timeout(30_000)  # the machine is shared: pages may be slow to come
    page.goto(f"{live_server.url}/staff/login/")
    page.get_by_label("Username").fill("olu_officer")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My work")).to_be_visible()


def test_a_complaint_is_acknowledged_by_a_checked_letter(page: Page, live_server, people):
    clock = SettableClock(system_clock.now())
    letter_writer(people)
    enquiry = customer_case(people, clock, title="Mrs", first_name="Ann", last_name="Harris")
    complaint = case_create(
        kind=CaseKind.COMPLAINT,
        channel=Channel.LETTER,
        received_at=clock.now() - timedelta(days=1),
        subject="Repairs never turned up",
        by=people.officer,
        customer=enquiry.customer,
        assign_to=people.officer,
        clock=clock,
    )
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/cases/{complaint.reference}/")
    page.get_by_role("button", name="Acknowledge at stage 1").click()
    # defined first (complaints.definitions): the acknowledgement says what it is about
    expect(page.get_by_role("heading", name="Define the complaint at stage 1")).to_be_visible()
    looked_at(page)
    page.get_by_label("What is the complaint about?").fill("Nobody came.\nNobody rang back.")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Acknowledge the complaint at stage 1")).to_be_visible()
    looked_at(page)
    text = page.get_by_label("What the acknowledgement says")
    expect(text).to_have_value(re.compile("Thank you for your complaint"))
    expect(text).to_have_value(re.compile("- Nobody came.\n- Nobody rang back."))
    text.fill("Dear Mrs Harris,\n\nThank you for your complaint about the repairs.")
    page.get_by_role("button", name="Check the acknowledgement").click()
    expect(page.get_by_role("heading", name="Check the acknowledgement")).to_be_visible()
    expect(page.get_by_text("These lines would be sent twice")).to_be_visible()
    looked_at(page)
    page.get_by_role("button", name="Change").click()
    page.get_by_label("What the acknowledgement says").fill(
        "Thank you for your complaint about the repairs."
    )
    page.get_by_role("button", name="Check the acknowledgement").click()
    expect(page.get_by_role("heading", name="The letter as it will print")).to_be_visible()
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Stage 1 acknowledged")).to_be_visible()
    assert CaseLetter.objects.get().kind == DocumentKind.COMPLAINT_ACKNOWLEDGEMENT


def test_a_calling_card_is_checked_then_recorded_as_left(page: Page, live_server, people):
    clock = SettableClock(system_clock.now())
    letter_writer(people)
    case = customer_case(people, clock)
    yesterday = (clock.now() - timedelta(days=1)).strftime("%d/%m/%Y 10:30")
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/cases/{case.reference}/")
    page.get_by_text("Record a visit where nobody was in").click()
    page.get_by_label("When did you call?").fill(yesterday)
    page.get_by_role("button", name="Check the calling card").click()
    expect(page.get_by_role("heading", name="The calling card as it will print")).to_be_visible()
    looked_at(page)
    page.get_by_role("button", name="Record the card as left").click()
    expect(page.get_by_text("Calling card recorded as left")).to_be_visible()
    looked_at(page)
    assert CaseLetter.objects.get().kind == DocumentKind.CALLING_CARD
