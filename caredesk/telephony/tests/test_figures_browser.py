"""The call figures page in Chromium, checked by axe-core: no violations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from caredesk.conftest import make_staff
from caredesk.core.active_policy import active_policy
from caredesk.core.clock import system_clock
from caredesk.core.tests.browser import (  # noqa: F401 (fixtures)
    assert_accessible,
    browser_fixture,
    page_fixture,
)
from caredesk.staff.models import Role
from caredesk.telephony.models import CallOutcome, Line
from caredesk.telephony.tests.figures_data import Spec, make_calls

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_performance_analyst_reads_the_call_figures(page, live_server, people):
    # given: calls on two lines over the last few days, in office hours
    make_staff("pat_analyst", Role.PERFORMANCE_ANALYST)
    switchboard = Line.objects.create(name="Switchboard", team=people.team)
    repairs = Line.objects.create(name="Repairs", team=people.other_team)
    zone = active_policy().working_calendar.zone
    today = system_clock.now().astimezone(zone).replace(hour=10, minute=0, second=0)
    make_calls(
        *(
            Spec(
                (today - timedelta(days=day, minutes=7 * i)).astimezone(zone),
                CallOutcome.ANSWERED if i % 4 else CallOutcome.ABANDONED,
                3 + 2 * i,
                switchboard if i % 2 else repairs,
            )
            for day in range(6)
            for i in range(12)
        )
    )

    # when: signed in, the analyst opens the figures
    page.goto(f"{live_server.url}/staff/login/?next=/calls/")
    page.get_by_label("Username").fill("pat_analyst")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()

    # then: the table and the heat map, with no accessibility problems
    expect(page.get_by_role("heading", name="Call figures")).to_be_visible()
    expect(page.get_by_role("table", name="Calls by day")).to_be_visible()
    expect(page.get_by_role("table", name="Calls offered and average seconds")).to_be_visible()
    assert_accessible(page)

    # and: by line and week, and a mistake in the dates, are accessible too
    page.get_by_label("Group by").select_option("week")
    page.get_by_label("Lines").select_option("line")
    page.get_by_role("button", name="Show the figures").click()
    expect(page.get_by_role("cell", name="Switchboard").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("From").fill("2030-01-01")
    page.get_by_role("button", name="Show the figures").click()
    expect(page.get_by_role("alert")).to_contain_text("same as or after the first")
    assert_accessible(page)
