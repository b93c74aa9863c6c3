"""The API's holding replies are bounded as the desk's are: 2046 is a problem."""

from __future__ import annotations

from caredesk.cases.models import HoldingReply

from .conftest import assert_problem, at, new_case


def test_the_api_refuses_2046_as_a_problem(people, clock, api_as):
    letter_case = new_case(people, clock, received=at(2025, 6, 19, 10))  # due 3 July 17:00
    answer = api_as(people.officer).post(
        f"/api/v1/cases/{letter_case.reference}/holding-replies",
        {
            "standard": "letter_email_response",
            "reason": "A survey",
            "revised_due_at": "2046-01-01T10:00",
        },
    )
    body = assert_problem(answer, 400, "holding_reply_beyond_extension")
    assert "no later than Thursday 17 July 2025" in body["detail"]
    assert not HoldingReply.objects.exists()


def test_the_api_refuses_to_bring_the_promised_date_forward(people, clock, api_as):
    letter_case = new_case(people, clock, received=at(2025, 6, 19, 10))  # due 3 July 17:00
    answer = api_as(people.officer).post(
        f"/api/v1/cases/{letter_case.reference}/holding-replies",
        {
            "standard": "letter_email_response",
            "reason": "A survey",
            "revised_due_at": "2025-07-01T10:00",  # in the future, but before 3 July
        },
    )
    body = assert_problem(answer, 400, "holding_reply_date_too_early")
    assert "after the date the customer already has, Thursday 3 July 2025" in body["detail"]
    assert not HoldingReply.objects.exists()
    assert letter_case.deadlines.get().due_at == at(2025, 7, 3, 17)
