"""The reply page (a letter or an email, with the plain-English check) and the holding
reply from the case page."""

import re

import pytest
from django.urls import reverse

from caredesk.conftest import customer_case, letter_writer
from caredesk.customers.models import AccessibleFormat
from caredesk.documents.models import CaseLetter
from caredesk.documents.services import letter_formats_make
from caredesk.standards import load_policy

HALTON = load_policy("halton")


@pytest.fixture
def case(people, clock):
    letter_writer(people)
    return customer_case(
        people,
        clock,
        subject="Rent statement",
        title="Mr",
        first_name="Tomasz",
        last_name="Nowak",
        address="",
        postcode="",
        language="Polish",
        accessible_format=AccessibleFormat.LARGE_PRINT,
    )


def checked_and_sent(client, case, data):
    """Write, check (the page shows what will go) and send from the check page."""
    url = reverse("mail:reply", args=[case.reference])
    check = client.post(url, data | {"action": "check"})
    assert check.status_code == 200, check.content.decode()
    found = re.search(r'name="checked" value="([^"]+)"', check.content.decode())
    assert found is not None
    token = found.group(1)
    return client.post(url, data | {"action": "send", "checked": token})


@pytest.fixture
def officer_client(client, people):
    client.force_login(people.officer)
    return client


def test_checking_the_wording_shows_the_jargon_and_plainer_words(officer_client, case):
    draft = "Please utilise the portal to rectify your arrears forthwith."
    page = officer_client.post(
        reverse("mail:reply", args=[case.reference]),
        {"draft": draft, "medium": "letter", "action": "wording"},
    )
    assert page.status_code == 200
    html = page.content.decode()
    for jargon in ("utilise", "rectify", "arrears", "forthwith"):
        assert f"“{jargon}”" in html
    assert "“use”" in html
    assert not CaseLetter.objects.exists()


def test_sending_the_letter_records_it_and_the_case_shows_it_with_its_files(
    officer_client, people, case, clock
):
    response = checked_and_sent(
        officer_client, case, {"draft": "Your rent statement is enclosed.", "medium": "letter"}
    )
    assert response["Location"] == reverse("cases:case", args=[case.reference])
    written = CaseLetter.objects.get()
    assert written.signed_by == people.officer
    letter_formats_make(letter_id=written.pk, policy=HALTON, clock=clock)
    page = officer_client.get(
        reverse("cases:case", args=[case.reference]) + "?panels=all"
    ).content.decode()
    assert written.subject in page
    for document in written.documents.all():
        assert reverse("documents:file", args=[document.pk]) in page
    assert "Large print (PDF)" in page
    assert "Translation into Polish: with the translator" in page  # his record says Polish


def test_an_officer_whose_record_cannot_sign_is_told_why(client, people, case):
    client.force_login(people.teammate)  # no post title
    response = client.post(
        reverse("mail:reply", args=[case.reference]),
        {"draft": "Your rent statement is enclosed.", "medium": "letter", "action": "check"},
    )
    assert response.status_code == 400
    assert 'value="send"' not in response.content.decode()  # nothing to send from
    assert "cannot be sent unsigned" in response.content.decode()
    assert not CaseLetter.objects.exists()


def test_a_reply_by_email_is_signed_recorded_and_sent_on_the_customers_thread(
    officer_client, people, case, clock, smtp, worker_in_this_process
):
    from caredesk.cases.models import Deadline, DeadlineStatus
    from caredesk.mail.models import OutboundEmail
    from caredesk.worker.loop import Worker

    case.customer.email = "tomasz@example.org"
    case.customer.save()
    from caredesk.mail.services import email_receive

    asked = (
        b"From: tomasz@example.org\r\nTo: info@haltonhousing.org\r\n"
        b"Subject: Re " + case.reference.encode() + b"\r\nMessage-ID: <ask-1@example.org>\r\n"
        b"\r\nWhere is my statement?\r\n"
    )
    email_receive(raw=asked, source="t", policy=HALTON, clock=clock)
    page = officer_client.get(reverse("mail:reply", args=[case.reference]))
    assert "An email to tomasz@example.org" in page.content.decode()
    response = checked_and_sent(
        officer_client, case, {"draft": "Your rent statement is attached.", "medium": "email"}
    )
    assert response.status_code == 302
    reply = OutboundEmail.objects.get()
    assert (reply.kind, reply.automatic, reply.to_address) == (
        "response",
        False,
        "tomasz@example.org",
    )
    assert reply.body.startswith("Dear Mr Nowak,")
    assert "Olu Officer\nTenancy Officer\nPhone: 0151 510 1234" in reply.body
    response_deadline = Deadline.objects.get(case=case, standard_key="letter_email_response")
    assert response_deadline.status == DeadlineStatus.MET
    Worker(clock=clock, policy=HALTON, worker_id="t", report=lambda line: None).run_once()
    (sent,) = smtp.mailbox.messages
    assert sent["To"] == "tomasz@example.org"
    assert sent["Auto-Submitted"] is None  # a person wrote it
    assert case.reference in sent["Subject"]
    assert sent["In-Reply-To"] == "<ask-1@example.org>"  # on the customer's own thread


def test_no_email_goes_to_a_stranger_who_wrote_the_cases_reference(officer_client, case, clock):
    from caredesk.mail.services import email_receive

    # the customer has no email address; someone else writes in with the reference
    stranger = (
        b"From: someone@elsewhere.example\r\nTo: info@haltonhousing.org\r\n"
        b"Subject: Re " + case.reference.encode() + b"\r\nMessage-ID: <s-1@example>\r\n"
        b"\r\nTell me about this tenant.\r\n"
    )
    email_receive(raw=stranger, source="t", policy=HALTON, clock=clock)
    page = officer_client.get(reverse("mail:reply", args=[case.reference])).content.decode()
    assert "someone@elsewhere.example" not in page
    assert "There is no email address for this customer." in page


def test_there_is_no_email_choice_without_an_address(officer_client, case):
    page = officer_client.get(reverse("mail:reply", args=[case.reference])).content.decode()
    assert "There is no email address for this customer." in page
    response = officer_client.post(
        reverse("mail:reply", args=[case.reference]),
        {"draft": "Hello.", "medium": "email", "action": "send"},
    )
    assert response.status_code == 400
