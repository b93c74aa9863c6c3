"""Resolving with an outcome, and reopening: which promises are owed again."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from caredesk.cases import errors
from caredesk.cases.event_reading import Reopened, StatusChanged, event_read
from caredesk.cases.models import (
    CaseKind,
    CaseStatus,
    Channel,
    ComplaintOutcome,
    DeadlineStatus,
    EventKind,
)
from caredesk.cases.reopening import case_reopen
from caredesk.cases.services import (
    case_create,
    case_finish,
    complaint_acknowledge,
    complaint_escalate,
    response_send,
)
from caredesk.standards import due_at, load_policy

LONDON = ZoneInfo("Europe/London")
HALTON = load_policy("halton")


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2025, 6, day, hour, tzinfo=LONDON)


def complaint(people, clock):
    clock.moment = at(2)
    case = case_create(
        kind=CaseKind.COMPLAINT,
        channel=Channel.EMAIL,
        received_at=at(2),
        subject="Repairs not done",
        by=people.officer,
        assign_to=people.officer,
        policy=HALTON,
        clock=clock,
    )
    complaint_acknowledge(case=case, stage=1, by=people.officer, policy=HALTON, clock=clock)
    clock.moment = at(5)
    response_send(
        case=case,
        channel=Channel.EMAIL,
        summary="Fixed",
        by=people.officer,
        policy=HALTON,
        clock=clock,
    )
    return case


def test_resolving_records_the_outcome_and_the_decision_and_the_deadlines_it_ends(people, clock):
    clock.moment = at(2)
    case = case_create(
        kind=CaseKind.COMPLAINT,
        channel=Channel.EMAIL,
        received_at=at(2),
        subject="Noise",
        by=people.officer,
        policy=HALTON,
        clock=clock,
    )
    ended = case_finish(
        case=case,
        status=CaseStatus.RESOLVED,
        outcome="Apologised and fixed the door",
        complaint_outcome=ComplaintOutcome.PARTLY_UPHELD,
        by=people.officer,
        clock=clock,
    )
    case.refresh_from_db()
    assert case.outcome == "Apologised and fixed the door"
    assert case.complaint_outcome == ComplaintOutcome.PARTLY_UPHELD
    assert "complaint_stage_1_acknowledge" in ended
    details = event_read(case.events.get(kind=EventKind.STATUS_CHANGED))
    assert details == StatusChanged(
        status="resolved",
        outcome="Apologised and fixed the door",
        complaint_outcome="partly_upheld",
        ended=tuple(ended),
    )


def test_only_a_complaint_has_a_decision(people, clock):
    case = case_create(
        kind=CaseKind.GENERAL_ENQUIRY,
        channel=Channel.LETTER,
        received_at=clock.now(),
        subject="Bins",
        by=people.officer,
        policy=HALTON,
        clock=clock,
    )
    with pytest.raises(errors.NotAComplaint):
        case_finish(
            case=case,
            status="resolved",
            outcome="x",
            complaint_outcome="upheld",
            by=people.officer,
            clock=clock,
        )


def test_a_reopened_complaint_owes_its_stage_1_response_again_due_from_the_engine(people, clock):
    case = complaint(people, clock)
    case_finish(case=case, status="resolved", outcome="Fixed", by=people.officer, clock=clock)
    clock.moment = at(12)
    restarted = case_reopen(
        case=case, reason="The leak is back", by=people.teammate, policy=HALTON, clock=clock
    )
    case.refresh_from_db()
    assert restarted == ["complaint_stage_1_response"]
    assert case.status == CaseStatus.OPEN
    again = case.deadlines.get(
        standard_key="complaint_stage_1_response", status=DeadlineStatus.OPEN
    )
    standard = HALTON.deadline_standard("complaint_stage_1_response")
    assert again.starts_at == at(12)
    assert again.due_at == due_at(at(12), standard.target, HALTON.working_calendar)
    event = case.events.get(kind=EventKind.REOPENED)
    assert event_read(event) == Reopened(
        reason="The leak is back", restarted=("complaint_stage_1_response",)
    )
    assert event.actor == people.teammate


def test_a_complaint_reopened_after_stage_2_owes_only_the_stage_2_response(people, clock):
    case = complaint(people, clock)
    clock.moment = at(6)
    complaint_escalate(case=case, by=people.officer, policy=HALTON, clock=clock)
    complaint_acknowledge(case=case, stage=2, by=people.officer, policy=HALTON, clock=clock)
    clock.moment = at(9)
    response_send(
        case=case,
        channel=Channel.EMAIL,
        summary="Final",
        by=people.officer,
        policy=HALTON,
        clock=clock,
    )
    case_finish(
        case=case, status="closed", outcome="Final response", by=people.officer, clock=clock
    )
    clock.moment = at(16)
    assert case_reopen(
        case=case, reason="Not done", by=people.officer, policy=HALTON, clock=clock
    ) == ["complaint_stage_2_response"]


def test_a_reopened_enquiry_owes_nothing_the_policy_does_not_restart(people, clock):
    case = case_create(
        kind=CaseKind.GENERAL_ENQUIRY,
        channel=Channel.LETTER,
        received_at=clock.now(),
        subject="Bins",
        by=people.officer,
        policy=HALTON,
        clock=clock,
    )
    case_finish(
        case=case, status="closed", outcome="Told them the day", by=people.officer, clock=clock
    )
    assert (
        case_reopen(case=case, reason="Asked again", by=people.officer, policy=HALTON, clock=clock)
        == []
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert not case.deadlines.filter(status=DeadlineStatus.OPEN).exists()


def test_reopening_needs_a_reason_and_a_finished_case(people, clock):
    case = complaint(people, clock)
    with pytest.raises(errors.ReopenWithoutReason):
        case_reopen(case=case, reason="  ", by=people.officer, policy=HALTON, clock=clock)
    with pytest.raises(errors.CaseStatusForbids, match="so you cannot reopen it"):
        case_reopen(case=case, reason="Why", by=people.officer, policy=HALTON, clock=clock)


def test_reopening_from_a_stale_page_is_refused(people, clock):
    case = complaint(people, clock)
    case_finish(case=case, status="resolved", outcome="Fixed", by=people.officer, clock=clock)
    seen = case.events.order_by("-pk").first().pk
    case_finish(case=case, status="closed", outcome="Closed", by=people.teammate, clock=clock)
    with pytest.raises(errors.CaseChanged, match="This case was closed by Tia Teammate"):
        case_reopen(
            case=case, reason="Back", by=people.officer, seen=seen, policy=HALTON, clock=clock
        )
