"""The plain-English check for the letters and emails officers draft to tenants.

Landlords' customer care policies ask for every reply "in plain English without jargon".
`plain_english_check(text)` gives officers, as they type, the figures that show how a draft
reads: reading ease, average sentence length, the sentences that are too long, the word
count and any jargon with plainer words to use. It adds warnings in plain English and says
whether the draft meets the landlord's thresholds. Pure Python: no Django, no database.

The pieces, in the order a newcomer might read them:

- `check`: `plain_english_check`, the thresholds, the report and its warnings;
- `sentences`: finding the sentences of a letter (textstat's own count is fooled by
  "Mr. Smith", "e.g." and "12.05.2025");
- `jargon`: our word list (`jargon.toml`, beside this file), loading and checking it, and
  finding jargon in a draft;
- `syllables`: textstat's syllable counts, kept offline with the shipped CMU dictionary.
"""

from caredesk.documents.plain_english.check import (
    DEFAULT_THRESHOLDS,
    MAX_CHARACTERS,
    MIN_WORDS_FOR_READING_EASE,
    PlainEnglishReport,
    PlainEnglishThresholds,
    plain_english_check,
    warm_up,
)
from caredesk.documents.plain_english.jargon import (
    JARGON_FILE,
    JargonEntry,
    JargonHit,
    JargonList,
    JargonListError,
    find_jargon,
    jargon_list,
    load_jargon,
    parse_jargon,
)
from caredesk.documents.plain_english.sentences import SHORT_LINE_WORDS, Sentence, split_sentences
from caredesk.documents.plain_english.syllables import LANGUAGE, PlainEnglishSetupError

__all__ = [
    "DEFAULT_THRESHOLDS",
    "JARGON_FILE",
    "LANGUAGE",
    "MAX_CHARACTERS",
    "MIN_WORDS_FOR_READING_EASE",
    "SHORT_LINE_WORDS",
    "JargonEntry",
    "JargonHit",
    "JargonList",
    "JargonListError",
    "PlainEnglishReport",
    "PlainEnglishSetupError",
    "PlainEnglishThresholds",
    "Sentence",
    "find_jargon",
    "jargon_list",
    "load_jargon",
    "parse_jargon",
    "plain_english_check",
    "split_sentences",
    "warm_up",
]
