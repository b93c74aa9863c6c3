"""Declining a complaint (complaints.refusals): only for a reason the Code allows, told to
the customer with their right to go to the Housing Ombudsman, and the case closed."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from django.urls import reverse

from caredesk.cases.models import Case, CaseStatus, Channel, DeadlineStatus
from caredesk.cases.services import response_send
from caredesk.complaints.models import Complaint
from caredesk.complaints.refusals import RefusalError, complaint_refuse, refusal_start
from caredesk.complaints.tests.factories import complaint_case
from caredesk.conftest import People, SettableClock
from caredesk.documents.models import CaseLetter, DocumentKind
from caredesk.standards import load_policy

HALTON = load_policy("halton")
OMBUDSMAN = HALTON.complaints.ombudsman


@pytest.fixture
def complaint(people: People, clock: SettableClock) -> Case:
    clock.moment = datetime(2026, 6, 22, 9, 0, tzinfo=UTC)
    return complaint_case(people, clock, channel=Channel.LETTER, subject="The fence in 2019")


def reason() -> str:
    return HALTON.complaints.exclusions[0].key


def written(people: People, case: Case) -> str:
    start = refusal_start(case, HALTON, people.officer, HALTON.complaints.exclusions[0])
    return start.replace(
        "[Explain the decision in your own words, and what the customer can do instead.]",
        "The fence was replaced in 2019. You can ask for a repair in the usual way.",
    )


def refuse(people: People, case: Case, clock: SettableClock, **more: Any) -> Any:
    fields: dict[str, Any] = {
        "case": case,
        "reason": reason(),
        "draft": written(people, case),
        "by_email": False,
        "by": people.officer,
        "policy": HALTON,
        "clock": clock,
    } | more
    return complaint_refuse(**fields)


def test_the_words_start_from_the_reason_and_how_to_reach_the_ombudsman(
    people: People, complaint: Case
) -> None:
    words = written(people, complaint)

    assert f"This is because: {HALTON.complaints.exclusions[0].name}." in words
    assert "you can ask the Housing Ombudsman to look at it" in words
    assert OMBUDSMAN.phone in words
    assert OMBUDSMAN.website in words


def test_declining_writes_to_the_customer_keeps_the_reason_and_closes_the_case(
    people: People, clock: SettableClock, complaint: Case
) -> None:
    letter = refuse(people, complaint, clock)

    assert isinstance(letter, CaseLetter)
    assert letter.kind == DocumentKind.COMPLAINT_REFUSAL
    assert OMBUDSMAN.phone in letter.body
    kept = Complaint.objects.get(case=complaint)
    assert (kept.refused_at, kept.refused_by, kept.refusal_reason) == (
        clock.now(),
        people.officer,
        reason(),
    )
    complaint.refresh_from_db()
    assert complaint.status == CaseStatus.CLOSED
    assert not complaint.deadlines.filter(status=DeadlineStatus.OPEN).exists()
    with pytest.raises(RefusalError, match="finished"):
        refuse(people, complaint, clock)


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"reason": "we_did_not_like_it"}, "Choose one of the reasons"),
        ({"draft": "We will not look at this."}, "how to reach them"),
        ({"draft": "   "}, "has no text"),
    ],
)
def test_a_refusal_without_an_allowed_reason_or_the_ombudsman_is_not_sent(
    people: People, clock: SettableClock, complaint: Case, change: dict[str, Any], said: str
) -> None:
    with pytest.raises(RefusalError, match=said):
        refuse(people, complaint, clock, **change)

    assert not CaseLetter.objects.exists()
    complaint.refresh_from_db()
    assert complaint.status == CaseStatus.OPEN


def test_the_officer_must_explain_in_their_own_words(
    people: People, clock: SettableClock, complaint: Case
) -> None:
    start = refusal_start(complaint, HALTON, people.officer, HALTON.complaints.exclusions[0])
    with pytest.raises(RefusalError, match="in your own words"):
        refuse(people, complaint, clock, draft=start)


def test_an_answered_complaint_can_no_longer_be_declined(
    people: People, clock: SettableClock, complaint: Case
) -> None:
    response_send(
        case=complaint, channel=Channel.LETTER, summary="Answered", by=people.officer, clock=clock
    )
    with pytest.raises(RefusalError, match="has been answered"):
        refuse(people, complaint, clock)


def test_decline_from_the_case_page_choose_the_reason_write_check_send(
    client: Any, people: People, clock: SettableClock, complaint: Case
) -> None:
    client.force_login(people.officer)
    choose = reverse("complaints:refusal_reason", args=[complaint.reference])
    assert client.post(choose, {}).status_code == 400

    to_letter = client.post(choose, {"reason": reason()})
    letter_page = to_letter["Location"]
    assert letter_page.endswith(f"?reason={reason()}")
    page = client.get(letter_page).content.decode()
    assert OMBUDSMAN.phone in page
    draft = written(people, complaint)
    check = client.post(letter_page, {"draft": draft, "medium": "letter", "action": "check"})
    html = check.content.decode()
    assert f'name="reason" value="{reason()}"' in html
    token = re.search(r'name="checked" value="([^"]+)"', html)
    assert token is not None
    address = reverse("complaints:refusal", args=[complaint.reference])
    sent = client.post(
        address,
        {
            "draft": draft,
            "medium": "letter",
            "action": "send",
            "checked": token.group(1),
            "reason": reason(),
        },
    )

    assert sent.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == CaseStatus.CLOSED
    assert Complaint.objects.get(case=complaint).refusal_reason == reason()
