"""Importing emails from files: .eml files, mbox files, and folders of either (a Maildir
too). Each message is received on its own (`services.email_receive`), so a file imported
again, or a run stopped half-way and run again, adds each message once. A message that
cannot be stored is parked for review (see services) and the next one is read; one that
meets a passing failure (the database locked, say) or cannot even be parked is named in
the errors, to be imported again, and the next one is read."""

from __future__ import annotations

import logging
import mailbox
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from caredesk.core.clock import Clock
from caredesk.errors import CaredeskError
from caredesk.mail.mbox import mbox_messages
from caredesk.mail.models import Threading
from caredesk.mail.services import email_receive
from caredesk.standards import Policy

MBOX_START = b"From "  # an mbox file's first line
FOLDER_SUFFIXES = (".eml", ".mbox")  # the files read in a folder
logger = logging.getLogger(__name__)


class MailFileError(CaredeskError):
    """A file of emails cannot be read at all."""

    code = "mail_file_invalid"


@dataclass
class MailImport:
    """What importing one file (or folder) did."""

    path: Path
    read: int = 0
    new_cases: int = 0
    added_to_cases: int = 0
    for_review: int = 0
    already_here: int = 0
    automatic: int = 0
    with_problems: int = 0
    parked: int = 0
    errors: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        parts = [
            f"{self.read:,} {'message' if self.read == 1 else 'messages'} read",
            f"{self.new_cases:,} new {'case' if self.new_cases == 1 else 'cases'}",
            f"{self.added_to_cases:,} added to cases",
            f"{self.already_here:,} already here",
        ]
        if self.for_review:
            parts.append(f"{self.for_review:,} for review (sent by machines, about no case)")
        if self.automatic:
            parts.append(f"{self.automatic:,} sent automatically (not acknowledged)")
        if self.with_problems:
            parts.append(f"{self.with_problems:,} not fully readable (kept as they came)")
        if self.parked:
            parts.append(
                f"{self.parked:,} could not be read (kept as they came, on the emails to "
                "review page)"
            )
        if self.errors:
            parts.append(f"{len(self.errors):,} not received (see below; import again)")
        return f"{self.path.name}: {', '.join(parts)}"


def mail_files_import(*, path: str | Path, policy: Policy, clock: Clock) -> MailImport:
    """Import the messages in an .eml file, an mbox file or a folder of them."""
    path = Path(path)
    result = MailImport(path=path)
    for source, raw in _messages(path, result.errors):
        try:
            received = email_receive(raw=raw, source=source, policy=policy, clock=clock)
        except Exception as error:  # one message never stops the rest; the error is shown
            logger.exception("Could not receive the email %s", source)
            result.errors.append(f"{source}: not received ({type(error).__name__}: {error})")
            continue
        result.read += 1
        email = received.email
        if not received.new:
            result.already_here += 1
            continue
        if received.parked:
            result.parked += 1
            continue
        if email.threading == Threading.NEW_CASE:
            result.new_cases += 1
        elif email.threading == Threading.FOR_REVIEW:
            result.for_review += 1
        else:
            result.added_to_cases += 1
        result.automatic += bool(email.automatic)
        result.with_problems += bool(email.problems)
    return result


_MAILDIR_NAME = re.compile(r"^(\d+)\.(?:M(\d+))?(?:P\d+)?(?:Q(\d+))?")


def _delivery_order(key: str) -> tuple[int, int, int, str]:
    """A Maildir message's place in delivery order, from its name ("1763876576.M12P345Q6.host":
    the second, microsecond and counter it was delivered at). Sorting the names as text
    would put M99 after M100: a reply could then come before the message it answers."""
    found = _MAILDIR_NAME.match(key)
    if found is None:
        return (0, 0, 0, key)
    seconds, micros, counter = (int(part or 0) for part in found.groups())
    return (seconds, micros, counter, key)


def _messages(path: Path, errors: list[str]) -> Iterator[tuple[str, bytes]]:
    """(where it came from, its bytes) for each message in the file or folder. In a
    folder, only .eml and .mbox files are read (and a Maildir's messages); a file there
    that cannot be read is listed in `errors` and the others are read."""
    if path.is_dir():
        if all((path / sub).is_dir() for sub in ("cur", "new", "tmp")):
            maildir = mailbox.Maildir(path, create=False)
            for key in sorted(maildir.keys(), key=_delivery_order):
                yield f"{path.name}/{key}", maildir.get_bytes(key)
            return
        for child in sorted(path.iterdir()):
            if child.is_file() and child.suffix.lower() in FOLDER_SUFFIXES:
                try:
                    yield from _messages(child, errors)
                except MailFileError as error:
                    errors.append(error.message)
        return
    try:
        with path.open("rb") as file:
            start = file.read(len(MBOX_START))
    except OSError as error:
        raise MailFileError(f"{path}: cannot be read: {error.strerror}.") from None
    if start == MBOX_START:
        with path.open("rb") as file:
            for number, raw in enumerate(mbox_messages(file), start=1):
                yield f"{path.name} message {number}", raw
        return
    yield path.name, path.read_bytes()
