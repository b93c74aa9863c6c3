"""Acknowledging a complaint is writing to the customer: the acknowledgement starts from
its template's words, is checked as it will go, and is sent (and the stage recorded) only
from the check page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from caredesk.cases.models import Case, CaseKind, Channel, Contact, DeadlineStatus
from caredesk.cases.services import case_create, note_add
from caredesk.complaints.acknowledgements import complaint_acknowledgement_send
from caredesk.complaints.definitions import complaint_define
from caredesk.conftest import customer_case, letter_writer
from caredesk.core.active_policy import active_policy
from caredesk.customers.models import AccessibleFormat, ContactChannel, Customer
from caredesk.documents.models import CaseLetter, DocumentKind
from caredesk.errors import CaredeskError
from caredesk.mail.models import OutboundEmail

DRAFT = "Thank you for your complaint about the repair.\n\nWe will look into it."


@pytest.fixture
def complaint(people, clock) -> Case:
    letter_writer(people)
    enquiry = customer_case(
        people,
        clock,
        title="Mrs",
        first_name="Ann",
        last_name="Harris",
        email="ann@example.org",
        accessible_format=AccessibleFormat.BRAILLE,
        preferred_channel=ContactChannel.EMAIL,
    )
    case = case_create(
        kind=CaseKind.COMPLAINT,
        channel=Channel.EMAIL,
        received_at=clock.now() - timedelta(days=1),
        subject="Repairs never turned up",
        by=people.officer,
        customer=enquiry.customer,
        assign_to=people.officer,
        clock=clock,
    )
    complaint_define(
        case=case,
        points=["The repair was booked and nobody came."],
        handler=people.officer,
        by=people.officer,
        policy=active_policy(),
        clock=clock,
    )
    return case


@pytest.fixture
def officer(client, people):
    client.force_login(people.officer)
    return client


def url(case: Case) -> str:
    return reverse("complaints:acknowledgement", args=[case.reference])


def token(html: str) -> str:
    found = re.search(r'name="checked" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def open_keys(case: Case) -> set[str]:
    return set(
        case.deadlines.filter(status=DeadlineStatus.OPEN).values_list("standard_key", flat=True)
    )


def test_the_page_starts_from_the_acknowledgements_words_by_the_customers_channel(
    officer, complaint
):
    # when the case page's button opens it (a post with no text)
    page = officer.post(url(complaint), {"step": "acknowledge_1", "seen": "1"})
    html = page.content.decode()
    # then
    assert page.status_code == 200
    assert "Acknowledge the complaint at stage 1" in html
    assert "Thank you for your complaint about &quot;Repairs never turned up&quot;" in html
    assert re.search(r'value="email"[^>]*checked', html)  # she prefers email
    assert "Dear Mrs Harris" not in html  # the greeting is added, not typed


def test_checked_then_sent_by_email_records_the_stage_acknowledged(officer, complaint):
    data = {"draft": DRAFT, "medium": "email"}
    check = officer.post(url(complaint), data | {"action": "check"})
    html = check.content.decode()
    assert check.status_code == 200
    assert "The email as it will arrive" in html
    assert "We have your complaint: " in html
    assert "Dear Mrs Harris," in html
    assert "an email is not made that way" in html  # she needs Braille
    assert not OutboundEmail.objects.exists()
    assert "complaint_stage_1_acknowledge" in open_keys(complaint)
    # when
    sent = officer.post(url(complaint), data | {"action": "send", "checked": token(html)})
    # then
    assert sent.status_code == 302
    email = OutboundEmail.objects.get()
    assert email.kind == DocumentKind.COMPLAINT_ACKNOWLEDGEMENT
    assert email.to_address == "ann@example.org"
    assert email.body.count("We will look into it.") == 1
    assert open_keys(complaint) == {"complaint_stage_1_response"}
    assert Contact.objects.filter(case=complaint, channel=Channel.EMAIL, direction="outbound")


def test_the_letter_is_shown_as_it_will_print_with_braille_and_sent_from_there(officer, complaint):
    data = {"draft": DRAFT, "medium": "letter"}
    html = officer.post(url(complaint), data | {"action": "check"}).content.decode()
    assert "The letter as it will print" in html
    assert "Also sent in Braille." in html
    officer.post(url(complaint), data | {"action": "send", "checked": token(html)})
    letter = CaseLetter.objects.get()
    assert letter.kind == DocumentKind.COMPLAINT_ACKNOWLEDGEMENT
    assert letter.body == DRAFT
    assert "complaint_stage_1_response" in open_keys(complaint)


def test_a_send_that_never_passed_the_check_page_is_refused(officer, complaint):
    sent = officer.post(url(complaint), {"draft": DRAFT, "medium": "email", "action": "send"})
    assert sent.status_code == 400
    assert "Check the acknowledgement before you send it" in sent.content.decode()
    assert not OutboundEmail.objects.exists()
    assert "complaint_stage_1_acknowledge" in open_keys(complaint)


def test_a_text_changed_after_the_check_must_be_checked_again(officer, complaint):
    data = {"draft": DRAFT, "medium": "email"}
    html = officer.post(url(complaint), data | {"action": "check"}).content.decode()
    changed = data | {"draft": DRAFT + " Sooner.", "action": "send", "checked": token(html)}
    sent = officer.post(url(complaint), changed)
    assert sent.status_code == 400
    assert not OutboundEmail.objects.exists()


def test_a_checked_acknowledgement_is_sent_once_however_often_send_is_pressed(officer, complaint):
    data = {"draft": DRAFT, "medium": "email"}
    html = officer.post(url(complaint), data | {"action": "check"}).content.decode()
    send = data | {"action": "send", "checked": token(html)}
    assert officer.post(url(complaint), send).status_code == 302
    again = officer.post(url(complaint), send)
    assert again.status_code == 302  # nothing is waiting to be acknowledged now
    assert OutboundEmail.objects.count() == 1


def test_a_case_changed_between_the_check_and_the_send_must_be_checked_again(
    officer, complaint, people
):
    data = {"draft": DRAFT, "medium": "email"}
    html = officer.post(url(complaint), data | {"action": "check"}).content.decode()
    note_add(case=complaint, text="Rang the contractor", by=people.teammate)
    sent = officer.post(url(complaint), data | {"action": "send", "checked": token(html)})
    assert sent.status_code == 400
    assert "The case has changed since you checked the acknowledgement" in sent.content.decode()
    assert not OutboundEmail.objects.exists()


def test_a_repeated_greeting_and_sign_off_are_flagged_on_the_check_page(officer, complaint):
    draft = f"Dear Mrs Harris,\n\n{DRAFT}\n\nYours sincerely"
    data = {"draft": draft, "medium": "letter", "action": "check"}
    html = officer.post(url(complaint), data).content.decode()
    assert "These lines would be sent twice" in html
    assert "“Dear Mrs Harris,”" in html
    assert "“Yours sincerely”" in html


def test_a_case_with_nothing_to_acknowledge_goes_back_to_the_case(officer, people, clock):
    letter_writer(people)
    enquiry = customer_case(people, clock)
    page = officer.get(url(enquiry))
    assert page.status_code == 302
    assert page.url == reverse("cases:case", args=[enquiry.reference])


def test_the_service_refuses_a_stage_the_complaint_is_not_waiting_for(people, complaint, clock):
    with pytest.raises(CaredeskError, match="not waiting to be acknowledged at stage 2"):
        complaint_acknowledgement_send(
            case=complaint,
            stage=2,
            draft=DRAFT,
            by_email=True,
            by=people.officer,
            policy=active_policy(),
            clock=clock,
        )
    assert not OutboundEmail.objects.exists()


def test_a_letter_to_a_customer_without_an_email_needs_no_address(officer, complaint):
    Customer.objects.filter(pk=complaint.customer_id).update(email="")
    page = officer.get(url(complaint)).content.decode()
    assert "There is no email address for this customer." in page
