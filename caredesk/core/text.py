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
  `unstorable_reason` through their schema. A service that keeps what was typed checks
  each field with `typed_text_check`, which also trims it and holds it to its length,
  raising the service's own error with the field's label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from caredesk.errors import CaredeskError

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
    return f"It contains {_unstorable_what(match)}. Remove it and try again."


def _unstorable_what(match: re.Match[str]) -> str:
    if match.group() == "\x00":
        return "a NUL character, which cannot be stored"
    return f"a character that is not valid text (at position {match.start() + 1})"


def typed_text_check(
    value: str,
    *,
    label: str,
    error: type[CaredeskError],
    limit: int,
    required: bool | str,
) -> str:
    """What a person typed into one field, ready to keep: without the spaces around it.

    Refused, raising `error` with a message naming the field by its `label` (as it would
    start a sentence: "What happened"), if it holds a character no database can store
    (NUL, a lone surrogate: its place is counted in what was typed), if it is longer than
    `limit` once trimmed, or if it is empty and `required`: True says "Enter <label>.";
    a sentence says itself ("Say why they ask for a review."); False or "" allows empty."""
    match = _UNSTORABLE.search(value)
    if match is not None:
        raise error(f"{label} contains {_unstorable_what(match)}. Remove it and try again.")
    text = value.strip()
    if required and not text:
        raise error(required if isinstance(required, str) else f"Enter {_within_sentence(label)}.")
    if len(text) > limit:
        raise error(f"{label} must be {limit:,} characters or fewer.")
    return text


def _within_sentence(label: str) -> str:
    """ "What happened" as "what happened"; "ICO reference" as it is."""
    if label[1:2].isupper():
        return label
    return label[:1].lower() + label[1:]
