"""Checking out of a home visit on a phone (390 px wide), in a real browser (Chromium,
Playwright, axe-core): the appointment page as the officer sees it on the doorstep."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from caredesk.conftest import SettableClock, customer_case
from caredesk.core.tests.browser import (  # noqa: F401 (fixtures)
    assert_accessible,
    browser_fixture,
    page_fixture,
    sign_in,
)
from caredesk.visits.models import Appointment, AppointmentKind, HomeVisitWhy

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_officer_checks_out_of_a_home_visit_on_a_phone(page, live_server, people):
    now = timezone.now()
    case = customer_case(people, SettableClock(now))
    visit = Appointment.objects.create(
        case=case,
        officer=people.officer,
        kind=AppointmentKind.HOME_VISIT,
        home_visit_why=HomeVisitWhy.ILLNESS,
        starts_at=now - timedelta(minutes=50),
        ends_at=now + timedelta(minutes=10),
        booked_by=people.officer,
        booked_at=now - timedelta(days=2),
    )
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url, "olu_officer")

    page.goto(f"{live_server.url}/visits/appointments/{visit.pk}/")
    expect(page.get_by_role("heading", name="Lone working")).to_be_visible()
    expect(page.get_by_text("Olu Officer has no identity card recorded")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="I have left the visit").click()
    expect(page.get_by_text("Nobody will be alerted about it.")).to_be_visible()
    expect(page.get_by_role("button", name="I have left the visit")).to_have_count(0)
    assert_accessible(page)

    visit.refresh_from_db()
    assert visit.checked_out_at is not None
