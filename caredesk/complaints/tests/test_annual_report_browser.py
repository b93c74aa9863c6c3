"""The annual complaints report in a real browser (Chromium, Playwright, axe-core), on a
desktop and on a phone: a line manager assesses a provision of the Code with one mistake
then right, publishes the report, and a member of the public reads it without signing
in. No axe-core violations."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from caredesk.complaints.annual_report import self_assessment_record, year_of
from caredesk.complaints.code_provisions import code_provisions
from caredesk.complaints.models import CodeSelfAssessment
from caredesk.core.clock import system_clock
from caredesk.core.tests.browser import (  # noqa: F401 (fixtures)
    assert_accessible,
    browser_fixture,
    page_fixture,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [1366, 390])
def test_assess_a_provision_publish_and_read_the_report(page, live_server, people, width):
    page.set_viewport_size({"width": width, "height": 900})
    year = year_of(system_clock.now().date()) - 1  # the last whole year: the live server's
    name = f"{year} to {year + 1}"
    for provision in code_provisions().all()[1:]:  # all but 1.2, which the test assesses
        self_assessment_record(
            year=year,
            provision=provision.number,
            complies=True,
            evidence="Our policy",
            commentary="",
            by=people.line_manager,
            clock=system_clock,
        )
    page.goto(f"{live_server.url}/staff/login/?next=/complaints/annual/")
    page.get_by_label("Username").fill("lena_manager")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Annual complaints reports")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=f"Open the {name} report").click()
    expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()
    assert_accessible(page)

    # one mistake: no answer, told at the field, naming the provision
    page.get_by_role("link", name="Assess provision 1.2").click()
    expect(page.get_by_role("heading", name="Provision 1.2")).to_be_visible()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".error-summary")).to_be_focused()
    mistake = page.get_by_role(
        "link", name="Select yes if we comply with provision 1.2, or no if we do not"
    )
    expect(mistake).to_be_visible()
    assert_accessible(page)

    # "no" without saying why, then right
    page.get_by_label("No, we do not comply yet").check()
    page.get_by_label("Evidence").fill("Complaints policy, paragraph 2.1")
    page.get_by_role("button", name="Save").click()
    expect(
        page.get_by_role(
            "link", name="Explain why we do not comply with provision 1.2, and by when we will"
        )
    ).to_be_visible()
    page.get_by_label("Commentary").fill("Our definition leaves out groups: changed by May.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Provision 1.2 is assessed.")).to_be_visible()
    expect(page.get_by_text("Does not comply")).to_be_visible()
    assert CodeSelfAssessment.objects.get(report__year=year, provision="1.2").complies is False
    assert_accessible(page)

    # the governing body's response, then publish
    page.get_by_role("link", name="Enter the governing body's response").click()
    page.get_by_label("The governing body's response to this report").fill(
        "The Board scrutinised the report and accepts its actions."
    )
    page.get_by_role("button", name="Save").click()
    page.get_by_role("button", name="Publish the report").click()
    expect(page.get_by_text(f"The {name} report is published.")).to_be_visible()
    assert_accessible(page)

    # as the public reads it: no sign-in
    visitor = page.context.browser.new_context(locale="en-GB", timezone_id="Europe/London")
    public = visitor.new_page()
    public.set_viewport_size({"width": width, "height": 900})
    public.goto(f"{live_server.url}/complaints/annual/{year}/published/")
    expect(public.get_by_role("heading", level=1)).to_contain_text(name)
    expect(public.get_by_text("We comply with 71 of the Code's 72 provisions")).to_be_visible()
    expect(
        public.get_by_text("The Board scrutinised the report and accepts its actions.")
    ).to_be_visible()
    expect(public.get_by_role("link", name="Download it as a PDF")).to_be_visible()
    expect(public.get_by_role("navigation", name="Main")).to_have_count(0)
    assert_accessible(public)
    visitor.close()
