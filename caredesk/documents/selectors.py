"""Reading a case's correspondence: its emails, letters written and received, files."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from caredesk.cases.models import Case
from caredesk.documents.models import CaseDocument, CaseLetter, TranslationRequest


def case_correspondence(case: Case) -> dict[str, Any]:
    """What the case page shows of the case's mail and letters."""
    from caredesk.mail.models import InboundEmail, OutboundEmail, ReceivedLetter

    letters = CaseLetter.objects.filter(case=case).select_related("signed_by")
    letters = letters.prefetch_related(
        Prefetch("documents", queryset=CaseDocument.objects.order_by("pk")),
        Prefetch(
            "translation_requests",
            queryset=TranslationRequest.objects.select_related("document").order_by("pk"),
        ),
    )
    return {
        "emails": InboundEmail.objects.filter(case=case)
        .prefetch_related("attachments")
        .order_by("-received_at", "-pk"),
        "emails_sent": OutboundEmail.objects.filter(case=case).order_by("-created_at", "-pk"),
        "letters": letters.order_by("-written_at", "-pk"),
        "letters_received": ReceivedLetter.objects.filter(case=case).order_by("-received_at"),
    }
