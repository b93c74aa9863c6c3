"""Reading a customer export, row by row, into checked details or refused rows.

The file has a heading row; the mapping (`import_mapping`) says which column holds what.
Every row after it gives a `CustomerRow` (the reference and each mapped detail, checked
and ready to store) or a `RefusedRow` (its line number and why, naming the column and
the reason). One bad row never stops the rows after it: bytes that are not text in the
mapping's encoding, a NUL, an over-long value or line, a quote never closed, a wrong
number of columns or a missing reference each refuse that row alone.

A row may hold quoted line breaks (an address typed on several lines), up to
MAX_LINES_PER_ROW lines; a quote never closed refuses its first line only, and the lines
after it are read again as rows of their own. A cell a spreadsheet escaped with a leading
apostrophe ("'=A1", as caredesk's own rejects files write them) is read without it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from caredesk.core.csv_fields import FieldReader
from caredesk.customers.details_check import DetailRefused, address_checked, detail_checked
from caredesk.customers.import_mapping import CHOICES, CustomerMapping
from caredesk.customers.models import AccessibleFormat
from caredesk.errors import CaredeskError

MAX_LINE_BYTES = 64 * 1024
MAX_LINES_PER_ROW = 10
BOOLEAN_DETAILS = ("interpreter_needed", "home_visits_needed", "same_sex_interviewer")
LABELS = {
    "external_reference": "reference",
    "customer_type": "customer type",
    "first_name": "first name",
    "last_name": "last name",
    "uprn": "UPRN",
    "preferred_channel": "preferred channel",
    "preferred_times": "preferred times",
    "accessible_format": "accessible format",
    "interpreter_needed": "interpreter",
    "home_visits_needed": "home visits",
    "same_sex_interviewer": "same-sex interviewer",
}
_NOT_TEXT = re.compile("[\udc80-\udcff]")  # a byte that was not text (surrogateescape)
_ESCAPED = re.compile(r"'[=+\-@\t\r]")


class CustomerFileError(CaredeskError):
    """The customer file as a whole cannot be read (as opposed to one bad row)."""

    code = "customer_file_invalid"


@dataclass(frozen=True, slots=True)
class CustomerRow:
    line: int
    reference: str
    details: dict[str, str | bool]  # each mapped detail, as it is to be stored
    fields: list[str]  # the row as it was, for the rejects file


@dataclass(frozen=True, slots=True)
class RefusedRow:
    line: int
    reason: str
    fields: list[str]


def label(detail: str) -> str:
    return LABELS.get(detail, detail.replace("_", " "))


class CustomerFile:
    """The rows of one export, read from a binary file (see the module's docstring)."""

    def __init__(self, file: IO[bytes], *, mapping: CustomerMapping, name: str = "") -> None:
        self.mapping = mapping
        self.name = name
        self._file = file
        self._encoding = mapping.format.encoding
        self._fields = FieldReader(mapping.format.delimiter, refused=DetailRefused)
        self._pending: list[tuple[int, str | None]] = []
        self._number = 0
        self.headings: list[str] = []
        self.bytes_read = 0
        self._columns: dict[str, int | list[int]] = {}

    # physical lines, then rows
    def _line(self) -> tuple[int, str | None] | None:
        """(line number, its text, or None if it is too long to read) or None at the end."""
        if self._pending:
            return self._pending.pop()
        data = self._file.readline(MAX_LINE_BYTES + 1)
        if not data:
            return None
        self._number += 1
        self.bytes_read += len(data)
        if len(data) > MAX_LINE_BYTES and not data.endswith(b"\n"):
            while (more := self._file.readline(MAX_LINE_BYTES)) and not more.endswith(b"\n"):
                self.bytes_read += len(more)
            self.bytes_read += len(more)
            return self._number, None
        text = data.decode(self._encoding, errors="surrogateescape")
        if self._number == 1:
            text = text.removeprefix("\ufeff")
        return self._number, text

    def _rows(self) -> Iterator[tuple[int, str | None, str]]:
        """(first line number, text or None, why it is refused or "") for each row."""
        while (item := self._line()) is not None:
            number, text = item
            if text is None:
                yield number, None, f"the line is longer than {MAX_LINE_BYTES:,} bytes"
                continue
            if not text.strip():
                continue
            joined, taken = text, list[tuple[int, str | None]]()
            while joined.count('"') % 2 and len(taken) + 1 < MAX_LINES_PER_ROW:
                following = self._line()
                if following is None:
                    break
                taken.append(following)
                if following[1] is None:
                    break
                joined += following[1]
            if joined.count('"') % 2 == 0:
                yield number, joined, ""
                continue
            self._pending.extend(reversed(taken))
            yield number, text, 'a quoted value is not closed (a " is missing)'

    def rows(self) -> Iterator[CustomerRow | RefusedRow]:
        """Each row after the heading row. Raises CustomerFileError if there is no heading
        row, or it lacks a column the mapping names."""
        rows = self._rows()
        for number, text, problem in rows:
            if text is None or problem:
                raise CustomerFileError(f"{self.name}: the heading row (line {number}): {problem}.")
            try:
                self.headings = [heading.strip() for heading in self._fields(text)]
            except DetailRefused as error:
                raise CustomerFileError(f"{self.name}: the heading row: {error}.") from None
            self._columns = self._find_columns()
            break
        else:
            raise CustomerFileError(f"{self.name}: the file is empty: there is no heading row.")
        for number, text, problem in rows:
            if text is None or problem:
                shown = (text or "")[:2_000].rstrip("\r\n")
                yield RefusedRow(number, problem, [shown])
                continue
            try:
                fields = self._fields(text)
            except DetailRefused as error:
                yield RefusedRow(number, str(error), [text.rstrip("\r\n")[:2_000]])
                continue
            yield self._row(number, fields)

    def _find_columns(self) -> dict[str, int | list[int]]:
        where: dict[str, int] = {}
        for index, heading in enumerate(self.headings):
            where.setdefault(heading, index)
        found: dict[str, int | list[int]] = {}
        missing = []
        for detail, columns in self.mapping.columns.mapped().items():
            names = columns if isinstance(columns, list) else [columns]
            for name in names:
                if name.strip() not in where:
                    guess = difflib.get_close_matches(name, list(where), n=1)
                    hint = f" (is it '{guess[0]}'?)" if guess else ""
                    missing.append(f"'{name}' ({label(detail)}){hint}")
            indexes = [where.get(name.strip(), -1) for name in names]
            found[detail] = indexes if isinstance(columns, list) else indexes[0]
        if missing:
            raise CustomerFileError(
                f"{self.name}: the heading row has no column {', '.join(missing)}. "
                "Check the mapping's [columns] against the file."
            )
        return found

    def _row(self, number: int, fields: list[str]) -> CustomerRow | RefusedRow:
        if len(fields) != len(self.headings):
            return RefusedRow(
                number,
                f"the row has {len(fields)} columns where the heading row has {len(self.headings)}",
                fields,
            )
        details: dict[str, str | bool] = {}
        mapping = self.mapping
        for detail, where in self._columns.items():
            if isinstance(where, list):
                values = [_cell(fields[index]) for index in where]
                column = ", ".join(f"'{self.headings[index]}'" for index in where)
            else:
                values = [_cell(fields[where])]
                column = f"'{self.headings[where]}'"
            try:
                for value in values:
                    if _NOT_TEXT.search(value):
                        raise DetailRefused(self._not_text(value))
                details[detail] = _checked(detail, values, mapping)
            except DetailRefused as error:
                return RefusedRow(number, f"{label(detail)} (column {column}) {error}", fields)
        reference = str(details.pop("external_reference"))
        if not reference:
            column = self.mapping.columns.external_reference
            return RefusedRow(number, f"reference (column '{column}') is blank", fields)
        return CustomerRow(number, reference, details, fields)

    def _not_text(self, value: str) -> str:
        match = _NOT_TEXT.search(value)
        assert match is not None
        byte = ord(match.group()) - 0xDC00
        return (
            f"is not {self._encoding} text (byte 0x{byte:02x} at position {match.start() + 1}): "
            f"save the file as {self._encoding}, or give the mapping its encoding"
        )


def _cell(value: str) -> str:
    return value[1:] if _ESCAPED.match(value) else value


def _checked(detail: str, values: list[str], mapping: CustomerMapping) -> str | bool:
    if detail == "address":
        return address_checked(values)
    value = values[0]
    if detail in CHOICES:
        found = mapping.choice_of(detail, value)
        if found is not None:
            return found
        if not value.strip():
            if detail == "preferred_channel":
                return ""
            if detail == "accessible_format":
                return AccessibleFormat.STANDARD.value
        known = ", ".join(f"'{word}'" for word in mapping.known_words(detail))
        shown = value.strip() or "(blank)"
        raise DetailRefused(f"'{shown[:40]}' is not one the mapping knows ({known})")
    if detail in BOOLEAN_DETAILS:
        answer = mapping.yes_or_no(value)
        if answer is None:
            yes, no = mapping.yes_no.yes, mapping.yes_no.no
            raise DetailRefused(
                f"'{value.strip()[:40]}' is neither yes ({', '.join(yes)}) "
                f"nor no ({', '.join(repr(word) for word in no)})"
            )
        return answer
    return detail_checked(detail, value)
