"""Extending a complaint's response (the holding reply, mail.replies.holding_reply_write):
at most the policy's max_extension (10 working days at stage 1, 20 at stage 2), only
before the response is due, and in writing with the reason, the new date and how to
reach the Housing Ombudsman."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from caredesk.cases.errors import ExtensionAfterDue, HoldingReplyTooLate
from caredesk.cases.models import Case, Deadline
from caredesk.cases.services import complaint_acknowledge, complaint_escalate
from caredesk.complaints.definitions import complaint_define
from caredesk.complaints.tests.factories import complaint_case
from caredesk.conftest import People, SettableClock, customer_case, letter_writer
from caredesk.mail.replies import holding_reply_write
from caredesk.standards import load_policy

HALTON = load_policy("halton")
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def complaint(people: People, clock: SettableClock) -> Case:
    clock.moment = datetime(2026, 6, 22, 9, 0, tzinfo=UTC)  # Monday, 10am in London
    case = complaint_case(people, clock)
    complaint_define(
        case=case,
        points=["Nobody came."],
        handler=people.officer,
        by=people.officer,
        policy=HALTON,
        clock=clock,
    )
    complaint_acknowledge(case=case, stage=1, by=people.officer, policy=HALTON, clock=clock)
    return case


def response(case: Case, stage: int = 1) -> Deadline:
    return case.deadlines.get(standard_key=f"complaint_stage_{stage}_response")


def extend(people: People, deadline: Deadline, clock: SettableClock, revised: datetime) -> object:
    return holding_reply_write(
        deadline=deadline,
        reason="We are waiting for the contractor's report.",
        revised=revised,
        by=people.officer,
        policy=HALTON,
        clock=clock,
    )


def test_an_extension_within_10_working_days_moves_the_date_and_says_so_in_writing(
    people: People, clock: SettableClock, complaint: Case
) -> None:
    deadline = response(complaint)
    # due Monday 6 July (10 working days from Monday 22 June); 10 more: Monday 20 July
    assert deadline.due_at == datetime(2026, 7, 6, 17, 0, tzinfo=LONDON)
    clock.moment = datetime(2026, 7, 2, 9, 0, tzinfo=UTC)

    sent = extend(people, deadline, clock, datetime(2026, 7, 20, 17, 0, tzinfo=LONDON))

    deadline.refresh_from_db()
    assert deadline.due_at == datetime(2026, 7, 20, 17, 0, tzinfo=LONDON)
    letter = sent.letter  # type: ignore[attr-defined]
    assert letter is not None
    body = " ".join(letter.body.split())
    assert "We are waiting for the contractor's report." in body
    assert "Monday 20 July 2026" in body
    assert HALTON.complaints.ombudsman.phone in body


def test_no_more_than_10_working_days_at_stage_1(
    people: People, clock: SettableClock, complaint: Case
) -> None:
    with pytest.raises(HoldingReplyTooLate, match="no later than Monday 20 July 2026"):
        extend(people, response(complaint), clock, datetime(2026, 7, 21, 17, 0, tzinfo=LONDON))


def test_not_once_the_response_is_due(
    people: People, clock: SettableClock, complaint: Case
) -> None:
    clock.moment = datetime(2026, 7, 6, 16, 0, tzinfo=UTC)  # 5pm in London: just due

    with pytest.raises(ExtensionAfterDue, match="before the response is due"):
        extend(people, response(complaint), clock, datetime(2026, 7, 10, 17, 0, tzinfo=LONDON))

    assert response(complaint).due_at == datetime(2026, 7, 6, 17, 0, tzinfo=LONDON)


def test_a_letter_s_holding_reply_may_still_come_after_its_date(
    people: People, clock: SettableClock
) -> None:
    """Halton's letters: the policy promises a revised date, and sets no such rule."""
    clock.moment = datetime(2026, 6, 22, 9, 0, tzinfo=UTC)
    letter_writer(people)
    enquiry = customer_case(people, clock)
    deadline = enquiry.deadlines.get()
    assert deadline.due_at is not None
    clock.moment = deadline.due_at + timedelta(hours=1)

    extend(people, deadline, clock, deadline.due_at + timedelta(days=7))

    deadline.refresh_from_db()
    assert deadline.revised_due_at is not None


def test_stage_2_may_be_extended_by_20_working_days(
    people: People, clock: SettableClock, complaint: Case
) -> None:
    complaint_escalate(case=complaint, by=people.officer, policy=HALTON, clock=clock)
    complaint_define(
        case=complaint,
        points=["Nobody came."],
        handler=people.line_manager,
        by=people.officer,
        policy=HALTON,
        clock=clock,
    )
    complaint_acknowledge(case=complaint, stage=2, by=people.officer, policy=HALTON, clock=clock)
    deadline = response(complaint, stage=2)
    # due Monday 20 July (20 working days from Monday 22 June); 20 more: Monday 17 August
    assert deadline.due_at == datetime(2026, 7, 20, 17, 0, tzinfo=LONDON)

    extend(people, deadline, clock, datetime(2026, 8, 17, 17, 0, tzinfo=LONDON))
    with pytest.raises(HoldingReplyTooLate):
        extend(people, response(complaint, 2), clock, datetime(2026, 8, 18, 17, 0, tzinfo=LONDON))
