"""The translator's file: read through before it goes on the case (and to a customer),
within the size limit the case page states."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from caredesk.conftest import customer_case, letter_writer
from caredesk.core.file_checks import file_check
from caredesk.core.store import store_get
from caredesk.core.tests.files import JAVASCRIPT_PDF, PLAIN_PDF, image
from caredesk.documents.models import (
    CaseDocument,
    CaseLetter,
    TranslationRequest,
    TranslationStatus,
)
from caredesk.documents.services import (
    LetterError,
    letter_formats_make,
    letter_write,
    translation_return,
)
from caredesk.standards import load_policy

HALTON = load_policy("halton")
AGAIN = "Ask the translator for it as a plain PDF."


@pytest.fixture(autouse=True)
def store(settings, tmp_path):
    settings.CAREDESK_MAIL_STORE = tmp_path / "store"


@pytest.fixture
def asked(people, clock) -> TranslationRequest:
    letter_writer(people)
    case = customer_case(people, clock, language="Polish")
    letter_write(
        case=case,
        draft="Your rent statement is enclosed.",
        by=people.officer,
        policy=HALTON,
        clock=clock,
    )
    return TranslationRequest.objects.get()


def give_back(asked, people, clock, data: bytes, name: str = "list.pdf") -> TranslationRequest:
    return translation_return(
        request=asked, data=data, file_name=name, by=people.officer, clock=clock
    )


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (
            JAVASCRIPT_PDF,
            "list.pdf: This PDF contains JavaScript, which could harm the computer that "
            f"opens it. {AGAIN}",
        ),
        (
            b"PK\x03\x04 a Word document",
            f"list.pdf: This file is not a PDF or an image (PNG, JPEG, GIF, TIFF or WebP). {AGAIN}",
        ),
        (b"%PDF-1.7 po polsku", "list.pdf: This file does not open as a PDF"),
        (b"", "list.pdf is empty."),
    ],
)
def test_a_translation_that_could_harm_or_is_not_a_letter_is_refused(
    asked, people, clock, data, says
):
    with pytest.raises(LetterError) as refused:
        give_back(asked, people, clock, data)
    assert says in refused.value.message
    asked.refresh_from_db()
    assert asked.status == TranslationStatus.REQUESTED
    assert not CaseDocument.objects.filter(format="translation").exists()


def test_a_translation_over_the_limit_is_refused_naming_its_size(asked, people, clock, settings):
    settings.CAREDESK_TRANSLATION_MAX_BYTES = 1024
    with pytest.raises(LetterError, match=r"list.pdf is 2 KB: it must be 1 KB or smaller."):
        give_back(asked, people, clock, PLAIN_PDF + b"%" * 1500)


def test_a_translation_is_kept_with_the_type_its_bytes_show(asked, people, clock):
    returned = give_back(asked, people, clock, image("PNG"), name="list\x00.pdf")
    assert returned.document is not None
    returned.document.refresh_from_db()
    assert (returned.document.content_type, returned.document.file_name) == (
        "image/png",
        "list.pdf",
    )


def test_the_case_page_says_the_limit_and_a_refused_file_says_why(
    people, clock, client, settings, asked
):
    settings.CAREDESK_TRANSLATION_MAX_BYTES = 3 * 1024 * 1024
    client.force_login(people.officer)
    case_page = reverse("cases:case", args=[asked.case.reference]) + "?panels=all"
    page = client.get(case_page).content.decode()
    assert (
        "A PDF, or an image of each page (PNG, JPEG, GIF, TIFF or WebP). "
        "The file must be 3 MB or smaller." in page
    )
    assert 'accept="application/pdf,image/png' in page
    response = client.post(
        reverse("documents:translation_back", args=[asked.pk]),
        {"file": SimpleUploadedFile("wyciag.pdf", JAVASCRIPT_PDF)},
        follow=True,
    )
    assert "wyciag.pdf: This PDF contains JavaScript" in response.content.decode()
    settings.CAREDESK_TRANSLATION_MAX_BYTES = 1024
    response = client.post(
        reverse("documents:translation_back", args=[asked.pk]),
        {"file": SimpleUploadedFile("wyciag.pdf", PLAIN_PDF + b"%" * 1500)},
        follow=True,
    )
    assert "The file is 2 KB: it must be 1 KB or smaller." in response.content.decode()
    asked.refresh_from_db()
    assert asked.status == TranslationStatus.REQUESTED


def test_the_letters_caredesk_writes_pass_the_check(people, clock, asked):
    # a tagged PDF from WeasyPrint, with its links: no false alarm on our own letters
    letter = CaseLetter.objects.get()
    letter_formats_make(letter_id=letter.pk, policy=HALTON, clock=clock)
    for document in CaseDocument.objects.filter(letter=letter, content_type="application/pdf"):
        assert file_check(store_get(document.sha256)).content_type == "application/pdf"
