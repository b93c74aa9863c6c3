"""The mail pages: an email as it came, the review list and the letters register."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils.html import escape

from caredesk.cases.models import Case, Deadline
from caredesk.core.store import store_get
from caredesk.core.tests.files import PLAIN_PDF
from caredesk.customers.models import CustomerAccess, CustomerType
from caredesk.customers.services import customer_create
from caredesk.mail.models import InboundEmail, ReceivedLetter, Threading
from caredesk.mail.services import email_receive
from caredesk.mail.tests.test_services import parkable
from caredesk.standards import load_policy

HALTON = load_policy("halton")
MESSAGES = Path(__file__).parent / "messages"


def receive(name: str, clock) -> InboundEmail:
    raw = (MESSAGES / name).read_bytes()
    return email_receive(raw=raw, source=name, policy=HALTON, clock=clock).email


@pytest.fixture
def officer_client(client, people):
    client.force_login(people.officer)
    return client


def test_an_email_shows_what_it_says_its_attachments_and_the_read_is_recorded(
    officer_client, people, clock
):
    customer_create(customer_type=CustomerType.TENANT, first_name="Alex", email="alex@example.com")
    email = receive("inline_image.eml", clock)
    page = officer_client.get(reverse("mail:email", args=[email.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert email.subject in html
    for attachment in email.attachments.all():
        assert reverse("mail:attachment", args=[attachment.pk]) in html
    assert CustomerAccess.objects.filter(staff=people.officer, what=f"email {email.pk}").exists()


def test_an_attachment_downloads_as_a_file_and_the_read_is_recorded(officer_client, people, clock):
    customer_create(
        customer_type=CustomerType.TENANT, first_name="Chris", email="chris.lee@example.org"
    )
    email = receive("forwarded.eml", clock)
    attachment = email.attachments.get(file_name="tenancy agreement.pdf")
    response = officer_client.get(reverse("mail:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == store_get(attachment.sha256)
    assert CustomerAccess.objects.filter(
        staff=people.officer, what="attachment tenancy agreement.pdf"
    ).exists()


def test_the_email_downloads_exactly_as_it_came(officer_client, clock):
    email = receive("broken_mime.eml", clock)
    response = officer_client.get(reverse("mail:email_raw", args=[email.pk]))
    assert b"".join(response.streaming_content) == (MESSAGES / "broken_mime.eml").read_bytes()
    assert response["Content-Type"] == "message/rfc822"


def test_machine_mail_waits_on_the_review_list_until_someone_decides(officer_client, clock):
    bulk = receive("bulk.eml", clock)
    auto = receive("auto_reply.eml", clock)
    page = officer_client.get(reverse("mail:review")).content.decode()
    assert bulk.subject in page
    assert auto.subject in page
    # nothing to do about the bulk mail
    officer_client.post(reverse("mail:review_decide", args=[bulk.pk]), {"decision": "dismiss"})
    # the out-of-office had a real question in it: a case is opened
    opened = officer_client.post(
        reverse("mail:review_decide", args=[auto.pk]), {"decision": "open_case"}
    )
    case = Case.objects.get()
    assert opened["Location"] == reverse("cases:case", args=[case.reference])
    auto.refresh_from_db()
    assert (auto.case, auto.threading) == (case, Threading.NEW_CASE)
    assert case.received_at == auto.received_at
    page = officer_client.get(reverse("mail:review")).content.decode()
    assert "There is nothing to review." in page


def test_a_letter_logged_with_its_scan_opens_a_case_whose_deadline_runs_from_arrival(
    officer_client, people
):
    response = officer_client.post(
        reverse("mail:letters"),
        {
            "sender": "Mrs P. Hughes",
            "subject": "Damp in the back bedroom",
            "received_at": "02/06/2025 09:30",
            "route_to": people.officer.pk,
            "scan": _upload("scan.pdf", PLAIN_PDF),
        },
    )
    assert response.status_code == 302
    letter = ReceivedLetter.objects.get()
    case = letter.case
    assert (case.channel, case.subject, case.assigned_to) == (
        "letter",
        "Damp in the back bedroom",
        people.officer,
    )
    assert case.received_at == datetime(2025, 6, 2, 8, 30, tzinfo=UTC)  # 09:30 in London
    deadline = Deadline.objects.get(case=case, standard_key="letter_email_response")
    assert deadline.starts_at == case.received_at
    assert store_get(letter.scan_sha256) == PLAIN_PDF
    register = officer_client.get(reverse("mail:letters")).content.decode()
    assert "Mrs P. Hughes" in register
    assert reverse("mail:letter_scan", args=[letter.pk]) in register


def test_a_letter_about_a_case_is_added_to_it(officer_client, people, clock):
    case = receive("plain.eml", clock).case
    assert case is not None
    officer_client.post(
        reverse("mail:letters"),
        {"sender": "Jo Bloggs", "received_at": "03/06/2025", "reference": case.reference.lower()},
    )
    letter = ReceivedLetter.objects.get()
    assert letter.case == case
    assert case.contacts.filter(channel="letter", direction="inbound").exists()


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"sender": "", "received_at": "02/06/2025"}, "Enter who the letter is from"),
        ({"sender": "A", "received_at": "yesterday"}, "Enter a valid date/time"),
        ({"sender": "A", "received_at": "02/06/2099"}, "cannot be received in the future"),
        ({"sender": "A", "received_at": "02/06/2025", "reference": "HHT-1999-000001"}, "no case"),
        (
            {"sender": "A", "received_at": "02/06/2025", "scan": "word"},
            "letter.docx: This file is not a PDF or an image",
        ),
    ],
)
def test_a_letter_that_cannot_be_logged_says_why_and_logs_nothing(officer_client, fields, says):
    if fields.get("scan") == "word":
        fields["scan"] = _upload("letter.docx", b"PK\x03\x04 not a scan")
    response = officer_client.post(reverse("mail:letters"), fields)
    assert response.status_code == 400
    assert says in response.content.decode()
    assert not ReceivedLetter.objects.exists()
    assert not Case.objects.exists()


def _upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_the_register_records_who_saw_it(officer_client, people):
    customer = customer_create(customer_type=CustomerType.TENANT, first_name="Pat")
    officer_client.post(
        reverse("mail:letters"),
        {"sender": "Pat", "received_at": "02/06/2025 09:30"},
    )
    case = Case.objects.get()
    case.customer = customer
    case.save()
    officer_client.get(reverse("mail:letters"))
    assert CustomerAccess.objects.filter(
        customer=customer, staff=people.officer, what="letters register"
    ).exists()


def test_a_letter_for_a_closed_case_is_refused(officer_client, people, clock):
    from caredesk.cases.services import case_finish

    case = receive("plain.eml", clock).case
    assert case is not None
    case_finish(case=case, status="closed", by=people.officer, clock=clock)
    response = officer_client.post(
        reverse("mail:letters"),
        {"sender": "Jo", "received_at": "03/06/2025", "reference": case.reference},
    )
    assert response.status_code == 400
    assert "leave the reference empty" in response.content.decode()


def test_a_scan_over_25_mb_is_refused_before_it_is_read(officer_client):
    big = _upload("scan.pdf", b"%PDF-" + b"0" * (25 * 1024 * 1024))
    response = officer_client.post(
        reverse("mail:letters"), {"sender": "A", "received_at": "02/06/2025", "scan": big}
    )
    assert response.status_code == 400
    assert "it must be 25 MB or smaller" in response.content.decode()


def test_an_email_is_taken_off_the_review_list_once(people, clock):
    from caredesk.mail.services import ReviewError, email_review_dismiss, email_review_open_case

    bulk = receive("bulk.eml", clock)
    stale = InboundEmail.objects.get(pk=bulk.pk)  # a second person's page, loaded before
    email_review_dismiss(email=bulk, by=people.officer, clock=clock)
    with pytest.raises(ReviewError, match="someone has dealt with it"):
        email_review_open_case(email=stale, by=people.teammate, policy=HALTON, clock=clock)
    assert not Case.objects.exists()


def test_a_parked_email_is_on_the_review_list_with_why_and_can_become_a_case(officer_client, clock):
    parked = email_receive(raw=parkable(), source="t", policy=HALTON, clock=clock).email
    page = officer_client.get(reverse("mail:review")).content.decode()
    assert "Photos of the damp" in page
    assert "Could not be saved as an email: " in page
    assert "parked" not in page.replace(escape(parked.parked_reason), "").lower()
    assert escape(parked.parked_reason) in page
    assert reverse("mail:email_raw", args=[parked.pk]) in page
    detail = officer_client.get(reverse("mail:email", args=[parked.pk])).content.decode()
    assert "Why it could not be saved as an email" in detail
    # someone reads it as it came: a person's request, so a case is opened
    officer_client.post(reverse("mail:review_decide", args=[parked.pk]), {"decision": "open_case"})
    case = Case.objects.get()
    assert "could not be read when it came" in case.contacts.get().summary
    parked.refresh_from_db()
    assert (parked.case, parked.threading) == (case, Threading.NEW_CASE)
    assert (
        "There is nothing to review." in officer_client.get(reverse("mail:review")).content.decode()
    )
