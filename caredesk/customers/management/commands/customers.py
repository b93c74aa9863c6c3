"""caredesk customers import FILE [--mapping M.toml] [--rejects OUT.csv] [--dry-run]

Imports a customer export from the housing management system and prints one summary
line. Exit status: 0 when the file was read to the end (refused rows do not count as
failure: they are in the rejects file), 1 when it could not be opened or read, 2 for
bad arguments.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.checks import Tags
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

from caredesk.core.clock import system_clock
from caredesk.core.commands import one_line_parser
from caredesk.customers.import_mapping import load_customer_mapping
from caredesk.customers.importing import ImportSummary, customers_import
from caredesk.errors import CaredeskError

PROGRAM = "caredesk customers"
DEFAULT_MAPPING = "housing"


OneLineParser = one_line_parser(PROGRAM)


class Command(BaseCommand):
    help = "Import customers from a housing management system's CSV export."
    # The models only: checking the URLs imports every view, memory this process would
    # hold for the whole import.
    requires_system_checks = [Tags.models]

    def add_arguments(self, parser: CommandParser) -> None:
        parser.__class__ = OneLineParser  # the subcommands inherit it
        actions = parser.add_subparsers(dest="action", required=True)
        load = actions.add_parser("import", help="import a customer export (CSV)")
        load.add_argument("file", metavar="FILE", help="the CSV file, with a heading row")
        load.add_argument(
            "--mapping",
            default=DEFAULT_MAPPING,
            help=f"a mapping file, or a shipped mapping's name (default: {DEFAULT_MAPPING})",
        )
        load.add_argument(
            "--rejects", metavar="OUT.csv", help="the rejects file (default: FILE.rejects.csv)"
        )
        load.add_argument(
            "--dry-run", action="store_true", help="read and compare, but store nothing"
        )
        load.add_argument("--batch-size", type=int, default=2_000, help="rows per transaction")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["batch_size"] < 1:
                raise CommandError("--batch-size must be 1 or more.")
            mapping = load_customer_mapping(options["mapping"])
        except (CaredeskError, CommandError) as error:
            message = error.message if isinstance(error, CaredeskError) else str(error)
            self.stderr.write(f"{PROGRAM}: {message}")
            sys.exit(2)
        settings = {
            "path": Path(options["file"]),
            "mapping": mapping,
            "clock": system_clock,
            "rejects_path": options["rejects"],
            "dry_run": options["dry_run"],
            "batch_size": options["batch_size"],
        }
        try:
            summary = self._import(settings)
        except CaredeskError as error:
            self.stderr.write(f"{PROGRAM}: {error.message}")
            sys.exit(1)
        self.stdout.write(summary.line())

    def _import(self, settings: dict[str, Any]) -> ImportSummary:
        if not self.stdout.isatty():
            return customers_import(**settings)
        console = Console(file=self.stdout)  # type: ignore[arg-type]
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TextColumn("{task.fields[rows]:,} rows"),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=console, transient=True) as bar:
            task: TaskID = bar.add_task(settings["path"].name, total=None, rows=0)

            def advance(summary: ImportSummary) -> None:
                bar.update(
                    task,
                    completed=summary.bytes_read,
                    total=summary.bytes_total or None,
                    rows=summary.rows_read,
                )

            return customers_import(progress=advance, **settings)
