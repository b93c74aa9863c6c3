"""Requests for information under the Freedom of Information Act and STAIRs, end to end
through the officer's page: the decision (given, or refused with the reason) meets the
request's deadline; a review asked for starts its own deadline from the engine
(`information_review`), decided only by someone other than the first decision-maker,
which meets it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from caredesk.cases.errors import ExtensionAfterDue
from caredesk.cases.information_clock import review_request_fire
from caredesk.cases.models import Case, CaseKind, CaseStatus, Channel, DeadlineStatus, EventKind
from caredesk.cases.services import case_create, case_finish, holding_reply_send
from caredesk.conftest import People, SettableClock, make_staff
from caredesk.core.clock import system_clock
from caredesk.customers.models import CustomerAccess, CustomerType
from caredesk.customers.services import customer_create
from caredesk.errors import CaredeskError, NotAllowed
from caredesk.privacy import information
from caredesk.privacy.models import InformationRequest
from caredesk.staff.models import Role, StaffMember
from caredesk.standards import due_at, load_policy, parse_duration

pytestmark = pytest.mark.django_db
HALTON = load_policy("halton")
STONEWALL = load_policy("stonewall")
TWENTY_DAYS = parse_duration("20 working days")
RECEIVED = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)  # Monday 2 November 2026, GMT


@pytest.fixture(autouse=True)
def pages_on_the_test_clock(monkeypatch: Any, clock: SettableClock) -> None:
    monkeypatch.setattr(system_clock, "now", clock.now)


@pytest.fixture
def second_officer() -> StaffMember:
    """Another data protection officer: the one who reviews."""
    return make_staff("rae_reviewer", Role.DATA_PROTECTION_OFFICER)


def _request(people: People, clock: SettableClock, kind: str, policy: Any = HALTON) -> Case:
    clock.moment = RECEIVED
    customer = customer_create(
        customer_type=CustomerType.TENANT, first_name="Ama", last_name="Boateng", clock=clock
    )
    return case_create(
        kind=kind,
        channel=Channel.EMAIL,
        received_at=clock.now(),
        subject="How many homes on the Palace Fields estate had damp reported in 2026?",
        customer=customer,
        by=people.officer,
        policy=policy,
        clock=clock,
    )


def _at(client: Client, clock: SettableClock, moment: datetime, who: StaffMember) -> None:
    """Move the clock, and sign `who` in again then (a session idle for days has ended)."""
    clock.moment = moment
    client.force_login(who)


def _page(case: Case) -> str:
    return reverse("privacy:information", args=[case.reference])


def _decide(client: Client, case: Case, **fields: str) -> Any:
    data = {"action": "decide", "how": "email"} | fields
    return client.post(_page(case), data)


def test_a_freedom_of_information_request_is_decided_and_reviewed_end_to_end(
    client: Client, people: People, clock: SettableClock, second_officer: StaffMember
) -> None:
    case = _request(people, clock, CaseKind.FOI_REQUEST)
    first = people.data_protection_officer
    request_deadline = case.deadlines.get(standard_key="foi_request")
    # 20 working days from Monday 2 November 2026: Monday 30 November, close of business
    assert request_deadline.due_at == datetime(2026, 11, 30, 17, 0, tzinfo=UTC)
    assert request_deadline.due_at == due_at(RECEIVED, TWENTY_DAYS, HALTON.working_calendar)

    client.force_login(first)
    listed = client.get(reverse("privacy:requests")).content.decode()
    assert f'href="{_page(case)}"' in listed
    shown = client.get(_page(case))
    assert shown.status_code == 200
    assert "Monday 30 November 2026, 17:00" in shown.content.decode()
    assert CustomerAccess.objects.filter(staff=first, what__contains=case.reference).exists()

    # a refusal needs its reason
    refused = _decide(client, case, decision="refused", refused_under="Section 40(2)")
    assert refused.status_code == 400
    assert "Enter why, in plain words" in refused.content.decode()
    assert InformationRequest.objects.get(case=case).decided_at is None

    _at(client, clock, datetime(2026, 11, 20, 10, 0, tzinfo=UTC), first)
    done = _decide(
        client,
        case,
        decision="part",
        given="The number of homes with damp reported, by month.",
        refused_under="Section 40(2): personal information of others",
        reason="The addresses would identify the households.",
    )
    assert done.status_code == 302
    request_deadline.refresh_from_db()
    assert request_deadline.status == DeadlineStatus.MET
    assert request_deadline.met_at == clock.moment
    record = InformationRequest.objects.get(case=case)
    assert (record.decision, record.decided_by) == ("part", first)
    response = case.contacts.get(direction="outbound")
    assert response.channel == Channel.EMAIL
    assert "Given in part" in response.summary

    # The officer resolves the case; in December the requester asks for a review.
    case_finish(case=case, status=CaseStatus.RESOLVED, by=people.officer, clock=clock)
    _at(client, clock, datetime(2026, 12, 10, 11, 0, tzinfo=UTC), first)  # Thursday
    asked = client.post(
        _page(case),
        {"action": "ask", "asked_on": "2026-12-10", "grounds": "The addresses are not needed."},
    )
    assert asked.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN  # open again for the review
    review = case.deadlines.get(standard_key="information_review")
    # 20 working days from Thursday 10 December 2026, over Christmas Day (Friday), the
    # Boxing Day holiday moved to Monday 28 December, and New Year's Day (Friday 1
    # January 2027): Tuesday 12 January 2027, close of business
    assert review.starts_at == clock.moment
    assert review.due_at == datetime(2027, 1, 12, 17, 0, tzinfo=UTC)
    assert review.due_at == due_at(clock.moment, TWENTY_DAYS, HALTON.working_calendar)
    assert case.events.filter(kind=EventKind.REQUEST, data__step="review_requested").exists()
    page = client.get(_page(case)).content.decode()
    assert "Tuesday 12 January 2027, 17:00" in page
    assert "someone else who deals with requests for information must decide" in page
    listed = client.get(reverse("privacy:requests")).content.decode()
    assert "<strong>review</strong> of the decision" in listed

    # the first decision-maker may not decide the review
    _at(client, clock, datetime(2027, 1, 6, 9, 0, tzinfo=UTC), first)
    own = client.post(
        _page(case),
        {"action": "review", "outcome": "upheld", "reason": "It stands.", "how": "email"},
    )
    assert own.status_code == 400
    assert "made the first decision, so someone else" in own.content.decode()
    review.refresh_from_db()
    assert review.status == DeadlineStatus.OPEN

    client.force_login(second_officer)
    overturned_without = client.post(
        _page(case),
        {"action": "review", "outcome": "overturned", "reason": "Partly.", "how": "letter"},
    )
    assert overturned_without.status_code == 400
    assert "Enter what we then gave them" in overturned_without.content.decode()
    reviewed = client.post(
        _page(case),
        {
            "action": "review",
            "outcome": "overturned",
            "given": "The numbers by street, without house numbers.",
            "reason": "Streets do not identify a household.",
            "how": "letter",
        },
    )
    assert reviewed.status_code == 302
    review.refresh_from_db()
    assert review.status == DeadlineStatus.MET
    assert review.due_at is not None
    assert review.met_at == clock.moment < review.due_at
    record.refresh_from_db()
    assert (record.review_outcome, record.reviewed_by) == ("overturned", second_officer)
    assert record.review_given.startswith("The numbers by street")
    assert case.contacts.filter(direction="outbound", channel=Channel.LETTER).count() == 1
    outcome = client.get(_page(case)).content.decode()
    assert "Overturned: more information is given" in outcome
    assert "The numbers by street" in outcome


def test_a_stairs_request_is_reviewed_under_stonewalls_policy_too(
    people: People, clock: SettableClock, second_officer: StaffMember, settings: Any
) -> None:
    settings.CAREDESK_POLICY = "stonewall"
    case = _request(people, clock, CaseKind.STAIRS_REQUEST, policy=STONEWALL)
    assert case.deadlines.get(standard_key="stairs_request").due_at == due_at(
        RECEIVED, TWENTY_DAYS, STONEWALL.working_calendar
    )
    record = information.information_request_of(case)
    information.information_decide(
        request=record,
        decision="not_held",
        given="",
        refused_under="",
        reason="We do not record repairs by estate.",
        how="letter",
        by=people.data_protection_officer,
        clock=clock,
    )
    clock.moment += timedelta(days=3)
    information.review_ask(
        request=record, asked_at=clock.now(), grounds="You must", by=second_officer, clock=clock
    )
    review = case.deadlines.get(standard_key="information_review")
    assert review.due_at == due_at(clock.now(), TWENTY_DAYS, STONEWALL.working_calendar)
    information.review_decide(
        request=record,
        outcome="upheld",
        given="",
        reason="We checked again: it is not held.",
        how="letter",
        by=second_officer,
        clock=clock,
    )
    review.refresh_from_db()
    assert review.status == DeadlineStatus.MET


def test_the_review_may_be_extended_only_before_it_is_due(
    people: People, clock: SettableClock
) -> None:
    case = _request(people, clock, CaseKind.FOI_REQUEST)
    dpo = people.data_protection_officer
    record = information.information_request_of(case)
    information.information_decide(
        request=record,
        decision="given",
        given="The figures.",
        refused_under="",
        reason="",
        how="email",
        by=dpo,
        clock=clock,
    )
    information.review_ask(
        request=record, asked_at=clock.now(), grounds="Too little", by=dpo, clock=clock
    )
    review = case.deadlines.get(standard_key="information_review")
    first_due = review.due_at
    holding_reply_send(
        deadline=review,
        reason="The information is held by three teams.",
        revised=parse_duration("25 working days"),
        by=dpo,
        policy=HALTON,
        clock=clock,
    )
    review.refresh_from_db()
    assert first_due is not None
    assert review.due_at is not None
    assert review.standard_due_at == first_due
    assert review.due_at > first_due
    clock.moment = review.due_at + timedelta(days=1)
    with pytest.raises(ExtensionAfterDue):
        holding_reply_send(
            deadline=review,
            reason="Still looking.",
            revised=parse_duration("5 working days"),
            by=dpo,
            policy=HALTON,
            clock=clock,
        )


def test_what_the_services_refuse(
    people: People, clock: SettableClock, second_officer: StaffMember
) -> None:
    case = _request(people, clock, CaseKind.FOI_REQUEST)
    record = information.information_request_of(case)
    dpo = people.data_protection_officer
    decide: dict[str, Any] = {
        "decision": "given",
        "given": "The figures.",
        "refused_under": "",
        "reason": "",
        "how": "email",
        "clock": clock,
    }
    with pytest.raises(NotAllowed):
        information.information_decide(request=record, by=people.officer, **decide)
    with pytest.raises(information.InformationRequestError, match="Send the decision first"):
        information.review_ask(
            request=record, asked_at=clock.now(), grounds="x", by=dpo, clock=clock
        )
    information.information_decide(request=record, by=dpo, **decide)
    with pytest.raises(information.InformationRequestError, match="sent already"):
        information.information_decide(request=record, by=second_officer, **decide)
    with pytest.raises(information.InformationRequestError, match="No review"):
        information.review_decide(
            request=record,
            outcome="upheld",
            given="",
            reason="x",
            how="email",
            by=second_officer,
            clock=clock,
        )
    with pytest.raises(information.InformationRequestError, match="before the decision"):
        information.review_ask(
            request=record,
            asked_at=clock.now() - timedelta(days=2),
            grounds="x",
            by=dpo,
            clock=clock,
        )
    # not a request for information
    enquiry = case_create(
        kind=CaseKind.GENERAL_ENQUIRY,
        channel=Channel.PHONE,
        received_at=clock.now(),
        subject="Bins",
        by=people.officer,
        policy=HALTON,
        clock=clock,
    )
    with pytest.raises(information.InformationRequestError):
        information.information_request_of(enquiry)
    with pytest.raises(CaredeskError):
        review_request_fire(
            case=enquiry, at=clock.now(), text="x", by=dpo, policy=HALTON, clock=clock
        )


def test_a_request_from_nobody_named_is_still_decided(
    client: Client, people: People, clock: SettableClock
) -> None:
    """An FOI request need not come from a customer: the page works, and logs no read."""
    clock.moment = RECEIVED
    case = case_create(
        kind=CaseKind.FOI_REQUEST,
        channel=Channel.EMAIL,
        received_at=clock.now(),
        subject="Your spending on agency staff",
        by=people.officer,
        policy=HALTON,
        clock=clock,
    )
    client.force_login(people.data_protection_officer)
    assert "Nobody named on the case" in client.get(_page(case)).content.decode()
    assert _decide(client, case, decision="given", given="The totals.").status_code == 302
    assert case.deadlines.get(standard_key="foi_request").status == DeadlineStatus.MET
    assert not CustomerAccess.objects.exists()


def test_others_cannot_open_the_page(client: Client, people: People, clock: SettableClock) -> None:
    case = _request(people, clock, CaseKind.FOI_REQUEST)
    for who in (people.officer, people.line_manager, people.administrator):
        client.force_login(who)
        assert client.get(_page(case)).status_code == 403
        assert client.post(_page(case), {"action": "decide"}).status_code == 403
