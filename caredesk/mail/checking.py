"""Check before send: what goes to a customer is shown exactly as it will be sent, and
is sent only from that page.

The check page carries a signed token of exactly what it showed (django.core.signing):
the posted fields (the text), who it goes to (the email address, or the letter's name and
address lines), the case's customer, the officer who checked it, and the case's latest
event. "Send" is refused unless the token matches the same things as they are now, so a
changed text, a changed address, a case that changed meanwhile, somebody else's check, a
second press after the send (the send's own event makes the token stale), or a send that
never passed the check page, is shown to be checked again instead.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core import signing

from caredesk.cases.models import Case
from caredesk.core.clock import Clock
from caredesk.documents.formats.pdf import letter_context
from caredesk.documents.framing import repeated_framing
from caredesk.documents.letters import letter_text
from caredesk.documents.models import DocumentFormat, DocumentKind, Medium
from caredesk.documents.rendering import document_render, signed_check
from caredesk.documents.services import customer_formats, letter_preview
from caredesk.documents.values import case_recipient, case_values, signatory_of
from caredesk.mail.acknowledgements import customer_from_address
from caredesk.staff.models import StaffMember
from caredesk.standards import Policy

_SALT = "caredesk.mail.checked"
CHECKED_FOR = 60 * 60  # seconds a check page's Send stays good

_MADE_AS = {
    DocumentFormat.LARGE_PRINT: "in large print",
    DocumentFormat.BRAILLE: "in Braille",
    DocumentFormat.AUDIO: "as audio",
}


def _digest(fields: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()


NOT_CHECKED = (
    "Check {what} before you send it. It was not sent: it had changed since it was "
    "checked, or it was not checked."
)
CHANGED_CASE = (
    "The case has changed since you checked {what}. It was not sent: check it again "
    "before you send it."
)
CHANGED_EMAIL = "The customer’s email address changed since you checked it. Check {what} again."
CHANGED_ADDRESS = "The customer’s address changed since you checked it. Check {what} again."
CHANGED_CUSTOMER = "The case’s customer changed since you checked it. Check {what} again."


@dataclass(frozen=True)
class CheckedFor:
    """What a check page showed beyond the posted fields, as it is now."""

    recipient: str  # the email address, or the letter's name and address lines
    by_email: bool
    officer: int
    customer: int | None
    latest_event: int | None


def checked_for(case: Case, *, by: StaffMember, by_email: bool, email_to: str) -> CheckedFor:
    """Who it goes to, who checks it and how the case stands, now."""
    if by_email:
        recipient = email_to
    else:
        name, lines = case_recipient(case)
        recipient = "\n".join([name, *lines])
    latest = case.events.order_by("-pk").values_list("pk", flat=True).first()
    return CheckedFor(recipient, by_email, by.pk, case.customer_id, latest)


def checked_token(fields: dict[str, str], now: CheckedFor) -> str:
    """A token for the check page that showed exactly `fields`, as `now`."""
    return signing.dumps(
        {
            "shown": _digest(fields),
            "to": now.recipient,
            "by": now.officer,
            "customer": now.customer,
            "event": now.latest_event,
        },
        salt=_SALT,
    )


def checked_refusal(token: str, fields: dict[str, str], now: CheckedFor, *, what: str) -> str:
    """Why `token` does not let this send go ("" if it does): it must come from a check
    page, within the hour, shown to this officer, with these fields, to this recipient,
    on the case as it is now."""
    try:
        checked = signing.loads(token, salt=_SALT, max_age=CHECKED_FOR)
    except signing.BadSignature:  # SignatureExpired is one
        return NOT_CHECKED.format(what=what)
    if not isinstance(checked, dict) or checked.get("by") != now.officer:
        return NOT_CHECKED.format(what=what)
    if checked.get("customer") != now.customer:
        return CHANGED_CUSTOMER.format(what=what)
    if checked.get("to") != now.recipient:
        return (CHANGED_EMAIL if now.by_email else CHANGED_ADDRESS).format(what=what)
    if checked.get("shown") != _digest(fields):
        return NOT_CHECKED.format(what=what)
    if checked.get("event") != now.latest_event:
        return CHANGED_CASE.format(what=what)
    return ""


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


def formats_sentence(formats: list[DocumentFormat], language: str) -> str:
    """ "Also sent in Braille and as audio." for the formats beyond the printed letter."""
    made = [_MADE_AS[f] for f in formats if f in _MADE_AS]
    if language and language.casefold() not in {"english", "en", "en-gb"}:
        made.append(f"translated into {language}")
    if not made:
        return ""
    listed = made[0] if len(made) == 1 else f"{', '.join(made[:-1])} and {made[-1]}"
    return f"Also sent {listed}."


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
    return case_values(case, policy, officer=by) | {
        "holding": {"reason": reason.strip(), "revised": revised_day}
    }


def revised_text(revised_at: datetime, policy: Policy) -> str:
    """The revised date as the check page posts it back: local time, to the minute."""
    return revised_at.astimezone(policy.working_calendar.zone).strftime("%Y-%m-%dT%H:%M")
