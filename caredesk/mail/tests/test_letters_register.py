"""The letters register's scans: read through before they are kept (a PDF parsed, an
image decoded), within the size limit the form states."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from caredesk.cases.models import Case
from caredesk.core.store import store_get
from caredesk.core.tests.files import JAVASCRIPT_PDF, PLAIN_PDF, image, pdf
from caredesk.mail.letters_register import LetterLogError, letter_log
from caredesk.mail.models import ReceivedLetter
from caredesk.standards import load_policy

HALTON = load_policy("halton")
LAUNCH_PDF = pdf(catalog=b"/OpenAction << /S /Launch /F (cmd.exe) >>")


@pytest.fixture
def officer_client(client, people):
    client.force_login(people.officer)
    return client


def log_with_scan(client, name: str, data: bytes):
    return client.post(
        reverse("mail:letters"),
        {
            "sender": "Mrs P. Hughes",
            "received_at": "02/06/2025 09:30",
            "scan": SimpleUploadedFile(name, data),
        },
    )


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (
            JAVASCRIPT_PDF,
            "scan.pdf: This PDF contains JavaScript, which could harm the computer that opens it.",
        ),
        (LAUNCH_PDF, "scan.pdf: This PDF can start other programs"),
        (b"%PDF-1.7\n%scan\n", "scan.pdf: This file does not open as a PDF"),
        (image("PNG")[:60], "scan.pdf: This image does not open"),
    ],
)
def test_a_scan_that_could_harm_or_does_not_open_is_refused_next_to_the_field(
    officer_client, data, says
):
    response = log_with_scan(officer_client, "scan.pdf", data)
    assert response.status_code == 400
    page = response.content.decode().replace("&#x27;", "'")
    assert says in page
    assert "Scan the letter again as an image or a plain PDF." in page
    assert 'id="id_scan_error"' in page
    assert not ReceivedLetter.objects.exists()
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("data", "content_type", "extension"),
    [
        (PLAIN_PDF, "application/pdf", "pdf"),
        (image("PNG"), "image/png", "png"),
        (image("GIF"), "image/gif", "gif"),
        (image("TIFF", frames=2), "image/tiff", "tiff"),
        (image("WEBP"), "image/webp", "webp"),
    ],
)
def test_a_scan_is_kept_with_the_type_its_bytes_show_whatever_its_name(
    officer_client, data, content_type, extension
):
    # given: every scan uploaded with a PDF's name
    response = log_with_scan(officer_client, "scan.pdf", data)
    assert response.status_code == 302
    letter = ReceivedLetter.objects.get()
    assert letter.scan_type == content_type
    assert store_get(letter.scan_sha256) == data
    download = officer_client.get(reverse("mail:letter_scan", args=[letter.pk]))
    assert download["Content-Type"] == content_type
    assert f".{extension}" in download["Content-Disposition"]


def test_the_form_says_the_size_limit_from_the_setting_and_refuses_a_larger_scan(
    officer_client, settings
):
    settings.CAREDESK_SCAN_MAX_BYTES = 100 * 1024
    page = officer_client.get(reverse("mail:letters")).content.decode()
    assert "The file must be 100 KB or smaller." in page
    response = log_with_scan(
        officer_client, "big.png", image("PNG", size=(600, 600)) + b"\0" * 200_000
    )
    assert response.status_code == 400
    assert "The file is " in response.content.decode()
    assert "it must be 100 KB or smaller." in response.content.decode()
    assert not ReceivedLetter.objects.exists()


def test_an_image_too_large_to_open_safely_is_refused(officer_client, settings):
    settings.CAREDESK_UPLOAD_MAX_PIXELS = 10_000
    response = log_with_scan(officer_client, "page.png", image("PNG", size=(200, 200)))
    assert response.status_code == 400
    assert "This image is 200 by 200 pixels, too large to open safely" in response.content.decode()


def test_the_service_refuses_a_harmful_scan_however_it_is_called(people, clock):
    with pytest.raises(LetterLogError, match="This PDF contains JavaScript"):
        letter_log(
            sender="Mrs P. Hughes",
            received_at=clock.now() - timedelta(hours=1),
            scan=JAVASCRIPT_PDF,
            scan_name="scan.pdf",
            by=people.officer,
            policy=HALTON,
            clock=clock,
        )
    assert not ReceivedLetter.objects.exists()


def test_a_scan_name_with_characters_no_database_can_hold_is_kept_without_them(people, clock):
    # a NUL in a text column fails the whole transaction on PostgreSQL
    logged = letter_log(
        sender="Mrs P. Hughes",
        received_at=clock.now() - timedelta(hours=1),
        scan=PLAIN_PDF,
        scan_name="scan\x00 of\udcff the letter.pdf",
        by=people.officer,
        policy=HALTON,
        clock=clock,
    )
    logged.refresh_from_db()
    assert logged.scan_name == "scan of the letter.pdf"
