"""The check: a draft's figures, warnings and notes against a landlord's thresholds.

Reading ease is Flesch's, over our sentences (see `sentences`) with textstat's syllables
and constants (see `syllables`), not textstat's own sentence count.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from caredesk.documents.plain_english.jargon import (
    JargonHit,
    JargonList,
    find_jargon,
    folded,
    jargon_list,
)
from caredesk.documents.plain_english.sentences import Sentence, split_sentences
from caredesk.documents.plain_english.syllables import (
    count_syllables,
    count_words,
    flesch_constant,
)

# Reading ease swings wildly on a few words, so it waits until there are this many words
# in full sentences.
MIN_WORDS_FOR_READING_EASE = 30

# A page is about 3,000 characters. Past this the draft is not a letter, and checking it as
# the officer types would only use memory and time.
MAX_CHARACTERS = 100_000


@dataclass(frozen=True)
class PlainEnglishThresholds:
    """What a landlord's policy asks of a draft. The defaults follow UK plain-English advice.

    - min_reading_ease 60: on Flesch's reading ease scale 60 to 70 is "standard", the band
      usually called plain English; 50 to 60 is "fairly difficult".
    - max_average_sentence_words 20: the Plain English Campaign ("How to write in plain
      English") recommends an average sentence length of 15 to 20 words.
    - long_sentence_words 25: the GOV.UK style guide asks for sentences of 25 words or fewer
      ("Sentence length: why 25 words is our limit", Inside GOV.UK, 2014).
    - max_jargon_hits 0: the policies say "without jargon".
    """

    min_reading_ease: float = 60.0
    max_average_sentence_words: float = 20.0
    long_sentence_words: int = 25
    max_jargon_hits: int = 0

    def __post_init__(self) -> None:
        # ValueError, so that a policy schema (pydantic) reports it against the setting.
        if not 0 <= self.min_reading_ease <= 100:
            raise ValueError("min_reading_ease must be between 0 and 100.")
        average = self.max_average_sentence_words
        if not math.isfinite(average) or average < 1:
            raise ValueError("max_average_sentence_words must be a number of words, 1 or more.")
        if self.long_sentence_words < 1:
            raise ValueError("long_sentence_words must be at least 1.")
        if self.max_jargon_hits < 0:
            raise ValueError("max_jargon_hits cannot be negative.")


DEFAULT_THRESHOLDS = PlainEnglishThresholds()


@dataclass(frozen=True)
class PlainEnglishReport:
    """The figures for a draft, what to fix (`warnings`) and what to know (`notes`).

    `sentence_count` and `average_sentence_words` count only prose (see `Sentence.prose`).
    `reading_ease` is Flesch reading ease from 0 (very hard) to 100 (very easy), or None
    while the draft is too short to score. The draft passes when there are no warnings.
    """

    word_count: int
    sentence_count: int
    reading_ease: float | None
    average_sentence_words: float | None
    long_sentences: tuple[Sentence, ...]
    jargon: tuple[JargonHit, ...]
    warnings: tuple[str, ...]
    notes: tuple[str, ...]
    thresholds: PlainEnglishThresholds

    @property
    def passes(self) -> bool:
        return not self.warnings


def plain_english_check(
    text: str,
    thresholds: PlainEnglishThresholds = DEFAULT_THRESHOLDS,
    jargon: JargonList | None = None,
) -> PlainEnglishReport:
    """Check a draft letter or email. Never raises on any text; `jargon` defaults to ours."""
    checked = text[:MAX_CHARACTERS]
    sentences = split_sentences(checked)
    prose = [sentence for sentence in sentences if sentence.prose]
    prose_words = sum(sentence.words for sentence in prose)
    average = round(prose_words / len(prose), 1) if prose else None
    ease = _reading_ease(prose) if prose_words >= MIN_WORDS_FOR_READING_EASE else None
    long_sentences = tuple(s for s in sentences if s.words > thresholds.long_sentence_words)
    hits = find_jargon(checked, jargon)
    warnings = [
        *_reading_ease_warning(ease, thresholds),
        *_average_warning(average, thresholds),
        *_long_sentence_warning(long_sentences, thresholds),
        *_jargon_warning(hits, thresholds),
    ]
    word_count = sum(sentence.words for sentence in sentences)
    return PlainEnglishReport(
        word_count=word_count,
        sentence_count=len(prose),
        reading_ease=ease,
        average_sentence_words=average,
        long_sentences=long_sentences,
        jargon=hits,
        warnings=tuple(warnings),
        notes=tuple(_notes(text, word_count, prose_words, ease)),
        thresholds=thresholds,
    )


def warm_up() -> None:
    """Load the word list and the dictionaries now (under a second) so that the first check
    an officer runs is as quick as the rest. Call it when the app starts."""
    jargon_list()
    count_syllables("plain caredesk")  # a word in the CMU dictionary and one that is not


def _reading_ease(prose: Sequence[Sentence]) -> float | None:
    """Flesch reading ease over our sentences, with textstat's syllables and constants.

    Words per syllable come from textstat's own word count of the same text, so that the
    syllables and the words they are divided by always match.
    """
    joined = " ".join(sentence.text for sentence in prose)
    textstat_words = count_words(joined) if prose else 0
    if textstat_words == 0:
        return None
    words_per_sentence = sum(sentence.words for sentence in prose) / len(prose)
    syllables_per_word = count_syllables(joined) / textstat_words
    score = (
        flesch_constant("fre_base")
        - flesch_constant("fre_sentence_length") * words_per_sentence
        - flesch_constant("fre_syll_per_word") * syllables_per_word
    )
    # The formula runs past both ends of its scale (a one-word sentence scores 121, a
    # 200-word one below 0); staff see the scale's own 0 to 100.
    return round(min(100.0, max(0.0, score)), 1)


def _reading_ease_warning(ease: float | None, thresholds: PlainEnglishThresholds) -> list[str]:
    if ease is None or ease >= thresholds.min_reading_ease:
        return []
    return [
        f"Reading ease is {ease:.0f}; aim for {_number(thresholds.min_reading_ease)} or more. "
        "Try shorter sentences and everyday words."
    ]


def _average_warning(average: float | None, thresholds: PlainEnglishThresholds) -> list[str]:
    if average is None or average <= thresholds.max_average_sentence_words:
        return []
    return [
        f"Sentences average {_number(average)} words; aim for "
        f"{_number(thresholds.max_average_sentence_words)} or fewer."
    ]


def _long_sentence_warning(
    long_sentences: Sequence[Sentence], thresholds: PlainEnglishThresholds
) -> list[str]:
    limit = thresholds.long_sentence_words
    if not long_sentences:
        return []
    if len(long_sentences) == 1:
        only = long_sentences[0]
        return [
            f"Sentence {only.number} has {only.words} words; keep sentences to {limit} words "
            "or fewer. Try splitting it."
        ]
    numbers = _listed([str(sentence.number) for sentence in long_sentences])
    return [
        f"{len(long_sentences)} sentences are over {limit} words (sentences {numbers}). "
        "Try splitting them."
    ]


def _jargon_warning(hits: Sequence[JargonHit], thresholds: PlainEnglishThresholds) -> list[str]:
    if len(hits) <= thresholds.max_jargon_hits:
        return []
    times: dict[str, tuple[JargonHit, int]] = {}  # each wording once, with how often it is used
    for hit in hits:
        first, count = times.get(folded(hit.text), (hit, 0))
        times[folded(hit.text)] = (first, count + 1)
    described = [_described(hit, count) for hit, count in times.values()]
    if len(described) > 5:
        described = [*described[:5], f"{len(described) - 5} more"]
    allowed = thresholds.max_jargon_hits
    policy = f" Your landlord's policy allows up to {allowed}." if allowed else ""
    return [f"Use plainer words instead of {_listed(described)}.{policy}"]


def _described(hit: JargonHit, count: int) -> str:
    """One hit for staff, such as: 'forthwith' (try 'now' or 'at once'; 2 times)."""
    times = f"; {count} times" if count > 1 else ""
    return f"'{hit.text}' (try {_listed(hit.alternatives[:3], 'or', quote=True)}{times})"


def _notes(text: str, word_count: int, prose_words: int, ease: float | None) -> list[str]:
    notes = []
    if word_count == 0:
        notes.append("There is nothing to check yet.")
    elif ease is None:
        notes.append(
            f"Reading ease is worked out once there are {MIN_WORDS_FOR_READING_EASE} words in "
            f"full sentences; so far there {'is' if prose_words == 1 else 'are'} {prose_words}."
        )
    if len(text) > MAX_CHARACTERS:
        notes.append(
            f"This draft is very long, so only its first {MAX_CHARACTERS:,} characters "
            "were checked."
        )
    return notes


def _number(value: float) -> str:
    """20.0 as '20' and 23.46 as '23.5': whole numbers read better in a sentence."""
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _listed(items: Sequence[str], last: str = "and", *, quote: bool = False) -> str:
    """['a', 'b', 'c'] as 'a, b and c'."""
    words = [f"'{item}'" if quote else item for item in items]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {last} {words[-1]}"
