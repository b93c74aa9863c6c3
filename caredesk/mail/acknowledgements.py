"""The automatic reply to an email that opens a case: its reference, who is dealing with
it and when a reply is due; or, when the officer it was sent to is away for longer than
the policy's out-of-office threshold, the out-of-office reply naming who deals instead.

Never to a machine (RFC 3834): not to mail marked as sent automatically, bulk or from a
list; not to no-reply, postmaster or mailer-daemon addresses; not to our own address; and
no more than ACKNOWLEDGEMENTS_PER_DAY to one address in 24 hours, so that a mail program
that ignores the rules cannot start a loop with us.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from email.utils import getaddresses
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.db import transaction

from caredesk.cases.models import Case
from caredesk.documents.letters import long_day
from caredesk.documents.models import DocumentKind, Medium
from caredesk.documents.rendering import document_render
from caredesk.documents.values import case_values
from caredesk.mail.models import InboundEmail, OutboundEmail
from caredesk.staff.models import Absence, StaffMember
from caredesk.staff.permissions import Can, allowed
from caredesk.staff.selectors import absence_away_get
from caredesk.standards import Policy

ACKNOWLEDGEMENTS_PER_DAY = 3
# Anyone can send us mail from any address they like: beyond this many automatic replies
# in an hour, something is using us to send mail (forged senders), so we stop replying.
AUTOMATIC_REPLIES_PER_HOUR = 60
# RFC 3834 section 2: addresses that are mail software, lists or people who asked for no
# replies. Matched against the part before the @.
_NOT_A_PERSON = re.compile(
    r"^(mailer-daemon|postmaster|listserv|majordomo|bounce[s]?|no[-_.]?reply|do[-_.]?not[-_.]?reply)"
    r"(\b|[-_.+])|(-request|-owner|-bounces?)$|^owner-",
    re.IGNORECASE,
)


def addressed_officer(to: str) -> StaffMember | None:
    """The member of staff an email was written to by name (their own address in To; the
    first one there, if several), if they take casework: the case goes to them, or to
    their cover."""
    addresses = [address.lower() for _, address in getaddresses([to]) if "@" in address]
    if not addresses:
        return None
    found = StaffMember.objects.filter(email__iregex=_any_of(addresses), is_active=True)
    for officer in sorted(found, key=lambda o: addresses.index(o.email.lower())):
        if allowed(officer, Can.WORK_CASES):
            return officer
    return None


def _any_of(addresses: list[str]) -> str:
    return "^(" + "|".join(re.escape(address) for address in addresses) + ")$"


def why_not_acknowledged(email: InboundEmail, *, now: datetime, policy: Policy) -> str:
    """Why this email must not be acknowledged, or "" if it should be."""
    if email.automatic:
        return f"Sent automatically ({email.automatic}): machines are never answered."
    address = email.from_address
    if not _can_be_written(address):
        return f"The sender's address ({address or 'none'}) cannot be replied to."
    if _NOT_A_PERSON.search(address.partition("@")[0]):
        return f"{address} is an address for mail software or one that asks for no replies."
    if address in _our_addresses(policy):
        return f"{address} is our own address."
    if StaffMember.objects.filter(email__iexact=address).exists():
        return f"{address} is a member of staff's address."
    this_hour = OutboundEmail.objects.filter(
        automatic=True, created_at__gt=now - timedelta(hours=1)
    ).count()
    if this_hour >= AUTOMATIC_REPLIES_PER_HOUR:
        return (
            f"{this_hour} automatic replies have gone in the last hour: no more for now, in "
            "case someone is using forged senders to make us send mail."
        )
    recent = OutboundEmail.objects.filter(
        to_address=address,
        kind__in=[DocumentKind.ACKNOWLEDGEMENT, DocumentKind.OUT_OF_OFFICE],
        created_at__gt=now - timedelta(days=1),
    ).count()
    if recent >= ACKNOWLEDGEMENTS_PER_DAY:
        return (
            f"{address} has had {recent} automatic replies in the last 24 hours: "
            "no more, in case a mail program is answering us."
        )
    return ""


def _can_be_written(address: str) -> bool:
    """An address an email can go to: something@somewhere, nothing that breaks a header."""
    local, at, domain = address.partition("@")
    return bool(local and at and "." in domain) and not any(c in address for c in ' \r\n<>,;"')


def _our_addresses(policy: Policy) -> set[str]:
    ours = {
        customer_from_address(policy),
        settings.DEFAULT_FROM_EMAIL,
        policy.organisation.email or "",
    }
    if settings.CAREDESK_MAILBOX:
        user = urlsplit(settings.CAREDESK_MAILBOX).username
        ours.add(unquote(user or ""))
    return {address.lower() for _, address in getaddresses(list(ours)) if "@" in address}


def customer_from_address(policy: Policy) -> str:
    """The From of emails to customers: CAREDESK_CUSTOMER_FROM_EMAIL, else the policy's
    organisation address, else DEFAULT_FROM_EMAIL. Replies come back to the mailbox."""
    address = settings.CAREDESK_CUSTOMER_FROM_EMAIL or policy.organisation.email
    if not address:
        return str(settings.DEFAULT_FROM_EMAIL)
    return f'"{policy.organisation.name}" <{address}>'


@transaction.atomic
def acknowledgement_queue(
    *,
    email: InboundEmail,
    addressed: StaffMember | None,
    policy: Policy,
    now: datetime,
) -> OutboundEmail | None:
    """Make the automatic reply to `email`, which opened its case, ready for the worker to
    send. Returns None, and records why on the email, when it must not be answered."""
    reason = why_not_acknowledged(email, now=now, policy=policy)
    if reason:
        email.not_acknowledged = reason[:300]
        email.save(update_fields=["not_acknowledged"])
        return None
    case = email.case
    assert case is not None  # only emails that opened a case are acknowledged
    today = now.astimezone(policy.working_calendar.zone).date()
    absence = absence_away_get(staff=addressed, on=today, policy=policy) if addressed else None
    kind = DocumentKind.OUT_OF_OFFICE if absence else DocumentKind.ACKNOWLEDGEMENT
    values = _values(case, policy, absence=absence)
    rendered = document_render(kind, Medium.EMAIL, values)
    name = kind.value.replace("_", "-")
    key = f"{name}.{email.pk}.{case.reference.lower()}@{message_domain(policy)}"
    return OutboundEmail.objects.create(
        case=case,
        kind=kind,
        in_reply_to=email,
        message_key=key,
        references=email.references_for_a_reply(),
        automatic=True,
        to_address=email.from_address,
        subject=rendered.subject[:300],
        body=rendered.body,
        created_at=now,
    )


def message_domain(policy: Policy) -> str:
    """The domain of the Message-IDs we make: our sending address's."""
    address = getaddresses([customer_from_address(policy)])[0][1]
    return address.rpartition("@")[2] or "caredesk.invalid"


def _values(case: Case, policy: Policy, *, absence: Absence | None) -> dict[str, Any]:
    # Anyone can write to us: an automatic reply gives the organisation's phone and email,
    # never an officer's direct line.
    values = case_values(case, policy, officer=case.assigned_to, direct_contact=False)
    if absence is not None:
        values["away"] = {
            "name": str(absence.staff),
            "back": long_day(policy.working_calendar.next_working_day(absence.last_day)),
            "message": absence.out_of_office_message,
        }
    return values
