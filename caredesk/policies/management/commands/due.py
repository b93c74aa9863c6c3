"""caredesk due --policy NAME --received DATETIME (--standard KEY | --duration TEXT)"""

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from caredesk.core.office_time import parse_received
from caredesk.errors import CaredeskError
from caredesk.policies.due import due_for, format_instant
from caredesk.standards import load_policy


class Command(BaseCommand):
    requires_system_checks = ()  # a calculation: no database or URLs to check
    help = (
        "Print when something is due, as ISO 8601 with its UTC offset. "
        "Example: caredesk due --policy stonewall --duration '2 working days' "
        "--received 2025-05-23T15:00"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--policy", required=True, help="a policy name or policy file")
        parser.add_argument(
            "--received",
            required=True,
            help="when it was received, ISO 8601; no offset means the organisation's time",
        )
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--standard", help="a standard's key, such as letter_response")
        target.add_argument("--duration", help="a duration, such as '10 working days'")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            policy = load_policy(options["policy"])
            answer = due_for(
                policy=policy,
                received_at=parse_received(options["received"], policy),
                standard_key=options["standard"],
                duration_text=options["duration"],
            )
        except CaredeskError as error:
            first_line = error.message.splitlines()[0]
            self.stderr.write(f"caredesk due: {first_line}")
            sys.exit(2)
        self.stdout.write(format_instant(answer.due_at))
