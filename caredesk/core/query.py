"""Reading values from query strings, where anything may arrive."""

from __future__ import annotations

BIGGEST_ID = 2**63 - 1  # the largest primary key the databases hold


def id_or_none(value: object) -> int | None:
    """A database id from a query string, or None for anything else ('abc', '²', '-1')."""
    text = str(value) if value is not None else ""
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 0 < number <= BIGGEST_ID else None
