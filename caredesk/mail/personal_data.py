"""What the mail app holds about a customer (customers.holdings): emails from and to
them, with their attachments, and letters they sent us. An email from their address is
theirs even before it was matched to a case."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.db.models import Q

from caredesk.customers.holdings import Holding, StoredFile, declare
from caredesk.customers.models import Customer
from caredesk.mail.models import EmailAttachment, InboundEmail, OutboundEmail, ReceivedLetter


def _addresses(customers: Sequence[Customer]) -> list[str]:
    return sorted({customer.email.lower() for customer in customers if customer.email})


def _from_them(prefix: str = "") -> Callable[[Sequence[Customer]], Q]:
    """Emails from their addresses not matched to a case (an email on a case is the
    case's customer's: a couple sharing an address each have their own)."""

    def found(customers: Sequence[Customer]) -> Q:
        return Q(
            **{
                f"{prefix}case__isnull": True,
                f"{prefix}from_address__lower__in": _addresses(customers),
            }
        )

    return found


def _to_them(customers: Sequence[Customer]) -> Q:
    return Q(case__isnull=True, to_address__lower__in=_addresses(customers))


declare(
    Holding(
        InboundEmail,
        "Emails you sent us",
        path="case__customer",
        also=_from_them(),
        personal=(
            "from_address",
            "from_name",
            "to",
            "subject",
            "text",
            "replied_to",
            "problems",
            "parked_reason",
            "raw_sha256",
            "message_key",  # the sender's Message-ID can name their address or machine
            "threading",
        ),
        not_personal=("automatic", "not_acknowledged", "source"),
        files=(StoredFile("raw_sha256", suffix=".eml"),),
        withheld=("raw_sha256", "message_key", "threading"),
        order_by=("received_at", "pk"),
    ),
    Holding(
        EmailAttachment,
        "Attachments to your emails",
        path="email__case__customer",
        also=_from_them("email__"),
        personal=("file_name", "sha256", "content_id"),
        not_personal=("content_type",),
        files=(StoredFile("sha256", name="file_name"),),
        withheld=("sha256", "content_id"),
    ),
    Holding(
        OutboundEmail,
        "Emails we sent you",
        path="case__customer",
        also=_to_them,
        personal=("to_address", "subject", "body", "calendar", "references", "email_error"),
        not_personal=("message_key",),  # made by caredesk
        withheld=("message_key", "email_claimed_at", "email_attempts", "email_error"),
        order_by=("created_at", "pk"),
    ),
    Holding(
        ReceivedLetter,
        "Letters you sent us",
        path="case__customer",
        personal=("sender", "sender_address", "scan_name", "scan_sha256"),
        not_personal=("scan_type",),
        files=(StoredFile("scan_sha256", name="scan_name"),),
        withheld=("scan_sha256",),
        order_by=("received_at", "pk"),
    ),
)
