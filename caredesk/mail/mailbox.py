"""Reading the organisation's mailbox over IMAP: each message received once, then moved.

The worker polls the mailbox named by CAREDESK_MAILBOX, an address such as
`imaps://care%40example.org:secret@mail.example.org/INBOX`. Every message in the folder
is fetched whole (without marking it read), received (`email_receive`), and then moved
to the folder CAREDESK_MAILBOX_DONE (made if missing), so the inbox shows what is still
to come in. A worker stopped between receiving a message and moving it leaves it in the
folder; the next poll fetches it again and `email_receive` knows it by its key, so it
is stored once and only then moved.

A message that cannot be stored is parked by `email_receive` (kept as it came, with the
reason, on the emails-to-review page) and moved like any other, so no poll fetches it
again and it never holds up the messages after it. A message that meets a passing
failure (the database locked or its connection lost, the store full or gone:
`services.transient`), or cannot even be parked, stays in the folder for the next poll,
and the poll goes on with the next message.

The time a message reached the mailbox (the server's INTERNALDATE) is its time of
receipt: deadlines run from it, not from when the worker got round to it.
"""

from __future__ import annotations

import imaplib
import logging
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import unquote, urlsplit

from django.db import connection
from imap_tools import MailBox, MailBoxStartTls, MailBoxUnencrypted
from imap_tools.errors import ImapToolsError, MailboxFolderCreateError
from imap_tools.mailbox import BaseMailBox

from caredesk.core.clock import Clock
from caredesk.errors import CaredeskError
from caredesk.mail.services import email_receive
from caredesk.standards import Policy

logger = logging.getLogger(__name__)

SCHEMES = {"imaps": 993, "imap+starttls": 143, "imap": 143}
MOVE_EVERY = 20  # messages received before they are moved out of the folder together
TIMEOUT = 60  # seconds for any one answer from the server


class MailboxError(CaredeskError):
    """The mailbox's address is wrong, or the server could not be reached or refused us."""

    code = "mailbox_unavailable"


@dataclass(frozen=True)
class MailboxAddress:
    scheme: str
    host: str
    port: int
    user: str
    password: str = field(repr=False)
    folder: str

    def __str__(self) -> str:
        """The address without the password: what is shown and recorded as the source."""
        return f"{self.scheme}://{self.user}@{self.host}:{self.port}/{self.folder}"


def mailbox_address(url: str, *, password: str = "") -> MailboxAddress:
    """Read CAREDESK_MAILBOX. The user name (and password, if it is in the address) are
    percent-encoded (`care%40example.org`); the folder defaults to INBOX. `password`
    (CAREDESK_MAILBOX_PASSWORD) takes the place of one in the address."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        # Never the parser's own words: they can quote a password with a / or # in it.
        raise MailboxError(
            "CAREDESK_MAILBOX is not a mailbox address: check the server and port, and "
            "percent-encode the user name and password (/ is %2F, # is %23, @ is %40)."
        ) from None
    if parts.scheme not in SCHEMES:
        raise MailboxError(
            f"CAREDESK_MAILBOX must start imaps://, imap+starttls:// or imap://, "
            f"not {parts.scheme or 'nothing'}://."
        )
    password = password or unquote(parts.password or "")
    if not parts.hostname or not parts.username or not password:
        raise MailboxError(
            "CAREDESK_MAILBOX must name the user and server, as in "
            "imaps://care%40example.org@mail.example.org/INBOX, and the password must be "
            "in CAREDESK_MAILBOX_PASSWORD (or in the address)."
        )
    return MailboxAddress(
        scheme=parts.scheme,
        host=parts.hostname,
        port=port or SCHEMES[parts.scheme],
        user=unquote(parts.username),
        password=password,
        folder=unquote(parts.path.lstrip("/")) or "INBOX",
    )


@dataclass
class MailboxPoll:
    """What one poll did."""

    received: int = 0  # new messages (parked ones included)
    parked: int = 0  # could not be saved as emails: kept as they came, for review
    known: int = 0  # fetched again (a poll stopped before it moved them): stored once
    moved: int = 0
    errors: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        said = (
            f"{self.received} new {'email' if self.received == 1 else 'emails'}, "
            f"{self.known} already here, {self.moved} moved"
        )
        if self.parked:
            said += (
                f", {self.parked} could not be read (kept as they came, on the emails to "
                "review page)"
            )
        if self.errors:
            said += f", {len(self.errors)} could not be received (left for the next poll)"
        return said


def mailbox_poll(
    *,
    address: MailboxAddress,
    done_folder: str,
    policy: Policy,
    clock: Clock,
    limit: int = 500,
    between_messages: Callable[[], None] = lambda: None,
) -> MailboxPoll:
    """Receive up to `limit` messages from the mailbox and move them to `done_folder`.

    A message that cannot be stored is parked, and moved. One that meets a passing
    failure (the database locked, say), or cannot even be parked, stays in the folder for
    the next poll and is named in the report; the rest go on.
    `between_messages` lets the worker stop part-way (it raises to do so); what was
    received by then is still moved.
    """
    if done_folder.strip().casefold() == address.folder.strip().casefold():
        raise MailboxError(
            f"CAREDESK_MAILBOX_DONE is {done_folder}, the folder being read: name another."
        )
    poll = MailboxPoll()
    source = f"mailbox {address}"
    try:
        with _connect(address) as box:
            _make_folder(box, done_folder)
            box.folder.set(address.folder)
            waiting: list[str] = []
            try:
                for uid in box.uids("ALL")[:limit]:
                    between_messages()
                    message = _fetch(box, uid)
                    if message is None:  # deleted by someone else since the search
                        continue
                    raw, arrived_at = message
                    try:
                        received = email_receive(
                            raw=raw,
                            source=source,
                            policy=policy,
                            clock=clock,
                            received_at=arrived_at,
                            acknowledge=True,
                        )
                    except Exception as error:  # left in the folder: tried again next poll
                        logger.exception("Email %s in %s not received.", uid, address)
                        poll.errors.append(f"Message {uid}: {type(error).__name__}: {error}")
                        _database_back()
                        continue
                    if received.new:
                        poll.received += 1
                        poll.parked += received.parked
                    else:
                        poll.known += 1
                    waiting.append(uid)
                    if len(waiting) >= MOVE_EVERY:
                        poll.moved += _move(box, waiting, done_folder)
            finally:
                poll.moved += _move(box, waiting, done_folder)
    # ValueError: a TLS setting that does not fit the port, a password LOGIN cannot
    # carry (UnicodeEncodeError is one).
    except (OSError, imaplib.IMAP4.error, ImapToolsError, ValueError) as error:
        raise MailboxError(f"The mailbox {address} could not be read: {error}") from error
    return poll


def _database_back() -> None:
    """After a failure, drop a database connection that was lost, so that the next
    message opens a new one (never inside a transaction: that is the caller's)."""
    if not connection.in_atomic_block:
        connection.close_if_unusable_or_obsolete()


def _make_folder(box: BaseMailBox, folder: str) -> None:
    """Make the folder if it is missing (another worker may make it at the same time)."""
    if box.folder.exists(folder):
        return
    try:
        box.folder.create(folder)
    except MailboxFolderCreateError:
        if not box.folder.exists(folder):
            raise


def _connect(address: MailboxAddress) -> BaseMailBox:
    box: BaseMailBox
    if address.scheme == "imaps":
        box = MailBox(address.host, address.port, timeout=TIMEOUT, ssl_context=_tls())
    elif address.scheme == "imap+starttls":
        box = MailBoxStartTls(address.host, address.port, timeout=TIMEOUT, ssl_context=_tls())
    else:
        box = MailBoxUnencrypted(address.host, address.port, timeout=TIMEOUT)
    return box.login(address.user, address.password, initial_folder=None)


def _tls() -> ssl.SSLContext:
    return ssl.create_default_context()


def _fetch(box: BaseMailBox, uid: str) -> tuple[bytes, datetime | None] | None:
    """The message's bytes exactly as the server holds them, and when it arrived.

    Fetched with BODY.PEEK so that it is not marked read: people may share the mailbox.
    """
    status, data = box.client.uid("FETCH", uid, "(UID INTERNALDATE BODY.PEEK[])")
    if status != "OK":
        raise imaplib.IMAP4.error(f"FETCH {uid} answered {status}")
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            head, raw = item
            return raw, _internal_date(head)
    return None


def _internal_date(fetch_head: bytes) -> datetime | None:
    parts = imaplib.Internaldate2tuple(fetch_head)
    if parts is None:
        return None
    # Internaldate2tuple gives local time.struct_time; mktime turns it back into seconds.
    return datetime.fromtimestamp(time.mktime(parts), tz=UTC)


def _move(box: BaseMailBox, uids: list[str], done_folder: str) -> int:
    if not uids:
        return 0
    box.move(list(uids), done_folder)
    moved = len(uids)
    uids.clear()
    return moved
