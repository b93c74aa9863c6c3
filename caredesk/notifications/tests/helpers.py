"""What the notification tests share: cases with deadlines, and a real SMTP server."""

from __future__ import annotations

import asyncio
import socket
import threading
from dataclasses import dataclass, field
from datetime import datetime
from email import message_from_bytes
from email.message import Message
from typing import Any
from zoneinfo import ZoneInfo

from aiosmtpd.controller import Controller

from caredesk.cases.models import CaseKind, Channel
from caredesk.cases.services import case_create
from caredesk.standards import load_policy

LONDON = ZoneInfo("Europe/London")
HALTON = load_policy("halton")
STONEWALL = load_policy("stonewall")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def new_case(people: Any, clock: Any, *, received: datetime, policy: Any, **fields: Any):
    """Log a case at `received` (the clock moves on to it), given to the officer."""
    clock.moment = max(clock.moment, received)
    fields.setdefault("assign_to", people.officer)
    fields.setdefault("by", people.officer)
    return case_create(received_at=received, policy=policy, clock=clock, **fields)


def letter(people: Any, clock: Any, *, received: datetime, policy=HALTON, **more: Any):
    """A letter (a general enquiry): Halton's letter_email_response, 10 working days."""
    return new_case(
        people,
        clock,
        received=received,
        policy=policy,
        kind=CaseKind.GENERAL_ENQUIRY,
        channel=Channel.LETTER,
        subject="Fence panel blown down",
        **more,
    )


def message(people: Any, clock: Any, *, received: datetime, policy=STONEWALL, **more: Any):
    """A voicemail message (Stonewall 2.8: answered within 24 hours; urgent ones escalate)."""
    more.setdefault("by", people.administrator)
    return new_case(
        people,
        clock,
        received=received,
        policy=policy,
        kind=CaseKind.MESSAGE,
        channel=Channel.VOICEMAIL,
        subject="Please call back about the boiler",
        **more,
    )


# -- a real SMTP server -----------------------------------------------------------------


@dataclass
class Mailbox:
    """What the SMTP server accepted.

    `hold_at`: hold the Nth message at RCPT TO until `release` is set, then refuse it.
    `pair_up`: hold each message until another arrives (0.3 s at most), then let both
    through together: two workers sending email are released at the same instant, and
    go on to their next batch of the sweep in step.
    """

    messages: list[Message] = field(default_factory=list)
    hold_at: int | None = None
    pair_up: bool = False
    _waiting: int = 0
    _generation: int = 0
    holding: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    _started: int = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self._started += 1
        if self.pair_up:
            await self._wait_for_a_partner()
        if self.hold_at is not None and self._started == self.hold_at:
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.02)
            return "451 Try again later"  # the sender is gone: nothing is delivered
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def _wait_for_a_partner(self) -> None:
        # One event loop runs every handler, so these counters need no lock.
        generation = self._generation
        self._waiting += 1
        if self._waiting < 2:
            for _ in range(15):
                if self._generation != generation:
                    return
                await asyncio.sleep(0.02)
        self._waiting = 0
        self._generation += 1

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def message_ids(self) -> list[str]:
        return [str(m["Message-ID"]) for m in self.messages]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SMTPServer:
    def __init__(self) -> None:
        self.mailbox = Mailbox()
        self.port = free_port()
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SMTPServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.mailbox.release.set()
        self.controller.stop()
