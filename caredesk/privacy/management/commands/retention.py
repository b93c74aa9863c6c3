"""caredesk retention [--dry-run]: apply the retention schedule now, or say what it would do."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from caredesk.core.active_policy import active_policy
from caredesk.core.clock import system_clock
from caredesk.privacy.retention import RULE_DONE, RULE_WORDS, retention_apply


class Command(BaseCommand):
    help = (
        "Anonymise the personal data the policy's [retention] periods no longer keep, as "
        "the worker does each night, and print what was done. With --dry-run, print what "
        "would be done and change nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count, change nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        run = retention_apply(policy=active_policy(), now=system_clock.now(), dry_run=dry_run)
        self.stdout.write("Dry run: nothing was changed." if dry_run else "Done.")
        for rule, figures in run.rules.items():
            line = f"{RULE_WORDS[rule]}: {figures['due']:,} past their time"
            if not dry_run:
                line += f", {figures['done']:,} {RULE_DONE[rule]}"
                if figures["failed"]:
                    line += f", {figures['failed']:,} FAILED (see the log)"
            if figures["held"]:
                line += f", {figures['held']:,} kept for a legal hold"
            self.stdout.write(line)
        self.stdout.write(f"Took {run.seconds:.1f} s.")
