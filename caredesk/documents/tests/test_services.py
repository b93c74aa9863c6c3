"""Letters on a case: signed, recorded as the response, made in the customer's format,
and translated as a task with its own deadline."""

from datetime import timedelta

import pytest
from pypdf import PdfReader

from caredesk.cases.models import Case, Deadline, DeadlineStatus
from caredesk.conftest import customer_case, letter_writer
from caredesk.core.store import store_get
from caredesk.core.tests.files import PLAIN_PDF
from caredesk.customers.models import AccessibleFormat
from caredesk.documents.formats import braille
from caredesk.documents.models import (
    CaseDocument,
    CaseLetter,
    DocumentFormat,
    TranslationRequest,
    TranslationStatus,
)
from caredesk.documents.rendering import UnsignedDocument
from caredesk.documents.services import (
    LetterError,
    TranslationNotBack,
    letter_formats_make,
    letter_write,
    translation_request,
    translation_return,
    translation_send,
)
from caredesk.standards import load_policy
from caredesk.worker.loop import Worker

HALTON = load_policy("halton")
DRAFT = "We will replace the fence panel on Tuesday 10 June.\n\nThe contractor will call first."


@pytest.fixture(autouse=True)
def store(settings, tmp_path):
    settings.CAREDESK_MAIL_STORE = tmp_path / "store"


@pytest.fixture
def officer(people):
    return letter_writer(people)


def a_case(people, clock, **customer_fields) -> Case:
    return customer_case(people, clock, **customer_fields)


def test_a_signed_letter_is_the_response_and_its_printed_letter_is_attached(people, clock, officer):
    case = a_case(people, clock)
    written = letter_write(case=case, draft=DRAFT, by=officer, policy=HALTON, clock=clock)
    assert written.signed_by == officer
    assert DRAFT.splitlines()[0] in written.body
    response = Deadline.objects.get(case=case, standard_key="letter_email_response")
    assert response.status == DeadlineStatus.MET
    made = letter_formats_make(letter_id=written.pk, policy=HALTON, clock=clock)
    assert [item.format for item in made] == [DocumentFormat.STANDARD_PRINT]
    document = CaseDocument.objects.get(letter=written)
    pdf = store_get(document.sha256)
    text = _text(pdf)
    for expected in ("Dear Ms Jones,", "Olu Officer", "Tenancy Officer", "0151 510 1234"):
        assert expected in text
    assert case.reference in text
    assert "WA7 1AA" in text


@pytest.mark.parametrize(
    ("needs", "format", "starts_with"),
    [
        (AccessibleFormat.LARGE_PRINT, DocumentFormat.LARGE_PRINT, b"%PDF"),
        (AccessibleFormat.BRAILLE, DocumentFormat.BRAILLE, b","),  # the capital sign
        (AccessibleFormat.AUDIO, DocumentFormat.AUDIO, b"\xff"),  # an MPEG frame's sync
    ],
)
def test_the_customers_format_is_made_for_every_letter(
    people, clock, officer, needs, format, starts_with
):
    case = a_case(people, clock, accessible_format=needs)
    written = letter_write(case=case, draft=DRAFT, by=officer, policy=HALTON, clock=clock)
    letter_formats_make(letter_id=written.pk, policy=HALTON, clock=clock)
    formats = set(written.documents.values_list("format", flat=True))
    assert formats == {DocumentFormat.STANDARD_PRINT, format}
    data = store_get(written.documents.get(format=format).sha256)
    assert data.startswith(starts_with)
    if format == DocumentFormat.BRAILLE:
        assert set(data) <= set(range(0x20, 0x60)) | {0x0D, 0x0A, 0x0C}
        assert b"\f" in data
        assert all(len(line) <= 40 for line in data.replace(b"\f", b"").split(b"\r\n"))


def test_making_the_formats_twice_makes_each_once(people, clock, officer):
    case = a_case(people, clock, accessible_format=AccessibleFormat.LARGE_PRINT)
    written = letter_write(case=case, draft=DRAFT, by=officer, policy=HALTON, clock=clock)
    letter_formats_make(letter_id=written.pk, policy=HALTON, clock=clock)
    assert letter_formats_make(letter_id=written.pk, policy=HALTON, clock=clock) == []
    assert written.documents.count() == 2


def test_a_format_this_server_cannot_make_is_named_and_the_letter_still_goes(
    people, clock, officer, monkeypatch
):
    monkeypatch.setattr(braille, "TABLE", "no-such-table.ctb")
    case = a_case(people, clock, accessible_format=AccessibleFormat.BRAILLE)
    written = letter_write(case=case, draft=DRAFT, by=officer, policy=HALTON, clock=clock)
    made = letter_formats_make(letter_id=written.pk, policy=HALTON, clock=clock)
    assert [item.document is not None for item in made] == [True, False]
    written.refresh_from_db()
    assert written.formats_missing.startswith("Braille (BRF, for an embosser): ")
    assert "not available" in written.formats_missing


def test_the_worker_makes_the_formats_once_the_letter_is_written(
    people, clock, officer, django_capture_on_commit_callbacks, worker_in_this_process
):
    case = a_case(people, clock, accessible_format=AccessibleFormat.LARGE_PRINT)
    with django_capture_on_commit_callbacks(execute=True):
        written = letter_write(case=case, draft=DRAFT, by=officer, policy=HALTON, clock=clock)
    Worker(clock=clock, policy=HALTON, worker_id="t", report=lambda line: None).run_once()
    assert written.documents.count() == 2


def test_an_officer_whose_record_cannot_sign_writes_nothing(people, clock):
    teammate = people.teammate  # no post title on record
    case = a_case(people, clock)
    with pytest.raises(UnsignedDocument, match="no post title"):
        letter_write(case=case, draft=DRAFT, by=teammate, policy=HALTON, clock=clock)
    assert not CaseLetter.objects.exists()
    response = Deadline.objects.get(case=case, standard_key="letter_email_response")
    assert response.status == DeadlineStatus.OPEN


def test_an_empty_letter_is_refused(people, clock, officer):
    with pytest.raises(LetterError, match="no text"):
        letter_write(
            case=a_case(people, clock), draft="  \n", by=officer, policy=HALTON, clock=clock
        )


def test_a_customer_who_reads_polish_gets_a_translation_task_with_a_deadline(
    people, clock, officer
):
    # given: a customer whose record says Polish
    case = a_case(people, clock, language="Polish")
    # when
    written = letter_write(case=case, draft=DRAFT, by=officer, policy=HALTON, clock=clock)
    # then: a translation is asked for, due in 10 working days
    request = TranslationRequest.objects.get(letter=written)
    assert (request.language, request.status) == ("Polish", TranslationStatus.REQUESTED)
    deadline = Deadline.objects.get(case=case, standard_key="translation")
    assert deadline.status == DeadlineStatus.OPEN
    assert deadline.due_at is not None
    assert deadline.due_at.date() == clock.now().date() + timedelta(days=14)
    # when the translator's file comes back, it is attached; sending it meets the deadline
    translation_return(
        request=request,
        data=PLAIN_PDF,
        file_name="list.pdf",
        by=officer,
        clock=clock,
    )
    request.refresh_from_db()
    assert request.status == TranslationStatus.RETURNED
    assert request.document is not None
    assert (request.document.format, request.document.language) == ("translation", "Polish")
    translation_send(request=request, by=officer, policy=HALTON, clock=clock)
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.MET
    assert request.status == TranslationStatus.SENT


def test_each_translation_has_its_own_deadline(people, clock, officer):
    # given: a Polish reader gets two letters a week apart
    case = a_case(people, clock, language="Polish")
    first = letter_write(case=case, draft=DRAFT, by=officer, policy=HALTON, clock=clock)
    clock.moment += timedelta(days=7)
    second = letter_write(
        case=case, draft="And another thing.", by=officer, policy=HALTON, clock=clock
    )
    # then: two translation deadlines, each due 10 working days after its request
    one, two = (TranslationRequest.objects.get(letter=letter) for letter in (first, second))
    assert one.deadline is not None
    assert two.deadline is not None
    assert one.deadline != two.deadline
    assert two.deadline.due_at
    assert one.deadline.due_at
    assert two.deadline.due_at - one.deadline.due_at == timedelta(days=7)
    # when the first is sent, only its deadline is met
    translation_return(request=one, data=PLAIN_PDF, file_name="1.pdf", by=officer, clock=clock)
    translation_send(request=one, by=officer, policy=HALTON, clock=clock)
    one.deadline.refresh_from_db()
    two.deadline.refresh_from_db()
    assert (one.deadline.status, two.deadline.status) == (DeadlineStatus.MET, DeadlineStatus.OPEN)


def test_a_letter_keeps_the_signature_it_was_written_with(people, clock, officer):
    written = letter_write(
        case=a_case(people, clock), draft=DRAFT, by=officer, policy=HALTON, clock=clock
    )
    officer.post_title = ""  # a later change to the officer's record
    officer.save()
    made = letter_formats_make(letter_id=written.pk, policy=HALTON, clock=clock)
    assert [item.document is not None for item in made] == [True]
    text = _text(store_get(written.documents.get().sha256))
    assert "Tenancy Officer" in text


def test_a_format_that_fails_is_named_and_made_later_by_the_sweep(
    people, clock, officer, monkeypatch
):
    from caredesk.documents import services

    case = a_case(people, clock, accessible_format=AccessibleFormat.LARGE_PRINT)
    written = letter_write(case=case, draft=DRAFT, by=officer, policy=HALTON, clock=clock)
    # the task never ran: ten minutes on, the worker's sweep makes the formats
    clock.moment += timedelta(minutes=11)
    assert services.letters_formats_sweep(policy=HALTON, clock=clock) == 1
    assert written.documents.count() == 2
    assert services.letters_formats_sweep(policy=HALTON, clock=clock) == 0
    # a renderer that breaks is named on the letter, and the other formats are made
    broken = a_case(people, clock, accessible_format=AccessibleFormat.LARGE_PRINT)
    second = letter_write(case=broken, draft=DRAFT, by=officer, policy=HALTON, clock=clock)

    def pdf_that_breaks(letter, **options):
        if options.get("large_print"):
            raise RuntimeError("the renderer broke")
        return b"%PDF-1.7"

    monkeypatch.setattr(services, "letter_pdf", pdf_that_breaks)
    letter_formats_make(letter_id=second.pk, policy=HALTON, clock=clock)
    second.refresh_from_db()
    assert second.documents.count() == 1
    assert "RuntimeError: the renderer broke" in second.formats_missing


def test_a_translation_is_asked_for_once_per_language_and_never_into_english(
    people, clock, officer
):
    written = letter_write(
        case=a_case(people, clock), draft=DRAFT, by=officer, policy=HALTON, clock=clock
    )
    translation_request(written=written, language="Welsh", by=officer, policy=HALTON, clock=clock)
    with pytest.raises(LetterError, match="already been asked for in Welsh"):
        translation_request(
            written=written, language="welsh", by=officer, policy=HALTON, clock=clock
        )
    with pytest.raises(LetterError, match="already in English"):
        translation_request(
            written=written, language="English", by=officer, policy=HALTON, clock=clock
        )


def test_a_translation_not_back_cannot_be_sent(people, clock, officer):
    written = letter_write(
        case=a_case(people, clock), draft=DRAFT, by=officer, policy=HALTON, clock=clock
    )
    request = translation_request(
        written=written, language="Urdu", by=officer, policy=HALTON, clock=clock
    )
    with pytest.raises(TranslationNotBack, match="come back"):
        translation_send(request=request, by=officer, policy=HALTON, clock=clock)


def _text(pdf: bytes) -> str:
    import io

    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_translation_is_still_owed_after_the_case_is_resolved(people, clock, officer):
    from caredesk.cases.services import case_finish

    case = a_case(people, clock, language="Polish")
    letter_write(case=case, draft=DRAFT, by=officer, policy=HALTON, clock=clock)
    case_finish(case=case, status="resolved", by=officer, clock=clock)
    translation = Deadline.objects.get(case=case, standard_key="translation")
    assert translation.status == DeadlineStatus.OPEN
    request = TranslationRequest.objects.get()
    translation_return(request=request, data=PLAIN_PDF, file_name="t.pdf", by=officer, clock=clock)
    translation_send(request=request, by=officer, policy=HALTON, clock=clock)
    translation.refresh_from_db()
    assert translation.status == DeadlineStatus.MET


def test_the_same_letter_twice_in_a_row_is_refused(people, clock, officer):
    case = a_case(people, clock)
    letter_write(case=case, draft=DRAFT, by=officer, policy=HALTON, clock=clock)
    with pytest.raises(LetterError, match="a moment ago"):
        letter_write(case=case, draft=DRAFT, by=officer, policy=HALTON, clock=clock)
    assert CaseLetter.objects.count() == 1


@pytest.mark.parametrize("language", ["English", "english (UK)", "en-GB", "British English"])
def test_english_in_any_spelling_asks_for_no_translation(people, clock, officer, language):
    case = a_case(people, clock, language=language)
    letter_write(case=case, draft=DRAFT, by=officer, policy=HALTON, clock=clock)
    assert not TranslationRequest.objects.exists()


def test_a_letter_logged_with_no_customer_goes_back_to_its_sender(people, clock, officer):
    from caredesk.mail.letters_register import letter_log

    logged = letter_log(
        sender="Mrs P. Hughes",
        sender_address="3 Vine Street\nWidnes\nWA8 7QQ",
        received_at=clock.now() - timedelta(hours=3),
        by=officer,
        policy=HALTON,
        clock=clock,
        route_to=officer,
    )
    written = letter_write(case=logged.case, draft=DRAFT, by=officer, policy=HALTON, clock=clock)
    assert written.body  # the template's body; the PDF has the address block
    letter_formats_make(letter_id=written.pk, policy=HALTON, clock=clock)
    text = _text(store_get(written.documents.get().sha256))
    assert "Mrs P. Hughes" in text
    assert "WA8 7QQ" in text
    assert "Dear Mrs P. Hughes," in text
