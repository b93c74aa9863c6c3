"""Jargon: our word list of officialese with plainer words, and finding it in a draft.

The list is `jargon.toml` beside this file, which we write and keep. `load_jargon` and
`parse_jargon` check a list and report every problem at once, naming the file, the entry
and the field.
"""

from __future__ import annotations

import bisect
import difflib
import re
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from caredesk.errors import FileProblems

JARGON_FILE = Path(__file__).with_name("jargon.toml")

_WORD_RUN = re.compile(r"\w+")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'"})


class JargonListError(FileProblems):
    """The jargon list is missing, unreadable or has an entry that cannot be used."""

    code = "jargon_list_invalid"


@dataclass(frozen=True)
class JargonEntry:
    """One entry of the jargon list: a phrase, its other forms and plainer alternatives."""

    phrase: str
    alternatives: tuple[str, ...]
    forms: tuple[str, ...] = ()
    note: str | None = None

    @property
    def all_forms(self) -> tuple[str, ...]:
        return (self.phrase, *self.forms)


@dataclass(frozen=True)
class JargonHit:
    """Jargon found in a draft. `text` is exactly `draft[start:end]`, as the officer wrote
    it; `phrase` is the list entry it belongs to."""

    text: str
    start: int
    end: int
    phrase: str
    alternatives: tuple[str, ...]
    note: str | None


class JargonList:
    """A checked jargon list, with a lookup built once.

    Forms are filed under their first word, and all the forms that share one become a
    single pattern, longest first. So finding jargon costs one dictionary look-up for each
    word of the draft, and one pattern match only where a listed form could start.
    """

    def __init__(self, entries: Sequence[JargonEntry], source: str) -> None:
        self.entries = tuple(entries)
        self.source = source
        by_first_word: dict[str, list[tuple[str, JargonEntry]]] = {}
        for entry in self.entries:
            for form in entry.all_forms:
                by_first_word.setdefault(_first_word(form), []).append((form, entry))
        self._lookup = {word: _forms_pattern(forms) for word, forms in by_first_word.items()}

    def __len__(self) -> int:
        return len(self.entries)

    def find(self, text: str) -> tuple[JargonHit, ...]:
        """Every jargon hit in the text, in order. Where hits overlap the longest wins."""
        return _longest_without_overlaps(list(self._candidates(text)))

    def _candidates(self, text: str) -> Iterator[JargonHit]:
        """The longest form starting at each word; these may overlap one another."""
        for word in _WORD_RUN.finditer(text):
            found = self._lookup.get(word.group().casefold())
            if found is None:
                continue
            pattern, entries = found
            match = pattern.match(text, word.start())
            if match is None or match.lastgroup is None:
                continue
            entry = entries[int(match.lastgroup.removeprefix("form"))]
            yield JargonHit(
                text=match.group(),
                start=match.start(),
                end=match.end(),
                phrase=entry.phrase,
                alternatives=entry.alternatives,
                note=entry.note,
            )


def find_jargon(text: str, jargon: JargonList | None = None) -> tuple[JargonHit, ...]:
    """Jargon in a draft, from our list unless another is given."""
    return (jargon if jargon is not None else jargon_list()).find(text)


@lru_cache(maxsize=1)
def jargon_list() -> JargonList:
    """Our jargon list, read and checked once per process."""
    return load_jargon(JARGON_FILE)


def load_jargon(path: str | Path) -> JargonList:
    """Read and check a jargon list; JargonListError names the file, entry and field."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise JargonListError(source, [f"the file cannot be read: {error}"]) from None
    return parse_jargon(text, source=source)


def parse_jargon(text: str, *, source: str) -> JargonList:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise JargonListError(source, [f"the file is not valid TOML: {error}"]) from None
    except RecursionError:
        raise JargonListError(source, ["the file nests lists or tables too deeply"]) from None
    entries, problems = _read_entries(data)
    problems += _repeated_forms(entries)
    if problems:
        raise JargonListError(source, problems)
    return JargonList([entry for _label, entry in entries], source)


_ENTRY_FIELDS = ("phrase", "forms", "alternatives", "note")


def _read_entries(data: dict[str, Any]) -> tuple[list[tuple[str, JargonEntry]], list[str]]:
    """Each entry with its label ("entry 3 ('commence')"), and every problem found."""
    problems = [
        f"'{key}' is not a setting here; each word or phrase goes in an [[entry]] table"
        for key in data
        if key != "entry"
    ]
    raw_entries = data.get("entry")
    if not isinstance(raw_entries, list) or not raw_entries:
        return [], [*problems, "there are no [[entry]] tables"]
    entries = []
    for number, raw in enumerate(raw_entries, start=1):
        label, entry, entry_problems = _read_entry(number, raw)
        problems += entry_problems
        if entry is not None:
            entries.append((label, entry))
    return entries, problems


def _read_entry(number: int, raw: object) -> tuple[str, JargonEntry | None, list[str]]:
    if not isinstance(raw, dict):
        return f"entry {number}", None, [f"entry {number}: must be an [[entry]] table"]
    phrase = raw.get("phrase")
    label = f"entry {number} ('{phrase}')" if isinstance(phrase, str) else f"entry {number}"
    problems = [f"{label}: {_unknown_field(key)}" for key in raw if key not in _ENTRY_FIELDS]
    if "phrase" not in raw:
        problems.append(f"{label}: 'phrase' is required but missing")
    elif not _is_form(phrase):
        problems.append(f"{label}: 'phrase' must be text starting with a letter or number")
    forms = raw.get("forms", [])
    if not isinstance(forms, list) or not all(_is_form(form) for form in forms):
        problems.append(
            f"{label}: 'forms' must be a list of words or phrases, each in quotes and "
            "starting with a letter or number"
        )
    alternatives = raw.get("alternatives")
    if alternatives is None:
        problems.append(f"{label}: 'alternatives' is required but missing")
    elif (
        not isinstance(alternatives, list)
        or not alternatives
        or not all(_is_text(alternative) for alternative in alternatives)
    ):
        problems.append(
            f"{label}: 'alternatives' must be a list of at least one plainer word or phrase, "
            "each in quotes"
        )
    note = raw.get("note")
    if note is not None and not _is_text(note):
        problems.append(f"{label}: 'note' must be text in quotes")
    if problems:
        return label, None, problems
    entry = JargonEntry(
        phrase=str(phrase).strip(),
        alternatives=tuple(str(alternative).strip() for alternative in alternatives or []),
        forms=tuple(str(form).strip() for form in forms),
        note=note.strip() if isinstance(note, str) else None,
    )
    return label, entry, []


def _repeated_forms(entries: Sequence[tuple[str, JargonEntry]]) -> list[str]:
    """A form listed twice would be ambiguous: which alternatives would we offer?"""
    first_seen: dict[str, str] = {}
    problems = []
    for label, entry in entries:
        for form in entry.all_forms:
            key = folded(form)
            if key in first_seen:
                problems.append(f"{label}: '{form}' is already listed in {first_seen[key]}")
            else:
                first_seen[key] = label
    return problems


def _unknown_field(key: str) -> str:
    guess = difflib.get_close_matches(key, _ENTRY_FIELDS, n=1)
    hint = f" (did you mean '{guess[0]}'?)" if guess else ""
    return f"'{key}' is not a field here{hint}"


def _is_text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _is_form(value: object) -> bool:
    """Forms are filed under their first word, so they must start with one."""
    return isinstance(value, str) and _WORD_RUN.match(value.strip()) is not None


def folded(text: str) -> str:
    """Compare phrases ignoring capitals, runs of spaces and curly apostrophes."""
    return " ".join(text.translate(_APOSTROPHES).split()).casefold()


def _first_word(form: str) -> str:
    first = _WORD_RUN.match(form)
    return first.group().casefold() if first else ""


def _forms_pattern(
    forms: Sequence[tuple[str, JargonEntry]],
) -> tuple[re.Pattern[str], tuple[JargonEntry, ...]]:
    """One pattern for forms sharing a first word, longest first, so the first form that
    matches is the longest; the group that matched ('form3') says whose entry it is."""
    ordered = sorted(forms, key=lambda form: -len(form[0]))
    alternatives = [
        f"(?P<form{number}>{_form_pattern(form)})" for number, (form, _) in enumerate(ordered)
    ]
    return re.compile("|".join(alternatives)), tuple(entry for _, entry in ordered)


def _form_pattern(form: str) -> str:
    """A form as a pattern: any run of spaces between words, either apostrophe, whole words.

    Capitals are matched letter by letter ([uU][tT]...) rather than with IGNORECASE, which
    would also take look-alikes such as 'ı' for 'i' and 'ſ' for 's'.
    """
    words = ["".join(_any_case(char) for char in word) for word in form.split()]
    return r"\s+".join(words) + r"(?!\w)"


def _any_case(char: str) -> str:
    if char in "'’‘ʼ":
        return "['’‘ʼ]"
    cases = {char.lower(), char.upper(), char}
    if len(cases) == 1 or any(len(case) != 1 for case in cases):  # 'ß'.upper() is 'SS'
        return re.escape(char)
    return "[" + "".join(re.escape(case) for case in sorted(cases)) + "]"


def _longest_without_overlaps(candidates: list[JargonHit]) -> tuple[JargonHit, ...]:
    """Keep the longest hits first, then any shorter ones that do not overlap them."""
    chosen: list[JargonHit] = []  # in order of start
    starts: list[int] = []  # chosen[i].start, for bisect
    for hit in sorted(candidates, key=lambda hit: (hit.start - hit.end, hit.start)):
        index = bisect.bisect_left(starts, hit.start)
        if index > 0 and chosen[index - 1].end > hit.start:
            continue
        if index < len(chosen) and chosen[index].start < hit.end:
            continue
        chosen.insert(index, hit)
        starts.insert(index, hit.start)
    return tuple(chosen)
