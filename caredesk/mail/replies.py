"""An officer's reply to a customer by email: the response, signed, sent through SMTP.

Like a letter (documents.services.letter_write), it is refused unless it says who wrote
it and how to reach them, and sending it records the response on the case (its
deadlines are met). It answers the customer's latest email on the case (In-Reply-To),
so their mail program threads it, and their answer threads back onto the case.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.db import transaction

from caredesk.cases.models import Case, Channel
from caredesk.cases.services import response_send
from caredesk.core.clock import Clock
from caredesk.documents.models import DocumentKind, Medium
from caredesk.documents.rendering import document_render, signed_check
from caredesk.documents.values import case_values, signatory_of
from caredesk.errors import CaredeskError, NotAllowed
from caredesk.mail.acknowledgements import message_domain
from caredesk.mail.models import InboundEmail, OutboundEmail, Threading
from caredesk.mail.outbound import outbound_email_queue
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can, allowed
from caredesk.standards import Policy

AGAIN_WITHIN = timedelta(minutes=10)  # the same text again this soon is a double click


class ReplyError(CaredeskError):
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
    values = case_values(case, policy, officer=by) | {"draft": draft.strip()}
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
    to = reply_address(case)
    if not to:
        raise ReplyError("There is no email address for this customer: send a letter.")
    rendered = document_render(kind, Medium.EMAIL, values)
    signed_check(rendered.body, signatory_of(by))
    just_sent = OutboundEmail.objects.filter(
        case=case, kind=kind, body=rendered.body, created_at__gt=clock.now() - AGAIN_WITHIN
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
        created_at=clock.now(),
    )
    outbound_email_queue(reply)
    return reply
