"""Complaint and compliment figures for a period of local days: what came in, what was
answered and how, what was learned, what was turned away, and praise.

Counted with GROUP BY queries (a handful, whatever the number of complaints), over a
period from local midnight at its first day to local midnight after its last, in the
policy's zone, as the other figures are (`caredesk.visits.figures`).

What each figure means:

- **received**: complaints received in the period (the case's `received_at`);
- **answered at stage 1 / stage 2**: responses sent in the period, and of those the
  decision (upheld, partly upheld, not upheld), the root cause and the service area
  (the learning from complaints: the Code, section 8), and the time taken: the working
  days from the stage's acknowledgement to its response, as the stage's response
  deadline counts them (`Deadline.time_taken`, the engine's own count), with how many
  were answered within the Code's timescale (met by the date due, an agreed extension
  within the Code's limit included) and how many only late;
- **stage 2 asked for**: requests to escalate received in the period (the start of
  each stage 2 acknowledgement deadline);
- **not accepted**: complaints declined in the period, by the Code's reason;
- **compliments**: compliments recorded in the period, by service area.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from statistics import median
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Q

from caredesk.cases.models import Case, CaseKind, Deadline, DeadlineStatus
from caredesk.complaints.models import Complaint, Compliment
from caredesk.standards import Policy

STAGES = (1, 2)


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


@dataclass
class StageFigures:
    answered: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)  # ComplaintOutcome -> count
    in_time: int = 0  # of the responses sent in the period: by the date due
    late: int = 0
    median_days: float | None = None  # working days from acknowledgement to response


@dataclass
class ComplaintFigures:
    first: date
    last: date
    received: int = 0
    stage_2_asked: int = 0
    stages: dict[int, StageFigures] = field(default_factory=dict)
    by_cause: dict[str, int] = field(default_factory=dict)  # answered in the period
    by_area: dict[str, int] = field(default_factory=dict)
    not_accepted: dict[str, int] = field(default_factory=dict)  # by the Code's reason
    compliments: int = 0
    compliments_by_area: dict[str, int] = field(default_factory=dict)


def complaint_figures(*, first: date, last: date, policy: Policy) -> ComplaintFigures:
    zone = policy.working_calendar.zone
    start, end = _midnight(first, zone), _midnight(last + timedelta(days=1), zone)
    figures = ComplaintFigures(first, last)
    figures.received = Case.objects.filter(
        kind=CaseKind.COMPLAINT, received_at__gte=start, received_at__lt=end
    ).count()
    figures.stage_2_asked = Deadline.objects.filter(
        standard_key="complaint_stage_2_acknowledge", starts_at__gte=start, starts_at__lt=end
    ).count()
    for stage in STAGES:
        figures.stages[stage] = _stage(stage, start, end)
    answered = Complaint.objects.filter(
        Q(stage_1_answered_at__gte=start, stage_1_answered_at__lt=end)
        | Q(stage_2_answered_at__gte=start, stage_2_answered_at__lt=end)
    )
    figures.by_cause = _counted(answered, "root_cause")
    figures.by_area = _counted(answered, "service_area")
    refused = Complaint.objects.filter(refused_at__gte=start, refused_at__lt=end)
    figures.not_accepted = _counted(refused, "refusal_reason")
    praised = Compliment.objects.filter(recorded_at__gte=start, recorded_at__lt=end)
    figures.compliments = praised.count()
    figures.compliments_by_area = _counted(praised, "service_area")
    return figures


def _counted(rows: object, column: str) -> dict[str, int]:
    grouped = rows.values(column).annotate(n=Count("pk")).order_by(column)  # type: ignore[attr-defined]
    return {row[column]: row["n"] for row in grouped}


def _stage(stage: int, start: datetime, end: datetime) -> StageFigures:
    answered_at = f"stage_{stage}_answered_at"
    found = StageFigures()
    complaints = Complaint.objects.filter(
        **{f"{answered_at}__gte": start, f"{answered_at}__lt": end}
    )
    found.outcomes = _counted(complaints, f"stage_{stage}_outcome")
    found.answered = sum(found.outcomes.values())
    responses = Deadline.objects.filter(
        standard_key=f"complaint_stage_{stage}_response",
        status=DeadlineStatus.MET,
        met_at__gte=start,
        met_at__lt=end,
    )
    found.in_time = responses.filter(met_at__lte=F("due_at")).count()
    found.late = responses.filter(met_at__gt=F("due_at")).count()
    taken = [t for t in responses.values_list("time_taken", flat=True) if t is not None]
    found.median_days = float(median(taken)) if taken else None
    return found
