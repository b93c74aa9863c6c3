"""A queue in a real browser: filter by channel with counts, save the view, assign to me
from a row, reassign two ticked rows, the shortcuts under "?" and "j"; axe-clean at
1366 and 390 px wide, and no sideways scrolling of the page at 320 px."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from caredesk.cases.models import Case, CaseKind, Channel
from caredesk.cases.services import case_create
from caredesk.core.clock import system_clock
from caredesk.core.tests.browser import (  # noqa: F401 (fixtures)
    assert_accessible,
    browser_fixture,
    page_fixture,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _case(people, channel: str, to, subject: str) -> Case:
    return case_create(
        kind=CaseKind.GENERAL_ENQUIRY,
        channel=channel,
        received_at=system_clock.now() - timedelta(days=1),
        subject=subject,
        assign_to=to,
        by=people.administrator,
    )


def test_filter_save_assign_reassign_and_shortcuts(page, live_server, people):
    letters = [_case(people, Channel.LETTER, people.teammate, f"Letter {i}") for i in range(3)]
    _case(people, Channel.EMAIL, people.teammate, "An email")

    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/")
    page.get_by_label("Username").fill("olu_officer")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Team").click()
    expect(page.get_by_role("heading", name="Tenancy team")).to_be_visible()

    # filter by channel, with the counts beside each value
    page.get_by_text("Filter and sort").click()
    expect(page.get_by_label("Letter (3)")).to_be_visible()
    expect(page.get_by_label("Email (1)")).to_be_visible()
    page.get_by_label("Letter (3)").check()
    page.get_by_role("button", name="Apply filters").click()
    rows = page.locator("[data-queue-row]")
    expect(rows).to_have_count(3)
    expect(page.locator("tbody")).not_to_contain_text("An email")
    assert_accessible(page)

    # save the view: it is listed in the queue's navigation
    page.get_by_text("Save these filters as a view").click()
    page.get_by_label("Name of the view").fill("Team letters")
    page.get_by_role("button", name="Save view").click()
    saved = page.get_by_role("navigation", name="Your saved views")
    expect(saved.get_by_role("link", name="Team letters")).to_be_visible()

    # "Assign to me" from a row
    first = letters[0].reference
    page.get_by_role("button", name=f"Assign to me {first}").click()
    expect(page.get_by_text(f"1 case assigned to you: {first}.")).to_be_visible()

    # tick two rows and give them both to the teammate's... to the line manager
    page.get_by_label(f"Select {letters[1].reference}").check()
    page.get_by_label(f"Select {letters[2].reference}").check()
    page.get_by_label("Give the selected cases to").select_option(str(people.line_manager.pk))
    page.get_by_role("button", name="Reassign selected cases").click()
    expect(page.get_by_text(f"2 cases reassigned to {people.line_manager}")).to_be_visible()

    # "?" shows the shortcuts; "j" moves to the first case
    page.locator("h1").click()
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Next case in the queue")
    assert_accessible(page)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    page.keyboard.press("j")
    expect(page.locator("[data-queue-row]").first.locator("[data-queue-link]")).to_be_focused()
    page.keyboard.press("j")
    expect(page.locator("[data-queue-row]").nth(1).locator("[data-queue-link]")).to_be_focused()
    # not while typing in a box
    page.get_by_label("Find a customer or case").focus()
    page.keyboard.press("j")
    expect(page.get_by_label("Find a customer or case")).to_have_value("j")

    # narrow screens: axe-clean at 390 px, and the page never scrolls sideways at 320 px
    page.set_viewport_size({"width": 390, "height": 800})
    page.reload()
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 800})
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= 320, f"the page is {wide} px wide at 320 px"
