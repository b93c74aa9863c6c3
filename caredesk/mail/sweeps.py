"""The mail app's sweeps (run by caredesk.worker, in this order).

- `customer_emails`: emails to customers that no task has sent (each claimed, as the
  notices' emails are: caredesk.mail.outbound).
- `mailbox_read`: receive what waits in the mailbox named by CAREDESK_MAILBOX, if set.
  A message that cannot be stored is parked for review and moved; one that meets a
  passing failure (the database locked, say) or cannot even be parked stays in the
  mailbox for the next pass and is named in the worker's log, and the rest are read; a
  mailbox that cannot be read fails this sweep only.
"""

from __future__ import annotations

from django.conf import settings

from caredesk.core.sweeps import Done, RowSweep, SweepRun, Wanted, WholeSweep
from caredesk.mail.mailbox import MailboxAddress, mailbox_address, mailbox_poll
from caredesk.mail.models import OutboundEmail
from caredesk.mail.outbound import outbound_email_send
from caredesk.notifications.services import emails_to_send_ids


def _emails_to_send(run: SweepRun, wanted: Wanted) -> list[int]:
    return emails_to_send_ids(
        OutboundEmail.objects.all(),
        now=run.now,
        resend_after=run.resend_after,
        skip=wanted.skip,
        limit=wanted.limit,
        order=("pk",),
    )


def _email_send(run: SweepRun, outbound_id: int) -> str | None:
    status = outbound_email_send(
        outbound_id=outbound_id, policy=run.policy, clock=run.clock, resend_after=run.resend_after
    )
    return None if status is None else status.value


def mailbox_configured() -> MailboxAddress | None:
    """The mailbox in CAREDESK_MAILBOX, or None if it is not set. MailboxError if it is
    not an address the worker can read."""
    if not settings.CAREDESK_MAILBOX:
        return None
    return mailbox_address(settings.CAREDESK_MAILBOX, password=settings.CAREDESK_MAILBOX_PASSWORD)


def _mailbox_check() -> None:
    mailbox_configured()


def _mailbox_read(run: SweepRun) -> Done:
    address = mailbox_configured()
    if address is None:
        return Done()
    poll = mailbox_poll(
        address=address,
        done_folder=settings.CAREDESK_MAILBOX_DONE,
        policy=run.policy,
        clock=run.clock,
        limit=max(run.batch_size, 500),
        between_messages=run.stop_if_asked,
    )
    return Done(
        rows=poll.received,
        counts={
            "already here": poll.known,
            "could not be read": poll.parked,
            "not received": len(poll.errors),
        }
        if poll.known or poll.errors or poll.parked
        else {},
        said=(f"Mailbox: {poll}.", *(f"  {problem}" for problem in poll.errors)),
    )


SWEEPS = [
    RowSweep(name="customer_emails", candidates=_emails_to_send, process=_email_send),
    WholeSweep(name="mailbox_read", run=_mailbox_read, check=_mailbox_check),
]
