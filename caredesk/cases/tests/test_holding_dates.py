"""A holding reply's new date is bounded: after now and the date the customer has, and no
later than the original due date plus the policy's limit. The tester's 2046 is refused
on the form, in the service and so in the API."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from caredesk.cases import errors
from caredesk.cases.forms import HoldingReplyForm
from caredesk.cases.holding_dates import revised_date_problem, revision_bounds
from caredesk.cases.models import CaseKind, Channel, HoldingReply
from caredesk.cases.services import case_create, holding_reply_send
from caredesk.standards import load_policy

HALTON = load_policy("halton")
LONDON = ZoneInfo("Europe/London")


def at(year: int, month: int, day: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=LONDON)


@pytest.fixture
def letter_case(people, clock):
    clock.moment = at(2025, 6, 20, 12)
    return case_create(  # due Thursday 3 July 2025 at 17:00
        kind=CaseKind.GENERAL_ENQUIRY,
        channel=Channel.LETTER,
        received_at=at(2025, 6, 19, 10),
        subject="Fence",
        by=people.administrator,
        assign_to=people.officer,
        policy=HALTON,
        clock=clock,
    )


def form_for(case, clock, revised_by: str) -> HoldingReplyForm:
    deadline = case.deadlines.get()
    return HoldingReplyForm(
        {"deadline": str(deadline.pk), "reason": "A survey", "revised_by": revised_by},
        deadlines=[deadline],
        policy=HALTON,
        now=clock.now(),
    )


def test_the_limit_counts_10_working_days_from_the_original_date():
    standard = HALTON.deadline_standard("letter_email_response")
    bounds = revision_bounds(
        policy=HALTON,
        standard=standard,
        now=at(2025, 6, 20, 12),
        due=at(2025, 7, 3, 17),
        standard_due_at=at(2025, 7, 3, 17),
    )
    assert bounds.latest == at(2025, 7, 17, 17)
    assert revised_date_problem(bounds=bounds, revised_at=at(2025, 7, 17, 17), zone=LONDON) is None
    late = revised_date_problem(bounds=bounds, revised_at=at(2025, 7, 18, 9), zone=LONDON)
    assert isinstance(late, errors.HoldingReplyTooLate)


def test_the_form_refuses_2046_at_the_field_naming_the_last_date_allowed(letter_case, clock):
    form = form_for(letter_case, clock, "2046-01-01T10:00")
    assert not form.is_valid()
    [message] = form.errors["revised_by"]
    assert str(message).startswith("The new date must be no later than Thursday 17 July 2025, ")
    assert "10 working days after the original date (the policy's limit for “Letters" in message


def test_the_form_refuses_a_date_before_the_one_the_customer_has(letter_case, clock):
    form = form_for(letter_case, clock, "2025-07-01T17:00")
    assert not form.is_valid()
    assert form.errors["revised_by"] == [
        "The new date must be after the date the customer already has, "
        "Thursday 3 July 2025 at 17:00."
    ]


def test_the_form_refuses_a_date_in_the_past(letter_case, clock):
    form = form_for(letter_case, clock, "2025-06-01T10:00")
    assert not form.is_valid()
    assert form.errors["revised_by"] == ["The new date must be in the future."]


def test_the_form_takes_a_date_within_the_limit(letter_case, clock):
    form = form_for(letter_case, clock, "2025-07-10T17:00")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["revised_at"] == at(2025, 7, 10, 17)


@pytest.mark.parametrize("revised", [at(2046, 1, 1, 10), "duration"])
def test_the_service_refuses_2046_whatever_path_reaches_it(letter_case, people, clock, revised):
    from caredesk.standards import parse_duration

    revision = parse_duration("5000 working days") if revised == "duration" else revised
    with pytest.raises(errors.HoldingReplyTooLate, match="no later than Thursday 17 July 2025"):
        holding_reply_send(
            deadline=letter_case.deadlines.get(),
            reason="A survey",
            revised=revision,
            by=people.officer,
            policy=HALTON,
            clock=clock,
        )
    assert not HoldingReply.objects.exists()
