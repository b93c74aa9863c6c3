"""caredesk policy show [NAME|FILE]  /  caredesk policy check FILE"""

import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from rich.console import Console

from caredesk.core.active_policy import active_policy
from caredesk.errors import CaredeskError, PolicyError
from caredesk.policies.tables import policy_summary, standards_table
from caredesk.standards import load_policy


class Command(BaseCommand):
    requires_system_checks = ()  # a calculation: no database or URLs to check
    help = "Show a policy's standards as a table, or check a policy file."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        show = actions.add_parser("show", help="print the standards as a table")
        show.add_argument("policy", nargs="?", help="policy name or file (default: this site's)")
        show.add_argument("--quotes", action="store_true", help="quote each standard's clause")
        check = actions.add_parser("check", help="validate a policy file")
        check.add_argument("policy", help="policy name or file")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            name = options["policy"]
            policy = load_policy(name) if name else active_policy()
        except PolicyError as error:
            self.stderr.write(error.message)
            sys.exit(1)
        except CaredeskError as error:
            self.stderr.write(error.message)
            sys.exit(2)
        if options["action"] == "check":
            self.stdout.write(
                f"{options['policy']}: valid. {policy.organisation.name}, "
                f"{len(policy.standards)} standards."
            )
            return
        # Piped output (a file, a pager) gets room for the table; a terminal its own width.
        width = None if self.stdout.isatty() or "COLUMNS" in os.environ else 160
        console = Console(file=self.stdout, soft_wrap=False, width=width)  # type: ignore[arg-type]
        console.print(policy_summary(policy))
        console.print(standards_table(policy, quotes=options.get("quotes", False)))
