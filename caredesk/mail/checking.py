"""Check before send for what mail sends: the email as it will arrive or the letter as
it will print, and the formats that will be made (the signed token of what was shown is
documents.checking's).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from caredesk.cases.models import Case, CaseKind
from caredesk.core.clock import Clock
from caredesk.documents.checking import formats_sentence
from caredesk.documents.formats.pdf import letter_context
from caredesk.documents.framing import repeated_framing
from caredesk.documents.letters import letter_text
from caredesk.documents.models import DocumentKind, Medium
from caredesk.documents.ombudsman import ombudsman_values
from caredesk.documents.rendering import document_render, signed_check
from caredesk.documents.services import customer_formats, letter_preview
from caredesk.documents.values import case_values, signatory_of
from caredesk.mail.acknowledgements import customer_from_address
from caredesk.staff.models import StaffMember
from caredesk.standards import Policy


@dataclass(frozen=True)
class EmailShown:
    sender: str
    to: str
    subject: str
    body: str
    attachments: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Preview:
    """What the customer will get: an email or a letter, and any other formats."""

    email: EmailShown | None
    letter: dict[str, Any] | None  # the printed letter's parts (documents.formats.pdf)
    also_made: str  # "Also sent in Braille." or ""
    format_not_made: str  # a need the chosen way of sending cannot meet, or ""
    repeated: list[str]  # lines of the officer's text the template adds anyway


def preview_make(
    case: Case,
    kind: DocumentKind,
    values: dict[str, Any],
    *,
    to: str,
    by_email: bool,
    by: StaffMember,
    policy: Policy,
    clock: Clock,
    typed: str,
) -> Preview:
    """Render what `kind` will be, as the send will render it, without keeping anything."""
    customer = case.customer
    language = customer.language.strip() if customer else ""
    formats = customer_formats(customer)
    repeated = repeated_framing(typed)
    if by_email:
        rendered = document_render(kind, Medium.EMAIL, values)
        signed_check(rendered.body, signatory_of(by))
        shown = EmailShown(customer_from_address(policy), to, rendered.subject, rendered.body)
        needs = formats_sentence(formats, "")
        not_made = (
            f"{customer.name if customer else 'The customer'} needs letters "
            f"{needs.removeprefix('Also sent ').rstrip('.')}: an email is not made that way. "
            "Send a letter to have it made."
            if needs
            else ""
        )
        return Preview(shown, None, "", not_made, repeated)
    letter = letter_preview(case, kind, values, by=by, policy=policy, at=clock.now())
    signed_check(letter_text(letter), signatory_of(by))
    return Preview(None, letter_context(letter), formats_sentence(formats, language), "", repeated)


def reply_values(case: Case, policy: Policy, by: StaffMember, draft: str) -> dict[str, Any]:
    return case_values(case, policy, officer=by) | {"draft": draft.strip()}


def holding_values(
    case: Case, policy: Policy, by: StaffMember, reason: str, revised_day: str
) -> dict[str, Any]:
    """A holding reply's values; on a complaint (an extension, in the Code's words) how
    to reach the Housing Ombudsman too, which its letter must say."""
    values = case_values(case, policy, officer=by) | {
        "holding": {"reason": reason.strip(), "revised": revised_day}
    }
    if case.kind == CaseKind.COMPLAINT:
        values["ombudsman"] = ombudsman_values(policy)
    return values


def revised_text(revised_at: datetime, policy: Policy) -> str:
    """The revised date as the check page posts it back: local time, to the minute."""
    return revised_at.astimezone(policy.working_calendar.zone).strftime("%Y-%m-%dT%H:%M")
