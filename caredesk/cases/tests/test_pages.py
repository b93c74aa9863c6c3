"""The staff desk pages: what officers, administrators and line managers see and do."""

import html
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from caredesk.cases.models import (
    Case,
    CaseKind,
    CaseStatus,
    Channel,
    DeadlineStatus,
    EventKind,
)
from caredesk.cases.services import case_create
from caredesk.conftest import letter_writer
from caredesk.customers.models import AccessibleFormat, CustomerAccess, CustomerType
from caredesk.customers.services import customer_create
from caredesk.staff.models import AbsenceKind
from caredesk.staff.services import absence_record

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2025, 6, 20, 12, 0, tzinfo=LONDON)  # a Friday, office open


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def customer(db):
    return customer_create(
        customer_type=CustomerType.TENANT,
        first_name="Aisha",
        last_name="Begum",
        phone="01928 123456",
        postcode="wa7 1ab",
        email="aisha@example.net",
        accessible_format=AccessibleFormat.LARGE_PRINT,
        language="Bengali",
        interpreter_needed=True,
    )


def letter(people, customer=None, *, received=None, to=None, subject="Fence panel blown down"):
    return case_create(
        kind=CaseKind.GENERAL_ENQUIRY,
        channel=Channel.LETTER,
        received_at=received or NOW - timedelta(days=1),
        subject=subject,
        customer=customer,
        assign_to=to or people.officer,
        by=people.administrator,
    )


def signed_in(client, person):
    client.force_login(person)
    return client


def text(response) -> str:
    return " ".join(response.content.decode().split())


# -- signing in -------------------------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_sign_in(client, people):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff:login"))


def test_signing_in_with_the_right_password_opens_my_work(client, people):
    response = client.post(
        reverse("staff:login"),
        {"username": "olu_officer", "password": "correct horse battery staple"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("cases:my_work")
    assert "<h1>My work</h1>" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "landing"),
    [
        ("officer", "cases:my_work"),
        ("data_protection_officer", "cases:my_work"),
        ("performance_analyst", "reporting:dashboard"),
        ("scrutiny_panel", "reporting:scrutiny"),
        ("system_administrator", "notifications:list"),
    ],
)
def test_each_role_lands_on_its_own_starting_page(client, people, role, landing):
    from caredesk.conftest import make_staff
    from caredesk.staff.models import Role

    person = make_staff("sam_" + role, Role(role))
    response = signed_in(client, person).get(reverse("staff:home"))
    assert response["Location"] == reverse(landing)


def test_a_wrong_password_says_so_and_stays_signed_out(client, people):
    response = client.post(reverse("staff:login"), {"username": "olu_officer", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in text(response)
    assert "_auth_user_id" not in client.session


# -- queues ---------------------------------------------------------------------------


def test_my_work_lists_my_deadlines_soonest_first_and_says_which_are_overdue(
    client, people, customer
):
    late = letter(people, customer, received=NOW - timedelta(days=30), subject="Old letter")
    recent = letter(people, customer, received=NOW - timedelta(hours=2), subject="New letter")
    letter(people, customer, to=people.teammate, subject="Someone else's letter")
    page = text(signed_in(client, people.officer).get("/"))
    assert page.index(late.reference) < page.index(recent.reference)
    assert "Overdue by" in page  # in words, not only colour
    assert "Due in" in page
    assert "Someone else" not in page


def test_my_work_pages_by_keyset_without_losing_or_repeating_a_row(client, people):
    cases = [letter(people, received=NOW - timedelta(days=d, hours=1)) for d in range(60)]
    client = signed_in(client, people.officer)
    seen, url, pages = [], "/", 0
    while url and pages < 5:
        body = client.get(url).content.decode()
        seen += [c.reference for c in cases if c.reference in body]
        link = re.search(r'href="(\?after=[^"]+)">Next page', body)
        url = "/" + html.unescape(link.group(1)) if link else ""
        pages += 1
    assert pages == 2  # 50 a page
    assert sorted(seen) == sorted(c.reference for c in cases)
    assert len(seen) == len(set(seen))


def test_the_team_queue_shows_the_team_and_not_other_teams(client, people):
    mine = letter(people, to=people.teammate)
    theirs = letter(people, to=people.outsider)
    page = text(signed_in(client, people.officer).get(reverse("cases:team_queue")))
    assert mine.reference in page
    assert theirs.reference not in page


def test_the_office_queue_shows_every_team_in_the_office(client, people):
    ours = letter(people, to=people.teammate)
    repairs = letter(people, to=people.outsider)  # another team, same office
    people.officer.office = people.team.office
    people.officer.save()
    page = text(signed_in(client, people.officer).get(reverse("cases:office_queue")))
    assert ours.reference in page
    assert repairs.reference in page


def test_the_overdue_list_shows_only_what_has_passed(client, people):
    late = letter(people, received=NOW - timedelta(days=40))
    in_time = letter(people, received=NOW - timedelta(hours=1))
    page = text(signed_in(client, people.officer).get(reverse("cases:overdue")))
    assert late.reference in page
    assert in_time.reference not in page


# -- logging a contact ------------------------------------------------------------------


def test_logging_a_phone_call_creates_the_case_and_it_appears_in_my_work(client, people, customer):
    client = signed_in(client, people.officer)
    form = client.get(reverse("cases:log_contact"), {"channel": "phone", "customer": customer.pk})
    assert "Sorted out during the call" in text(form)
    response = client.post(
        reverse("cases:log_contact"),
        {
            "channel": "phone",
            "customer": customer.pk,
            "kind": "general_enquiry",
            "subject": "Damp in the bedroom",
            "description": "Black mould on the north wall",
            "received_at": "2025-06-20T11:55",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:case", args=[case.reference])
    assert case.channel == Channel.PHONE
    assert case.customer == customer
    assert case.assigned_to == people.officer
    assert case.received_at == datetime(2025, 6, 20, 10, 55, tzinfo=ZoneInfo("UTC"))
    follow_up = case.deadlines.get(standard_key="phone_written_follow_up")
    assert follow_up.status == DeadlineStatus.OPEN
    assert case.reference in text(client.get("/"))


def test_urgent_says_it_goes_to_the_line_manager_only_where_the_policy_promises_it(
    client, people, settings
):
    client = signed_in(client, people.officer)
    url = reverse("cases:log_contact")
    assert "pass it to their line manager" not in text(client.get(url, {"channel": "message"}))
    settings.CAREDESK_POLICY = "stonewall"  # 2.8: urgent messages go to the line manager
    assert "pass it to their line manager now" in text(client.get(url, {"channel": "message"}))


def test_the_form_for_a_message_asks_who_it_is_for_and_whether_it_is_urgent(client, people):
    page = text(
        signed_in(client, people.officer).get(reverse("cases:log_contact"), {"channel": "message"})
    )
    assert "Who is the message for?" in page
    assert "Urgent" in page
    assert "Sorted out during the call" not in page


def test_a_message_for_an_away_officer_goes_to_their_cover_and_says_so(client, people):
    absence_record(
        staff=people.officer,
        kind=AbsenceKind.ANNUAL_LEAVE,
        first_day=date(2025, 6, 16),
        last_day=date(2025, 6, 27),
        cover=people.teammate,
        by=people.administrator,
    )
    response = signed_in(client, people.administrator).post(
        reverse("cases:log_contact"),
        {
            "channel": "message",
            "kind": "message",
            "subject": "Please call back about the rent",
            "received_at": "2025-06-20T11:00",
            "message_for": people.officer.pk,
            "urgent": "on",
        },
        follow=True,
    )
    case = Case.objects.get()
    assert case.assigned_to == people.teammate
    assert case.urgent
    assert f"{people.officer} is away, so it has gone to {people.teammate}" in text(response)


def test_the_message_form_shows_who_is_away_and_who_has_their_work(client, people):
    absence_record(
        staff=people.officer,
        kind=AbsenceKind.ANNUAL_LEAVE,
        first_day=date(2025, 6, 16),
        last_day=date(2025, 6, 27),
        cover=people.teammate,
        by=people.administrator,
    )
    page = text(
        signed_in(client, people.administrator).get(
            reverse("cases:log_contact"), {"channel": "message"}
        )
    )
    assert (
        f"{people.officer}, Tenancy Officer (away until 27 June: goes to {people.teammate})" in page
    )


def test_a_contact_with_a_mistake_keeps_what_was_typed_and_names_the_field(client, people):
    response = signed_in(client, people.officer).post(
        reverse("cases:log_contact"),
        {"channel": "letter", "kind": "general_enquiry", "subject": "", "received_at": "yesterday"},
    )
    page = text(response)
    assert response.status_code == 400
    assert "There is a problem" in page
    assert 'href="#id_subject"' in page
    assert 'href="#id_received_at"' in page
    assert Case.objects.count() == 0


def test_a_contact_cannot_be_logged_in_the_future(client, people):
    response = signed_in(client, people.officer).post(
        reverse("cases:log_contact"),
        {
            "channel": "letter",
            "kind": "general_enquiry",
            "subject": "x",
            "received_at": "2025-06-21T09:00",
        },
    )
    assert response.status_code == 400
    assert "cannot be received in the future" in text(response)


def test_the_customer_search_on_the_log_form_answers_htmx_with_a_fragment(client, people, customer):
    response = signed_in(client, people.officer).get(
        reverse("cases:log_contact"), {"channel": "phone", "q": "WA71AB"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "<html" not in body
    assert "Aisha Begum" in body
    assert f"customer={customer.pk}" in body


# -- the case page --------------------------------------------------------------------


def test_the_case_page_shows_the_customers_needs_deadlines_and_timeline(client, people, customer):
    case = letter(people, customer)
    page = text(signed_in(client, people.officer).get(reverse("cases:case", args=[case.reference])))
    assert "Needs letters and information in large print" in page
    assert "Needs an interpreter" in page
    assert "Replies to letters and emails" in page or "letter" in page.lower()
    assert "Due in" in page
    assert "Case created" in page


def test_reading_a_case_is_logged_against_the_customer(client, people, customer):
    case = letter(people, customer)
    signed_in(client, people.teammate).get(reverse("cases:case", args=[case.reference]))
    access = CustomerAccess.objects.get(staff=people.teammate)
    assert access.customer == customer
    assert access.what == f"case {case.reference}"


def test_an_unknown_reference_is_not_found(client, people):
    assert signed_in(client, people.officer).get("/cases/HHT-2025-999999/").status_code == 404


def test_recording_the_response_meets_the_deadline(client, people, customer):
    case = letter(people, customer)
    response = signed_in(client, people.officer).post(
        reverse("cases:respond", args=[case.reference]),
        {"channel": "letter", "summary": "Fence to be repaired on 1 July"},
        follow=True,
    )
    deadline = case.deadlines.get(standard_key="letter_email_response")
    assert deadline.status == DeadlineStatus.MET
    assert "Response recorded" in text(response)
    assert "Met on time" in text(response)


def test_a_holding_reply_from_the_page_revises_the_date(client, people, customer):
    case = letter(people, customer)
    officer = signed_in(client, people.officer)
    url = reverse("mail:holding_reply", args=[case.reference])
    check = officer.post(
        url,
        {
            "deadline": case.deadlines.get().pk,
            "reason": "Waiting for the contractor's report",
            "revised_by": "12 working days",
        },
    ).content.decode()  # the check page: what will be sent
    shown = re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', check)
    checked = {name: html.unescape(value) for name, value in shown}  # as Send posts it
    assert checked["revised_by"] == "2025-07-08T17:00"  # the date the check page showed
    response = officer.post(url, checked | {"action": "send"}, follow=True)
    deadline = case.deadlines.get()
    # sent Friday 20 June at noon: twelve working days on is Tuesday 8 July, at close
    assert deadline.revised_due_at == datetime(2025, 7, 8, 17, 0, tzinfo=LONDON)
    assert "New response date: Tuesday 08 July 2025, 17:00" in text(response)
    assert case.events.filter(kind=EventKind.HOLDING_REPLY).count() == 1


def test_a_holding_reply_without_a_reason_is_refused_by_the_field(client, people, customer):
    case = letter(people, customer)
    response = signed_in(client, people.officer).post(
        reverse("mail:holding_reply", args=[case.reference]),
        {"deadline": case.deadlines.get().pk, "reason": "", "revised_by": "next week"},
    )
    assert response.status_code == 400
    page = text(response)
    assert "Enter the reason for the delay" in page
    assert "This field is required" not in page
    assert case.deadlines.get().revised_due_at is None


def test_notes_assigning_and_resolving_from_the_page(client, people, customer):
    case = letter(people, customer)
    client = signed_in(client, people.officer)
    url = lambda name: reverse(f"cases:{name}", args=[case.reference])  # noqa: E731
    client.post(url("note"), {"text": "Spoke to the caretaker"})
    client.post(url("assign"), {"officer": people.teammate.pk})
    client.post(url("finish"), {"status": "resolved", "outcome": "Sorted out", "confirmed": "True"})
    case.refresh_from_db()
    assert case.assigned_to == people.teammate
    assert case.status == CaseStatus.RESOLVED
    kinds = list(case.events.values_list("kind", flat=True))
    assert EventKind.NOTE in kinds
    assert EventKind.REASSIGNED in kinds
    assert case.deadlines.get().status == DeadlineStatus.ENDED_UNMET


def test_waiting_for_the_customer_and_resuming(client, people, customer):
    sar = case_create(
        kind=CaseKind.SUBJECT_ACCESS_REQUEST,
        channel=Channel.EMAIL,
        received_at=NOW - timedelta(days=2),
        subject="Copy of my file",
        customer=customer,
        assign_to=people.officer,
        by=people.officer,
    )
    client = signed_in(client, people.officer)
    client.post(reverse("cases:wait", args=[sar.reference]), {"reason": "identity_check"})
    assert sar.deadlines.get().status == DeadlineStatus.PAUSED
    page = text(client.get(reverse("cases:case", args=[sar.reference])))
    assert "Paused" in page
    assert "restart the clocks" in page
    client.post(reverse("cases:resume", args=[sar.reference]))
    assert sar.deadlines.get().status == DeadlineStatus.OPEN


def test_a_data_protection_officer_reads_cases_but_has_no_actions(client, people, customer):
    dpo = people.data_protection_officer
    case = letter(people, customer)
    page = text(signed_in(client, dpo).get(reverse("cases:case", args=[case.reference])))
    assert case.subject in page
    assert "Record the response" not in page
    refused = client.post(reverse("cases:note", args=[case.reference]), {"text": "x"})
    assert refused.status_code == 403


# -- search and the customer page -----------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["Begum", "Aisha Begum", "WA7 1AB", "wa71ab", "+44 1928 123456", "aisha@example.net"]
)
def test_search_finds_a_customer_by_name_postcode_phone_or_email(client, people, customer, query):
    page = text(signed_in(client, people.officer).get(reverse("search:search"), {"q": query}))
    assert reverse("customers:customer", args=[customer.pk]) in page


def test_search_by_reference_opens_the_case(client, people):
    case = letter(people)
    response = signed_in(client, people.officer).get(
        reverse("search:search"), {"q": case.reference.lower()}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:case", args=[case.reference])


def test_the_customer_page_lists_all_their_cases_and_logs_the_read(client, people, customer):
    first, second = letter(people, customer), letter(people, customer, subject="Second letter")
    page = text(
        signed_in(client, people.officer).get(reverse("customers:customer", args=[customer.pk]))
    )
    assert first.reference in page
    assert second.reference in page
    assert "Needs letters and information in large print" in page
    assert CustomerAccess.objects.filter(staff=people.officer, what="customer page").exists()


# -- the line manager's view ------------------------------------------------------------------


def test_the_manager_sees_breaches_of_their_people_and_who_is_away(client, people):
    late = letter(people, received=NOW - timedelta(days=40))
    due_while_away = letter(people, to=people.teammate, received=NOW - timedelta(days=10))
    absence_record(
        staff=people.teammate,
        kind=AbsenceKind.SICKNESS,
        first_day=date(2025, 6, 19),
        last_day=date(2025, 7, 4),
        out_of_office_message="Please call Lena on 0151 000 0000",
        by=people.line_manager,
    )
    page = text(signed_in(client, people.line_manager).get(reverse("cases:manager")))
    assert late.reference in page
    assert "Overdue by" in page
    assert f"{people.teammate}: sickness until Friday 4 July" in page
    assert "Please call Lena" in page
    assert due_while_away.reference in page.split("Away", 1)[1]


def test_an_officer_cannot_open_the_managers_view(client, people):
    assert signed_in(client, people.officer).get(reverse("cases:manager")).status_code == 403


def test_a_complaint_moves_through_its_stages_from_the_case_page(client, people, customer):
    complaint = case_create(
        kind=CaseKind.COMPLAINT,
        channel=Channel.EMAIL,
        received_at=NOW - timedelta(days=3),
        subject="Repairs never turned up",
        customer=customer,
        assign_to=people.officer,
        by=people.officer,
    )
    client = signed_in(client, people.officer)
    url = reverse("cases:complaint_step", args=[complaint.reference])
    page = reverse("cases:case", args=[complaint.reference])

    def open_keys():
        return set(
            complaint.deadlines.filter(status=DeadlineStatus.OPEN).values_list(
                "standard_key", flat=True
            )
        )

    letter_writer(people)
    acknowledge = reverse("complaints:acknowledgement", args=[complaint.reference])

    def defined(handler):  # the complaints app's page: defined before it is acknowledged
        define = reverse("complaints:define", args=[complaint.reference])
        sent = {"points": "Nobody came to the repair.", "handler": handler.pk}
        assert client.post(define, sent).status_code == 302

    def acknowledged_by_letter(draft):  # the acknowledgement page: write, check, send
        check = client.post(acknowledge, {"draft": draft, "medium": "letter", "action": "check"})
        checked = re.search(r'name="checked" value="([^"]+)"', check.content.decode())
        assert checked is not None
        sent = {"draft": draft, "medium": "letter", "action": "send"}
        assert client.post(acknowledge, sent | {"checked": checked.group(1)}).status_code == 302

    assert "Acknowledge at stage 1" in text(client.get(page))
    refused = client.post(url, {"step": "acknowledge_1"})  # only by writing to the customer
    assert refused.status_code == 400
    assert open_keys() == {"complaint_stage_1_acknowledge"}
    defined(people.officer)
    acknowledged_by_letter("We have your complaint.")
    assert open_keys() - {"translation"} == {"complaint_stage_1_response"}  # she reads Bengali
    assert "The customer asks for stage 2" in text(client.get(page))
    client.post(url, {"step": "escalate"})
    assert "complaint_stage_2_acknowledge" in open_keys()
    defined(people.line_manager)  # stage 2: someone other than stage 1's handler
    acknowledged_by_letter("We have your request for stage 2.")
    assert "complaint_stage_2_response" in open_keys()
    assert "Complaints procedure" not in text(client.get(page))


def test_a_closed_case_takes_no_response_and_cannot_be_resumed(client, people, customer):
    case = letter(people, customer)
    client = signed_in(client, people.officer)
    client.post(
        reverse("cases:finish", args=[case.reference]),
        {"status": "closed", "outcome": "Sorted out", "confirmed": "True"},
    )
    responded = client.post(
        reverse("cases:respond", args=[case.reference]), {"channel": "letter", "summary": "Late"}
    )
    resumed = client.post(reverse("cases:resume", args=[case.reference]))
    case.refresh_from_db()
    assert responded.status_code == resumed.status_code == 400
    closed = "This case was closed by Olu Officer at 12:00"
    assert f"{closed}, so you cannot record a response." in text(responded)
    assert f"{closed}, so you cannot restart its clocks." in text(resumed)
    assert case.status == CaseStatus.CLOSED
    assert not case.contacts.filter(summary="Late").exists()


def test_a_resolved_case_can_still_be_closed(client, people, customer):
    case = letter(people, customer)
    client = signed_in(client, people.officer)
    client.post(
        reverse("cases:finish", args=[case.reference]),
        {"status": "resolved", "outcome": "Sorted out", "confirmed": "True"},
    )
    assert "Close the case" in text(client.get(reverse("cases:case", args=[case.reference])))
    client.post(
        reverse("cases:finish", args=[case.reference]),
        {"status": "closed", "outcome": "Sorted out", "confirmed": "True"},
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


def test_work_goes_only_to_people_who_take_casework(client, people, customer):
    from caredesk.conftest import make_staff
    from caredesk.staff.models import Role

    analyst = make_staff("pam_analyst", Role.PERFORMANCE_ANALYST)
    case = letter(people, customer)
    client = signed_in(client, people.officer)
    page = text(client.get(reverse("cases:case", args=[case.reference])))
    assert "Pam Analyst" not in page
    refused = client.post(reverse("cases:assign", args=[case.reference]), {"officer": analyst.pk})
    case.refresh_from_db()
    assert refused.status_code == 400
    assert case.assigned_to == people.officer


def test_the_customer_page_shows_the_most_recent_cases_when_there_are_many(
    client, people, customer, monkeypatch
):
    monkeypatch.setattr("caredesk.customers.views.CASES_SHOWN", 2)
    oldest, middle, newest = (
        letter(people, customer, received=NOW - timedelta(days=d)) for d in (3, 2, 1)
    )
    page = text(
        signed_in(client, people.officer).get(reverse("customers:customer", args=[customer.pk]))
    )
    assert "The 2 most recent of 3" in page
    assert newest.reference in page
    assert middle.reference in page
    assert oldest.reference not in page


def test_a_call_in_the_hour_the_clocks_go_back_is_read_as_the_first_such_time(client, people):
    with time_machine.travel(datetime(2025, 10, 27, 12, 0, tzinfo=LONDON), tick=False):
        response = signed_in(client, people.officer).post(
            reverse("cases:log_contact"),
            {
                "channel": "phone",
                "kind": "general_enquiry",
                "subject": "Out-of-hours call",
                "received_at": "2025-10-26T01:30",  # happens twice that night
            },
        )
    assert response.status_code == 302
    # the first 01:30 is summer time: 00:30 UTC
    assert Case.objects.get().received_at == datetime(2025, 10, 26, 0, 30, tzinfo=ZoneInfo("UTC"))


def test_a_time_in_the_hour_the_clocks_go_forward_is_explained(client, people):
    with time_machine.travel(datetime(2025, 4, 1, 12, 0, tzinfo=LONDON), tick=False):
        response = signed_in(client, people.officer).post(
            reverse("cases:log_contact"),
            {
                "channel": "phone",
                "kind": "general_enquiry",
                "subject": "Night call",
                "received_at": "2025-03-30T01:30",  # never happened
            },
        )
    assert response.status_code == 400
    assert "There was no 01:30 on 30 March 2025 in UK time: the clocks went forward" in text(
        response
    )
    assert not Case.objects.exists()


@pytest.mark.parametrize(("days", "told"), [(1, False), (2, True)])
def test_on_the_phone_stonewall_staff_are_told_who_is_away_more_than_24_hours(
    client, people, settings, days, told
):
    settings.CAREDESK_POLICY = "stonewall"
    absence_record(
        staff=people.teammate,
        kind=AbsenceKind.TRAINING,
        first_day=date(2025, 6, 20),
        last_day=date(2025, 6, 20) + timedelta(days=days - 1),
        by=people.administrator,
    )
    page = text(
        signed_in(client, people.officer).get(reverse("cases:log_contact"), {"channel": "phone"})
    )
    assert ("Away: tell the caller" in page) is told
    assert (f"{people.teammate} is away until" in page) is told
