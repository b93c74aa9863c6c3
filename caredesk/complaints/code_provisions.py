"""The Complaint Handling Code's provisions as data (data/code_provisions.toml), for the
annual self-assessment: each section's number and title, each provision's number ("5.10")
and what it requires.

`provisions_parse` reads the file's text and refuses, naming the place, a section out
of order, a provision not of its section or out of order, or an empty requirement, so
the self-assessment never lists a provision twice or in the wrong place.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from caredesk.errors import CaredeskError

FILE = Path(__file__).parent / "data" / "code_provisions.toml"
_NUMBER = re.compile(r"\A([1-9][0-9]?)\.([1-9][0-9]?)\Z")
MAX_REQUIREMENT_CHARS = 2_000


class ProvisionsError(CaredeskError):
    """The Code's provisions file cannot be read as the self-assessment needs it."""

    code = "code_provisions_invalid"


@dataclass(frozen=True)
class Provision:
    number: str  # "5.10"
    requirement: str
    quoted: bool  # the Code's own words, not our paraphrase

    @property
    def key(self) -> tuple[int, int]:
        return provision_key(self.number)


@dataclass(frozen=True)
class Section:
    number: int
    title: str
    provisions: tuple[Provision, ...]


@dataclass(frozen=True)
class CodeProvisions:
    sections: tuple[Section, ...]

    def all(self) -> list[Provision]:
        return [provision for section in self.sections for provision in section.provisions]

    def get(self, number: str) -> Provision | None:
        return next((p for p in self.all() if p.number == number), None)


def provision_key(number: str) -> tuple[int, int]:
    """ "5.10" as (5, 10), so 5.10 sorts after 5.9. ValueError if it is not one."""
    found = _NUMBER.match(number)
    if not found:
        raise ValueError(f"“{number}” is not a provision's number, such as 5.10.")
    return int(found.group(1)), int(found.group(2))


def _fail(where: str, what: str) -> ProvisionsError:
    return ProvisionsError(f"{where}: {what}")


def _text(value: Any, where: str, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(where, f"give the {what} as text.")
    if len(value) > MAX_REQUIREMENT_CHARS:
        raise _fail(where, f"the {what} is over {MAX_REQUIREMENT_CHARS:,} characters.")
    return value.strip()


def _provision(raw: Any, section: int, after: tuple[int, int], where: str) -> Provision:
    if not isinstance(raw, dict):
        raise _fail(where, "a provision is a table of number and requirement.")
    unknown = set(raw) - {"number", "requirement", "quoted"}
    if unknown:
        raise _fail(where, f"unknown key {sorted(unknown)[0]!r}.")
    number = raw.get("number")
    if not isinstance(number, str):
        raise _fail(where, 'give the provision\'s number as text, such as "5.10".')
    try:
        key = provision_key(number)
    except ValueError as error:
        raise _fail(where, str(error)) from None
    if key[0] != section:
        raise _fail(where, f"provision {number} is not in section {section}.")
    if key <= after:
        raise _fail(
            where, f"provision {number} comes after {after[0]}.{after[1]}: put them in order."
        )
    quoted = raw.get("quoted", False)
    if not isinstance(quoted, bool):
        raise _fail(where, "quoted is true or false.")
    return Provision(number, _text(raw.get("requirement"), where, "requirement"), quoted)


def provisions_parse(text: str, *, source: str = "code_provisions.toml") -> CodeProvisions:
    """The sections and provisions in `text`. Raises ProvisionsError naming the place."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise _fail(source, f"not TOML ({error}).") from None
    raw_sections = data.get("sections")
    if not isinstance(raw_sections, list) or not raw_sections:
        raise _fail(source, "no [[sections]].")
    sections: list[Section] = []
    for index, raw in enumerate(raw_sections):
        where = f"{source}, sections[{index}]"
        if not isinstance(raw, dict):
            raise _fail(where, "a section is a table.")
        number = raw.get("number")
        if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= 99:
            raise _fail(where, "give the section's number, 1 to 99.")
        if sections and number <= sections[-1].number:
            raise _fail(where, f"section {number} comes after {sections[-1].number}.")
        title = _text(raw.get("title"), where, "title")
        raw_provisions = raw.get("provisions")
        if not isinstance(raw_provisions, list) or not raw_provisions:
            raise _fail(where, f"section {number} has no provisions.")
        provisions: list[Provision] = []
        for place, item in enumerate(raw_provisions):
            after = provisions[-1].key if provisions else (number, 0)
            provisions.append(_provision(item, number, after, f"{where}.provisions[{place}]"))
        sections.append(Section(number, title, tuple(provisions)))
    return CodeProvisions(tuple(sections))


@cache
def code_provisions() -> CodeProvisions:
    """The Code's provisions, read once per process."""
    return provisions_parse(FILE.read_text(encoding="utf-8"), source=FILE.name)
