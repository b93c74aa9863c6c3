"""caredesk report rebuild | board --month YYYY-MM --out FILE.pdf
              | whatif --policy FILE --from YYYY-MM-DD --to YYYY-MM-DD [--csv FILE]

- rebuild: counts every performance figure again from the deadline and case records
  (the daily roll-ups), and prints what it did. The worker keeps the figures up to date
  by itself; a rebuild is for after a restore, or to prove them.
- board: writes the month's board pack (a tagged PDF) to FILE.
- whatif: re-runs the period's cases through another policy file with the batch engine,
  and prints how compliance would change, standard by standard.

Exit status: 0 done, 1 the work failed (the reason on stderr), 2 bad arguments.
"""

from __future__ import annotations

import argparse
import time
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from caredesk.core.active_policy import active_policy
from caredesk.core.clock import system_clock
from caredesk.core.commands import one_line_parser
from caredesk.errors import CaredeskError
from caredesk.reporting.board import board_pack, board_pack_pdf
from caredesk.reporting.rollups import Counted, figures_rebuild
from caredesk.reporting.whatif import whatif_compare
from caredesk.reporting.whatif_text import whatif_csv, whatif_lines
from caredesk.standards import Policy, load_policy

PROGRAM = "caredesk report"


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a day: write it as year-month-day, for example 2025-04-01"
        ) from None


def _month(text: str) -> date:
    try:
        year, month = (int(part) for part in text.split("-"))
        return date(year, month, 1)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a month: write the year and month, for example 2025-06"
        ) from None


OneLineParser = one_line_parser(PROGRAM)


class Command(BaseCommand):
    help = "Performance figures: rebuild the daily roll-ups."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.__class__ = OneLineParser
        actions = parser.add_subparsers(dest="action", required=True)
        rebuild = actions.add_parser("rebuild", help="count every figure again from the records")
        rebuild.add_argument("--policy", help="a policy name or file (default: this site's)")
        rebuild.add_argument("--quiet", action="store_true", help="print only the summary")
        board = actions.add_parser("board", help="write a month's board pack as a PDF")
        board.add_argument("--month", required=True, type=_month, help="the month: 2025-06")
        board.add_argument("--out", required=True, type=Path, help="the PDF file to write")
        board.add_argument("--policy", help="a policy name or file (default: this site's)")
        whatif = actions.add_parser("whatif", help="the period's cases under another policy")
        whatif.add_argument("--policy", required=True, help="the other policy: a name or file")
        whatif.add_argument("--from", dest="first", required=True, type=_day, help="2025-04-01")
        whatif.add_argument("--to", dest="last", required=True, type=_day, help="2026-03-31")
        whatif.add_argument("--current", help="the policy now (default: this site's)")
        whatif.add_argument("--csv", type=Path, help="also write the comparison to this CSV file")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "whatif":
            self._whatif(**options)
            return
        try:
            policy = self._policy(options.get("policy"))
        except CaredeskError as error:
            raise CommandError(str(error)) from error
        if options["action"] == "rebuild":
            self._rebuild(policy, quiet=options["quiet"])
        elif options["action"] == "board":
            self._board(policy, month=options["month"], out=options["out"])

    def _whatif(self, **options: Any) -> None:
        first, last = options["first"], options["last"]
        if last < first:
            raise CommandError(f"--to {last} is before --from {first}.")
        try:
            other = load_policy(options["policy"])
            current = self._policy(options.get("current"))
        except CaredeskError as error:
            raise CommandError(str(error)) from error
        result = whatif_compare(
            current=current, other=other, first=first, last=last, now=system_clock.now()
        )
        self.stdout.write("\n".join(whatif_lines(result)))
        if options.get("csv") is not None:
            try:
                options["csv"].write_text(whatif_csv(result), encoding="utf-8")
            except OSError as error:
                raise CommandError(f"{options['csv']}: cannot write: {error.strerror}.") from error

    def _board(self, policy: Policy, *, month: date, out: Path) -> None:
        if not out.parent.is_dir():
            raise CommandError(f"{out}: the folder {out.parent} does not exist.")
        pack = board_pack(policy=policy, month=month, clock=system_clock)
        pdf = board_pack_pdf(pack)
        try:
            out.write_bytes(pdf)
        except OSError as error:
            raise CommandError(f"{out}: cannot write the board pack: {error.strerror}.") from error
        self.stdout.write(
            f"Wrote the board pack for {pack.month_name} to {out} ({len(pdf):,} bytes): "
            f"{len(pack.summary)} standards, {pack.on_target} on target."
        )

    @staticmethod
    def _policy(name: str | None) -> Policy:
        return load_policy(name) if name else active_policy()

    def _rebuild(self, policy: Policy, *, quiet: bool) -> None:
        started = time.perf_counter()

        def progress(first: date, done: Counted) -> None:
            if not quiet:
                self.stdout.write(
                    f"{first:%Y-%m-%d} and {done.days - 1} days after: {done.figures:,} figures, "
                    f"{done.case_figures:,} case figures"
                )

        counted = figures_rebuild(policy=policy, progress=progress)
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"Counted {counted.days:,} days again: {counted.figures:,} figures and "
            f"{counted.case_figures:,} case figures in {seconds:.1f} s."
        )
