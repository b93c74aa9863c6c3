"""A short piece of a text around the words searched for, with those words marked."""

from __future__ import annotations

import re
import unicodedata

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WORD = re.compile(r"[^\W_]+")
# English endings the case-text index strips ("repairs", "repaired" find "repair"), so
# the words it matched on can be marked too.
ENDINGS = re.compile(r"(ing|ed|es|s)$")


def _stem(word: str) -> str:
    stem = ENDINGS.sub("", word)
    return stem if len(stem) >= 3 else word


def folded(word: str) -> str:
    """The word in lower case without its accents ("Zoë": "zoe"), as the names are
    searched."""
    word = word.lower()
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _matches(word: str, searched: list[str]) -> bool:
    word = folded(word)
    return any(word.startswith(s) for s in searched)


def excerpt_marked(text: str, words: list[str], *, width: int = 160) -> SafeString:
    """About `width` characters of `text` from a little before the first word matching
    one of `words` (the start of a word, or its stem), HTML-escaped, with each matching
    word in <mark>. Nothing of `text` is ever trusted as HTML."""
    searched = sorted({stem for w in words if w for stem in (folded(w), _stem(folded(w)))})
    text = " ".join(text.split())
    # Only the words up to the first match, then those shown, are looked at: a letter or
    # an email may run to thousands of words.
    first = next((m for m in WORD.finditer(text) if _matches(m.group(), searched)), None)
    start = 0
    if first and first.start() > width // 3:
        start = text.rfind(" ", 0, first.start() - width // 4) + 1
    end = len(text) if len(text) - start <= width else text.rfind(" ", start, start + width)
    if end <= start:
        end = min(len(text), start + width)
    pieces = ["…" if start > 0 else ""]
    at = start
    for match in WORD.finditer(text, start) if first else ():
        if match.start() >= end:
            break
        if match.end() > end or not _matches(match.group(), searched):
            continue
        pieces += [escape(text[at : match.start()]), "<mark>", escape(match.group()), "</mark>"]
        at = match.end()
    pieces += [escape(text[at:end]), "…" if end < len(text) else ""]
    return mark_safe("".join(pieces))  # every piece of the text is escaped above
