"""The fields of one row of CSV at a time, for the imports that read a file row by row
(the calls import's readers, the customers import)."""

from __future__ import annotations

import csv
from collections.abc import Callable


class FieldReader:
    """The fields of one row's text at a time, read as `csv.reader([text])` would.

    One reader serves every row (making a reader per row costs more than reading the
    row): it is fed exactly one text per call, so a row that would need more text than
    its own ends there (strict: an error) and never takes the next row's. A row that is
    not CSV raises what `refused` makes of the reason ("the row is not valid CSV (...)").
    """

    __slots__ = ("_reader", "_refused", "_text")

    def __init__(self, delimiter: str, *, refused: Callable[[str], Exception]) -> None:
        self._text: str | None = None
        self._refused = refused
        self._reader = csv.reader(self, delimiter=delimiter, strict=True)

    def __iter__(self) -> FieldReader:
        return self

    def __next__(self) -> str:
        text = self._text
        if text is None:
            raise StopIteration
        self._text = None
        return text

    def __call__(self, text: str) -> list[str]:
        self._text = text
        try:
            return next(self._reader)
        except (csv.Error, StopIteration) as error:
            raise self._refused(f"the row is not valid CSV ({error})") from None
        finally:
            self._text = None
