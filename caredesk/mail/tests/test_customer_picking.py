"""Choosing the customer of a letter or an email on the desk, and a letter logged twice
being flagged before it opens a second case."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from caredesk.cases.models import Case
from caredesk.core.tests.files import PLAIN_PDF, image
from caredesk.customers.models import CustomerAccess, CustomerType
from caredesk.customers.services import customer_create
from caredesk.mail.letters_register import letter_earlier_find, letter_log, scan_check
from caredesk.mail.models import ReceivedLetter
from caredesk.mail.services import email_receive
from caredesk.standards import load_policy

HALTON = load_policy("halton")
ZONE = HALTON.working_calendar.zone
MESSAGES = Path(__file__).parent / "messages"
ARRIVED = datetime(2025, 6, 2, 8, 30, tzinfo=UTC)


@pytest.fixture
def officer_client(client, people):
    client.force_login(people.officer)
    return client


def hughes(**details):
    fields = {"title": "Mrs", "first_name": "Pat", "last_name": "Hughes"} | details
    return customer_create(customer_type=CustomerType.TENANT, **fields)


def a_letter(client, **fields):
    return client.post(
        reverse("mail:letters"),
        {"sender": "Mrs P. Hughes", "subject": "Damp", "received_at": "02/06/2025 09:30"} | fields,
    )


def test_the_register_finds_customers_without_javascript_and_links_them_back(
    officer_client, people
):
    customer = hughes(postcode="WA7 1AB")
    page = officer_client.get(reverse("mail:letters"), {"q": "Hughes"})
    assert f'href="/mail/letters/?customer={customer.pk}"' in page.text
    assert CustomerAccess.objects.filter(customer=customer, what="letters register").exists()
    chosen = officer_client.get(reverse("mail:letters"), {"customer": customer.pk})
    assert f'name="customer" value="{customer.pk}"' in chosen.text
    assert "WA7 1AB" in chosen.text  # the sender's address starts as the customer's


def test_a_letter_logged_for_a_chosen_customer_opens_their_case(officer_client):
    customer = hughes()
    a_letter(officer_client, customer=customer.pk)
    assert Case.objects.get().customer == customer


def test_a_new_customer_from_a_search_comes_back_to_the_register(officer_client):
    page = officer_client.get(reverse("mail:letters"), {"q": "Mrs P Hughes"})
    assert "/customers/new/?sender=Mrs+P+Hughes&amp;next=%2Fmail%2Fletters%2F" in page.text
    form = officer_client.get(
        reverse("customers:new"), {"sender": "Mrs P Hughes", "next": "/mail/letters/"}
    )
    assert 'value="Hughes"' in form.text


def test_the_same_letter_entered_twice_is_flagged_and_can_join_the_first_case(officer_client):
    a_letter(officer_client)
    first = ReceivedLetter.objects.get()
    again = a_letter(officer_client, sender="mrs p.  hughes", received_at="02/06/2025 14:00")
    assert (
        f"This looks like a letter already logged: "
        f'<a href="/cases/{first.case.reference}/">{first.case.reference}</a> on 2 June'
    ) in again.text
    assert ReceivedLetter.objects.count() == 1
    a_letter(officer_client, received_at="02/06/2025 14:00", if_earlier="add")
    assert ReceivedLetter.objects.count() == 2
    assert Case.objects.count() == 1


def test_logging_it_anyway_opens_a_second_case(officer_client):
    a_letter(officer_client)
    a_letter(officer_client, if_earlier="new")
    assert Case.objects.count() == 2


def test_another_subject_or_day_is_not_flagged(officer_client):
    a_letter(officer_client)
    a_letter(officer_client, subject="Rent")
    a_letter(officer_client, received_at="03/06/2025 09:30")
    assert Case.objects.count() == 3


def test_with_a_scan_the_scans_digest_decides_and_the_scan_is_not_asked_for_again(
    officer_client,
):
    a_letter(officer_client, scan=SimpleUploadedFile("a.pdf", PLAIN_PDF))
    other_scan = a_letter(officer_client, scan=SimpleUploadedFile("b.png", image("PNG")))
    assert "already logged" not in other_scan.text
    same = a_letter(officer_client, subject="", scan=SimpleUploadedFile("c.pdf", PLAIN_PDF))
    assert "already logged" in same.text
    token = same.context["scan_token"]
    a_letter(officer_client, subject="", if_earlier="new", scan_kept=token)
    assert ReceivedLetter.objects.filter(scan_name="c.pdf").count() == 1
    forged = a_letter(officer_client, if_earlier="new", scan_kept=token + "x")
    assert forged.status_code == 302
    assert ReceivedLetter.objects.order_by("-pk")[0].scan_sha256 == ""


def test_the_earlier_letter_is_found_by_the_organisations_day(people, clock):
    letter_log(
        sender="Jo Jones",
        received_at=datetime(2025, 6, 2, 23, 30, tzinfo=UTC),  # 00:30 on 3 June in London
        by=people.officer,
        policy=HALTON,
        clock=clock,
        scan=PLAIN_PDF,
    )
    found = letter_earlier_find(
        sender="JO JONES",
        received_at=datetime(2025, 6, 3, 9, 0, tzinfo=UTC),
        zone=ZONE,
        scan=scan_check(PLAIN_PDF),
    )
    assert found is not None
    assert (
        letter_earlier_find(
            sender="Jo Jones",
            received_at=datetime(2025, 6, 2, 12, 0, tzinfo=UTC),
            zone=ZONE,
            scan=scan_check(PLAIN_PDF),
        )
        is None
    )


def test_an_email_for_review_opens_a_case_for_the_customer_chosen(officer_client, clock):
    raw = (MESSAGES / "auto_reply.eml").read_bytes()
    email = email_receive(raw=raw, source="t", policy=HALTON, clock=clock).email
    customer = hughes()
    url = reverse("mail:review_decide", args=[email.pk])
    assert url in officer_client.get(reverse("mail:review")).text
    page = officer_client.get(url, {"q": "Hughes"})
    assert f"{url}?customer={customer.pk}" in page.text
    assert "/customers/new/?sender=" in page.text
    officer_client.post(url, {"decision": "open_case", "customer": customer.pk})
    assert Case.objects.get().customer == customer


def test_a_new_customer_is_prefilled_from_the_emails_sender(officer_client, clock):
    raw = (MESSAGES / "auto_reply.eml").read_bytes()
    email = email_receive(raw=raw, source="t", policy=HALTON, clock=clock).email
    page = officer_client.get(reverse("mail:review_decide", args=[email.pk]))
    assert email.from_address in page.text
    form = officer_client.get(
        reverse("customers:new"),
        {"sender": email.from_name, "sender_email": email.from_address, "next": "/mail/review/"},
    )
    assert f'value="{email.from_address}"' in form.text
