"""Receiving an email: kept whole, then a contact on the case it belongs to.

`email_receive` keeps the message's bytes and attachments in the mail store, then, in
one transaction:

1. skips it if a message with the same key is here already (so a mailbox read twice or
   a file imported twice adds nothing);
2. finds its case: the case of an email it replies to (In-Reply-To, then References),
   else the case whose reference is in its subject (HHT-2025-000123); and adds it there
   as an inbound email contact;
3. otherwise opens a new case (a general enquiry by email, received when the message
   says it was sent, never later than now) for the customer with the sender's address,
   if exactly one customer has it. The policy's deadlines start as for any case. An
   email written to a member of staff by their own address goes to them (or, while
   they are away, to their cover), and the sender gets an acknowledgement (see
   mail.acknowledgements), or the out-of-office reply;
4. but mail sent by a machine (an auto-reply, bulk mail, a bounce) that belongs to no
   case opens none: it waits on the review list, with no deadline, for someone to
   look at.

A message that cannot be read well (bad encodings, a broken MIME structure, characters
no database can hold) is still received: what could be read is used, the problems are
listed on it, and its bytes are kept as they came. Messages sent by a machine
(auto-replies, bulk mail, bounces) are received the same way and marked, so that none is
ever acknowledged.

A message that still cannot be stored because of what is in it is *parked* (staff read
"could not be saved as an email"): kept as it came, with the reason, on the
emails-to-review page, and known by its key, so that it is not tried again at every poll
and never stops the messages after it. A failure that says nothing about the message
(`transient`: the database locked, a deadlock, a serialisation failure, a lost
connection; the file store full, read-only or gone) is raised instead, so that the
message is tried again (the mailbox leaves it in the folder for the next poll), as is
anything that goes wrong while parking.
"""

from __future__ import annotations

import errno
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, InterfaceError, OperationalError, transaction

from caredesk.cases.intake import contact_receive
from caredesk.cases.models import Case, Channel
from caredesk.core.clock import Clock
from caredesk.core.store import store_folder, store_put
from caredesk.core.text import storable_text
from caredesk.customers.models import Customer
from caredesk.errors import CaredeskError, NotAllowed
from caredesk.mail.acknowledgements import acknowledgement_queue, addressed_officer
from caredesk.mail.models import EmailAttachment, InboundEmail, OutboundEmail, Threading
from caredesk.mail.outbound import outbound_email_queue
from caredesk.mail.parsing import ParsedEmail, email_key, email_parse
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can, allowed
from caredesk.standards import Policy

SUMMARY_LIMIT = 2_000  # characters of the text shown on the case's contact
ACKNOWLEDGE_WITHIN = timedelta(days=1)
logger = logging.getLogger(__name__)


PARKED_REASON_LIMIT = 1_000  # characters of the reason a message was parked


@dataclass(frozen=True)
class Received:
    email: InboundEmail
    new: bool  # False: the message was here already

    @property
    def parked(self) -> bool:
        """It could not be stored, and waits for review as it came."""
        return self.email.threading == Threading.PARKED


def email_receive(
    *,
    raw: bytes,
    source: str,
    policy: Policy,
    clock: Clock,
    received_at: datetime | None = None,
    acknowledge: bool = False,
) -> Received:
    """Receive one message (the bytes of an .eml file). `received_at` is when the mail
    server took it, where the caller knows it; else the message's Date (when it is
    believable: see parsing.FIRST_DATE_YEAR), never later than now.

    `acknowledge`: send the automatic reply if it opens a case (the mailbox does; a file
    of old mail does not), and only if it arrived in the last ACKNOWLEDGE_WITHIN: a
    reply promising a date already past helps nobody.

    A message that cannot be stored comes back parked (`Received.parked`). A `transient`
    error (the database or the store unusable just now) is raised: try it again later."""
    already = InboundEmail.objects.filter(message_key=email_key(raw)).first()
    if already is not None:
        return Received(already, new=False)
    source = storable_text(source)[:300]
    try:
        return _receive(raw, source, policy, clock, received_at, acknowledge=acknowledge)
    except Exception as error:
        if transient(error):  # nothing to do with the message: tried again
            raise
        # parked, with the reason: never tried at every poll
        logger.exception("Email from %s could not be saved as an email: kept for review.", source)
        return _park(raw, source, error, received_at=received_at, clock=clock)


# The store's failures that are not about one file: full, read-only, gone, unreachable.
_STORE_DOWN = frozenset(
    getattr(errno, name)
    for name in (
        "EACCES",
        "EAGAIN",
        "EBUSY",
        "EDQUOT",
        "EHOSTDOWN",
        "EHOSTUNREACH",
        "EINTR",
        "EIO",
        "EMFILE",
        "ENETDOWN",
        "ENETUNREACH",
        "ENFILE",
        "ENOMEM",
        "ENOSPC",
        "ENOTCONN",
        "EPERM",
        "EROFS",
        "ESTALE",
        "ETIMEDOUT",
    )
    if hasattr(errno, name)
)


def transient(error: BaseException) -> bool:
    """Whether `error` says the database or the file store cannot be used just now,
    not that something is wrong with the message: "database is locked" (SQLite), a
    deadlock, a serialisation failure, a lock or statement timeout, a lost connection
    (Django's OperationalError and InterfaceError); a store that is full, read-only,
    not allowed or gone. Such a message is tried again, never parked."""
    if isinstance(error, OperationalError | InterfaceError):
        return True
    if isinstance(error, OSError):
        return error.errno in _STORE_DOWN or not store_folder().is_dir()
    return False


def _receive(
    raw: bytes,
    source: str,
    policy: Policy,
    clock: Clock,
    received_at: datetime | None,
    *,
    acknowledge: bool,
) -> Received:
    parsed = email_parse(raw)
    raw_sha256 = store_put(raw)
    stored = [(attachment, store_put(attachment.data)) for attachment in parsed.attachments]
    now = clock.now()
    when = min(received_at or parsed.sent_at or now, now)
    try:
        with transaction.atomic():
            email = _record(
                parsed,
                raw,
                raw_sha256,
                source,
                when,
                policy=policy,
                clock=clock,
                acknowledge=acknowledge and now - when <= ACKNOWLEDGE_WITHIN,
            )
            EmailAttachment.objects.bulk_create(
                EmailAttachment(
                    email=email,
                    file_name=attachment.file_name,
                    content_type=attachment.content_type[:120],
                    size=len(attachment.data),
                    sha256=digest,
                    inline=attachment.inline,
                    content_id=attachment.content_id[:255],
                )
                for attachment, digest in stored
            )
    except IntegrityError:  # the same message, received at the same moment elsewhere
        already = InboundEmail.objects.filter(message_key=parsed.message_key).first()
        if already is None:
            raise
        return Received(already, new=False)
    return Received(email, new=True)


def _park(
    raw: bytes, source: str, error: Exception, *, received_at: datetime | None, clock: Clock
) -> Received:
    """Park a message that could not be stored: kept as it came, with why, for review.
    What its headers say is kept if it can be; if even that cannot be stored, only its
    key, bytes and the reason."""
    why = storable_text(getattr(error, "message", "") or str(error)).strip().rstrip(".")
    reason = (
        f"Could not be saved as an email: {why or 'no reason given'} ({type(error).__name__})"[
            : PARKED_REASON_LIMIT - 40
        ]
        + ". It is kept as it came."
    )
    raw_sha256 = store_put(raw)
    parsed = email_parse(raw)
    now = clock.now()
    bare: dict[str, Any] = {
        "message_key": email_key(raw),
        "threading": Threading.PARKED,
        "received_at": min(received_at or parsed.sent_at or now, now),
        "parked_reason": reason,
        "raw_sha256": raw_sha256,
        "raw_size": len(raw),
        "source": source,
        "not_acknowledged": "It could not be saved as an email: never answered.",
    }
    said: dict[str, Any] = {
        "from_address": parsed.from_address[:254],
        "from_name": parsed.from_name[:200],
        "subject": parsed.subject[:1_000],
        "sent_at": parsed.sent_at,
        "automatic": parsed.automatic[:200],
        "problems": "\n".join(parsed.problems),
    }
    try:
        return _parked_save(InboundEmail(**bare, **said))
    except Exception as error:
        if transient(error):
            raise
        logger.exception("Keeping the email from %s for review with its headers failed.", source)
        return _parked_save(InboundEmail(**bare))


def _parked_save(email: InboundEmail) -> Received:
    try:
        with transaction.atomic():
            email.save()
    except IntegrityError:  # parked or received at the same moment elsewhere
        already = InboundEmail.objects.filter(message_key=email.message_key).first()
        if already is None:
            raise
        return Received(already, new=False)
    return Received(email, new=True)


def _record(
    parsed: ParsedEmail,
    raw: bytes,
    raw_sha256: str,
    source: str,
    when: datetime,
    *,
    policy: Policy,
    clock: Clock,
    acknowledge: bool,
) -> InboundEmail:
    case, threading = _case_of(parsed, policy)
    problems = list(parsed.problems)
    if case is not None and not _from_the_customer(parsed, case):
        # Anyone can write "Re: HHT-2025-000123": say so before anyone replies to them.
        problems.append(
            f"Sent from {parsed.from_address or 'an unknown address'}, not the customer's "
            "email address: check who this is before replying with anything personal."
        )
    summary = _summary(parsed, problems)
    email = _email_record(parsed, raw, raw_sha256, source, when, problems)
    if case is None and _for_review(parsed.automatic):
        email.threading = Threading.FOR_REVIEW
        email.not_acknowledged = f"Sent automatically ({parsed.automatic}): never answered."[:300]
        email.save()
        return email
    addressed = addressed_officer(parsed.to) if case is None else None
    received = contact_receive(
        channel=Channel.EMAIL,
        received_at=when,
        subject=(parsed.subject or "An email with no subject")[:200],
        summary=summary,
        thread=case,
        customer=_customer(parsed.from_address) if case is None else None,
        assign_to=addressed,
        clock=clock,
        policy=policy,
    )
    email.case, email.contact = received.case, received.contact
    email.threading = Threading.NEW_CASE if received.opened else threading
    email.save()
    if threading == Threading.NEW_CASE:
        _acknowledge(email, addressed, acknowledge=acknowledge, policy=policy, clock=clock)
    return email


def _for_review(automatic: str) -> bool:
    """Machine mail that opens no case: auto-replies, bounces, bulk mail. A mailing list's
    mail may be a person writing through a group address: it opens a case, unanswered."""
    return bool(automatic) and not automatic.startswith(_LIST_MAIL)


_LIST_MAIL = ("List-Id", "List-Unsubscribe", "Precedence: list")


def _acknowledge(
    email: InboundEmail,
    addressed: StaffMember | None,
    *,
    acknowledge: bool,
    policy: Policy,
    clock: Clock,
) -> None:
    """Queue the automatic reply. Whatever goes wrong in making it (an administrator's
    template that fails, say) is recorded on the email: the email itself is received."""
    if not acknowledge:
        email.not_acknowledged = "Not a new email from the mailbox: no automatic reply."
        email.save(update_fields=["not_acknowledged"])
        return
    try:
        with transaction.atomic():
            reply = acknowledgement_queue(
                email=email, addressed=addressed, policy=policy, now=clock.now()
            )
    except Exception as error:  # recorded: the email still comes in
        logger.exception("No automatic reply to email %s", email.pk)
        message = storable_text(getattr(error, "message", str(error)))
        email.not_acknowledged = f"The automatic reply could not be made: {message}"[:300]
        email.save(update_fields=["not_acknowledged"])
        return
    if reply is not None:
        outbound_email_queue(reply)


def _email_record(
    parsed: ParsedEmail,
    raw: bytes,
    raw_sha256: str,
    source: str,
    when: datetime,
    problems: list[str],
) -> InboundEmail:
    """The email's row, not yet saved: the caller says where it belongs."""
    return InboundEmail(
        message_key=parsed.message_key,
        from_address=parsed.from_address[:254],
        from_name=parsed.from_name[:200],
        to=parsed.to,
        subject=parsed.subject,
        sent_at=parsed.sent_at,
        received_at=when,
        replied_to=parsed.replied_to,
        text=parsed.text,
        automatic=parsed.automatic[:200],
        problems="\n".join(problems),
        raw_sha256=raw_sha256,
        raw_size=len(raw),
        source=source[:300],
    )


def _case_of(parsed: ParsedEmail, policy: Policy) -> tuple[Case | None, Threading]:
    """The case the message belongs to, and how it was found; (None, NEW_CASE) if none."""
    if parsed.replied_to:
        by_key: dict[str, Case | None] = {
            email.message_key: email.case
            for email in InboundEmail.objects.filter(
                message_key__in=parsed.replied_to, case__isnull=False
            ).select_related("case")
        }
        by_key |= {
            sent.message_key: sent.case
            for sent in OutboundEmail.objects.filter(
                message_key__in=parsed.replied_to
            ).select_related("case")
        }
        for key in parsed.replied_to:  # the nearest first
            if by_key.get(key) is not None:
                return by_key[key], Threading.REPLY
    prefix = re.escape(policy.organisation.reference_prefix)
    for reference in re.findall(rf"\b{prefix}-\d{{4}}-\d{{6}}\b", parsed.subject):
        case = Case.objects.filter(reference=reference).first()
        if case is not None:
            return case, Threading.REFERENCE
    return None, Threading.NEW_CASE


def _customer(address: str) -> Customer | None:
    if not address:
        return None
    matches = list(Customer.objects.filter(email__iexact=address)[:2])
    return matches[0] if len(matches) == 1 else None


def _from_the_customer(parsed: ParsedEmail, case: Case) -> bool:
    """Whether the sender is the case's customer, by address (True if the case has no
    customer with an address to compare)."""
    customer = case.customer
    if customer is None or not customer.email:
        return True
    return customer.email.lower() == parsed.from_address


def _summary(parsed: ParsedEmail, problems: list[str]) -> str:
    lines = [f"Email: {parsed.subject or '(no subject)'}"]
    if parsed.automatic:
        lines.append(f"Sent automatically ({parsed.automatic}): it is not acknowledged.")
    lines.extend(problem for problem in problems if problem.startswith("Sent from"))
    if parsed.problems:
        lines.append("Parts of this email could not be read; it is kept as it came.")
    text = parsed.text
    if len(text) > SUMMARY_LIMIT:
        text = text[:SUMMARY_LIMIT].rstrip() + "…"
    return "\n".join([*lines, "", text]).strip()


# -- the review list --------------------------------------------------------------------


REVIEWED = (Threading.FOR_REVIEW, Threading.PARKED)  # what waits on the review list


class ReviewError(CaredeskError):
    """An email that is no longer waiting for review: someone has dealt with it."""

    code = "email_review_invalid"


def _take_from_review(email: InboundEmail, now: datetime) -> None:
    """Take the email off the review list: one conditional UPDATE, so that of two people
    deciding at once, only one does."""
    taken = InboundEmail.objects.filter(
        pk=email.pk, threading__in=REVIEWED, reviewed_at__isnull=True
    ).update(reviewed_at=now)
    if taken != 1:
        raise ReviewError("This email is not waiting for review: someone has dealt with it.")
    email.reviewed_at = now


@transaction.atomic
def email_review_dismiss(*, email: InboundEmail, by: StaffMember, clock: Clock) -> InboundEmail:
    """Nothing to do about a machine's email (or a parked one): it leaves the review
    list."""
    if not allowed(by, Can.WORK_CASES):
        raise NotAllowed("Only staff who take casework can review emails.")
    _take_from_review(email, clock.now())
    return email


@transaction.atomic
def email_review_open_case(
    *,
    email: InboundEmail,
    by: StaffMember,
    policy: Policy,
    clock: Clock,
    customer: Customer | None = None,
) -> Case:
    """A person's words after all (an out-of-office with a real question in it, or a
    parked email someone has read as it came): open a case from the email, received when
    it arrived, for `customer` (if not given, the one customer with the sender's address,
    if there is one). No acknowledgement is sent."""
    if not allowed(by, Can.WORK_CASES):
        raise NotAllowed("Only staff who take casework can open cases.")
    _take_from_review(email, clock.now())
    received = contact_receive(
        channel=Channel.EMAIL,
        received_at=email.received_at,
        subject=(email.subject or "An email with no subject")[:200],
        summary=_review_summary(email),
        by=by,
        customer=customer or _customer(email.from_address),
        policy=policy,
        clock=clock,
    )
    email.case, email.contact = received.case, received.contact
    email.threading = Threading.NEW_CASE
    email.save(update_fields=["case", "contact", "threading"])
    return received.case


def _review_summary(email: InboundEmail) -> str:
    text = email.text[:SUMMARY_LIMIT]
    if email.parked_reason:
        text = (
            "This email could not be read when it came, so its text is not here: "
            "download it as it came from its page.\n" + text
        )
    return f"Email: {email.subject or '(no subject)'}\n\n{text}".strip()
