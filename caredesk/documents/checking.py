"""Check before send: what goes to a customer is shown exactly as it will be sent, and
is sent only from that page.

The check page carries a signed token of exactly what it showed (django.core.signing):
the posted fields (the text), who it goes to (the email address, or the letter's name and
address lines), the case's customer, the officer who checked it, and the case's latest
event. "Send" is refused unless the token matches the same things as they are now, so a
changed text, a changed address, a case that changed meanwhile, somebody else's check, a
second press after the send (the send's own event makes the token stale), or a send that
never passed the check page, is shown to be checked again instead.

It is documents' so that every app that sends something to a customer can use it: mail
(replies, holding replies, acknowledgements) and documents itself (calling cards), and
later the channels beside mail (home visits), which may not import mail.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.core import signing

from caredesk.cases.models import Case
from caredesk.documents.models import DocumentFormat
from caredesk.documents.values import case_recipient
from caredesk.staff.models import StaffMember

_SALT = "caredesk.mail.checked"  # kept: tokens already given stay good
CHECKED_FOR = 60 * 60  # seconds a check page's Send stays good


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


_MADE_AS = {
    DocumentFormat.LARGE_PRINT: "in large print",
    DocumentFormat.BRAILLE: "in Braille",
    DocumentFormat.AUDIO: "as audio",
}


def formats_sentence(formats: list[DocumentFormat], language: str) -> str:
    """ "Also sent in Braille and as audio." for the formats beyond the printed letter."""
    made = [_MADE_AS[f] for f in formats if f in _MADE_AS]
    if language and language.casefold() not in {"english", "en", "en-gb"}:
        made.append(f"translated into {language}")
    if not made:
        return ""
    listed = made[0] if len(made) == 1 else f"{', '.join(made[:-1])} and {made[-1]}"
    return f"Also sent {listed}."
