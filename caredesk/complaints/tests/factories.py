"""Complaints for the complaints app's tests."""

from __future__ import annotations

from typing import Any

from caredesk.cases.models import Case, CaseKind, Channel
from caredesk.cases.services import case_create
from caredesk.conftest import People, SettableClock, customer_case, letter_writer


def complaint_case(
    people: People,
    clock: SettableClock,
    *,
    channel: str = Channel.PHONE,
    subject: str = "Repairs never turned up",
    **customer: Any,
) -> Case:
    """A complaint received now from a tenant (Ms Jo Jones unless `customer` says
    otherwise), given to the officer, whose record can sign letters."""
    letter_writer(people)
    enquiry = customer_case(people, clock, **customer)
    return case_create(
        kind=CaseKind.COMPLAINT,
        channel=channel,
        received_at=clock.now(),
        subject=subject,
        by=people.officer,
        customer=enquiry.customer,
        assign_to=people.officer,
        clock=clock,
    )
