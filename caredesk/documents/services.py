"""Writing letters on a case, making their formats, and translations.

A letter is written by an officer from a template and their own words, and is refused
unless it is signed: their name, post title and a way to reach them (the policies: "signed
in the officer's own name with their post title"). Writing it records the response on
the case (its deadlines are met) and asks the worker to make its formats: the printed
letter always, and large print, Braille or audio when the customer's record asks for it.
Each file is attached to the case. A format this server cannot make (no liblouis, say)
is named on the letter, shown on the case page; the letter itself still goes.

A translation is a task with its own deadline (the policy's `translation` standard; a
case may have several at once, one for each letter and language): asked for, returned
by the translator as a file, and sent, which meets it. The worker's sweep makes the
formats of any letter whose task never ran.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from caredesk.cases.models import Case, Channel, Direction
from caredesk.cases.services import contact_log, response_send
from caredesk.cases.task_deadlines import deadline_meet, deadline_start
from caredesk.core.clock import Clock, read_once
from caredesk.core.file_checks import FileRefused, upload_check
from caredesk.core.store import store_put
from caredesk.core.tasks import enqueue_after_commit
from caredesk.core.text import storable_text
from caredesk.customers.models import AccessibleFormat, Customer
from caredesk.documents.formats import EmptyText, FormatUnavailable
from caredesk.documents.formats.audio import mp3_from_text
from caredesk.documents.formats.braille import brf_from_text
from caredesk.documents.formats.pdf import letter_pdf
from caredesk.documents.letters import Letter, Signature, letter_text
from caredesk.documents.models import (
    CaseDocument,
    CaseLetter,
    DocumentFormat,
    DocumentKind,
    DocumentTemplate,
    Medium,
    TranslationRequest,
    TranslationStatus,
)
from caredesk.documents.rendering import (
    TemplateProblem,
    document_render,
    signed_check,
    template_check,
)
from caredesk.documents.values import (
    case_recipient,
    case_salutation,
    case_values,
    signatory_of,
)
from caredesk.errors import CaredeskError, NotAllowed
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can, allowed
from caredesk.standards import Policy

logger = logging.getLogger(__name__)

# Holding replies go through the case's holding reply (a reason and a new date); calling
# cards through a visit where nobody was in (documents.calling_cards).
LETTER_KINDS = (DocumentKind.RESPONSE,)
# Letters that are the full response on their case: sending one meets its response deadlines.
RESPONSE_KINDS = (DocumentKind.RESPONSE, DocumentKind.COMPLAINT_RESPONSE)
# What to do with a translator's file that is refused (caredesk.core.file_checks says why).
TRANSLATION_AGAIN = "Ask the translator for it as a plain PDF."
TRANSLATION_STANDARD = "translation"  # the policy's deadline standard for translations
AGAIN_WITHIN = timedelta(minutes=10)  # the same text again this soon is a double click


class LetterError(CaredeskError):
    """A letter or translation that cannot be written or sent as asked."""

    code = "letter_invalid"


class TranslationNotBack(LetterError):
    """A translation recorded as sent before it has come back from the translator."""

    code = "translation_not_returned"


# -- writing ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Delivered:
    """How a letter reached the customer when it did not go by post."""

    channel: Channel
    at: datetime
    summary: str  # what the contact says, before the letter's subject


@transaction.atomic
def letter_write(
    *,
    case: Case,
    draft: str,
    by: StaffMember,
    policy: Policy,
    clock: Clock,
    kind: DocumentKind = DocumentKind.RESPONSE,
) -> CaseLetter:
    """Write a letter on the case in `by`'s name and, for a response, record it as the
    response. Refused (UnsignedDocument) if `by`'s record cannot sign it."""
    if not allowed(by, Can.WORK_CASES):
        raise NotAllowed("Only staff who take casework can write letters.")
    if kind not in LETTER_KINDS:
        raise LetterError(f"A {DocumentKind(kind).label.lower()} is not written as a letter.")
    if not draft.strip():
        raise LetterError("The letter has no text: write what it should say.")
    values = case_values(case, policy, officer=by) | {"draft": draft.strip()}
    return letter_send(case, kind, values, by=by, policy=policy, clock=clock)


def letter_send(
    case: Case,
    kind: DocumentKind,
    values: dict[str, Any],
    *,
    by: StaffMember,
    policy: Policy,
    clock: Clock,
    delivered: Delivered | None = None,
) -> CaseLetter:
    """Fill in the letter template of `kind`, refuse it unsigned, keep it, record it on
    the case (a response meets the response deadlines), and queue its formats. In the
    caller's transaction: letter_write's, or a channel's that sends a letter when it
    cannot send its own way (mail's holding reply). `delivered`: how it reached the
    customer, if not by post (a calling card left at a home visit)."""
    clock = read_once(clock)  # the letter, its contact and its events: one moment
    now = clock.now()
    rendered = document_render(kind, Medium.LETTER, values)
    just_written = CaseLetter.objects.filter(
        case=case, kind=kind, body=rendered.body, written_at__gt=now - AGAIN_WITHIN
    )
    if just_written.exists():
        raise LetterError("This letter was written a moment ago: it is not sent twice.")
    signatory = signatory_of(by)
    letter = _letter(case, policy, rendered.subject, rendered.body, by, now)
    signed_check(letter_text(letter), signatory)
    written = CaseLetter.objects.create(
        case=case,
        kind=kind,
        subject=rendered.subject[:300],
        body=rendered.body,
        signed_by=by,
        signed_name=letter.signature.name[:200],
        signed_post_title=letter.signature.post_title[:120],
        signed_phone=letter.signature.phone[:40],
        signed_email=letter.signature.email,
        written_at=now,
    )
    summary = f"Letter: {written.subject}"
    if kind in RESPONSE_KINDS:
        response_send(
            case=case, channel=Channel.LETTER, summary=summary, by=by, policy=policy, clock=clock
        )
    else:
        contact_log(
            case=case,
            channel=delivered.channel if delivered else Channel.LETTER,
            direction=Direction.OUTBOUND,
            by=by,
            summary=f"{delivered.summary}: {written.subject}" if delivered else summary,
            at=delivered.at if delivered else None,
            policy=policy,
            clock=clock,
        )
    language = case.customer.language.strip() if case.customer else ""
    if language and not _is_english(language):
        # The language on the customer's record is a standing request for translation.
        translation_request(written=written, language=language, by=by, policy=policy, clock=clock)
    enqueue_after_commit("caredesk.documents.tasks.make_letter_formats", written.pk)
    return written


def _is_english(language: str) -> bool:
    """English, en, en-GB, English (UK), British English..."""
    words = language.casefold().replace("(", " ").replace(")", " ").replace("-", " ").split()
    return bool(words) and (words[0] in {"english", "en"} or words[-1] == "english")


def letter_of(written: CaseLetter, policy: Policy) -> Letter:
    """The letter as the formats render it, signed as it was when it was written."""
    signature = Signature(
        name=written.signed_name,
        post_title=written.signed_post_title,
        phone=written.signed_phone,
        email=written.signed_email,
    )
    return _letter(
        written.case,
        policy,
        written.subject,
        written.body,
        written.signed_by,
        written.written_at,
        signature=signature,
    )


def letter_preview(
    case: Case,
    kind: DocumentKind,
    values: dict[str, Any],
    *,
    by: StaffMember,
    policy: Policy,
    at: datetime,
) -> Letter:
    """The letter letter_send would write at `at`, not kept: for the page that shows it
    before it is sent."""
    rendered = document_render(kind, Medium.LETTER, values)
    return _letter(case, policy, rendered.subject, rendered.body, by, at)


def _letter(
    case: Case,
    policy: Policy,
    subject: str,
    body: str,
    by: StaffMember,
    at: datetime,
    *,
    signature: Signature | None = None,
) -> Letter:
    organisation = policy.organisation
    recipient, address = case_recipient(case)
    return Letter(
        organisation_name=organisation.name,
        organisation_address=(),
        organisation_phone=organisation.phone or "",
        organisation_email=organisation.email or "",
        recipient_name=recipient,
        recipient_address=tuple(address),
        date=at.astimezone(policy.working_calendar.zone).date(),
        reference=case.reference,
        subject=subject,
        salutation=case_salutation(case, recipient),
        body=body,
        signature=signature
        or Signature(
            name=by.get_full_name(), post_title=by.post_title, phone=by.phone, email=by.email
        ),
    )


# -- formats ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FormatMade:
    format: DocumentFormat
    document: CaseDocument | None  # None: not made (see `problem`)
    problem: str = ""


def wanted_formats(written: CaseLetter) -> list[DocumentFormat]:
    """The printed letter, and the format the customer's record asks for."""
    return customer_formats(written.case.customer)


def customer_formats(customer: Customer | None) -> list[DocumentFormat]:
    """The formats a letter to `customer` is made in: the printed letter, and the one
    their record asks for (large print, Braille or audio)."""
    asked_for = customer.accessible_format if customer else ""
    extra = _ACCESSIBLE.get(asked_for)
    return [DocumentFormat.STANDARD_PRINT, *([extra] if extra else [])]


# Easy read is written by a person, not made from the letter: the case shows the need.
_ACCESSIBLE = {
    AccessibleFormat.LARGE_PRINT.value: DocumentFormat.LARGE_PRINT,
    AccessibleFormat.BRAILLE.value: DocumentFormat.BRAILLE,
    AccessibleFormat.AUDIO.value: DocumentFormat.AUDIO,
}


def letter_formats_make(*, letter_id: int, policy: Policy, clock: Clock) -> list[FormatMade]:
    """Make each format of the letter that is not made yet, and attach it to the case.
    Safe to run twice or in two workers at once: each format is made once."""
    written = CaseLetter.objects.select_related("case__customer", "signed_by").get(pk=letter_id)
    letter = letter_of(written, policy)
    done = set(written.documents.values_list("format", flat=True))
    made: list[FormatMade] = []
    problems: list[str] = []
    for wanted in wanted_formats(written):
        if wanted in done:
            continue
        maker, suffix, content_type = _makers(policy)[wanted]
        try:
            data = maker(letter)
        except (FormatUnavailable, EmptyText) as problem:
            said = problem.message
        except Exception as error:  # named on the letter; the other formats go on
            logger.exception("Letter %s: %s could not be made", written.pk, wanted.label)
            said = f"It could not be made ({type(error).__name__}: {error})."
        else:
            document = _attach(written, wanted, data, suffix, content_type, clock)
            made.append(FormatMade(wanted, document))
            continue
        problems.append(f"{wanted.label}: {said}")
        made.append(FormatMade(wanted, None, said))
    missing = "\n".join(problems)
    if missing != written.formats_missing:
        CaseLetter.objects.filter(pk=written.pk).update(formats_missing=missing)
    return made


FORMATS_SWEEP_AFTER = timedelta(minutes=10)  # the task's turn first


def letters_formats_sweep(*, policy: Policy, clock: Clock, limit: int = 100) -> int:
    """Make the formats of letters whose task never ran (a worker killed, the queue
    down): letters written more than FORMATS_SWEEP_AFTER ago with no files and nothing
    named missing. Returns how many letters it went through."""
    waiting = CaseLetter.objects.filter(
        written_at__lt=clock.now() - FORMATS_SWEEP_AFTER,
        documents__isnull=True,
        formats_missing="",
    ).order_by("pk")
    ids = list(waiting.values_list("pk", flat=True)[:limit])
    for letter_id in ids:
        try:
            letter_formats_make(letter_id=letter_id, policy=policy, clock=clock)
        except Exception as error:  # one letter never stops the sweep: named on it
            logger.exception("Letter %s: its formats could not be made", letter_id)
            CaseLetter.objects.filter(pk=letter_id).update(
                formats_missing=f"Its formats could not be made ({type(error).__name__})."
            )
    return len(ids)


_Maker = Callable[[Letter], bytes]


def _makers(policy: Policy) -> dict[DocumentFormat, tuple[_Maker, str, str]]:
    points = policy.correspondence.large_print_pt
    return {
        DocumentFormat.STANDARD_PRINT: (letter_pdf, "pdf", "application/pdf"),
        DocumentFormat.LARGE_PRINT: (
            partial(letter_pdf, large_print=True, large_print_pt=points),
            "large-print.pdf",
            "application/pdf",
        ),
        DocumentFormat.BRAILLE: (
            lambda letter: brf_from_text(letter_text(letter)),
            "brf",
            "application/x-brf",
        ),
        DocumentFormat.AUDIO: (
            lambda letter: mp3_from_text(letter_text(letter)),
            "mp3",
            "audio/mpeg",
        ),
    }


def _attach(
    written: CaseLetter,
    format: DocumentFormat,
    data: bytes,
    suffix: str,
    content_type: str,
    clock: Clock,
) -> CaseDocument | None:
    digest = store_put(data)
    try:
        with transaction.atomic():
            return CaseDocument.objects.create(
                case=written.case,
                letter=written,
                format=format,
                file_name=f"{written.case.reference} letter {written.pk}.{suffix}",
                content_type=content_type,
                size=len(data),
                sha256=digest,
                created_at=clock.now(),
            )
    except IntegrityError:  # another worker made it at the same moment
        return None


# -- translations -----------------------------------------------------------------------


@transaction.atomic
def translation_request(
    *, written: CaseLetter, language: str, by: StaffMember, policy: Policy, clock: Clock
) -> TranslationRequest:
    """Ask for the letter in `language`: a task whose deadline the policy sets."""
    language = " ".join(language.split())
    if not language:
        raise LetterError("Say which language the letter is wanted in.")
    if _is_english(language):
        raise LetterError("The letter is already in English.")
    if not allowed(by, Can.WORK_CASES):
        raise NotAllowed("Only staff who take casework can ask for translations.")
    earlier = TranslationRequest.objects.filter(letter=written, language__iexact=language).first()
    if earlier is not None:
        raise LetterError(f"This letter has already been asked for in {earlier.language}.")
    now = clock.now()
    return TranslationRequest.objects.create(
        case=written.case,
        letter=written,
        language=language[:60],
        requested_at=now,
        requested_by=by,
        deadline=deadline_start(
            case=written.case,
            standard_key=TRANSLATION_STANDARD,
            at=now,
            by=by,
            policy=policy,
            clock=clock,
        ),
    )


def translation_file_check(data: bytes, *, name: str = "") -> str:
    """The translated letter's type, known from its bytes read through (a PDF parsed, an
    image decoded). Raises `LetterError` with the reason if it is empty, too large, not a
    PDF or an image, or could run code: it goes to a customer."""
    try:
        return upload_check(
            data,
            name=name,
            limit=settings.CAREDESK_TRANSLATION_MAX_BYTES,
            next_step=TRANSLATION_AGAIN,
        ).content_type
    except FileRefused as refused:
        raise LetterError(refused.message) from None


@transaction.atomic
def translation_return(
    *,
    request: TranslationRequest,
    data: bytes,
    file_name: str,
    by: StaffMember,
    clock: Clock,
) -> TranslationRequest:
    """The translator's file has come back: attach it to the case. It is kept with the
    type its bytes show (`translation_file_check`), never the one it was sent with."""
    if not allowed(by, Can.WORK_CASES):
        raise NotAllowed("Only staff who take casework can attach translations.")
    if request.status == TranslationStatus.SENT:
        raise LetterError("This translation has been sent already.")
    file_name = storable_text(file_name).strip()
    content_type = translation_file_check(data, name=file_name)
    now = clock.now()
    document = CaseDocument.objects.create(
        case=request.case,
        format=DocumentFormat.TRANSLATION,
        language=request.language,
        file_name=(file_name or f"{request.case.reference} in {request.language}")[:200],
        content_type=content_type,
        size=len(data),
        sha256=store_put(data),
        created_at=now,
        created_by=by,
    )
    request.document, request.returned_at = document, now
    request.status = TranslationStatus.RETURNED
    request.save(update_fields=["document", "returned_at", "status"])
    return request


@transaction.atomic
def translation_send(
    *, request: TranslationRequest, by: StaffMember, policy: Policy, clock: Clock
) -> TranslationRequest:
    """The translation has gone to the customer: its deadline is met."""
    if not allowed(by, Can.WORK_CASES):
        raise NotAllowed("Only staff who take casework can record translations as sent.")
    if request.status != TranslationStatus.RETURNED:
        raise TranslationNotBack("Only a translation that has come back can be sent.")
    now = clock.now()
    request.status, request.sent_at = TranslationStatus.SENT, now
    request.save(update_fields=["status", "sent_at"])
    contact_log(
        case=request.case,
        channel=Channel.LETTER,
        direction=Direction.OUTBOUND,
        by=by,
        summary=f"Letter in {request.language}: {request.letter.subject}",
        policy=policy,
        clock=clock,
    )
    if request.deadline is not None:
        deadline_meet(deadline=request.deadline, at=now, by=by, policy=policy, clock=clock)
    return request


# -- templates --------------------------------------------------------------------------


@transaction.atomic
def template_save(
    *, kind: str, medium: str, subject: str, body: str, by: StaffMember, clock: Clock
) -> DocumentTemplate:
    """Save an administrator's wording in place of the shipped one, if it can be used."""
    if not allowed(by, Can.EDIT_TEMPLATES):
        raise NotAllowed("Only administrators can change the wording of templates.")
    problems = template_check(kind, subject, body)
    if problems:
        raise TemplateProblem(" ".join(problems))
    saved, _ = DocumentTemplate.objects.update_or_create(
        kind=DocumentKind(kind),
        medium=Medium(medium),
        defaults={"subject": subject, "body": body, "updated_at": clock.now(), "updated_by": by},
    )
    return saved


def template_reset(*, kind: str, medium: str, by: StaffMember) -> None:
    """Go back to the shipped wording."""
    if not allowed(by, Can.EDIT_TEMPLATES):
        raise NotAllowed("Only administrators can change the wording of templates.")
    DocumentTemplate.objects.filter(kind=kind, medium=medium).delete()
