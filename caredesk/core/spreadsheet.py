"""CSV that a spreadsheet opens as data, never as formulas: one helper for every CSV written.

A cell beginning with "=", "+", "-", "@", a tab or a carriage return is run by Excel,
LibreOffice and Google Sheets as a formula (CSV injection: `=HYPERLINK(...)` in a caller's
name becomes a link to an attacker's site in the analyst's copy). Such a text cell is
written with a leading apostrophe, which spreadsheets show as text and do not run
(OWASP's advice). Numbers, and text that is just a number ("-5", "+44151000"), are left
alone so that figures stay figures; a number with spaces ("+44 151 000") is not one to a
spreadsheet (a space is its intersection operator), so it is written as text.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import IO, Any

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def cell_safe(value: Any) -> Any:
    """`value` as a spreadsheet will show it, never run it."""
    if not isinstance(value, str) or not value.startswith(_FORMULA_START):
        return value
    if _PLAIN_NUMBER.fullmatch(value):
        return value
    return "'" + value


class SafeWriter:
    """`csv.writer` whose every cell goes through `cell_safe`."""

    def __init__(self, file: IO[str], **options: Any) -> None:
        self._writer = csv.writer(file, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([cell_safe(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(file: IO[str], **options: Any) -> SafeWriter:
    """The CSV writer for every file caredesk writes."""
    return SafeWriter(file, **options)
