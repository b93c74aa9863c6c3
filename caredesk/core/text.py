"""Text every database can hold: the one decision about characters that cannot be stored.

PostgreSQL text cannot hold a NUL character (U+0000), and neither PostgreSQL nor SQLite
can store a lone surrogate (U+D800 to U+DFFF: what Python keeps for bytes that were not
UTF-8 when decoded with "surrogateescape", or what a JSON "\\ud800" escape gives). One
such character in one field would fail the whole transaction it is written in, and so
lose its neighbours.

The decision, made here once:

- **What arrives from outside without a person at a keyboard** (call records files,
  emails, uploaded files' names and text) is received: the characters are removed and
  the record says so (`storable(value).note` is the note to keep on it).
- **What a person types** (a form, an API request) is refused with the field named and
  the reason (`unstorable_reason`), so they can correct it: Django's form fields already
  refuse NUL ("Null characters are not allowed."); the API's text fields use
  `unstorable_reason` through their schema.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# NUL, and the surrogate code points (never valid on their own in UTF-8).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


@dataclass(frozen=True)
class Storable:
    """A value made storable, and how many characters it lost."""

    text: str
    removed: int

    @property
    def note(self) -> str:
        """What to record about it ("" if nothing was removed)."""
        if not self.removed:
            return ""
        if self.removed == 1:
            return "1 character that cannot be stored was removed"
        return f"{self.removed} characters that cannot be stored were removed"


def storable(value: str) -> Storable:
    """`value` without the characters no database here can store."""
    text, removed = _UNSTORABLE.subn("", value)
    return Storable(text, removed)


def storable_text(value: str) -> str:
    """Just the storable text (where the caller keeps its own note)."""
    return _UNSTORABLE.sub("", value)


def has_unstorable(value: str) -> bool:
    return _UNSTORABLE.search(value) is not None


def unstorable_reason(value: str) -> str:
    """Why a typed value is refused, or "" if it can be stored as it is."""
    match = _UNSTORABLE.search(value)
    if match is None:
        return ""
    if match.group() == "\x00":
        return "It contains a NUL character, which cannot be stored. Remove it and try again."
    return (
        f"It contains a character that is not valid text (at position {match.start() + 1})."
        " Remove it and try again."
    )
