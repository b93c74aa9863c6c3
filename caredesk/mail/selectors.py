"""Reading a case's mail: emails received and sent, and letters received."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from caredesk.cases.models import Case
from caredesk.documents.values import address_lines
from caredesk.mail.models import InboundEmail, OutboundEmail, ReceivedLetter


def case_emails_panel(*, case: Case, request: HttpRequest) -> dict[str, Any]:
    """The case page's mail panel (mail/case_emails.html): emails received (with their
    attachments) and sent, and letters received, in four queries."""
    return {
        "emails": InboundEmail.objects.filter(case=case)
        .prefetch_related("attachments")
        .order_by("-received_at", "-pk"),
        "emails_sent": OutboundEmail.objects.filter(case=case).order_by("-created_at", "-pk"),
        "letters_received": ReceivedLetter.objects.filter(case=case).order_by("-received_at"),
    }


def letter_sender_of(case: Case) -> tuple[str, list[str]] | None:
    """Who a letter on a case with no customer goes to: the sender of the letter that
    opened it, with their address, as the register has them (documents.values asks)."""
    first = ReceivedLetter.objects.filter(case=case).order_by("received_at", "pk").first()
    if first is None:
        return None
    return first.sender, address_lines(first.sender_address, "")
