"""caredesk worker [--once] [--interval SECONDS]: background tasks and the sweeps."""

from __future__ import annotations

import argparse
import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.crypto import get_random_string

from caredesk.core.active_policy import active_policy
from caredesk.core.clock import system_clock
from caredesk.mail.mailbox import MailboxAddress, MailboxError, mailbox_address
from caredesk.notifications.worker import Worker


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds.") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError("Give a number of seconds above 0.")
    return value


def _whole(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError("Give a whole number above 0.")
    return int(text)


class Command(BaseCommand):
    help = (
        "Run background work: queued tasks (emails, urgent messages) and, every "
        "--interval seconds, the sweeps that warn of near deadlines and escalate breaches "
        "and urgent messages to line managers, and the reading of the mailbox set in "
        "CAREDESK_MAILBOX. Several workers may run at once. "
        "--once runs one sweep and the queued tasks, then exits (for cron and tests)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="one sweep and the tasks; exit")
        parser.add_argument(
            "--interval", type=_positive, default=60.0, help="seconds between sweeps (60)"
        )
        parser.add_argument(
            "--poll", type=_positive, default=1.0, help="seconds between looks for tasks (1)"
        )
        parser.add_argument(
            "--batch-size", type=_whole, default=100, help="rows a sweep reads at a time (100)"
        )
        parser.add_argument(
            "--resend-after",
            type=_positive,
            default=300.0,
            help="seconds after which an email a worker claimed but never finished is sent "
            "again: that worker died (300)",
        )
        parser.add_argument(
            "--queue-name", default="*", help="task queues to run, comma-separated; * for all"
        )
        parser.add_argument("--worker-id", default="", help="a name for this worker in logs")

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = int(options["verbosity"])
        logging.getLogger("django_tasks").setLevel(
            logging.INFO if verbosity > 1 else logging.WARNING
        )
        logging.getLogger("django_tasks_db").setLevel(
            logging.INFO if verbosity > 1 else logging.WARNING
        )
        worker = Worker(
            clock=system_clock,
            policy=active_policy(),
            worker_id=options["worker_id"] or get_random_string(32),
            sweep_every=options["interval"],
            poll_every=options["poll"],
            batch_size=options["batch_size"],
            resend_after=timedelta(seconds=options["resend_after"]),
            queues=tuple(options["queue_name"].split(",")),
            mailbox=_mailbox(),
            mailbox_done=settings.CAREDESK_MAILBOX_DONE,
            report=(lambda line: self.stdout.write(line)) if verbosity else (lambda line: None),
        )
        worker.install_signal_handlers()
        if options["once"]:
            report = worker.run_once()
            if verbosity:
                self.stdout.write(f"Sweep: {report}.")
            return
        worker.run_forever()


def _mailbox() -> MailboxAddress | None:
    if not settings.CAREDESK_MAILBOX:
        return None
    try:
        return mailbox_address(
            settings.CAREDESK_MAILBOX, password=settings.CAREDESK_MAILBOX_PASSWORD
        )
    except MailboxError as error:
        raise CommandError(error.message) from None
