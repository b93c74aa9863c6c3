"""caredesk calls import FILE... [--format asterisk|generic] [--mapping FILE.toml]
[--zone ZONE] [--rejects DIR] [--policy NAME]

Imports call records files and prints one summary line per file. Exit status: 0 when
every file was read (refused rows do not count as failure: they are in the rejects
file), 1 when a file could not be opened or read to the end, 2 for bad arguments.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.checks import Tags
from django.core.management.base import BaseCommand, CommandParser
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

from caredesk.core.active_policy import active_policy
from caredesk.core.clock import system_clock
from caredesk.core.commands import one_line_parser
from caredesk.core.office_time import parse_received
from caredesk.errors import CaredeskError
from caredesk.standards import Policy, load_policy
from caredesk.telephony.call_file import CallFileError
from caredesk.telephony.importing import FORMATS, calls_import
from caredesk.telephony.mapping import Mapping, load_mapping
from caredesk.telephony.models import CallImport, ImportStatus

PROGRAM = "caredesk calls"


OneLineParser = one_line_parser(PROGRAM)


class Command(BaseCommand):
    help = "Import call records files (Asterisk Master.csv, or any CSV with a mapping file)."
    # The models only: checking the URLs imports every view (WeasyPrint, SciPy, the
    # reporting pages), about 150 MB this process would hold for the whole import.
    requires_system_checks = [Tags.models]

    def add_arguments(self, parser: CommandParser) -> None:
        parser.__class__ = OneLineParser  # the subcommands inherit it
        actions = parser.add_subparsers(dest="action", required=True)
        load = actions.add_parser("import", help="import call records files")
        load.add_argument("files", nargs="+", metavar="FILE", help="files, gzipped or not")
        load.add_argument("--format", choices=FORMATS, help="default: asterisk, or generic")
        load.add_argument("--mapping", help="a mapping file (or shipped name) for generic CSV")
        load.add_argument("--zone", help="the phone system's time zone (default Europe/London)")
        load.add_argument("--rejects", metavar="DIR", help="folder for the rejects files")
        load.add_argument("--policy", help="a policy name or file (default: this site's)")
        load.add_argument("--batch-size", type=int, default=20_000, help="rows per transaction")
        load.add_argument(
            "--callbacks-since",
            metavar="DATE",
            help="open callback cases for voicemails left from this date (default: a month ago)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            settings = self._settings(options)
        except CaredeskError as error:
            self.stderr.write(f"{PROGRAM}: {' '.join(error.message.split())}")
            sys.exit(2)
        failed = False
        for name in options["files"]:
            try:
                record = self._import(Path(name), settings)
            except CaredeskError as error:
                self.stderr.write(f"{PROGRAM}: {error.message}")
                failed = True
                continue
            self.stdout.write(summary(record))
            if record.status != ImportStatus.DONE:
                self.stderr.write(f"{PROGRAM}: {record.file_name}: {record.error}")
                failed = True
        if failed:
            sys.exit(1)

    def _settings(self, options: dict[str, Any]) -> dict[str, Any]:
        mapping: Mapping | None = None
        if options["mapping"]:
            mapping = load_mapping(options["mapping"])
        file_format = options["format"] or ("generic" if mapping else "asterisk")
        if file_format == "generic" and mapping is None:
            raise CallFileError("--format generic needs --mapping FILE.toml.")
        if file_format == "asterisk" and mapping is not None:
            raise CallFileError("--mapping is for --format generic, not asterisk.")
        zone = options["zone"]
        if zone is not None:
            try:
                ZoneInfo(zone)
            except (ZoneInfoNotFoundError, ValueError, OSError):
                raise CallFileError(
                    f"--zone '{zone}' is not a zone such as Europe/London."
                ) from None
        rejects = options["rejects"]
        if rejects is not None and not Path(rejects).is_dir():
            raise CallFileError(f"--rejects {rejects}: there is no such folder.")
        if options["batch_size"] < 1:
            raise CallFileError("--batch-size must be 1 or more.")
        policy: Policy = load_policy(options["policy"]) if options["policy"] else active_policy()
        since = options["callbacks_since"]
        callbacks_since = None
        if since is not None:
            try:
                callbacks_since = parse_received(since, policy)
            except CaredeskError as error:
                raise CallFileError(f"--callbacks-since: {error.message}") from None
        return {
            "callbacks_since": callbacks_since,
            "file_format": file_format,
            "mapping": mapping,
            "zone": zone,
            "rejects_dir": rejects,
            "policy": policy,
            "batch_size": options["batch_size"],
        }

    def _import(self, path: Path, settings: dict[str, Any]) -> CallImport:
        if not self.stdout.isatty():
            return calls_import(path=path, clock=system_clock, **settings)
        console = Console(file=self.stdout)  # type: ignore[arg-type]
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TextColumn("{task.fields[rows]:,} rows"),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=console, transient=True) as bar:
            task: TaskID = bar.add_task(path.name, total=None, rows=0)

            def advance(record: CallImport) -> None:
                bar.update(
                    task,
                    completed=record.bytes_read,
                    total=record.bytes_total or None,
                    rows=record.rows_read,
                )

            return calls_import(path=path, clock=system_clock, progress=advance, **settings)


def summary(record: CallImport) -> str:
    """Master.csv: 10,000 rows read, 9,990 imported, 5 already here, 5 refused (see ...)."""
    refused = f"{record.rows_rejected:,} refused"
    if record.rows_rejected:
        refused += f" (see {record.rejects_file})"
    text = (
        f"{record.file_name}: {record.rows_read:,} rows read, {record.rows_imported:,} "
        f"imported, {record.rows_duplicate:,} already here, {refused}"
    )
    if record.status != ImportStatus.DONE:
        text += "; stopped before the end of the file"
    return text
