"""caredesk apitoken create USERNAME --name NAME | list | revoke PREFIX"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from caredesk.api.selectors import api_token_list
from caredesk.api.services import api_token_create, api_token_revoke
from caredesk.errors import CaredeskError
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can, allowed
from caredesk.staff.two_factor import two_factor_required


class Command(BaseCommand):
    help = (
        "API tokens for integrations. A token acts as its owner, with the owner's roles. "
        "Example: caredesk apitoken create olu_officer --name 'repairs sync'"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser("create", help="make a token and print it, once")
        create.add_argument("username", help="the member of staff the token acts as")
        create.add_argument("--name", required=True, help="what the token is for")
        actions.add_parser("list", help="every token: prefix, owner, name, dates")
        revoke = actions.add_parser("revoke", help="stop a token working, at once")
        revoke.add_argument("prefix", help="the token's prefix, as `list` shows it")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "create":
                self._create(options["username"], options["name"])
            elif options["action"] == "list":
                self._list()
            else:
                token = api_token_revoke(prefix=options["prefix"])
                self.stdout.write(f"Revoked {token.prefix} ({token.name}, {token.owner.username}).")
        except CaredeskError as error:
            raise CommandError(error.message) from None

    def _create(self, username: str, name: str) -> None:
        owner = StaffMember.objects.filter(username=username).first()
        if owner is None:
            raise CommandError(f"There is no member of staff with the username '{username}'.")
        new = api_token_create(owner=owner, name=name)
        self.stdout.write(new.secret)
        self.stderr.write(
            f"Token {new.token.prefix} for {owner.username} ({name}). "
            "Copy it now: it is not stored and cannot be shown again."
        )
        if two_factor_required(member=owner):
            self.stderr.write(
                f"Note: {owner.username} must sign in with two-factor sign-in, but a token "
                "needs no second step: give it only to a system that keeps it secret, and "
                "prefer an account made for that system."
            )
        if not allowed(owner, Can.READ_CASES):
            self.stderr.write(
                f"Note: {owner.username} has no role that may read cases, "
                "so this token will be refused (403) until they have one."
            )

    def _list(self) -> None:
        rows = [("PREFIX", "OWNER", "NAME", "CREATED", "LAST USED", "REVOKED")]
        for token in api_token_list():
            rows.append(
                (
                    token.prefix,
                    token.owner.username,
                    token.name,
                    _when(token.created_at),
                    _when(token.last_used_at),
                    _when(token.revoked_at),
                )
            )
        if len(rows) == 1:
            self.stdout.write("No API tokens.")
            return
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            self.stdout.write(
                "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            )


def _when(moment: Any) -> str:
    if moment is None:
        return "-"
    return str(timezone.localtime(moment).strftime("%Y-%m-%d %H:%M"))
