"""Emailing a customer from an app beside mail: visits' appointment confirmations,
reminders and cancellations.

Mail owns emails to customers (`mail.OutboundEmail`, made in the transaction that decides
to send it and sent exactly once by a task or mail's sweep); an app on mail's row of the
layers (visits) may not import it. So mail registers its sender here from its
AppConfig.ready(), as it registers its recipient lookup (documents.recipients), and the
app asks `customer_email_queue`. Documents never imports the channels.

This module imports no models at run time, so an AppConfig module may import it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from caredesk.errors import CaredeskError

if TYPE_CHECKING:
    from caredesk.cases.models import Case, Contact


class NoEmailSender(CaredeskError):
    """No app that sends email is installed: the customer cannot be emailed."""

    code = "no_email_sender"


@dataclass(frozen=True)
class CustomerEmail:
    """An email to the customer of `case`, written already (documents.rendering)."""

    case: Case
    kind: str  # a DocumentKind
    to: str
    subject: str
    body: str
    created_at: datetime
    contact: Contact | None = None  # the contact on the case that records it
    # iCalendar text sent beside the body (text/calendar, with its METHOD): an
    # appointment's invitation or its cancellation.
    calendar: str = ""


# Queue the email to be sent once the caller's transaction commits; returns its id.
EmailSender = Callable[[CustomerEmail], int]

_senders: list[EmailSender] = []


def email_sender_register(sender: EmailSender) -> None:
    """The one sender of customers' emails (mail's). Registering it again does nothing."""
    if sender not in _senders:
        _senders.append(sender)


def customer_email_queue(email: CustomerEmail) -> int:
    """Queue `email` by the registered sender, in the caller's transaction."""
    if not _senders:
        raise NoEmailSender("Emails to customers cannot be sent: the mail app is not installed.")
    return _senders[0](email)
