"""An officer's reply to a customer by email: the response, signed, sent through SMTP.

Like a letter (documents.services.letter_write), it is refused unless it says who wrote
it and how to reach them, and sending it records the response on the case (its
deadlines are met). It answers the customer's latest email on the case (In-Reply-To),
so their mail program threads it, and their answer threads back onto the case.
"""

from __future__ import annotations

import uuid
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
from caredesk.mail.models import InboundEmail, OutboundEmail
from caredesk.mail.outbound import outbound_email_queue
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can, allowed
from caredesk.standards import Policy


class ReplyError(CaredeskError):
    code = "reply_invalid"


def reply_address(case: Case) -> str:
    """Where an email reply goes: the customer's address, else the latest sender's."""
    if case.customer is not None and case.customer.email:
        return case.customer.email
    latest = _latest_email(case)
    return latest.from_address if latest is not None else ""


def _latest_email(case: Case) -> InboundEmail | None:
    return (
        InboundEmail.objects.filter(case=case, automatic="").order_by("-received_at", "-pk").first()
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
    case: a response, a holding reply.)"""
    to = reply_address(case)
    if not to:
        raise ReplyError("There is no email address for this customer: send a letter.")
    rendered = document_render(kind, Medium.EMAIL, values)
    signed_check(rendered.body, signatory_of(by))
    answering = _latest_email(case)
    references = ""
    if answering is not None and not answering.message_key.startswith("sha256:"):
        keys = [*reversed(answering.replied_to), answering.message_key]
        references = " ".join(f"<{key}>" for key in keys)
    reply = OutboundEmail.objects.create(
        case=case,
        kind=kind,
        in_reply_to=answering,
        message_key=f"{kind.value.replace('_', '-')}.{uuid.uuid4().hex}@{message_domain(policy)}",
        references=references,
        automatic=False,
        to_address=to,
        subject=rendered.subject[:300],
        body=rendered.body,
        created_at=clock.now(),
    )
    outbound_email_queue(reply)
    return reply
