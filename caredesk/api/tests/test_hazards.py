"""The hazards API: the repairs system reads a hazard and says when a step was done."""

from __future__ import annotations

from datetime import timedelta

from caredesk.cases.models import DeadlineStatus
from caredesk.complaints.hazards import hazard_investigated, hazard_report
from caredesk.complaints.models import Hazard
from caredesk.standards import load_policy

from .conftest import assert_problem, at, new_case

HALTON = load_policy("halton")


def reported(people, clock) -> Hazard:
    clock.moment = at(2026, 6, 22, 14)
    case = new_case(people, clock, received=at(2026, 6, 22, 13))
    hazard = hazard_report(
        case=case,
        hazard_type="damp_and_mould",
        severity="significant",
        description="Mould in the bedroom",
        by=people.officer,
        policy=HALTON,
        clock=clock,
    )
    hazard_investigated(
        hazard=hazard,
        findings="Mould",
        significant=True,
        by=people.officer,
        policy=HALTON,
        clock=clock,
    )
    return hazard


def test_the_repairs_system_reads_the_hazard_and_its_steps(people, clock, officer_api):
    hazard = reported(people, clock)

    answer = officer_api.get(f"/api/v1/hazards/{hazard.pk}")

    assert answer.status == 200
    body = answer.body
    assert (body["type"], body["severity"], body["covered_by_awaabs_law"]) == (
        "damp_and_mould",
        "significant",
        True,
    )
    standards = [step["standard"] for step in body["steps"]]
    assert standards[0] == "hazard_investigated"
    assert set(standards[1:]) == {
        "hazard_summary_sent",
        "hazard_safety_work_begun",
        "hazard_further_work_begun",
    }
    assert body["aware_at"] == "2026-06-22T13:00:00+01:00"


def test_the_repairs_system_says_the_work_began_and_the_step_is_met(people, clock, officer_api):
    hazard = reported(people, clock)
    work = hazard.steps.get(standard_key="hazard_safety_work_begun")
    clock.moment += timedelta(days=1)

    answer = officer_api.post(
        f"/api/v1/hazards/{hazard.pk}/steps/{work.pk}/done",
        {"at": "2026-06-23T09:30", "note": "Fan replaced"},
    )

    assert answer.status == 200, answer.body
    work.refresh_from_db()
    assert work.done_source == "repairs system"
    assert work.done_at == at(2026, 6, 23, 9, 30)
    assert work.deadline is not None
    assert work.deadline.status == DeadlineStatus.MET
    again = officer_api.post(f"/api/v1/hazards/{hazard.pk}/steps/{work.pk}/done", {})
    assert_problem(again, 409, "conflict")


def test_the_investigation_is_not_done_through_the_api(people, clock, officer_api):
    hazard = reported(people, clock)
    Hazard.objects.filter(pk=hazard.pk).update(investigated_at=None)
    investigation = hazard.steps.get(standard_key="hazard_investigated")
    investigation.done_at = None
    investigation.save()

    answer = officer_api.post(f"/api/v1/hazards/{hazard.pk}/steps/{investigation.pk}/done", {})

    assert_problem(answer, 400, "hazard_invalid")


def test_a_step_of_another_hazard_or_none_is_not_found(people, clock, officer_api):
    hazard = reported(people, clock)

    assert_problem(officer_api.get("/api/v1/hazards/999999"), 404, "not_found")
    answer = officer_api.post(f"/api/v1/hazards/{hazard.pk}/steps/999999/done", {})
    assert_problem(answer, 404, "not_found")


def test_a_time_before_the_report_is_refused(people, clock, officer_api):
    hazard = reported(people, clock)
    made_safe = hazard.steps.get(standard_key="hazard_summary_sent")

    answer = officer_api.post(
        f"/api/v1/hazards/{hazard.pk}/steps/{made_safe.pk}/done", {"at": "2026-06-01T09:00"}
    )

    assert_problem(answer, 400, "hazard_invalid")
