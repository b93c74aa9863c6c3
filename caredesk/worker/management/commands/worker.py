"""caredesk worker [--once] [--interval SECONDS]: background tasks and the sweeps."""

from __future__ import annotations

import argparse
import logging
from datetime import timedelta
from typing import Any

from django.core.checks import Tags
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.crypto import get_random_string

from caredesk.core.active_policy import active_policy
from caredesk.core.clock import system_clock
from caredesk.errors import CaredeskError
from caredesk.worker.loop import Worker, connections_keep
from caredesk.worker.registry import sweeps_discover


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
        "--interval seconds, the sweeps every app contributes: warn of near deadlines, "
        "escalate breaches (one digest per line manager) and urgent messages, send the "
        "emails no task sent, read the mailbox set in CAREDESK_MAILBOX, and more. Each "
        "sweep runs on its own: a row that fails is recorded and tried again later. "
        "Several workers may run at once. "
        "--once runs one pass over the sweeps and the queued tasks, then exits (for cron "
        "and tests)."
    )
    # It serves no pages: the URL check would import every view (and hold them).
    requires_system_checks = [Tags.models]

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="one sweep and the tasks; exit")
        parser.add_argument(
            "--interval", type=_positive, default=60.0, help="seconds between sweeps (60)"
        )
        parser.add_argument(
            "--poll", type=_positive, default=1.0, help="seconds between looks for tasks (1)"
        )
        parser.add_argument(
            "--batch-size", type=_whole, default=100, help="rows a sweep takes at a time (100)"
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
        for name in ("django_tasks", "django_tasks_db"):
            logging.getLogger(name).setLevel(logging.INFO if verbosity > 1 else logging.WARNING)
        sweeps = sweeps_discover()
        for sweep in sweeps:  # a sweep set up wrongly stops the worker before it starts
            if sweep.check is not None:
                try:
                    sweep.check()
                except CaredeskError as error:
                    raise CommandError(error.message) from None
        connections_keep()

        def say(line: str) -> None:
            if verbosity:
                self.stdout.write(line)

        worker = Worker(
            clock=system_clock,
            policy=active_policy(),
            worker_id=options["worker_id"] or get_random_string(32),
            sweep_every=options["interval"],
            poll_every=options["poll"],
            batch_size=options["batch_size"],
            resend_after=timedelta(seconds=options["resend_after"]),
            queues=tuple(options["queue_name"].split(",")),
            sweeps=sweeps,
            report=say,
        )
        worker.install_signal_handlers()
        if options["once"]:
            report = worker.run_once()
            say(f"Sweep: {report}.")
            if verbosity > 1:
                for line in report.table():
                    say(f"  {line}")
            if report.failed:
                # For cron and monitoring: the pass went on past each failure, but say so.
                raise CommandError(f"{report.failed} failed in this pass: see the log above.")
            return
        worker.run_forever()
