"""What the visits app holds about a customer (customers.holdings): their visits to the
office, appointments and home visits, interviews and what was agreed at them."""

from __future__ import annotations

from caredesk.customers.holdings import Holding, NoCustomerData, declare
from caredesk.visits.models import (
    Appointment,
    CalendarFeed,
    Interview,
    InterviewAction,
    OfficeClosure,
    OfficeDetails,
    OfficerHours,
    OpeningHours,
    Visit,
)

declare(
    Holding(
        Visit,
        "Your visits to our offices",
        path="case__customer",
        personal=("visitor_name", "interpreter_language"),
        not_personal=("exception",),
        order_by=("arrived_at", "pk"),
    ),
    Holding(
        Appointment,
        "Your appointments and home visits",
        path="case__customer",
        personal=("home_visit_why", "change_reason", "interpreter_language"),
        order_by=("starts_at", "pk"),
    ),
    Holding(
        Interview,
        "Interviews with you",
        path="case__customer",
        personal=(
            "issues",
            "recommendations",
            "timescales",
            "others_present",
            "interpreter_language",
        ),
        not_personal=("room", "summary_sent_as"),
        order_by=("held_at", "pk"),
    ),
    Holding(
        InterviewAction,
        "What we agreed to do at interviews",
        path="interview__case__customer",
        personal=("what",),
    ),
    NoCustomerData(OfficeDetails, "An office as visitors find it."),
    NoCustomerData(OpeningHours, "An office's opening hours."),
    NoCustomerData(OfficeClosure, "Days an office is closed."),
    NoCustomerData(OfficerHours, "A member of staff's working hours."),
    NoCustomerData(CalendarFeed, "A member of staff's calendar address (its secret's digest)."),
)
