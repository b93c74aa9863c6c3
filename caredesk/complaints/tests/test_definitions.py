"""Defining a complaint (complaints.definitions): point by point, at the stage it is at,
with its handler; stage 2 by someone else, or the reason why not; and acknowledged only
once defined."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caredesk.cases.errors import RaisedFromItself
from caredesk.cases.models import Case, CaseEvent, EventKind
from caredesk.cases.services import complaint_acknowledge, complaint_escalate
from caredesk.complaints.acknowledgements import (
    AcknowledgementError,
    acknowledgement_start,
    complaint_acknowledgement_send,
)
from caredesk.complaints.definitions import DefinitionError, complaint_define
from caredesk.complaints.models import Complaint
from caredesk.complaints.tests.factories import complaint_case
from caredesk.conftest import People, SettableClock, customer_case
from caredesk.core.text import has_unstorable
from caredesk.errors import NotAllowed
from caredesk.standards import load_policy

HALTON = load_policy("halton")


@pytest.fixture
def complaint(people: People, clock: SettableClock) -> Case:
    clock.moment = datetime(2026, 6, 22, 9, 0, tzinfo=UTC)  # Monday, 10am in London
    return complaint_case(people, clock)


def define(people: People, case: Case, clock: SettableClock, **more: Any) -> Complaint:
    fields: dict[str, Any] = {
        "case": case,
        "points": ["The repair was booked three times and nobody came.", "Nobody called back."],
        "handler": people.officer,
        "by": people.officer,
        "policy": HALTON,
        "clock": clock,
    } | more
    return complaint_define(**fields)


def to_stage_2(people: People, case: Case, clock: SettableClock) -> None:
    complaint_acknowledge(case=case, stage=1, by=people.officer, policy=HALTON, clock=clock)
    clock.moment += timedelta(days=3)
    complaint_escalate(case=case, by=people.officer, policy=HALTON, clock=clock)


def test_a_complaint_is_defined_point_by_point_and_goes_to_its_handler(
    people: People, clock: SettableClock, complaint: Case
) -> None:
    defined = define(
        people,
        complaint,
        clock,
        points=["  The repair was booked   three times.\t", "", "Nobody called back."],
        handler=people.teammate,
        outcome_wanted="Fix the door.",
    )

    assert [(p.stage, p.number, p.text) for p in defined.points.all()] == [
        (1, 1, "The repair was booked three times."),
        (1, 2, "Nobody called back."),
    ]
    assert defined.stage_1_handler == people.teammate
    assert defined.outcome_wanted == "Fix the door."
    complaint.refresh_from_db()
    assert complaint.assigned_to == people.teammate
    event = CaseEvent.objects.filter(case=complaint, kind=EventKind.COMPLAINT).get()
    assert (event.data["step"], event.data["stage"]) == ("defined", 1)
    assert "1. The repair was booked three times.; 2. Nobody called back." in event.data["text"]


def test_defining_it_again_replaces_the_stage_s_points(
    people: People, clock: SettableClock, complaint: Case
) -> None:
    define(people, complaint, clock)
    defined = define(people, complaint, clock, points=["Only this."])

    assert [p.text for p in defined.points.all()] == ["Only this."]


@pytest.mark.parametrize(
    ("points", "said"),
    [
        ([], "at least one point"),
        (["   ", "\n"], "at least one point"),
        ([f"Point {n}" for n in range(21)], "at most 20 points"),
        (["x" * 2001], "Point 1 is 2,001 characters long"),
    ],
)
def test_a_definition_without_points_or_too_long_is_refused(
    people: People, clock: SettableClock, complaint: Case, points: list[str], said: str
) -> None:
    with pytest.raises(DefinitionError, match=said):
        define(people, complaint, clock, points=points)
    assert not Complaint.objects.filter(points__isnull=False).exists()


def test_the_handler_must_take_casework_and_the_definer_too(
    people: People, clock: SettableClock, complaint: Case
) -> None:
    with pytest.raises(DefinitionError, match="does not take casework"):
        define(people, complaint, clock, handler=people.analyst)
    with pytest.raises(NotAllowed):
        define(people, complaint, clock, by=people.analyst)


def test_only_a_complaint_is_defined_and_never_as_about_itself(
    people: People, clock: SettableClock, complaint: Case
) -> None:
    enquiry = customer_case(people, clock)
    with pytest.raises(DefinitionError, match="Only a complaint"):
        define(people, enquiry, clock)
    with pytest.raises(RaisedFromItself, match="cannot be about itself"):
        define(people, complaint, clock, about=complaint)
    with pytest.raises(DefinitionError, match="not one of the policy's service areas"):
        define(people, complaint, clock, service_area="gardening_leave")

    defined = define(people, complaint, clock, about=enquiry, service_area="repairs")
    complaint.refresh_from_db()
    assert (complaint.raised_from, defined.service_area) == (enquiry, "repairs")


def test_stage_2_goes_to_someone_else_or_says_why_not(
    people: People, clock: SettableClock, complaint: Case
) -> None:
    define(people, complaint, clock)
    to_stage_2(people, complaint, clock)

    with pytest.raises(DefinitionError, match="Stage 2 must be handled by someone else"):
        define(people, complaint, clock)
    kept = define(people, complaint, clock, same_handler_reason="We are a team of two.")
    assert kept.stage_2_handler == people.officer
    assert kept.same_handler_reason == "We are a team of two."
    other = define(people, complaint, clock, handler=people.line_manager)
    assert (other.stage_2_handler, other.same_handler_reason) == (people.line_manager, "")
    # stage 1's points are kept as they were
    assert [p.stage for p in other.points.all()] == [1, 1, 2, 2]


def test_a_policy_that_allows_one_handler_for_both_stages_asks_no_reason(
    people: People, clock: SettableClock, complaint: Case
) -> None:
    small = HALTON.model_copy(
        update={
            "complaints": HALTON.complaints.model_copy(update={"stage_2_by_someone_else": False})
        }
    )
    define(people, complaint, clock, policy=small)
    complaint_acknowledge(case=complaint, stage=1, by=people.officer, policy=small, clock=clock)
    complaint_escalate(case=complaint, by=people.officer, policy=small, clock=clock)

    assert define(people, complaint, clock, policy=small).stage_2_handler == people.officer


def test_it_is_acknowledged_only_once_defined_and_the_words_say_the_definition(
    people: People, clock: SettableClock, complaint: Case
) -> None:
    with pytest.raises(AcknowledgementError, match="Define the complaint at stage 1"):
        complaint_acknowledgement_send(
            case=complaint,
            stage=1,
            draft="Thank you.",
            by_email=False,
            by=people.officer,
            policy=HALTON,
            clock=clock,
        )
    define(people, complaint, clock, outcome_wanted="Fix the door.")

    words = acknowledgement_start(complaint, HALTON, people.officer, stage=1, now=clock.now())

    assert "We understand your complaint is about:\n" in words
    assert "- The repair was booked three times and nobody came.\n- Nobody called back." in words
    assert "You would like us to: Fix the door." in words
    # 10 working days from Monday 22 June 2026, by the engine
    assert "We will send you our full response by Monday 6 July 2026." in words


def test_the_define_page_then_the_acknowledgement(
    client: Any, people: People, clock: SettableClock, complaint: Case
) -> None:
    client.force_login(people.officer)
    acknowledge = reverse("complaints:acknowledgement", args=[complaint.reference])
    define_page = reverse("complaints:define", args=[complaint.reference])

    # the case page's button: not defined yet, so define it first
    assert client.post(acknowledge, {"step": "acknowledge_1"})["Location"] == define_page
    refused = client.post(define_page, {"points": "  \n ", "handler": people.officer.pk})
    assert refused.status_code == 400
    assert "Write at least one point the complaint is about" in refused.content.decode()

    sent = client.post(
        define_page,
        {"points": "Nobody came.\nNobody rang.", "handler": people.officer.pk, "about": "nope"},
    )
    assert sent.status_code == 400
    assert "There is no case NOPE" in sent.content.decode()
    sent = client.post(
        define_page, {"points": "Nobody came.\nNobody rang.", "handler": people.officer.pk}
    )

    assert sent["Location"] == acknowledge
    page = client.post(acknowledge, {"step": "acknowledge_1"}).content.decode()
    assert "- Nobody came.\n- Nobody rang." in page
    case_page = client.get(reverse("cases:case", args=[complaint.reference]), {"panels": "all"})
    assert "<li>Nobody came.</li>" in case_page.content.decode()


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(lines=st.lists(st.text(max_size=60), max_size=25))
def test_any_lines_are_kept_as_points_or_refused_with_a_reason(
    people: People, clock: SettableClock, complaint: Case, lines: list[str]
) -> None:
    expected = [" ".join(line.split()) for line in lines if line.strip()]
    if any(has_unstorable(line) for line in lines):
        with pytest.raises(DefinitionError, match="cannot be kept"):
            define(people, complaint, clock, points=lines)
        return
    if not expected or len(expected) > 20:
        with pytest.raises(DefinitionError, match=r"at least one point|at most 20 points"):
            define(people, complaint, clock, points=lines)
        return
    defined = define(people, complaint, clock, points=lines)
    assert [p.text for p in defined.points.all()] == expected
