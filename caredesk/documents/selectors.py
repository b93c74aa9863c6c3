"""Reading a case's letters (written, their files and their translations), and the
policy's thresholds for the plain-English check."""

from __future__ import annotations

from typing import Any

from django.conf import settings as django_settings
from django.db.models import Prefetch
from django.http import HttpRequest

from caredesk.cases.models import Case
from caredesk.core.file_checks import ACCEPT
from caredesk.core.uploads import limit_hint
from caredesk.documents.models import CaseDocument, CaseLetter, TranslationRequest
from caredesk.documents.plain_english import PlainEnglishThresholds
from caredesk.standards import Policy

TRANSLATION_FILE_HINT = "A PDF, or an image of each page (PNG, JPEG, GIF, TIFF or WebP)."


def case_letters_panel(*, case: Case, request: HttpRequest) -> dict[str, Any]:
    """The case page's letters panel (documents/case_letters.html): the letters written
    on the case, each with its files and translations, in three queries."""
    letters = CaseLetter.objects.filter(case=case).select_related("signed_by")
    letters = letters.prefetch_related(
        Prefetch("documents", queryset=CaseDocument.objects.order_by("pk")),
        Prefetch(
            "translation_requests",
            queryset=TranslationRequest.objects.select_related("document").order_by("pk"),
        ),
    )
    return {
        "letters": letters.order_by("-written_at", "-pk"),
        "translation_file_hint": translation_file_hint(),
        "translation_file_accept": ACCEPT,
    }


def translation_file_hint() -> str:
    """What the translated letter's file input says: its kinds and its size limit."""
    return f"{TRANSLATION_FILE_HINT} {limit_hint(django_settings.CAREDESK_TRANSLATION_MAX_BYTES)}"


def plain_english_thresholds_get(*, policy: Policy) -> PlainEnglishThresholds:
    """The policy's thresholds for the plain-English check (the check as you type, and
    mail's reply page)."""
    settings = policy.correspondence.plain_english
    return PlainEnglishThresholds(
        min_reading_ease=settings.min_reading_ease,
        max_average_sentence_words=settings.max_average_sentence_words,
        long_sentence_words=settings.long_sentence_words,
    )
