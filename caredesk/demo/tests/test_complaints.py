"""The demo's complaints, compliments and hazards (demo.complaints): each complaint's record
agrees with its timeline, a few are declined for one of the Code's reasons; compliments
name whom they praise; hazards went through the services, timed from the contact that
told us."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from caredesk.cases.models import Case, CaseKind, CaseStatus, DeadlineStatus, EventKind
from caredesk.complaints.models import Complaint, Compliment, Hazard, HazardStep
from caredesk.conftest import SettableClock
from caredesk.customers.models import HouseholdVulnerabilities
from caredesk.demo import cases as demo_cases
from caredesk.demo.build import DemoSize, build_demo
from caredesk.demo.tests.test_reception import NOW, SIZE
from caredesk.documents.models import CaseLetter, DocumentKind
from caredesk.mail.models import OutboundEmail
from caredesk.standards import load_policy


def test_each_complaint_is_defined_at_the_stages_it_reached_and_answered_as_its_timeline(
    db, monkeypatch: pytest.MonkeyPatch
):
    # A year of 400 cases has about 20 complaints, of which the usual share declined
    # (DECLINED) would be one or none: more are declined here, so that there are some.
    monkeypatch.setattr(demo_cases, "DECLINED", 0.3)
    build_demo(
        policy="halton",
        seed=5,
        clock=SettableClock(NOW),
        size=DemoSize(cases=400, customers=150),
    )

    complaints = Complaint.objects.select_related("case")
    assert complaints.count() == Case.objects.filter(kind=CaseKind.COMPLAINT).count()
    answered = 0
    for complaint in complaints:
        acknowledged = {
            event.data["acknowledged_stage"]
            for event in complaint.case.events.filter(kind=EventKind.CONTACT)
            if "acknowledged_stage" in event.data
        }
        assert set(complaint.points.values_list("stage", flat=True)) == acknowledged
        for stage in (1, 2):
            at = getattr(complaint, f"stage_{stage}_answered_at")
            assert (at is None) == (getattr(complaint, f"stage_{stage}_outcome") == "")
            if at is not None:
                answered += 1
                assert stage in acknowledged
                assert complaint.root_cause
                assert not complaint.points.filter(stage=stage, decision="").exists()
    assert answered > 0
    halton = load_policy("halton")
    reasons = {exclusion.key for exclusion in halton.complaints.exclusions}
    declined = complaints.filter(refused_at__isnull=False)
    assert declined.exists()
    for complaint in declined:
        case = complaint.case
        assert complaint.refusal_reason in reasons
        assert halton.complaints.ombudsman.phone in complaint.refusal_explanation
        told: list[CaseLetter | OutboundEmail] = [
            *CaseLetter.objects.filter(case=case, kind=DocumentKind.COMPLAINT_REFUSAL),
            *OutboundEmail.objects.filter(case=case, kind=DocumentKind.COMPLAINT_REFUSAL),
        ]
        assert len(told) == 1
        assert halton.complaints.ombudsman.phone in told[0].body
        # declined instead of being taken in: never acknowledged nor answered, and closed
        assert not complaint.points.exists()
        assert not case.events.filter(kind=EventKind.RESPONSE).exists()
        assert complaint.stage_1_answered_at is None
        assert complaint.stage_2_answered_at is None
        assert case.status == CaseStatus.CLOSED
        assert not case.deadlines.exclude(status=DeadlineStatus.ENDED_UNMET).exists()
        assert not case.events.filter(at__gt=complaint.refused_at).exists()
    praised = Compliment.objects.all()
    assert praised.count() == Case.objects.filter(kind=CaseKind.COMPLIMENT).count()
    assert all(c.staff.exists() for c in praised if c.case.assigned_to_id)


def test_a_year_under_awaabs_law_has_hazards_timed_from_the_contact(db):
    build_demo(
        policy="halton",
        seed=5,
        clock=SettableClock(datetime(2026, 11, 18, 10, 30, tzinfo=UTC)),
        size=SIZE,
    )

    found = Hazard.objects.all()
    assert found.count() >= 6
    assert all(hazard.covered for hazard in found)
    assert all(hazard.aware_at == hazard.contact.at for hazard in found if hazard.contact)
    steps = HazardStep.objects.select_related("deadline")
    assert {s.standard_key for s in steps} >= {"hazard_investigated", "hazard_emergency_made_safe"}
    assert steps.filter(done_at__isnull=False, done_source="repairs system").exists()
    assert all(step.deadline is not None for step in steps)
    # Some of the households were asked who at home is more at risk, as it was reported.
    asked = HouseholdVulnerabilities.objects.filter(customer__cases__hazards__isnull=False)
    assert asked.exists()
    assert all(1 <= len(record.kinds) <= 2 for record in asked)
