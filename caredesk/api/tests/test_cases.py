"""/api/v1/cases: list, one case, and the actions on it, all through the services."""

from datetime import timedelta

import pytest

from caredesk.cases.models import (
    Case,
    CaseEvent,
    CaseKind,
    CaseStatus,
    Channel,
    DeadlineStatus,
    EventKind,
)
from caredesk.cases.services import case_finish, note_add
from caredesk.customers.models import AccessibleFormat, CustomerAccess

from .conftest import assert_problem, at, field_errors, new_case, new_customer

CASES = "/api/v1/cases"
NEW_CASE = {
    "kind": "general_enquiry",
    "channel": "letter",
    "received_at": "2025-06-19T10:00",
    "subject": "Fence panel blown down",
}


def references(answer):
    assert answer.status == 200, answer.body
    return [item["reference"] for item in answer.body["items"]]


# -- the list ---------------------------------------------------------------------------


def test_cases_are_listed_most_recently_logged_first(people, clock, officer_api):
    first = new_case(people, clock)
    second = new_case(people, clock)
    answer = officer_api.get(CASES)
    assert references(answer) == [second.reference, first.reference]
    item = answer.body["items"][0]
    assert item["received_at"] == "2025-06-02T10:00:00+01:00"
    assert item["status"] == "open"
    assert item["assigned_to"]["username"] == "olu_officer"
    assert "customer" not in item  # lists show no customer details, so log no reads


def test_case_filters(people, clock, officer_api):
    customer = new_customer(clock)
    late = new_case(people, clock, received=at(2025, 6, 2, 10), customer=customer)
    in_time = new_case(people, clock, received=at(2025, 6, 19, 10), assign_to=people.outsider)
    sar = new_case(people, clock, kind=CaseKind.SUBJECT_ACCESS_REQUEST, channel=Channel.EMAIL)
    closed = new_case(people, clock, received=at(2025, 6, 3, 10))
    case_finish(case=closed, status=CaseStatus.CLOSED, by=people.officer, clock=clock)

    def found(**filters):
        return set(references(officer_api.get(CASES, **filters)))

    assert found(kind="subject_access_request") == {sar.reference}
    assert found(status="closed") == {closed.reference}
    assert found(officer="oscar_outsider") == {in_time.reference}
    assert found(team=people.other_team.pk) == {in_time.reference}
    assert found(customer=customer.pk) == {late.reference}
    assert found(overdue="true") == {late.reference}  # the SAR is due in a month
    assert found(overdue="false") == {in_time.reference, sar.reference, closed.reference}
    # due: late 16 June, the SAR 2 July (a month), in_time 3 July
    assert found(due_before="2025-07-03T00:00") == {late.reference, sar.reference}
    assert found(status="open", officer="olu_officer") == {late.reference, sar.reference}


def test_an_unknown_customer_filter_is_a_field_error(people, officer_api):
    assert "customer" in field_errors(officer_api.get(CASES, customer=424242))


def test_walking_the_case_pages_sees_each_case_once(people, clock, officer_api):
    made = [new_case(people, clock).reference for _ in range(7)]
    seen, cursor = [], None
    while True:
        answer = officer_api.get(CASES, limit=3, **({"cursor": cursor} if cursor else {}))
        seen += references(answer)
        cursor = answer.body["next"]
        if cursor is None:
            break
    assert seen == list(reversed(made))


# -- one case ---------------------------------------------------------------------------


def test_a_case_shows_deadlines_contacts_timeline_and_customer(people, clock, officer_api):
    customer = new_customer(clock, accessible_format=AccessibleFormat.LARGE_PRINT)
    case = new_case(people, clock, received=at(2025, 6, 19, 10), customer=customer)
    note_add(case=case, text="Called back, no answer", by=people.officer, clock=clock)
    answer = officer_api.get(f"{CASES}/{case.reference}")
    assert answer.status == 200
    body = answer.body
    assert body["reference"] == case.reference
    assert body["customer"]["name"] == "Amira Khan"
    assert body["customer"]["preferences"] == ["Needs letters and information in large print"]
    [deadline] = body["deadlines"]
    assert deadline["standard"] == "letter_email_response"
    assert deadline["status"] == "open"
    assert deadline["due_at"] == "2025-07-03T17:00:00+01:00"
    assert deadline["seconds_left"] == 13 * 86400 + 4 * 3600  # from 20 June 13:00 London
    assert deadline["met_standard"] is None
    [contact] = body["contacts"]
    assert contact["direction"] == "inbound"
    assert contact["channel"] == "letter"
    kinds = [event["kind"] for event in body["events"]]
    assert kinds[0] == "created"
    assert kinds[-1] == "note"
    assert body["events"][-1]["data"] == {"text": "Called back, no answer"}


def test_reading_a_case_logs_the_read_of_its_customer(people, clock, api_as):
    customer = new_customer(clock)
    case = new_case(people, clock, customer=customer)
    api_as(people.teammate).get(f"{CASES}/{case.reference}")
    access = CustomerAccess.objects.get()
    assert access.customer == customer
    assert access.staff == people.teammate
    assert access.at == clock.now()
    assert case.reference in access.what


def test_a_case_without_a_customer_logs_nothing(people, clock, officer_api):
    case = new_case(people, clock)
    assert officer_api.get(f"{CASES}/{case.reference}").body["customer"] is None
    assert not CustomerAccess.objects.exists()


@pytest.mark.parametrize("reference", ["HHT-2025-999999", "nope", "x" * 300, "HHT 2025"])
def test_an_unknown_reference_is_404_problem(people, officer_api, reference):
    assert_problem(officer_api.get(f"{CASES}/{reference}"), 404, "not_found")
    assert_problem(officer_api.post(f"{CASES}/{reference}/notes", {"text": "x"}), 404, "not_found")


# -- logging a case ---------------------------------------------------------------------


def test_logging_a_case_starts_its_deadlines_and_names_the_token_owner(people, clock, api_as):
    customer = new_customer(clock)
    body = NEW_CASE | {"customer": customer.pk, "assign_to": "tia_teammate", "urgent": True}
    answer = api_as(people.administrator).post(CASES, body)
    assert answer.status == 201, answer.body
    case = Case.objects.get(reference=answer.body["reference"])
    assert case.assigned_to == people.teammate
    assert case.customer == customer
    assert case.urgent
    assert case.received_at == at(2025, 6, 19, 10)
    assert answer.body["deadlines"][0]["due_at"] == "2025-07-03T17:00:00+01:00"
    created = case.events.get(kind=EventKind.CREATED)
    assert created.actor == people.administrator
    assert CustomerAccess.objects.filter(customer=customer, staff=people.administrator).exists()


def test_assign_to_takes_an_id_too(people, clock, officer_api):
    answer = officer_api.post(CASES, NEW_CASE | {"assign_to": str(people.teammate.pk)})
    assert answer.body["assigned_to"]["username"] == "tia_teammate"


def test_resolved_at_first_contact_meets_the_deadline_at_once(people, clock, officer_api):
    answer = officer_api.post(CASES, NEW_CASE | {"resolved_at_first_contact": True})
    assert answer.body["status"] == "resolved"
    assert [d["status"] for d in answer.body["deadlines"]] == ["met"]
    assert answer.body["deadlines"][0]["met_standard"] is True


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"received_at": "2025-06-21T10:00"}, "received_at"),  # the future
        ({"received_at": "19/06/2025"}, "received_at"),
        ({"received_at": "1066-10-14T10:00"}, "received_at"),
        ({"kind": "grumble"}, "kind"),
        ({"channel": "pigeon"}, "channel"),
        ({"subject": "   "}, "subject"),
        ({"subject": "x" * 201}, "subject"),
        ({"subject": "nul\x00byte"}, "subject"),
        ({"customer": 987654}, "customer"),
        ({"customer": 0}, "customer"),
        ({"assign_to": "nobody"}, "assign_to"),
        ({"urgent": "very"}, "urgent"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_fields_are_named_in_a_422_problem(people, officer_api, change, field):
    answer = officer_api.post(CASES, NEW_CASE | change)
    assert field in field_errors(answer)
    assert not Case.objects.exists()


def test_missing_fields_are_each_named(people, officer_api):
    errors = field_errors(officer_api.post(CASES, {}))
    assert set(errors) == {"kind", "channel", "received_at", "subject"}
    assert errors["subject"] == "This is required."


def test_a_case_cannot_be_given_to_someone_without_an_officer_role(people, officer_api):
    assert people.data_protection_officer.username == "dee_dpo"
    errors = field_errors(officer_api.post(CASES, NEW_CASE | {"assign_to": "dee_dpo"}))
    assert "cannot be given cases" in errors["assign_to"]


@pytest.mark.parametrize("body", ["{broken", "[1, 2]", "null", '"text"', "\xff\xfe"])
def test_a_body_that_is_not_a_json_object_is_a_problem_not_a_crash(people, officer_api, body):
    answer = officer_api.post(CASES, body)
    assert answer.status in (400, 422)
    assert answer.content_type.startswith("application/problem+json")


# -- actions ----------------------------------------------------------------------------


def test_a_note_goes_on_the_timeline(people, clock, api_as):
    case = new_case(people, clock)
    answer = api_as(people.teammate).post(f"{CASES}/{case.reference}/notes", {"text": " Rang "})
    assert answer.status == 201
    assert answer.body["kind"] == "note"
    assert answer.body["actor"]["username"] == "tia_teammate"
    note = case.events.get(kind=EventKind.NOTE)
    assert note.data == {"text": "Rang"}


def test_an_empty_note_is_a_field_error(people, clock, officer_api):
    case = new_case(people, clock)
    assert "text" in field_errors(officer_api.post(f"{CASES}/{case.reference}/notes", {}))
    assert "text" in field_errors(
        officer_api.post(f"{CASES}/{case.reference}/notes", {"text": "  "})
    )


def test_a_response_meets_the_deadline(people, clock, officer_api):
    case = new_case(people, clock, received=at(2025, 6, 19, 10))
    answer = officer_api.post(
        f"{CASES}/{case.reference}/responses",
        {"channel": "letter", "summary": "Fence repair booked", "at": "2025-06-20T09:00"},
    )
    assert answer.status == 201, answer.body
    assert answer.body["direction"] == "outbound"
    deadline = case.deadlines.get()
    assert deadline.status == DeadlineStatus.MET
    assert deadline.met_at == at(2025, 6, 20, 9)
    shown = officer_api.get(f"{CASES}/{case.reference}").body["deadlines"][0]
    assert shown["met_standard"] is True
    assert shown["seconds_left"] is None


def test_a_response_cannot_be_dated_in_the_future_or_before_receipt(people, clock, officer_api):
    case = new_case(people, clock, received=at(2025, 6, 19, 10))
    path = f"{CASES}/{case.reference}/responses"
    body = {"channel": "letter", "summary": "Done"}
    assert "at" in field_errors(officer_api.post(path, body | {"at": "2025-06-21T09:00"}))
    assert "at" in field_errors(officer_api.post(path, body | {"at": "2025-06-18T09:00"}))
    assert case.deadlines.get().status == DeadlineStatus.OPEN


def test_a_holding_reply_with_a_date_revises_the_deadline_and_keeps_the_original(
    people, clock, officer_api
):
    case = new_case(people, clock, received=at(2025, 6, 19, 10))  # due 3 July 17:00
    answer = officer_api.post(
        f"{CASES}/{case.reference}/holding-replies",
        {
            "standard": "letter_email_response",
            "reason": "Waiting for the contractor's report",
            "revised_due_at": "2025-07-10T17:00",
        },
    )
    assert answer.status == 201, answer.body
    assert answer.body["revised_due_at"] == "2025-07-10T17:00:00+01:00"
    assert answer.body["standard_due_at"] == "2025-07-03T17:00:00+01:00"
    assert answer.body["due_at"] == "2025-07-10T17:00:00+01:00"
    assert answer.body["holding_replies"][0]["reason"] == "Waiting for the contractor's report"
    assert case.events.filter(kind=EventKind.HOLDING_REPLY, actor=people.officer).exists()


def test_a_holding_reply_may_give_a_duration_instead(people, clock, officer_api):
    case = new_case(people, clock, received=at(2025, 6, 19, 10))
    answer = officer_api.post(
        f"{CASES}/{case.reference}/holding-replies",
        {
            "standard": "letter_email_response",
            "reason": "Survey",
            "revised_after": "12 working days",  # due Thursday 3 July: this is later
        },
    )
    assert answer.status == 201, answer.body
    # 12 working days from Friday 20 June: Tuesday 8 July at close.
    assert answer.body["due_at"] == "2025-07-08T17:00:00+01:00"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({}, "revised_due_at"),  # neither
        (
            {"revised_due_at": "2025-07-10T17:00", "revised_after": "5 working days"},
            "revised_due_at",
        ),
        ({"revised_after": "5 days"}, "revised_after"),  # ambiguous: working or calendar?
        ({"revised_after": "soon"}, "revised_after"),
        ({"standard": "no_such_standard", "revised_after": "5 working days"}, "standard"),
    ],
)
def test_holding_reply_field_errors(people, clock, officer_api, change, field):
    case = new_case(people, clock, received=at(2025, 6, 19, 10))
    body = {"standard": "letter_email_response", "reason": "Survey"} | change
    answer = officer_api.post(f"{CASES}/{case.reference}/holding-replies", body)
    assert field in field_errors(answer)


def test_a_holding_reply_for_a_deadline_the_case_does_not_have_open_is_409(
    people, clock, officer_api
):
    case = new_case(people, clock, received=at(2025, 6, 19, 10))
    body = {"standard": "subject_access_request", "reason": "ID", "revised_after": "1 months"}
    assert_problem(
        officer_api.post(f"{CASES}/{case.reference}/holding-replies", body), 409, "conflict"
    )


def test_a_revised_date_already_past_is_the_services_400_with_its_code(people, clock, officer_api):
    case = new_case(people, clock, received=at(2025, 6, 19, 10))
    body = {
        "standard": "letter_email_response",
        "reason": "Survey",
        "revised_due_at": "2025-06-20T09:00",  # before the reply (20 June 13:00)
    }
    answer = officer_api.post(f"{CASES}/{case.reference}/holding-replies", body)
    problem = assert_problem(answer, 400, "holding_reply_date_too_early")
    assert "The new date must be in the future." in problem["detail"]


def test_assigning_through_the_api_moves_the_case_and_its_deadlines(people, clock, officer_api):
    case = new_case(people, clock)
    answer = officer_api.post(f"{CASES}/{case.reference}/assign", {"officer": "oscar_outsider"})
    assert answer.status == 200, answer.body
    assert answer.body["assigned_to"]["username"] == "oscar_outsider"
    assert answer.body["team_id"] == people.other_team.pk
    assert case.deadlines.get().assigned_to == people.outsider
    event = case.events.get(kind=EventKind.REASSIGNED)
    assert event.actor == people.officer


def test_assigning_to_nobody_known_is_a_field_error(people, clock, officer_api):
    case = new_case(people, clock)
    assert "officer" in field_errors(
        officer_api.post(f"{CASES}/{case.reference}/assign", {"officer": "ghost"})
    )
    assert case.events.filter(kind=EventKind.REASSIGNED).count() == 0


def test_writes_are_recorded_at_the_api_clocks_time(people, clock, officer_api):
    case = new_case(people, clock)
    clock.moment += timedelta(hours=1)
    officer_api.post(f"{CASES}/{case.reference}/notes", {"text": "Later"})
    assert CaseEvent.objects.get(kind=EventKind.NOTE).at == clock.now()


def test_listing_one_customers_cases_logs_the_read_of_their_record(people, clock, api_as):
    customer = new_customer(clock)
    new_case(people, clock, customer=customer)
    api_as(people.teammate).get(CASES, customer=customer.pk)
    access = CustomerAccess.objects.get()
    assert (access.customer, access.staff, access.what) == (
        customer,
        people.teammate,
        "API: their cases",
    )


def test_a_response_to_a_case_another_officer_resolved_is_409_naming_them(
    people, clock, officer_api
):
    case = new_case(people, clock, received=at(2025, 6, 19, 10))
    case_finish(case=case, status=CaseStatus.RESOLVED, by=people.teammate, clock=clock)
    answer = officer_api.post(
        f"{CASES}/{case.reference}/responses", {"channel": "letter", "summary": "Too late"}
    )
    problem = assert_problem(answer, 409, "case_status_forbids")
    assert problem["detail"] == (  # 12:00 UTC is 13:00 in London in June
        "This case was resolved by Tia Teammate at 13:00, so you cannot record a response."
    )
    assert not case.contacts.filter(summary="Too late").exists()
