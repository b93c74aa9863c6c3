"""Replies to customers: the holding reply, by email when there is an address and the
customer has not asked for letters, else as a letter."""

import pytest

from caredesk.cases.models import Case, Deadline, DeadlineStatus
from caredesk.conftest import customer_case, letter_writer
from caredesk.documents.rendering import UnsignedDocument
from caredesk.mail.replies import holding_reply_write
from caredesk.standards import Duration, Unit, load_policy

HALTON = load_policy("halton")


@pytest.fixture
def officer(people):
    return letter_writer(people)


def a_case(people, clock, **customer_fields) -> Case:
    return customer_case(people, clock, **customer_fields)


def test_a_holding_reply_goes_by_email_with_the_reason_and_the_new_date(people, clock, officer):
    case = a_case(people, clock, email="jo.jones@example.org")
    deadline = Deadline.objects.get(case=case, standard_key="letter_email_response")
    sent = holding_reply_write(
        deadline=deadline,
        reason="We are waiting for the contractor's report.",
        revised=Duration(12, Unit.WORKING_DAYS),  # due 3 July: later than that
        by=officer,
        policy=HALTON,
        clock=clock,
    )
    assert sent.letter is None
    assert sent.email is not None
    body = sent.email.body
    assert body.startswith("Dear Ms Jones,")
    assert "We are waiting for the contractor's report." in body
    assert "We will now reply by Tuesday 8 July 2025." in body  # 12 working days from Fri 20
    assert "Olu Officer\nTenancy Officer" in body
    deadline.refresh_from_db()
    assert deadline.revised_due_at is not None


def test_without_an_email_address_the_holding_reply_is_a_letter(people, clock, officer):
    case = a_case(people, clock)
    deadline = Deadline.objects.get(case=case, standard_key="letter_email_response")
    sent = holding_reply_write(
        deadline=deadline,
        reason="The surveyor is off sick.",
        revised=Duration(12, Unit.WORKING_DAYS),  # due 3 July: later than that
        by=officer,
        policy=HALTON,
        clock=clock,
    )
    assert sent.email is None
    assert sent.letter is not None
    assert sent.letter.kind == "holding_reply"
    assert "The surveyor is off sick." in sent.letter.body
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.OPEN  # a holding reply is not the response


def test_an_unsigned_holding_reply_changes_nothing(people, clock):
    case = a_case(people, clock)
    deadline = Deadline.objects.get(case=case, standard_key="letter_email_response")
    with pytest.raises(UnsignedDocument):
        holding_reply_write(
            deadline=deadline,
            reason="Waiting.",
            revised=Duration(12, Unit.WORKING_DAYS),  # due 3 July: later than that
            by=people.teammate,  # no post title
            policy=HALTON,
            clock=clock,
        )
    deadline.refresh_from_db()
    assert deadline.revised_due_at is None


def test_a_customer_who_prefers_letters_gets_the_holding_reply_by_letter(people, clock, officer):
    case = a_case(people, clock, email="jo@example.org", preferred_channel="letter")
    deadline = Deadline.objects.get(case=case, standard_key="letter_email_response")
    sent = holding_reply_write(
        deadline=deadline,
        reason="Waiting for the surveyor.",
        revised=Duration(12, Unit.WORKING_DAYS),  # due 3 July: later than that
        by=officer,
        policy=HALTON,
        clock=clock,
    )
    assert (sent.email, sent.letter is not None) == (None, True)
