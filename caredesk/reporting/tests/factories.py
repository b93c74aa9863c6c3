"""Deadline rows made directly, for the reporting tests: a figure's inputs and nothing else."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import count
from typing import Any

from caredesk.cases.models import Case, CaseKind, Channel, Deadline, DeadlineStatus
from caredesk.customers.models import Customer
from caredesk.staff.models import StaffMember, Team

_numbers = count(1)


def letter_case(
    *,
    received: datetime,
    answered_after: timedelta | None,
    due_after: timedelta = timedelta(days=14),
    officer: StaffMember | None = None,
    team: Team | None = None,
    customer: Customer | None = None,
    channel: str = Channel.LETTER,
    kind: str = CaseKind.GENERAL_ENQUIRY,
    key: str = "letter_email_response",
    taken: int = 3,
    resolved_at_first_contact: bool = False,
) -> Case:
    """A case with one deadline, met `answered_after` the receipt (None: still open)."""
    case = Case.objects.create(
        reference=f"TEST-{next(_numbers):06d}",
        kind=kind,
        channel=channel,
        customer=customer,
        received_at=received,
        subject="A letter",
        assigned_to=officer,
        team=team or (officer.team if officer else None),
        resolved_at_first_contact=resolved_at_first_contact,
        created_at=received,
    )
    due = received + due_after
    met = None if answered_after is None else received + answered_after
    Deadline.objects.create(
        case=case,
        standard_key=key,
        starts_at=received,
        standard_due_at=due,
        due_at=due,
        met_at=met,
        time_taken=taken if met else None,
        status=DeadlineStatus.MET if met else DeadlineStatus.OPEN,
        assigned_to=case.assigned_to,
        team=case.team,
    )
    return case


def pdf_made(client: Any, asked_at: str, shown_at: str, query: dict[str, str]) -> Any:
    """Ask for a report's PDF as the page's button does, let the worker's sweep make it,
    and download it from the page that shows it: the response."""
    from urllib.parse import urlencode

    from django.urls import reverse

    from caredesk.core.clock import system_clock
    from caredesk.reporting.report_makers import report_files_make_waiting

    asked = client.post(f"{reverse(asked_at)}?{urlencode(query)}")
    assert asked.status_code == 302, asked.content.decode()[:500]
    assert asked["Location"] == reverse(shown_at)
    assert report_files_make_waiting(clock=task_lost(system_clock)) == 1
    return client.get(reverse(shown_at), {"download": "1"})


def task_lost(clock: Any) -> Any:
    """`clock`, six minutes on: long enough after a request that the reporting sweep takes
    the file as one whose task was lost (report_files.LOST_AFTER)."""
    from datetime import timedelta

    from caredesk.conftest import SettableClock

    return SettableClock(clock.now() + timedelta(minutes=6))
