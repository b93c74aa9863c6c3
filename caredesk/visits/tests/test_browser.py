"""The reception page in a real browser (Chromium, Playwright, axe-core), as on a tablet
at the front desk and on a phone: a visitor is logged, greeted and seen; the board
refreshes itself; every state of the page has no axe-core violations."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from caredesk.core.tests.browser import (  # noqa: F401 (fixtures)
    assert_accessible,
    browser_fixture,
    page_fixture,
    sign_in,
)
from caredesk.visits.models import Visit, VisitStatus

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [1366, 390])
def test_log_greet_and_see_a_visitor_at_reception(page, live_server, people, width):
    page.set_viewport_size({"width": width, "height": 900})
    people.officer.office = people.team.office
    people.officer.save()
    sign_in(page, live_server.url, "olu_officer")

    page.goto(f"{live_server.url}/visits/reception/")
    expect(page.get_by_role("heading", name="Reception at Runcorn")).to_be_visible()
    expect(page.get_by_text("Nobody is waiting.")).to_be_visible()
    assert_accessible(page)

    # a mistake is told at the field, with the summary taking focus
    page.get_by_role("button", name="Log the visitor").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.get_by_role("link", name="Enter the visitor's name")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Visitor's name").fill("Grace Nwosu")
    page.get_by_label("What have they come about?").fill("Rent statement")
    page.get_by_label("They ask for a private room").check()
    page.get_by_role("button", name="Log the visitor").click()
    expect(page.get_by_text("Grace Nwosu is on the board")).to_be_visible()
    board = page.locator("#reception-board")
    expect(board.get_by_role("row", name="Grace Nwosu")).to_contain_text("Not greeted yet")
    expect(board).to_contain_text("A private room")
    assert_accessible(page)

    board.get_by_role("button", name="Greeted (Grace Nwosu)").click()
    expect(page.locator("#reception-board")).to_contain_text("Greeted by Olu Officer")

    # asked for a private room: Seen asks whether they had one
    page.get_by_role("link", name="Seen (Grace Nwosu)").click()
    expect(page.get_by_role("heading", name="Grace Nwosu is seen")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("They had a private room").check()
    page.get_by_role("button", name="Mark Grace Nwosu seen").click()
    expect(page.get_by_text("Grace Nwosu has been seen.")).to_be_visible()
    expect(page.get_by_text("Nobody is waiting.")).to_be_visible()
    expect(page.get_by_role("region", name="Earlier today")).to_contain_text("Seen by Olu Officer")
    assert_accessible(page)

    visit = Visit.objects.get()
    assert visit.status == VisitStatus.SEEN
    assert visit.private_room_given is True


def test_the_board_shows_a_visitor_logged_at_another_desk_without_a_reload(
    page, live_server, people, settings
):
    from caredesk.core.active_policy import active_policy
    from caredesk.core.clock import system_clock
    from caredesk.visits.reception import visitor_arrive

    sign_in(page, live_server.url, "olu_officer")
    office = people.team.office
    page.goto(f"{live_server.url}/visits/reception/{office.pk}/")
    expect(page.get_by_text("Nobody is waiting.")).to_be_visible()
    page.wait_for_load_state("load")

    visitor_arrive(
        office=office,
        visitor_name="Ravi Shah",
        reason="Repairs",
        arrived_at=system_clock.now(),
        by=people.teammate,
        policy=active_policy(),
        clock=system_clock,
    )

    expect(page.locator("#reception-board")).to_contain_text("Ravi Shah", timeout=20_000)
    expect(page.locator("#board-announce")).to_have_text("Who is waiting has changed.")
