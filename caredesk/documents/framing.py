"""Lines of an officer's draft that repeat what the template adds around it.

The templates add the greeting ("Dear Mrs Harris,") before the draft and the sign-off
(a letter's "Yours sincerely," and the officer's signature) after it. An officer who
types them too sends them twice. Pure: the reply page warns, it never changes the text.
"""

from __future__ import annotations

import re

GREETINGS = ("dear", "hello", "hi", "good morning", "good afternoon")
SIGN_OFFS = frozenset(
    {
        "yours sincerely",
        "yours faithfully",
        "yours truly",
        "kind regards",
        "best regards",
        "warm regards",
        "regards",
        "best wishes",
        "many thanks",
        "with thanks",
        "thanks",
        "thank you",
    }
)
_SIGN_OFF_ZONE = 3  # a sign-off is among the last few lines of a draft
_WORDS = re.compile(r"[^\w\s]+")


def _bare(line: str) -> str:
    """A line's words, lower case, without punctuation or extra spaces."""
    return " ".join(_WORDS.sub(" ", line).casefold().split())


def _is_greeting(line: str) -> bool:
    bare = _bare(line)
    return any(bare == word or bare.startswith(f"{word} ") for word in GREETINGS)


def repeated_framing(draft: str) -> list[str]:
    """The greeting and sign-off lines of `draft` (as typed, trimmed) that the template
    adds anyway: a greeting as its first line, a sign-off among its last lines."""
    lines = [line.strip() for line in draft.splitlines() if line.strip()]
    if not lines:
        return []
    repeated = [lines[0]] if _is_greeting(lines[0]) else []
    tail_start = max(len(repeated), len(lines) - _SIGN_OFF_ZONE)
    repeated += [line for line in lines[tail_start:] if _bare(line) in SIGN_OFFS]
    return repeated
