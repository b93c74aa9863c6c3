"""A complaint's response (complaints.responses): made from a decision and reasons on each
point, the remedies and actions promised and the root cause; refused if any part the
Code asks for is missing; sending it answers the stage, resolves the case, and makes
each promise a deadline that outlives it."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from caredesk.cases.models import (
    Case,
    CaseStatus,
    ComplaintOutcome,
    DeadlineStatus,
)
from caredesk.cases.services import complaint_acknowledge, complaint_escalate
from caredesk.complaints.definitions import complaint_define
from caredesk.complaints.models import ComplaintPoint, ComplaintPromise, PromiseKind
from caredesk.complaints.promises import PromiseError, promise_done
from caredesk.complaints.responses import (
    Decision,
    Promise,
    ResponseDraft,
    ResponseError,
    complaint_response_send,
    stage_to_answer,
)
from caredesk.complaints.tests.factories import complaint_case
from caredesk.conftest import People, SettableClock
from caredesk.documents.models import CaseLetter, DocumentKind, DocumentTemplate, Medium
from caredesk.mail.models import OutboundEmail
from caredesk.standards import load_policy

HALTON = load_policy("halton")
LONDON = ZoneInfo("Europe/London")
UPHELD, PARTLY, NOT_UPHELD = (
    ComplaintOutcome.UPHELD,
    ComplaintOutcome.PARTLY_UPHELD,
    ComplaintOutcome.NOT_UPHELD,
)


def cause() -> str:
    return HALTON.complaints.root_causes[0].key


def new_complaint(people: People, clock: SettableClock, **customer: Any) -> Case:
    case = complaint_case(people, clock, **customer)
    complaint_define(
        case=case,
        points=["Nobody came to fix the door.", "Nobody called back."],
        handler=people.officer,
        outcome_wanted="Fix the door.",
        by=people.officer,
        policy=HALTON,
        clock=clock,
    )
    complaint_acknowledge(case=case, stage=1, by=people.officer, policy=HALTON, clock=clock)
    return case


@pytest.fixture
def complaint(people: People, clock: SettableClock) -> Case:
    clock.moment = datetime(2026, 6, 22, 9, 0, tzinfo=UTC)  # Monday, 10am in London
    return new_complaint(people, clock)


def decided(people: People, **more: Any) -> ResponseDraft:
    fields: dict[str, Any] = {
        "decisions": [
            Decision(1, UPHELD, "Our contractor missed the appointment."),
            Decision(2, NOT_UPHELD, "We called you on 19 June and left a message."),
        ],
        "promises": [
            Promise(
                PromiseKind.REMEDY,
                "Pay you £50 for the day off work",
                people.officer,
                date(2026, 7, 3),
            ),
            Promise(
                PromiseKind.ACTION, "Replace the back door", people.teammate, date(2026, 7, 10)
            ),
        ],
        "root_cause": cause(),
    } | more
    return ResponseDraft(**fields)


def send(
    people: People, case: Case, clock: SettableClock, draft: ResponseDraft, **more: Any
) -> Any:
    fields: dict[str, Any] = {
        "case": case,
        "draft": draft,
        "by_email": False,
        "by": people.officer,
        "policy": HALTON,
        "clock": clock,
    } | more
    return complaint_response_send(**fields)


def test_a_stage_waits_for_its_response_once_acknowledged_until_answered(
    people: People, clock: SettableClock, complaint: Case
) -> None:
    assert stage_to_answer(complaint) == 1
    send(people, complaint, clock, decided(people))
    assert stage_to_answer(complaint) is None


def test_the_response_says_each_decision_the_promises_and_how_to_go_further(
    people: People, clock: SettableClock, complaint: Case
) -> None:
    letter = send(people, complaint, clock, decided(people, more="We are sorry for the wait."))

    assert isinstance(letter, CaseLetter)
    assert letter.kind == DocumentKind.COMPLAINT_RESPONSE
    body = " ".join(letter.body.split())
    assert "This is our response at stage 1 of our complaints procedure." in body
    assert "Nobody came to fix the door. Our decision: upheld. Our contractor missed" in body
    assert "Nobody called back. Our decision: not upheld. We called you on 19 June" in body
    assert "Overall, your complaint is partly upheld." in body
    assert "- Pay you £50 for the day off work, by Friday 3 July 2026" in body
    assert "- Replace the back door, by Friday 10 July 2026" in body
    assert "We are sorry for the wait." in body
    assert "ask us to look at your complaint again at stage 2" in body
    assert "You do not need to tell us why." in body
    assert HALTON.complaints.ombudsman.phone in body


def test_sending_it_answers_the_stage_keeps_the_decisions_and_resolves_the_case(
    people: People, clock: SettableClock, complaint: Case
) -> None:
    send(people, complaint, clock, decided(people))

    complaint.refresh_from_db()
    assert complaint.status == CaseStatus.RESOLVED
    assert complaint.complaint_outcome == PARTLY
    response = complaint.deadlines.get(standard_key="complaint_stage_1_response")
    assert response.status == DeadlineStatus.MET
    points = ComplaintPoint.objects.filter(complaint__case=complaint).order_by("number")
    assert [(p.decision, p.reasons[:12]) for p in points] == [
        (UPHELD, "Our contract"),
        (NOT_UPHELD, "We called yo"),
    ]
    kept = complaint.complaint
    assert kept.root_cause == cause()
    assert (kept.stage_1_answered_at, kept.stage_1_outcome) == (clock.now(), PARTLY)


def test_each_promise_is_a_deadline_of_its_owner_that_outlives_the_case(
    people: People, clock: SettableClock, complaint: Case
) -> None:
    send(people, complaint, clock, decided(people))

    remedy, action = ComplaintPromise.objects.order_by("due_on")
    assert remedy.deadline is not None
    assert action.deadline is not None
    assert (remedy.deadline.standard_key, action.deadline.standard_key) == (
        "complaint_remedy",
        "complaint_action",
    )
    assert action.deadline.assigned_to == people.teammate
    # due at Halton's close of business on the day promised
    assert remedy.deadline.due_at == datetime(2026, 7, 3, 17, 0, tzinfo=LONDON)
    # the case is resolved; the promises are still owed
    assert remedy.deadline.status == DeadlineStatus.OPEN
    clock.moment += timedelta(days=2)

    promise_done(promise=remedy, by=people.officer, policy=HALTON, clock=clock)

    remedy.refresh_from_db()
    assert remedy.deadline is not None
    assert remedy.deadline.status == DeadlineStatus.MET
    assert remedy.done_by == people.officer
    with pytest.raises(PromiseError, match="already done"):
        promise_done(promise=remedy, by=people.officer, policy=HALTON, clock=clock)


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"decisions": [Decision(1, UPHELD, "Missed it.")]}, "Give a decision on point 2."),
        (
            {"decisions": [Decision(1, UPHELD, " "), Decision(2, UPHELD, "Yes.")]},
            "Give the reasons for the decision on point 1.",
        ),
        ({"root_cause": ""}, "Choose the root cause"),
        ({"root_cause": "bad_luck"}, "not one of the policy's root causes"),
        ({"promises": [(PromiseKind.REMEDY, "Pay £50", date(2026, 6, 1))]}, "has passed"),
        ({"promises": [(PromiseKind.ACTION, "  ", date(2026, 7, 1))]}, "Say what"),
    ],
)
def test_a_response_missing_what_the_code_asks_for_is_not_sent(
    people: People, clock: SettableClock, complaint: Case, change: dict[str, Any], said: str
) -> None:
    if "promises" in change:  # owned by someone who takes casework
        change["promises"] = [
            Promise(kind, what, people.officer, due_on) for kind, what, due_on in change["promises"]
        ]
    with pytest.raises(ResponseError, match=re.escape(said)):
        send(people, complaint, clock, decided(people, **change))

    assert not CaseLetter.objects.filter(kind=DocumentKind.COMPLAINT_RESPONSE).exists()
    assert not ComplaintPromise.objects.exists()
    complaint.refresh_from_db()
    assert complaint.status == CaseStatus.OPEN
    assert stage_to_answer(complaint) == 1


def test_an_owner_who_does_not_take_casework_cannot_own_a_promise(
    people: People, clock: SettableClock, complaint: Case
) -> None:
    draft = decided(
        people, promises=[Promise(PromiseKind.REMEDY, "Pay £50", people.analyst, date(2026, 7, 1))]
    )
    with pytest.raises(ResponseError, match="does not take casework"):
        send(people, complaint, clock, draft)


def test_an_edited_template_that_drops_the_ombudsman_is_refused(
    people: People, clock: SettableClock, complaint: Case
) -> None:
    DocumentTemplate.objects.create(
        kind=DocumentKind.COMPLAINT_RESPONSE,
        medium=Medium.LETTER,
        subject="Your complaint",
        body="{% for point in complaint.decisions %}{{ point.reasons }}\n{% endfor %}"
        "{% for r in complaint.remedies %}{{ r.what }}\n{% endfor %}"
        "{% for a in complaint.actions %}{{ a.what }}\n{% endfor %}",
        updated_at=clock.now(),
    )

    with pytest.raises(ResponseError, match="leaves out how to contact the Housing Ombudsman"):
        send(people, complaint, clock, decided(people))
    assert stage_to_answer(complaint) == 1


def test_the_stage_2_response_is_final_and_sends_them_to_the_ombudsman(
    people: People, clock: SettableClock, complaint: Case
) -> None:
    send(people, complaint, clock, decided(people, promises=[]))
    clock.moment += timedelta(days=5)
    complaint_escalate(case=complaint, by=people.officer, policy=HALTON, clock=clock)
    complaint_define(
        case=complaint,
        points=["Nobody called back."],
        handler=people.line_manager,
        by=people.officer,
        policy=HALTON,
        clock=clock,
    )
    complaint_acknowledge(
        case=complaint, stage=2, by=people.line_manager, policy=HALTON, clock=clock
    )
    assert stage_to_answer(complaint) == 2

    letter = send(
        people,
        complaint,
        clock,
        decided(people, decisions=[Decision(1, UPHELD, "We should have called.")], promises=[]),
        by=people.line_manager,
    )

    body = " ".join(letter.body.split())
    assert "This is our final response, at stage 2" in body
    assert "If you are still not happy, you can ask the Housing Ombudsman Service" in body
    assert "stage 2. Call" not in body
    complaint.refresh_from_db()
    assert complaint.complaint_outcome == UPHELD
    assert complaint.deadlines.get(standard_key="complaint_stage_2_response").status == (
        DeadlineStatus.MET
    )


def test_by_email_to_a_customer_who_prefers_it(people: People, clock: SettableClock) -> None:
    clock.moment = datetime(2026, 6, 22, 9, 0, tzinfo=UTC)
    case = new_complaint(people, clock, email="jo@example.org", preferred_channel="email")

    email = send(people, case, clock, decided(people), by_email=True)

    assert isinstance(email, OutboundEmail)
    assert email.kind == DocumentKind.COMPLAINT_RESPONSE
    assert email.to_address == "jo@example.org"
    assert "Our decision: upheld." in email.body
    contact = case.contacts.latest("pk")
    assert contact.summary == f"Email: {email.subject}"


# -- the page ---------------------------------------------------------------------------


def posted(people: People, **more: str) -> dict[str, Any]:
    return {
        "decision_1": UPHELD,
        "reasons_1": "Our contractor missed the appointment.",
        "decision_2": NOT_UPHELD,
        "reasons_2": "We called you on 19 June.",
        "promise_1_kind": PromiseKind.REMEDY,
        "promise_1_what": "Pay you £50",
        "promise_1_owner": str(people.officer.pk),
        "promise_1_due": "2099-07-03",
        "root_cause": cause(),
        "medium": "letter",
        "draft": "",
        "promises_shown": "2",
    } | more


def test_write_check_and_send_the_response_from_the_page(
    client: Any, people: People, complaint: Case
) -> None:
    client.force_login(people.officer)
    page = reverse("complaints:response", args=[complaint.reference])
    assert "Point 2: Nobody called back." in client.get(page).content.decode()

    missing = client.post(page, posted(people, reasons_2="", action="check"))
    assert missing.status_code == 400
    assert "Give the reasons for the decision on point 2" in missing.content.decode()
    half_promise = client.post(page, posted(people, promise_2_what="Call you", action="check"))
    assert "Choose who makes sure promise 2 is done" in half_promise.content.decode()

    check = client.post(page, posted(people, action="check"))
    html = check.content.decode()
    assert check.status_code == 200
    assert "The letter as it will print" in html
    assert "Plain English" in html
    token = re.search(r'name="checked" value="([^"]+)"', html)
    assert token is not None
    # what was checked, changed on the way: not sent
    changed = client.post(
        page, posted(people, reasons_1="Changed.", action="send", checked=token.group(1))
    )
    assert changed.status_code == 400
    assert not CaseLetter.objects.filter(kind=DocumentKind.COMPLAINT_RESPONSE).exists()

    sent = client.post(page, posted(people, action="send", checked=token.group(1)))

    assert sent.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == CaseStatus.RESOLVED
    case_page = client.get(reverse("cases:case", args=[complaint.reference]), {"panels": "all"})
    assert "Remedy: Pay you £50, by 3 July 2099" in case_page.content.decode()


def test_add_another_promise_gives_a_row_and_checks_nothing(
    client: Any, people: People, complaint: Case
) -> None:
    client.force_login(people.officer)
    page = reverse("complaints:response", args=[complaint.reference])

    more = client.post(page, posted(people, reasons_1="", add_promise="1"))

    html = more.content.decode()
    assert more.status_code == 200
    assert 'name="promise_3_what"' in html
    assert "Give the reasons" not in html
