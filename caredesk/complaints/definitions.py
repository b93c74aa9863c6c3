"""Defining a complaint: what it is about, in our words, point by point, and who handles
it, at each stage.

The Code asks that a complaint is "acknowledged, defined and logged" at stage 1 within 5
working days, and again at stage 2 (Complaint Handling Code 2024, 6.2 and 6.11). So a
stage is defined before it is acknowledged (the acknowledgement repeats the definition
to the customer, who can tell us if we have misunderstood), and the response answers
each point. Stage 2 is handled by someone other than the stage 1 handler where the
policy asks for it (`[complaints] stage_2_by_someone_else`), or the reason why not is
recorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from caredesk.cases import events
from caredesk.cases.complaint_offers import case_raised_from_set
from caredesk.cases.locks import case_lock
from caredesk.cases.models import Case, CaseKind
from caredesk.cases.selectors import complaint_next_step_get
from caredesk.cases.services import case_assign
from caredesk.complaints.models import Complaint, ComplaintPoint
from caredesk.core.clock import Clock, read_once
from caredesk.core.db import write_transaction
from caredesk.core.text import has_unstorable, unstorable_reason
from caredesk.errors import CaredeskError, NotAllowed
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can, allowed
from caredesk.standards import Policy

MAX_POINTS = 20
MAX_POINT_CHARS = 2000


class DefinitionError(CaredeskError):
    """A complaint that cannot be defined as asked."""

    code = "complaint_definition_invalid"


def complaint_of(case: Case, *, now: datetime) -> Complaint:
    """The complaint record of a complaint case, made the first time it is needed."""
    complaint, _ = Complaint.objects.get_or_create(case=case, defaults={"created_at": now})
    return complaint


def current_stage(case: Case) -> int:
    """The stage the complaint is at: 2 once the customer has asked for it, else 1."""
    return 1 if complaint_next_step_get(case=case) in ("acknowledge_1", "escalate") else 2


def stage_defined(complaint: Complaint | None, stage: int) -> bool:
    return complaint is not None and complaint.points.filter(stage=stage).exists()


def _points_checked(points: Sequence[str]) -> list[str]:
    for point in points:
        if has_unstorable(point):
            raise DefinitionError(f"A point cannot be kept. {unstorable_reason(point)}")
    kept = [" ".join(point.split()) for point in points if point.strip()]
    if not kept:
        raise DefinitionError("Write at least one point the complaint is about.")
    if len(kept) > MAX_POINTS:
        raise DefinitionError(
            f"A complaint is defined in at most {MAX_POINTS} points: join some together."
        )
    for number, point in enumerate(kept, start=1):
        if len(point) > MAX_POINT_CHARS:
            raise DefinitionError(
                f"Point {number} is {len(point):,} characters long: make it "
                f"{MAX_POINT_CHARS:,} or fewer."
            )
    return kept


def _handler_checked(
    complaint: Complaint, stage: int, handler: StaffMember, reason: str, policy: Policy
) -> str:
    """The reason kept for the stage 2 handler being the stage 1 one ("" if none is
    needed); or why `handler` cannot handle the stage."""
    if not allowed(handler, Can.WORK_CASES):
        raise DefinitionError(f"{handler} does not take casework, so cannot handle a complaint.")
    first = complaint.stage_1_handler
    if stage != 2 or first is None or first.pk != handler.pk:
        return ""
    if not policy.complaints.stage_2_by_someone_else:
        return reason.strip()
    if not reason.strip():
        raise DefinitionError(
            f"{handler} handled stage 1. Stage 2 must be handled by someone else (the "
            "Complaint Handling Code). If there is nobody else who could, say why."
        )
    return reason.strip()


@write_transaction()
def complaint_define(
    *,
    case: Case,
    points: Sequence[str],
    handler: StaffMember,
    by: StaffMember,
    policy: Policy,
    clock: Clock,
    outcome_wanted: str = "",
    same_handler_reason: str = "",
    service_area: str = "",
    about: Case | None = None,
) -> Complaint:
    """Define the complaint at the stage it is at, point by point, and give the stage to
    `handler` (the case goes to them). Defining it again replaces the stage's points,
    until they are answered."""
    if not allowed(by, Can.WORK_CASES):
        raise NotAllowed("Only staff who take casework can define complaints.")
    if case.kind != CaseKind.COMPLAINT:
        raise DefinitionError("Only a complaint is defined.")
    clock = read_once(clock)
    now = clock.now()
    case_lock(case=case, now=now, policy=policy)
    complaint = complaint_of(case, now=now)
    if complaint.refused_at is not None:
        raise DefinitionError("This complaint was not accepted, so it is not defined.")
    stage = current_stage(case)
    if complaint.points.filter(stage=stage).exclude(decision="").exists():
        raise DefinitionError(f"Stage {stage} has been answered: its definition is kept as sent.")
    kept = _points_checked(points)
    for typed in (outcome_wanted, same_handler_reason):
        if has_unstorable(typed):
            raise DefinitionError(unstorable_reason(typed))
    reason = _handler_checked(complaint, stage, handler, same_handler_reason, policy)
    areas = {area.key for area in policy.complaints.service_areas}
    if service_area and service_area not in areas:
        raise DefinitionError(f"“{service_area}” is not one of the policy's service areas.")
    complaint.points.filter(stage=stage).delete()
    ComplaintPoint.objects.bulk_create(
        ComplaintPoint(complaint=complaint, stage=stage, number=number, text=text)
        for number, text in enumerate(kept, start=1)
    )
    if stage == 2:
        complaint.stage_2_handler = handler
        complaint.same_handler_reason = reason
    else:
        complaint.stage_1_handler = handler
    complaint.outcome_wanted = outcome_wanted.strip() or complaint.outcome_wanted
    complaint.service_area = service_area or complaint.service_area
    complaint.save()
    if about is not None:
        case_raised_from_set(case=case, raised_from=about, by=by, clock=clock)
    if case.assigned_to_id != handler.pk:
        case_assign(case=case, officer=handler, by=by, policy=policy, clock=clock)
    said = "; ".join(f"{number}. {text}" for number, text in enumerate(kept, start=1))
    events.record(
        events.complaint_step_recorded(
            case=case,
            by=by,
            at=now,
            step="defined",
            stage=stage,
            text=f"Defined at stage {stage}, handled by {handler}: {said}"[:4000],
        )
    )
    return complaint
