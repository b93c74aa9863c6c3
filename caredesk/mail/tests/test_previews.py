"""Previews: a checked scan shown in the case page, framed by our own pages only."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from caredesk.cases.models import Case
from caredesk.core.tests.files import PLAIN_PDF, image
from caredesk.customers.models import CustomerAccess, CustomerType
from caredesk.customers.services import customer_create
from caredesk.mail.models import ReceivedLetter


@pytest.fixture
def officer_client(client, people):
    client.force_login(people.officer)
    return client


def logged_letter(client, data: bytes) -> tuple[Case, str]:
    client.post(
        reverse("mail:letters"),
        {
            "sender": "Mrs P. Hughes",
            "received_at": "02/06/2025 09:30",
            "scan": SimpleUploadedFile("scan.pdf", data),
        },
    )
    case = Case.objects.get()
    customer = customer_create(
        customer_type=CustomerType.TENANT, first_name="Pat", last_name="Hughes"
    )
    Case.objects.filter(pk=case.pk).update(customer=customer)
    return case, reverse("mail:letter_scan", args=[ReceivedLetter.objects.get().pk])


def test_a_pdf_scan_shows_in_a_frame_of_the_case_page_and_its_read_is_logged(officer_client):
    case, scan_url = logged_letter(officer_client, PLAIN_PDF)
    shown_case = officer_client.get(reverse("cases:case", args=[case.reference]) + "?panels=all")
    page = shown_case.content.decode()
    assert f'<iframe class="preview" src="{scan_url}?view=1"' in page
    download_link = f'<a href="{scan_url}" download>Download the scan of the letter from'
    assert download_link in page
    assert "frame-src 'self'" in shown_case["Content-Security-Policy"]
    assert "object-src 'none'" in shown_case["Content-Security-Policy"]

    before = CustomerAccess.objects.count()
    shown = officer_client.get(scan_url + "?view=1")
    assert shown["Content-Type"] == "application/pdf"
    assert shown["Content-Disposition"].startswith("inline")
    assert shown["X-Content-Type-Options"] == "nosniff"
    assert shown["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in shown["Content-Security-Policy"]
    assert CustomerAccess.objects.count() == before + 1

    downloaded = officer_client.get(scan_url)
    assert downloaded["Content-Disposition"].startswith("attachment")
    assert downloaded["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in downloaded["Content-Security-Policy"]


def test_an_image_scan_shows_as_an_image_and_a_tiff_is_said_to_be_download_only(
    officer_client,
):
    case, _ = logged_letter(officer_client, image("PNG"))
    page = officer_client.get(
        reverse("cases:case", args=[case.reference]) + "?panels=all"
    ).content.decode()
    assert '<img class="preview-image" src="' in page
    assert 'alt="The scan of the letter from Mrs P. Hughes"' in page
    ReceivedLetter.objects.update(scan_type="image/tiff")
    page = officer_client.get(
        reverse("cases:case", args=[case.reference]) + "?panels=all"
    ).content.decode()
    assert "This kind of file cannot be shown in the page: download it to read it." in page
