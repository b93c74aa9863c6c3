"""Emails' attachments in the desk: read through before the browser may show one; any
other is a download only, and the email's page says why."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from django.urls import reverse

from caredesk.core.tests.files import JAVASCRIPT_PDF, PLAIN_PDF, image
from caredesk.customers.models import CustomerAccess, CustomerType
from caredesk.customers.services import customer_create
from caredesk.mail.models import InboundEmail
from caredesk.mail.services import email_receive
from caredesk.standards import load_policy

HALTON = load_policy("halton")


@pytest.fixture
def officer_client(client, people):
    client.force_login(people.officer)
    return client


def an_email_with(clock, *files: tuple[str, str, bytes]) -> InboundEmail:
    message = EmailMessage()
    message["From"] = "Alex Jones <alex@example.com>"
    message["To"] = "customer.services@halton.example"
    message["Subject"] = "My documents"
    message["Message-ID"] = "<documents-1@example.com>"
    message.set_content("Please see attached.")
    for name, content_type, data in files:
        main, sub = content_type.split("/")
        message.add_attachment(data, maintype=main, subtype=sub, filename=name)
    return email_receive(raw=message.as_bytes(), source="test", policy=HALTON, clock=clock).email


def attachment_url(email: InboundEmail, name: str, view: bool = False) -> str:
    attachment = email.attachments.get(file_name=name)
    return reverse("mail:attachment", args=[attachment.pk]) + ("?view=1" if view else "")


def test_an_attachment_that_passes_the_check_can_be_viewed_in_the_browser(
    officer_client, people, clock
):
    customer_create(customer_type=CustomerType.TENANT, first_name="Alex", email="alex@example.com")
    email = an_email_with(clock, ("damp.png", "image/png", image("PNG")))
    page = officer_client.get(reverse("mail:email", args=[email.pk])).content.decode()
    assert attachment_url(email, "damp.png", view=True) in page
    assert "Attachments to download only" not in page
    response = officer_client.get(attachment_url(email, "damp.png", view=True))
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert CustomerAccess.objects.filter(staff=people.officer, what="attachment damp.png").exists()


@pytest.mark.parametrize(
    ("name", "content_type", "data", "says"),
    [
        (
            "tenancy.pdf",
            "application/pdf",
            JAVASCRIPT_PDF,
            "tenancy.pdf: This PDF contains JavaScript, which could harm the computer that "
            "opens it.",
        ),
        ("broken.pdf", "application/pdf", b"%PDF-1.7 not really", "does not open as a PDF"),
        # a web page that calls itself a picture: never shown as one
        ("photo.png", "image/png", b"<script>alert(1)</script>", "is not a PDF or an image"),
        ("letter.docx", "application/octet-stream", b"PK\x03\x04", "is not a PDF or an image"),
    ],
)
def test_an_attachment_that_fails_the_check_is_a_download_only_with_a_warning(
    officer_client, clock, name, content_type, data, says
):
    # given: an email with a file that fails, and a plain PDF
    email = an_email_with(
        clock, (name, content_type, data), ("plain.pdf", "application/pdf", PLAIN_PDF)
    )
    # then: the page warns, and offers no view of it (the plain PDF can be viewed)
    page = officer_client.get(reverse("mail:email", args=[email.pk])).content.decode()
    assert "Attachments to download only" in page
    assert says in page.replace("&#x27;", "'")
    assert attachment_url(email, name, view=True) not in page
    assert attachment_url(email, "plain.pdf", view=True) in page
    # and asking to view it anyway gives a download, never the file in the browser
    for url in (attachment_url(email, name), attachment_url(email, name, view=True)):
        response = officer_client.get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == data
