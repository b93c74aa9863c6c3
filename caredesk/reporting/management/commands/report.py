"""caredesk report rebuild [--policy NAME]

Counts every performance figure again from the deadline and case records (the daily
roll-ups), and prints what it did. The worker keeps the figures up to date by itself;
a rebuild is for after a restore, or to prove them.
"""

from __future__ import annotations

import sys
import time
from datetime import date
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser

from caredesk.core.active_policy import active_policy
from caredesk.errors import CaredeskError
from caredesk.reporting.rollups import Counted, figures_rebuild
from caredesk.standards import Policy, load_policy

PROGRAM = "caredesk report"


class OneLineParser(CommandParser):
    """Bad arguments: one line on stderr and exit status 2 (not argparse's usage block)."""

    def error(self, message: str) -> NoReturn:
        if self.called_from_command_line:
            sys.stderr.write(f"{PROGRAM}: {message} (see caredesk report --help)\n")
            sys.exit(2)
        raise CommandError(f"Error: {message}")


class Command(BaseCommand):
    help = "Performance figures: rebuild the daily roll-ups."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.__class__ = OneLineParser
        actions = parser.add_subparsers(dest="action", required=True)
        rebuild = actions.add_parser("rebuild", help="count every figure again from the records")
        rebuild.add_argument("--policy", help="a policy name or file (default: this site's)")
        rebuild.add_argument("--quiet", action="store_true", help="print only the summary")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            policy = self._policy(options.get("policy"))
        except CaredeskError as error:
            raise CommandError(str(error)) from error
        if options["action"] == "rebuild":
            self._rebuild(policy, quiet=options["quiet"])

    @staticmethod
    def _policy(name: str | None) -> Policy:
        return load_policy(name) if name else active_policy()

    def _rebuild(self, policy: Policy, *, quiet: bool) -> None:
        started = time.perf_counter()

        def progress(month: date, done: Counted) -> None:
            if not quiet:
                self.stdout.write(
                    f"{month:%Y-%m}: {done.figures:,} figures, {done.case_figures:,} case figures"
                )

        counted = figures_rebuild(policy=policy, progress=progress)
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"Counted {counted.days:,} days again: {counted.figures:,} figures and "
            f"{counted.case_figures:,} case figures in {seconds:.1f} s."
        )
