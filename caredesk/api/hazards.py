"""The hazards API, for the repairs system (Awaab's Law: complaints.hazards).

    GET  /api/v1/hazards/{hazard_id}                          the hazard and its steps
    POST /api/v1/hazards/{hazard_id}/steps/{step_id}/done     the step is done

caredesk tells the repairs system of each hazard and each step as it starts (a signed
webhook: complaints.hazard_webhooks); the repairs system says here when it made the home
safe or began the work, which meets that step's deadline. Reading needs a token whose
owner may read cases; saying a step is done, one who may work on cases.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from caredesk.api.auth import acting, reads, writes
from caredesk.api.clock import api_clock
from caredesk.api.problems import AUTH_PROBLEMS, Conflict, NotFound, Problem
from caredesk.api.schemas.hazards import HazardOut, HazardStepOut, StepDoneIn
from caredesk.api.types import Id
from caredesk.complaints.hazards import STEPS_DONE_BY_SAYING, HazardError, hazard_step_done
from caredesk.complaints.models import Hazard, HazardStep
from caredesk.core.active_policy import active_policy

router = Router(tags=["hazards"])

READ_ANSWERS: dict[int, Any] = {**AUTH_PROBLEMS, 404: Problem}
DONE_ANSWERS: dict[int, Any] = {**AUTH_PROBLEMS, 400: Problem, 404: Problem, 409: Problem}
REPAIRS_SYSTEM = "repairs system"


def _hazard(hazard_id: int) -> Hazard:
    found = Hazard.objects.select_related("case").filter(pk=hazard_id).first()
    if found is None:
        raise NotFound(f"There is no hazard {hazard_id}.")
    return found


def _out(hazard: Hazard) -> HazardOut:
    steps = hazard.steps.select_related("deadline").order_by("pk")
    return HazardOut(
        id=hazard.pk,
        case=hazard.case.reference,
        type=hazard.hazard_type,
        severity=hazard.severity,
        where=hazard.where,
        aware_at=hazard.aware_at,
        covered_by_awaabs_law=hazard.covered,
        investigated_at=hazard.investigated_at,
        closed_at=hazard.closed_at,
        steps=[
            HazardStepOut(
                id=step.pk,
                standard=step.standard_key,
                due_at=step.deadline.due_at if step.deadline is not None else None,
                done_at=step.done_at,
                done_source=step.done_source,
            )
            for step in steps
        ],
    )


@router.get("hazards/{hazard_id}", response={200: HazardOut, **READ_ANSWERS}, auth=reads)
def get_hazard(request: HttpRequest, hazard_id: Id) -> HazardOut:
    """A hazard, and each of its steps with when it is due and when it was done."""
    return _out(_hazard(hazard_id))


@router.post(
    "hazards/{hazard_id}/steps/{step_id}/done",
    response={200: HazardOut, **DONE_ANSWERS},
    auth=writes,
)
def step_done(request: HttpRequest, hazard_id: Id, step_id: Id, payload: StepDoneIn) -> HazardOut:
    """The repairs system made the home safe, or began the work: the step's deadline is
    met. 409 if it was done already; 400 for a step only the desk records (the
    investigation, with its findings) or a time outside the hazard's life."""
    hazard = _hazard(hazard_id)
    step = HazardStep.objects.filter(pk=step_id, hazard=hazard).first()
    if step is None:
        raise NotFound(f"Hazard {hazard_id} has no step {step_id}.")
    if step.done_at is not None:
        raise Conflict("This step was recorded as done already.")
    if step.standard_key not in STEPS_DONE_BY_SAYING:
        raise HazardError("The investigation is recorded at the desk, with what it found.")
    acting(request)  # the token's owner: checked, though the step is the repairs system's
    hazard_step_done(
        step=step,
        by=None,
        at=payload.at,
        note=payload.note,
        source=REPAIRS_SYSTEM,
        policy=active_policy(),
        clock=api_clock,
    )
    return _out(hazard)
