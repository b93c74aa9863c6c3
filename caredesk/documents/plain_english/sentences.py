"""Sentences in letters and emails: where each one starts and ends, and how many words it has.

textstat ends a sentence at every full stop, so "Mr. Smith", "e.g." and "12.05.2025" would
each cut one short. `split_sentences` knows what letters look like instead.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

# Lines with no full stop and at most this many words are the parts of a letter around the
# message (the address, "Dear Ms Khan,", headings, "Yours sincerely"), not sentences.
SHORT_LINE_WORDS = 6

# Words ending in a full stop that never end a sentence ("Mr. Smith", "e.g. the damp").
_NEVER_ENDS = frozenset(
    {"mr", "mrs", "ms", "mx", "dr", "prof", "rev", "st", "e.g", "i.e", "eg", "ie", "cf"}
    | {"approx", "incl", "vs", "viz", "attn"}
)
# Words ending in a full stop that do not end a sentence when a number follows
# ("No. 12", "12 Jan. 2025", "Tel. 0300 123 4567", "s. 21").
_BEFORE_NUMBERS = frozenset(
    {"no", "nos", "ref", "tel", "fig", "p", "pp", "para", "s", "ss", "sec", "reg", "art"}
    | {"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}
)

_SENTENCE_END = re.compile(r"([.!?…]+)[\"'”’)\]]*(?=\s|\Z)")
_NEXT_VISIBLE = re.compile(r"\s*(\S)")
# A bullet (•, -, * ...), "1." "1)" "a." "(a)" "iv)" or "(B)" at the start of a line; not "A."
# alone, which is more often an initial ("A. Officer, Housing Officer").
_LIST_MARKER = re.compile(
    r"\s*(?:[•·▪◦‣∙●○■□➢►*–—-]|\(?(?:\d{1,3}|[a-z]|[ivx]{2,5})[.)]|\(?(?:[A-Z]|[IVX]{2,5})\))\s+"
)
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")
_CLOSERS = "\"'”’)]"
_STOPS = (".", "!", "?", "…")
_LINE_ENDINGS = "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # as str.splitlines


@dataclass(frozen=True)
class Sentence:
    """A sentence, list item or line of a draft: where it is and how many words it has.

    `text` is exactly `draft[start:end]`, so a page can highlight it. `number` counts from 1
    in reading order and `line` is the line it starts on, from 1. `prose` is False for the
    short lines with no full stop around a letter's message (see SHORT_LINE_WORDS): they
    are left out of reading ease and the average so that they do not flatter the draft.
    """

    number: int
    line: int
    start: int
    end: int
    text: str
    words: int
    prose: bool


def split_sentences(text: str) -> tuple[Sentence, ...]:
    """The sentences, list items and lines of a draft, in order.

    A sentence ends at . ! ? or … followed by a space, except after titles and abbreviations
    ("Mr.", "e.g."), initials ("J. Smith"), "No." before a number, or when the next word
    starts with a small letter. Full stops inside dates, amounts and references
    (12.05.2025, £1,234.56, HHT-2025-000123) are not followed by a space, so never end one.
    A blank line, a bullet or numbered item, and any new line not starting with a small
    letter end one too, so addresses, headings and lines with no full stop stand alone.
    """
    line_starts = [0, *itertools.accumulate(map(len, text.splitlines(keepends=True)))]
    sentences: list[Sentence] = []
    for block_start, block_end in _blocks(text):
        for start, end in _pieces(text, block_start, block_end):
            piece = text[start:end]
            words = _word_count(piece)
            if words == 0:
                continue  # a lone bullet, a rule of dashes, "..."
            ends_with_stop = piece.rstrip(_CLOSERS).endswith(_STOPS)
            sentences.append(
                Sentence(
                    number=len(sentences) + 1,
                    line=bisect.bisect_right(line_starts, start),
                    start=start,
                    end=end,
                    text=piece,
                    words=words,
                    prose=ends_with_stop or words > SHORT_LINE_WORDS,
                )
            )
    return tuple(sentences)


def _blocks(text: str) -> Iterator[tuple[int, int]]:
    """Runs of lines that belong together, as (start, end) offsets.

    A line joins the one before only if it starts with a small letter and is not a list
    item: an email wrapped at 72 characters reads as one sentence, an address does not.
    A list item's bullet or number is left out of its block.
    """
    block: list[int] | None = None
    offset = 0
    for line in text.splitlines(keepends=True):
        content = line.rstrip(_LINE_ENDINGS)  # a line holds line endings only at its end
        line_start, offset = offset, offset + len(line)
        first = _NEXT_VISIBLE.match(content)
        if first is None:  # a blank line
            if block is not None:
                yield block[0], block[1]
            block = None
            continue
        marker = _LIST_MARKER.match(content)
        content_end = line_start + len(content.rstrip())
        if block is not None and marker is None and first.group(1).islower():
            block[1] = content_end
            continue
        if block is not None:
            yield block[0], block[1]
        block = [line_start + (marker.end() if marker else first.start(1)), content_end]
    if block is not None:
        yield block[0], block[1]


def _pieces(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Split one block at the ends of its sentences, trimming spaces from each piece."""
    piece_start = start
    for match in _SENTENCE_END.finditer(text, start, end):
        if _ends_sentence(text, match, end):
            yield _trimmed(text, piece_start, match.end())
            piece_start = match.end()
    if piece_start < end:
        yield _trimmed(text, piece_start, end)


def _ends_sentence(text: str, match: re.Match[str], block_end: int) -> bool:
    following = _NEXT_VISIBLE.match(text, match.end(), block_end)
    if following is None:
        return True
    next_char = following.group(1)
    if next_char.islower():
        return False
    if match.group(1) != ".":
        return True
    word = _word_before(text, match.start()).lstrip("([\"'“‘").casefold()
    if word in _NEVER_ENDS or (len(word) == 1 and word.isalpha()):
        return False
    return not (word in _BEFORE_NUMBERS and next_char.isdigit())


def _word_before(text: str, end: int, longest: int = 12) -> str:
    """The word just before a full stop, if it is short enough to be an abbreviation."""
    start = end
    while start > 0 and end - start <= longest and not text[start - 1].isspace():
        start -= 1
    return text[start:end] if end - start <= longest else ""


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _word_count(text: str) -> int:
    """Words are runs without spaces that have a letter or digit: "£450.00", "well-being"
    and "HHT-2025-000123" are one word each; "–" and "•" are none. textstat agrees."""
    return sum(1 for token in text.split() if _LETTER_OR_DIGIT.search(token))
