"""What the complaints app reads."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest

from caredesk.cases.models import Case, CaseKind
from caredesk.complaints.models import (
    Complaint,
    ComplaintPoint,
    ComplaintPromise,
    Compliment,
    Hazard,
    HazardStep,
)
from caredesk.complaints.responses import stage_to_answer
from caredesk.core.active_policy import active_policy


def case_complaint_panel(*, case: Case, request: HttpRequest) -> dict[str, Any]:
    """The case page's complaint panel: the complaint this case is (its definition at
    each stage, its handlers and promises), the compliment it is, and the complaints
    about this case, in a few queries whatever their number."""
    complaint = (
        Complaint.objects.filter(case=case)
        .select_related("stage_1_handler", "stage_2_handler", "refused_by")
        .prefetch_related(
            Prefetch("points", queryset=ComplaintPoint.objects.order_by("stage", "number")),
            Prefetch("promises", queryset=ComplaintPromise.objects.select_related("owner")),
        )
        .first()
    )
    stages = []
    if complaint is not None:
        for stage in (1, 2):
            points = [point for point in complaint.points.all() if point.stage == stage]
            promises = [promise for promise in complaint.promises.all() if promise.stage == stage]
            if points:
                stages.append(
                    {
                        "stage": stage,
                        "points": points,
                        "promises": promises,
                        "handler": complaint.handler(stage),
                    }
                )
    refusal = ""
    if complaint is not None and complaint.refusal_reason:
        names = {e.key: e.name for e in active_policy().complaints.exclusions}
        refusal = names.get(complaint.refusal_reason, complaint.refusal_reason)
    compliment = (
        Compliment.objects.filter(case=case)
        .select_related("team")
        .prefetch_related("staff")
        .first()
        if case.kind == CaseKind.COMPLIMENT
        else None
    )
    return {
        "compliment": compliment,
        "answer_stage": stage_to_answer(case) if complaint is not None else None,
        "complaint": complaint,
        "refusal": refusal,
        "stages": stages,
        "about": Case.objects.filter(pk=case.raised_from_id).first()
        if case.raised_from_id
        else None,
        "about_this": Case.objects.filter(raised_from=case, kind=CaseKind.COMPLAINT).order_by(
            "-received_at"
        ),
    }


def case_hazards_panel(*, case: Case, request: HttpRequest) -> dict[str, Any]:
    """The case page's hazards panel: each hazard reported on the case, with its steps."""
    names = {t.key: t.name for t in active_policy().hazards.types}
    hazards = list(
        Hazard.objects.filter(case=case)
        .prefetch_related(Prefetch("steps", queryset=HazardStep.objects.select_related("deadline")))
        .order_by("-aware_at", "-pk")
    )
    shown = []
    for hazard in hazards:
        due = [
            step.deadline.due_at
            for step in hazard.steps.all()
            if step.done_at is None and step.deadline is not None and step.deadline.due_at
        ]
        name = names.get(hazard.hazard_type, hazard.hazard_type)
        shown.append((hazard, name, min(due, default=None)))
    return {"hazards": shown}
