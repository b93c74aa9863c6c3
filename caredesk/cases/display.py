"""How a deadline reads to a person: "Overdue by 2 days", "Due today at 17:00".

Text, not only colour: each state has words a screen reader says and a printout shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from caredesk.cases.models import Deadline, DeadlineStatus


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
