"""Booking an appointment in a real browser (Chromium, Playwright, axe-core), at desk and
phone widths: from the case page, what it needs, the free times, booked; every page
visited has no axe-core violations."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from playwright.sync_api import expect

from caredesk.cases.models import CaseKind, Channel
from caredesk.cases.services import case_create
from caredesk.core.active_policy import active_policy
from caredesk.core.clock import system_clock
from caredesk.core.tests.browser import (  # noqa: F401 (fixtures)
    assert_accessible,
    browser_fixture,
    page_fixture,
    sign_in,
)
from caredesk.customers.models import CustomerType
from caredesk.customers.services import customer_create
from caredesk.visits.models import Appointment, AppointmentStatus, OpeningHours

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [1366, 390])
def test_book_an_appointment_from_a_case(page, live_server, people, width):
    page.set_viewport_size({"width": width, "height": 900})
    office = people.team.office
    for weekday in range(7):  # open every day, so the test finds times whenever it runs
        OpeningHours.objects.create(
            office=office, weekday=weekday, opens=time(0), closes=time(23, 30)
        )
    people.officer.office = office
    people.officer.save()
    customer = customer_create(
        customer_type=CustomerType.TENANT,
        first_name="Grace",
        last_name="Nwosu",
        language="Polish",
        interpreter_needed=True,
    )
    case = case_create(
        kind=CaseKind.GENERAL_ENQUIRY,
        channel=Channel.PHONE,
        received_at=system_clock.now() - timedelta(hours=1),
        subject="Rent arrears",
        by=people.officer,
        customer=customer,
        assign_to=people.officer,
        policy=active_policy(),
    )
    sign_in(page, live_server.url, "olu_officer")

    page.goto(f"{live_server.url}/cases/{case.reference}/?panels=all")
    page.get_by_role("link", name="Book an appointment").click()
    expect(page.get_by_role("heading", name="Book an appointment")).to_be_visible()
    expect(page.get_by_label("Interpreter needed: which language?")).to_have_value("Polish")
    assert_accessible(page)

    page.get_by_label("At the office").check()
    page.get_by_label("Which office").select_option(label=office.name)
    page.get_by_role("button", name="Show the free times").click()
    expect(page.get_by_role("group", name="Choose a time")).to_be_visible()
    assert_accessible(page)

    # Book without choosing: told at the choice
    page.get_by_role("button", name="Book the appointment").click()
    expect(page.locator(".error-summary")).to_be_focused()
    assert_accessible(page)

    page.get_by_role("group", name="Choose a time").get_by_role("radio").first.check()
    page.get_by_role("button", name="Book the appointment").click()
    expect(page.get_by_text("At the office booked:")).to_be_visible()

    booked = Appointment.objects.get()
    assert booked.status == AppointmentStatus.BOOKED
    assert booked.interpreter_language == "Polish"
    assert booked.officer == people.officer
    page.goto(f"{live_server.url}/visits/appointments/{booked.pk}/")
    expect(page.get_by_role("heading", name="Cancel it")).to_be_visible()
    assert_accessible(page)
