"""What the project's own commands (caredesk calls, customers, report) share."""

from __future__ import annotations

import sys
from typing import NoReturn

from django.core.management.base import CommandError, CommandParser


def one_line_parser(program: str) -> type[CommandParser]:
    """A parser for `program` ("caredesk calls") that answers bad arguments with one
    line on stderr and exit status 2, not argparse's usage block. Set it as the class of
    the command's parser in add_arguments: its subcommands inherit it."""

    class OneLineParser(CommandParser):
        def error(self, message: str) -> NoReturn:
            if self.called_from_command_line:
                sys.stderr.write(f"{program}: {message} (see {program} --help)\n")
                sys.exit(2)
            raise CommandError(f"Error: {message}")

    return OneLineParser
