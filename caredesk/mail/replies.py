"""An officer's reply to a customer by email: the response, signed, sent through SMTP;
and the holding reply, by email or else as a letter.

Like a letter (documents.services.letter_write), it is refused unless it says who wrote
it and how to reach them, and sending it records the response on the case (its
deadlines are met). It answers the customer's latest email on the case (In-Reply-To),
so their mail program threads it, and their answer threads back onto the case.

Choosing between an email and a letter is the channel's business, so it is here: mail
uses documents to write either (documents never imports mail: docs/architecture.md).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction

from caredesk.cases.locks import case_lock
from caredesk.cases.models import Case, CaseKind, Channel, Deadline, Direction, HoldingReply
from caredesk.cases.services import contact_log, holding_reply_send, response_send
from caredesk.core.clock import Clock
from caredesk.customers.models import ContactChannel
from caredesk.documents.letters import long_day
from caredesk.documents.models import CaseLetter, DocumentKind, Medium
from caredesk.documents.ombudsman import ombudsman_problem
from caredesk.documents.rendering import document_render, signed_check
from caredesk.documents.services import AGAIN_WITHIN, letter_send
from caredesk.documents.values import signatory_of
from caredesk.errors import CaredeskError, NotAllowed
from caredesk.mail.acknowledgements import message_domain
from caredesk.mail.checking import holding_values, reply_values
from caredesk.mail.models import InboundEmail, OutboundEmail, Threading
from caredesk.mail.outbound import outbound_email_queue
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can, allowed
from caredesk.standards import Duration, Policy


class ReplyError(CaredeskError):
    """A reply or holding reply that cannot be sent as asked."""

    code = "reply_invalid"


def reply_address(case: Case) -> str:
    """Where an email reply goes: the customer's address on their record, else the
    address of the email that opened the case. Never just whoever wrote last: anyone can
    put a case's reference in a subject."""
    if case.customer is not None:
        return case.customer.email
    opening = InboundEmail.objects.filter(case=case, threading=Threading.NEW_CASE).first()
    return opening.from_address if opening is not None else ""


def _latest_email(case: Case, address: str) -> InboundEmail | None:
    """The latest email on the case from `address`: the one the reply answers."""
    return (
        InboundEmail.objects.filter(case=case, from_address__iexact=address)
        .order_by("-received_at", "-pk")
        .first()
    )


@transaction.atomic
def email_reply_write(
    *, case: Case, draft: str, by: StaffMember, policy: Policy, clock: Clock
) -> OutboundEmail:
    """Write the response to the customer by email in `by`'s name, and record it."""
    if not allowed(by, Can.WORK_CASES):
        raise NotAllowed("Only staff who take casework can reply to customers.")
    if not draft.strip():
        raise ReplyError("The email has no text: write what it should say.")
    case_lock(case=case, now=clock.now(), policy=policy)  # one change to the case at a time
    values = reply_values(case, policy, by, draft)
    reply = customer_email_send(
        case, DocumentKind.RESPONSE, values, by=by, policy=policy, clock=clock
    )
    response_send(
        case=case,
        channel=Channel.EMAIL,
        summary=f"Email: {reply.subject}",
        by=by,
        policy=policy,
        clock=clock,
    )
    return reply


def customer_email_send(
    case: Case,
    kind: DocumentKind,
    values: dict[str, Any],
    *,
    by: StaffMember,
    policy: Policy,
    clock: Clock,
) -> OutboundEmail:
    """Fill in the email template of `kind`, refuse it unsigned, and queue it to the
    customer, answering their latest email. (The caller records what it means for the
    case: a response, a holding reply.) The same email twice in a row (a double click)
    is refused."""
    now = clock.now()
    to = reply_address(case)
    if not to:
        raise ReplyError("There is no email address for this customer: send a letter.")
    rendered = document_render(kind, Medium.EMAIL, values)
    signed_check(rendered.body, signatory_of(by))
    just_sent = OutboundEmail.objects.filter(
        case=case, kind=kind, body=rendered.body, created_at__gt=now - AGAIN_WITHIN
    )
    if just_sent.exists():
        raise ReplyError("This email was sent a moment ago: it is not sent twice.")
    answering = _latest_email(case, to)
    reply = OutboundEmail.objects.create(
        case=case,
        kind=kind,
        in_reply_to=answering,
        message_key=f"{kind.value.replace('_', '-')}.{uuid.uuid4().hex}@{message_domain(policy)}",
        references=answering.references_for_a_reply() if answering else "",
        automatic=False,
        to_address=to,
        subject=rendered.subject[:300],
        body=rendered.body,
        created_at=now,
    )
    outbound_email_queue(reply)
    return reply


# -- holding replies --------------------------------------------------------------------


def holding_reply_by_email(case: Case) -> bool:
    """A holding reply goes by email if there is an address and the customer has not
    asked for letters; else it is a letter."""
    customer = case.customer
    by_letter = customer is not None and customer.preferred_channel == ContactChannel.LETTER
    return bool(reply_address(case)) and not by_letter


def revised_day(revised_at: datetime, policy: Policy) -> str:
    """The revised date as the holding reply tells the customer: Friday 18 December 2026."""
    return long_day(revised_at.astimezone(policy.working_calendar.zone).date())


def email_or_letter_send(
    case: Case,
    kind: DocumentKind,
    values: dict[str, Any],
    *,
    by_email: bool,
    by: StaffMember,
    policy: Policy,
    clock: Clock,
) -> OutboundEmail | CaseLetter:
    """Send `kind` to the customer as an email (recorded as an outbound contact) or as a
    letter (which records its own), in the caller's transaction. For what is not the
    response: a response records itself as one (`email_reply_write`, `letter_write`)."""
    if not by_email:
        return letter_send(case, kind, values, by=by, policy=policy, clock=clock)
    sent = customer_email_send(case, kind, values, by=by, policy=policy, clock=clock)
    contact_log(
        case=case,
        channel=Channel.EMAIL,
        direction=Direction.OUTBOUND,
        by=by,
        summary=f"Email: {sent.subject}",
        policy=policy,
        clock=clock,
    )
    return sent


@dataclass(frozen=True)
class HoldingReplySent:
    reply: HoldingReply
    email: OutboundEmail | None  # sent by email when the customer has an address
    letter: CaseLetter | None  # else written as a letter


@transaction.atomic
def holding_reply_write(
    *,
    deadline: Deadline,
    reason: str,
    revised: datetime | Duration,
    by: StaffMember,
    policy: Policy,
    clock: Clock,
) -> HoldingReplySent:
    """Send the customer a holding reply (the policies: "giving the reason why and a
    revised response date"), by email if there is an address and they have not asked
    for letters, else as a letter, signed by `by`; and move the deadline to the revised
    date."""
    if not allowed(by, Can.WORK_CASES):
        raise NotAllowed("Only staff who take casework can send holding replies.")
    reply = holding_reply_send(
        deadline=deadline, reason=reason, revised=revised, by=by, policy=policy, clock=clock
    )
    case = deadline.case
    values = holding_values(case, policy, by, reason, revised_day(reply.revised_due_at, policy))
    if case.kind == CaseKind.COMPLAINT:  # an extension: it must say how to reach the Ombudsman
        medium = Medium.EMAIL if holding_reply_by_email(case) else Medium.LETTER
        problem = ombudsman_problem(
            document_render(DocumentKind.HOLDING_REPLY, medium, values).body, policy
        )
        if problem:
            raise ReplyError(
                f"The extension cannot be sent. {problem} Ask an administrator to put it "
                "back in the holding reply template."
            )
    if holding_reply_by_email(case):
        email = customer_email_send(
            case, DocumentKind.HOLDING_REPLY, values, by=by, policy=policy, clock=clock
        )
        contact_log(
            case=case,
            channel=Channel.EMAIL,
            direction=Direction.OUTBOUND,
            by=by,
            summary=f"Holding reply by email: {reason.strip()}",
            policy=policy,
            clock=clock,
        )
        return HoldingReplySent(reply, email, None)
    letter = letter_send(
        case, DocumentKind.HOLDING_REPLY, values, by=by, policy=policy, clock=clock
    )
    return HoldingReplySent(reply, None, letter)
