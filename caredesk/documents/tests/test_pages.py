"""The document pages: the plain-English check, the case's letters and files,
translations, and administrators' templates. (The reply page is mail's:
mail/tests/test_reply_views.py.)"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from caredesk.conftest import customer_case, letter_writer
from caredesk.core.tests.files import PLAIN_PDF
from caredesk.customers.models import AccessibleFormat, CustomerAccess
from caredesk.documents.models import (
    CaseDocument,
    CaseLetter,
    DocumentTemplate,
    TranslationRequest,
    TranslationStatus,
)
from caredesk.documents.services import letter_formats_make
from caredesk.mail.tests.test_reply_views import checked_and_sent
from caredesk.standards import load_policy

HALTON = load_policy("halton")


@pytest.fixture(autouse=True)
def store(settings, tmp_path):
    settings.CAREDESK_MAIL_STORE = tmp_path / "store"


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


@pytest.fixture
def officer_client(client, people):
    client.force_login(people.officer)
    return client


def test_the_check_comes_back_as_a_panel_for_htmx(officer_client):
    panel = officer_client.post(
        reverse("documents:plain_english"),
        {"draft": "We will commence works."},
        HTTP_HX_REQUEST="true",
    )
    assert panel.status_code == 200
    html = panel.content.decode()
    assert "<html" not in html
    assert "“commence”" in html


def test_a_file_downloads_and_the_read_is_recorded(officer_client, people, case, clock):
    sent = checked_and_sent(  # written, checked, then sent from the check page
        officer_client, case, {"draft": "Your rent statement is enclosed.", "medium": "letter"}
    )
    assert sent.status_code == 302
    letter_formats_make(letter_id=CaseLetter.objects.get().pk, policy=HALTON, clock=clock)
    document = CaseDocument.objects.get(format="standard_print")
    response = officer_client.get(reverse("documents:file", args=[document.pk]))
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["Content-Type"] == "application/pdf"
    assert CustomerAccess.objects.filter(
        staff=people.officer, what=f"document {document.file_name}"
    ).exists()


def test_a_translation_comes_back_and_is_sent_from_the_case_page(officer_client, case):
    sent = checked_and_sent(  # written, checked, then sent from the check page
        officer_client, case, {"draft": "Your rent statement is enclosed.", "medium": "letter"}
    )
    assert sent.status_code == 302
    asked = TranslationRequest.objects.get()
    officer_client.post(
        reverse("documents:translation_back", args=[asked.pk]),
        {"file": SimpleUploadedFile("wyciag.pdf", PLAIN_PDF)},
    )
    officer_client.post(reverse("documents:translation_sent", args=[asked.pk]))
    asked.refresh_from_db()
    assert asked.status == TranslationStatus.SENT
    assert asked.document is not None
    assert asked.document.file_name == "wyciag.pdf"


def test_an_administrator_changes_the_wording_and_it_is_used(client, people):
    client.force_login(people.administrator)
    url = reverse("documents:template", args=["acknowledgement", "email"])
    page = client.get(url).content.decode()
    assert "We have your email" in page
    assert "case.reference" in page  # the values that can be used are listed
    saved = client.post(url, {"subject": "Thanks: {{ case.reference }}", "body": "Got it."})
    assert saved.status_code == 302
    assert DocumentTemplate.objects.get().subject == "Thanks: {{ case.reference }}"
    client.post(url, {"action": "reset", "subject": "x", "body": "x"})
    assert not DocumentTemplate.objects.exists()


def test_wording_that_names_a_missing_value_is_refused(client, people):
    client.force_login(people.administrator)
    url = reverse("documents:template", args=["acknowledgement", "email"])
    response = client.post(url, {"subject": "Hi {{ customer.nmae }}", "body": "Got it."})
    assert response.status_code == 400
    assert "customer.nmae" in response.content.decode()
    assert not DocumentTemplate.objects.exists()
