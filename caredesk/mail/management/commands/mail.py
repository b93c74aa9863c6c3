"""caredesk mail import FILE... [--policy NAME]

Imports emails from .eml files, mbox files and folders of them (a Maildir too), and
prints one summary line per file. A message that cannot be received (or a file that
cannot be read) is named on stderr and the others are imported. Exit status: 0 when
every message was received, 1 when one was not, 2 for bad arguments.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from caredesk.core.active_policy import active_policy
from caredesk.core.clock import system_clock
from caredesk.errors import CaredeskError
from caredesk.mail.importing import mail_files_import
from caredesk.standards import load_policy


class Command(BaseCommand):
    help = "Import emails: .eml files, mbox files, or folders of them."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        load = actions.add_parser("import", help="import emails from files")
        load.add_argument(
            "files",
            nargs="+",
            metavar="FILE",
            help=".eml, mbox or a folder (in an mbox, a message starts at the first line, "
            "then at each 'From sender date' line after a blank line)",
        )
        load.add_argument("--policy", help="a policy name or file (default: this site's)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            policy = load_policy(options["policy"]) if options["policy"] else active_policy()
        except CaredeskError as error:
            sys.stderr.write(f"caredesk mail: {error.message}\n")
            sys.exit(2)
        failed = False
        for name in options["files"]:
            try:
                result = mail_files_import(path=name, policy=policy, clock=system_clock)
            except CaredeskError as error:
                sys.stderr.write(f"caredesk mail: {error.message}\n")
                failed = True
                continue
            self.stdout.write(str(result))
            for problem in result.errors:
                sys.stderr.write(f"caredesk mail: {problem}\n")
            failed = failed or bool(result.errors)
        if failed:
            sys.exit(1)
