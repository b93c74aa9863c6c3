"""How a deadline reads to a person: "Overdue by 2 days", "Due today at 17:00".

Text, not only colour: each state has words a screen reader says and a printout shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.urls import reverse

from caredesk.cases.models import Deadline, DeadlineStatus
from caredesk.standards import Policy


@dataclass(frozen=True)
class DueStatus:
    state: str  # overdue, today, soon, later, paused, met, ended
    label: str  # the words shown in the tag
    detail: str  # the due time, in full


def due_status(deadline: Deadline, *, now: datetime, zone: ZoneInfo) -> DueStatus:
    if deadline.status == DeadlineStatus.MET and deadline.met_at is not None:
        if deadline.met_standard:
            label = "Met on time"
        elif deadline.met_revised_date:
            label = "Met by the revised date"
        else:
            label = "Met late"
        return DueStatus("met", label, f"Met {_when(deadline.met_at, zone)}")
    if deadline.status == DeadlineStatus.ENDED_UNMET:
        return DueStatus("ended", "Ended unmet", "Closed before it was met")
    if deadline.status == DeadlineStatus.PAUSED or deadline.due_at is None:
        return DueStatus("paused", "Paused", "Waiting for the customer: the clock has stopped")
    due = deadline.due_at
    detail = f"Due {_when(due, zone)}"
    if due < now:
        return DueStatus("overdue", f"Overdue by {_span(now - due)}", detail)
    local_due, local_now = due.astimezone(zone), now.astimezone(zone)
    if local_due.date() == local_now.date():
        return DueStatus("today", f"Due today at {local_due:%H:%M}", detail)
    if local_due.date() == local_now.date() + timedelta(days=1):
        return DueStatus("soon", f"Due tomorrow at {local_due:%H:%M}", detail)
    return DueStatus("later", f"Due in {_span(due - now)}", detail)


def _when(moment: datetime, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone)
    return f"{local:%A} {local.day} {local:%B %Y} at {local:%H:%M}"


def _span(gap: timedelta) -> str:
    """A rough, readable length of time: '3 days', '5 hours', '20 minutes'."""
    minutes = int(gap.total_seconds() // 60)
    for size, name in ((1440, "day"), (60, "hour"), (1, "minute")):
        if minutes >= size:
            count = minutes // size
            return f"{count} {name}{'s' if count != 1 else ''}"
    return "less than a minute"


@dataclass(frozen=True)
class QueueRow:
    """One line of a queue, worked out once in Python so the template only prints."""

    reference: str
    url: str
    subject: str
    urgent: bool
    status: DueStatus
    due_at: datetime | None
    standard: str
    customer: str
    assigned_to: str


def queue_rows(deadlines: list[Deadline], *, now: datetime, policy: Policy) -> list[QueueRow]:
    zone = policy.working_calendar.zone
    rows = []
    for deadline in deadlines:
        case = deadline.case
        rows.append(
            QueueRow(
                reference=case.reference,
                url=reverse("cases:case", args=[case.reference]),
                subject=case.subject,
                urgent=case.urgent,
                status=due_status(deadline, now=now, zone=zone),
                due_at=deadline.due_at,
                standard=policy.standard_name(deadline.standard_key),
                customer=case.customer.name if case.customer else "No name given",
                assigned_to=str(deadline.assigned_to) if deadline.assigned_to else "Nobody yet",
            )
        )
    return rows
