"""A complaint taken through both stages in a real browser (Chromium, Playwright, axe-core):
defined, acknowledged, answered with decisions and a promise, escalated, handled at stage 2
by someone else, and answered finally; every page looked at at desk and phone widths has
no axe-core violations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from caredesk.cases.models import CaseKind, CaseStatus, Channel
from caredesk.cases.services import case_create
from caredesk.complaints.models import Complaint, ComplaintPromise
from caredesk.conftest import SettableClock, customer_case, letter_writer
from caredesk.core.clock import system_clock
from caredesk.core.tests.browser import (  # noqa: F401 (fixtures)
    assert_accessible,
    browser_fixture,
    page_fixture,
    sign_in,
)
from caredesk.documents.models import CaseLetter, DocumentKind

pytestmark = pytest.mark.django_db(transaction=True)


def looked_at(page: Page) -> None:
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        assert_accessible(page)
    page.set_viewport_size({"width": 1366, "height": 900})


def acknowledge(page: Page) -> None:
    page.get_by_role("button", name="Check the acknowledgement").click()
    expect(page.get_by_role("heading", name="The letter as it will print")).to_be_visible()
    page.get_by_role("button", name="Send").click()


def answer(page: Page, points: int, cause: str) -> None:
    for number in range(1, points + 1):
        decision = page.get_by_role("group", name=f"Decision on point {number}")
        decision.get_by_label("Upheld", exact=True).check()
        page.get_by_label(f"Reasons for the decision on point {number}").fill(
            "Our contractor did not come, and nobody told you."
        )
    page.get_by_label("What was the root cause?").select_option(label=cause)
    page.get_by_role("button", name="Check the response").click()
    expect(page.get_by_role("heading", name="Check the response")).to_be_visible()


def test_a_complaint_through_both_stages(page: Page, live_server, people) -> None:
    page.set_default_timeout(30_000)
    clock = SettableClock(system_clock.now())
    letter_writer(people)
    people.line_manager.phone = "0151 510 9999"
    people.line_manager.save()
    enquiry = customer_case(people, clock, title="Mrs", first_name="Ann", last_name="Harris")
    complaint = case_create(
        kind=CaseKind.COMPLAINT,
        channel=Channel.PHONE,
        received_at=clock.now() - timedelta(hours=2),
        subject="Repairs never turned up",
        by=people.officer,
        customer=enquiry.customer,
        assign_to=people.officer,
        clock=clock,
    )
    sign_in(page, live_server.url, "olu_officer")
    case_page = f"{live_server.url}/cases/{complaint.reference}/?panels=all"

    # stage 1: defined, acknowledged
    page.goto(case_page)
    page.get_by_role("button", name="Acknowledge at stage 1").click()
    expect(page.get_by_role("heading", name="Define the complaint at stage 1")).to_be_visible()
    looked_at(page)
    page.get_by_label("What is the complaint about?").fill("Nobody came.\nNobody called back.")
    page.get_by_label("What does the customer want us to do").fill("Fix the door.")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Acknowledge the complaint at stage 1")).to_be_visible()
    acknowledge(page)
    expect(page.get_by_text("Stage 1 acknowledged")).to_be_visible()

    # stage 1 answered, with a remedy
    page.goto(case_page)
    page.get_by_role("link", name="Answer the complaint at stage 1").click()
    expect(page.get_by_role("heading", name="Answer the complaint at stage 1")).to_be_visible()
    looked_at(page)
    promise = page.get_by_role("group", name="Promise 1")
    promise.get_by_label("a remedy or an action").select_option(label="Remedy")
    promise.get_by_label("What we will do").fill("Pay you £50 for the days off work")
    promise.get_by_label("Who makes sure").select_option(label="Olu Officer")
    promise.get_by_label("done by").fill(f"{clock.now() + timedelta(days=14):%Y-%m-%d}")
    answer(page, 2, "Delay")
    looked_at(page)
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Stage 1 is answered.")).to_be_visible()

    # stage 2: asked for, defined by someone else, acknowledged, answered
    page.goto(case_page)
    page.get_by_role("button", name="The customer asks for stage 2").click()
    page.goto(case_page)
    page.get_by_role("button", name="Acknowledge at stage 2").click()
    expect(page.get_by_role("heading", name="Define the complaint at stage 2")).to_be_visible()
    page.get_by_label("Who will handle this stage?").select_option(label="Lena Manager")
    page.get_by_role("button", name="Save and continue").click()
    acknowledge(page)
    expect(page.get_by_text("Stage 2 acknowledged")).to_be_visible()
    page.goto(case_page)
    page.get_by_role("link", name="Answer the complaint at stage 2").click()
    answer(page, 2, "Delay")
    expect(page.get_by_text("This is our final response, at stage 2")).to_be_visible()
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Stage 2 is answered.")).to_be_visible()
    looked_at(page)

    complaint.refresh_from_db()
    assert complaint.status == CaseStatus.RESOLVED
    kept = Complaint.objects.get(case=complaint)
    assert kept.stage_2_handler == people.line_manager
    assert (kept.stage_1_outcome, kept.stage_2_outcome) == ("upheld", "upheld")
    assert ComplaintPromise.objects.get().deadline is not None
    kinds = list(CaseLetter.objects.filter(case=complaint).values_list("kind", flat=True))
    assert kinds.count(DocumentKind.COMPLAINT_RESPONSE) == 2
