"""Deadline rows made directly, for the reporting tests: a figure's inputs and nothing else."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import count

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
