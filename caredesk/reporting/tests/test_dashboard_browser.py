"""The performance dashboard in Chromium, checked by axe-core: no violations, and the
trend chart is an image named by its title and its summary in words."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from caredesk.cases.models import CaseKind, Channel
from caredesk.cases.services import case_create, holding_reply_send, response_send
from caredesk.conftest import SettableClock
from caredesk.core.tests.browser import (  # noqa: F401 (fixtures)
    assert_accessible,
    browser_fixture,
    page_fixture,
)
from caredesk.standards import load_policy

pytestmark = pytest.mark.django_db(transaction=True)

POLICY = load_policy("halton")
ZONE = POLICY.working_calendar.zone


def _uk(month: int, day: int, hour: int) -> datetime:
    return datetime(2025, month, day, hour, tzinfo=ZONE)


def _letters(people: Any) -> None:
    """Letters in April and May 2025: answered in time, late, and by a revised date."""
    clock = SettableClock(datetime(2025, 6, 20, 12, tzinfo=UTC))
    answers = [
        (_uk(4, 1, 10), _uk(4, 3, 15), people.officer),
        (_uk(5, 1, 10), _uk(5, 8, 14), people.officer),
        (_uk(5, 1, 11), _uk(5, 28, 16), people.outsider),
        (_uk(5, 1, 12), _uk(5, 27, 10), people.officer),
    ]
    cases = []
    for received, _, officer in answers:
        clock.moment = datetime(2025, 6, 20, 12, tzinfo=UTC)
        cases.append(
            case_create(
                kind=CaseKind.GENERAL_ENQUIRY,
                channel=Channel.LETTER,
                received_at=received,
                subject="A letter",
                by=people.administrator,
                assign_to=officer,
                policy=POLICY,
                clock=clock,
            )
        )
    clock.moment = _uk(5, 12, 11)
    holding_reply_send(
        deadline=cases[3].deadlines.get(),
        reason="Waiting for a contractor's quote",
        revised=_uk(5, 30, 17),
        by=people.officer,
        policy=POLICY,
        clock=clock,
    )
    for case, (_, answered, officer) in zip(cases, answers, strict=True):
        clock.moment = answered
        response_send(
            case=case,
            channel=Channel.LETTER,
            summary="Answered",
            by=officer,
            policy=POLICY,
            clock=clock,
        )


def _visits(people: Any) -> None:
    """A visitor to Runcorn on Monday 12 May 2025, seen in 3 minutes with the private room
    they asked for; a home visit the next day, kept."""
    from caredesk.staff.models import Office
    from caredesk.visits import reception
    from caredesk.visits.appointments import Wanted
    from caredesk.visits.models import AppointmentKind, AppointmentStatus, HomeVisitWhy
    from caredesk.visits.tests.test_figures import arrive, book, outcome, see

    clock = SettableClock(_uk(5, 12, 10))
    office = Office.objects.get(name="Runcorn")
    visit = arrive(people, clock, office, asked=reception.Asked(private_room=True))
    home = book(
        people,
        visit.case,
        clock,
        Wanted(AppointmentKind.HOME_VISIT, 60),
        _uk(5, 13, 11),
        home_visit_why=HomeVisitWhy.DISABILITY,
    )
    clock.moment += timedelta(minutes=3)
    see(people, clock, visit, given=reception.Given(private_room=True))
    clock.moment = _uk(5, 13, 12)
    outcome(people, clock, home, AppointmentStatus.KEPT)


def test_a_line_manager_reads_the_dashboard_in_a_browser(
    page: Page, live_server: Any, people: Any
) -> None:
    # given: letters answered in April and May, a visitor and a home visit in May
    _letters(people)
    _visits(people)

    # when: the line manager signs in and opens May
    page.goto(f"{live_server.url}/staff/login/?next=/performance/")
    page.get_by_label("Username").fill("lena_manager")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Performance")
    page.get_by_label("Month").fill("2025-05")
    page.get_by_role("button", name="Show the figures").click()

    # then: the month at a glance and the trend, with no accessibility problems
    expect(page.get_by_role("heading", name="Performance: May 2025")).to_be_visible()
    expect(
        page.get_by_role("table", name="Each standard in May 2025, against its target")
    ).to_be_visible()
    chart = page.get_by_role(
        "img", name=re.compile(r"Letters and emails.*share met in time, May 2024 to May 2025")
    )
    expect(chart).to_have_count(1)
    expect(chart).to_have_accessible_name(re.compile(r"33\.3% met in time in May 2025"))
    expect(page.get_by_role("table", name="Visitors by office, May 2025")).to_be_visible()
    expect(
        page.get_by_role("table", name="Home visits booked in May 2025, by why a home visit")
    ).to_be_visible()
    assert_accessible(page)

    # and: split by team, with the chart's figures opened, is accessible too
    page.get_by_label("Split by").select_option("team")
    page.get_by_role("button", name="Show the figures").click()
    expect(page.get_by_role("rowheader", name="Tenancy").first).to_be_visible()
    page.get_by_text("The figures in this chart").first.click()
    expect(page.get_by_role("table", name=re.compile("share met in time")).first).to_be_visible()
    assert_accessible(page)

    # and: a mistake in the month is explained, accessibly
    page.goto(f"{live_server.url}/performance/?month=2025-13")
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    assert_accessible(page)

    # and: the records behind a figure
    page.goto(f"{live_server.url}/performance/?month=2025-05")
    glance = page.get_by_role("table", name="Each standard in May 2025, against its target")
    glance.get_by_role("row", name=re.compile("Letters and emails")).get_by_role(
        "link", name="3"
    ).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Received")
    assert_accessible(page)


def test_the_board_pack_page_and_the_panel_s_page_are_accessible(
    page: Page, live_server: Any, people: Any
) -> None:
    from caredesk.conftest import make_staff
    from caredesk.staff.models import Role

    _letters(people)
    make_staff("tina_tenant", Role.SCRUTINY_PANEL)

    # the line manager writes the commentary for May
    page.goto(f"{live_server.url}/staff/login/?next=/performance/board/%3Fmonth%3D2025-05")
    page.get_by_label("Username").fill("lena_manager")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Board pack: May 2025")).to_be_visible()
    page.get_by_label("Commentary for the Board").fill("Letters were late in May.")
    page.get_by_role("button", name="Save the commentary").click()
    expect(page.get_by_text("Commentary for May 2025 saved.")).to_be_visible()
    assert_accessible(page)

    # the PDF is made in the background: its page shows how far it has got
    page.get_by_role("button", name="Make the board pack for May 2025 (PDF)").click()
    expect(page.get_by_role("heading", name="Board pack (PDF)")).to_be_visible()
    expect(page.get_by_label("How far it has got")).to_be_visible()
    expect(page.get_by_text("Waiting to start.")).to_be_visible()
    assert_accessible(page)
    from caredesk.core.clock import system_clock
    from caredesk.reporting.report_makers import report_files_make_waiting
    from caredesk.reporting.tests.factories import task_lost

    assert report_files_make_waiting(clock=task_lost(system_clock)) == 1
    # htmx asks again, sees it is ready, and offers the download
    expect(page.get_by_role("link", name="Download board-pack-2025-05.pdf")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("The PDF is ready.")
    assert_accessible(page)

    # a member of the scrutiny panel reads May's figures, small numbers hidden
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/staff/login/")
    page.get_by_label("Username").fill("tina_tenant")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("How we are doing")
    page.get_by_label("Month").fill("2025-05")
    page.get_by_role("button", name="Show the figures").click()
    expect(page.get_by_text("fewer than 5").first).to_be_visible()
    assert_accessible(page)
