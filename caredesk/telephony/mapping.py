"""Mapping files: how a generic call records CSV names its columns (plain Python, no Django).

A mapping is a small TOML file, so an export from Avaya, Mitel, 8x8 or Teams can be read
without code. See `mappings/generic.toml` for every setting, explained. A file that
cannot be used raises `MappingError` listing every problem as "key path: what is wrong".
"""

from __future__ import annotations

import codecs
import difflib
import tomllib
from functools import cached_property
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from caredesk.errors import FileProblems

MAPPINGS_FOLDER = Path(__file__).parent / "mappings"
OUTCOMES = ("answered", "abandoned", "voicemail", "transferred")


class MappingError(FileProblems):
    """A mapping file is missing, unreadable or does not fit the mapping schema."""

    code = "call_mapping_invalid"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FormatSettings(_Strict):
    source: str = Field(pattern=r"^[a-z][a-z0-9_-]*$", max_length=40)
    time_format: str = "iso"
    zone: str = "Europe/London"
    encoding: str = "utf-8"
    delimiter: str = Field(default=",", min_length=1, max_length=1)

    @field_validator("zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise ValueError(
                f"'{value}' is not a time zone name such as 'Europe/London'."
            ) from None
        return value

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str) -> str:
        try:
            codecs.lookup(value)
        except LookupError:
            raise ValueError(f"'{value}' is not a text encoding such as 'utf-8'.") from None
        return value

    @field_validator("time_format")
    @classmethod
    def _has_fields(cls, value: str) -> str:
        if value != "iso" and not all(part in value for part in ("%H", "%M")):
            raise ValueError(
                f"'{value}' is not a time format: write 'iso' or a strftime pattern "
                "such as '%d/%m/%Y %H:%M:%S'."
            )
        return value


class Columns(_Strict):
    """Which column of the file holds each thing (the column's heading, exactly)."""

    call_id: str = Field(min_length=1)
    started: str = Field(min_length=1)
    answered: str | None = None
    seconds_to_answer: str | None = None
    ended: str | None = None
    talk_seconds: str | None = None
    caller: str | None = None
    caller_name: str | None = None
    dialled: str | None = None
    line: str | None = None
    extension: str | None = None
    outcome: str | None = None


class Mapping(_Strict):
    name: str = Field(min_length=1)
    format: FormatSettings
    columns: Columns
    outcomes: dict[str, Literal["answered", "abandoned", "voicemail", "transferred"]] = {}

    @model_validator(mode="after")
    def _answer_column(self) -> Mapping:
        columns = self.columns
        if (columns.answered is None) == (columns.seconds_to_answer is None):
            raise ValueError(
                "columns: give either 'answered' (the time the call was answered) or "
                "'seconds_to_answer' (how long it rang), not both and not neither."
            )
        if columns.outcome is not None and not self.outcomes:
            raise ValueError(
                "columns.outcome is set, so [outcomes] must say what each value in that "
                "column means (answered, abandoned, voicemail or transferred)."
            )
        if self.outcomes and columns.outcome is None:
            raise ValueError("[outcomes] is set but columns.outcome is not.")
        return self

    def outcome_of(self, value: str) -> str | None:
        """The outcome the file's word stands for (case and spaces ignored), or None."""
        return self._outcome_keys.get(" ".join(value.split()).casefold())

    @cached_property
    def _outcome_keys(self) -> dict[str, str]:
        return {" ".join(key.split()).casefold(): value for key, value in self.outcomes.items()}


def shipped_mapping_names() -> list[str]:
    return sorted(path.stem for path in MAPPINGS_FOLDER.glob("*.toml"))


def load_mapping(name_or_path: str | Path) -> Mapping:
    """A shipped mapping by name (teams) or any mapping file, parsed and checked."""
    text = str(name_or_path)
    path = Path(text)
    if "/" not in text and not text.endswith(".toml"):
        path = MAPPINGS_FOLDER / f"{text}.toml"
        if not path.is_file():
            known = ", ".join(shipped_mapping_names())
            raise MappingError(text, [f"there is no mapping called '{text}'. Known: {known}."])
    try:
        content = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise MappingError(str(path), [f"the file cannot be read: {error}"]) from None
    return parse_mapping(content, source=str(path))


def parse_mapping(text: str, *, source: str) -> Mapping:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise MappingError(source, [f"the file is not valid TOML: {error}"]) from None
    except RecursionError:
        raise MappingError(source, ["the file nests lists or tables too deeply"]) from None
    data.setdefault("name", Path(source).stem)
    try:
        return Mapping.model_validate(data)
    except ValidationError as error:
        raise MappingError(source, _describe(error)) from None


_KNOWN = {
    "format": list(FormatSettings.model_fields),
    "columns": list(Columns.model_fields),
    "": list(Mapping.model_fields),
}


def _describe(error: ValidationError) -> list[str]:
    problems = []
    for item in error.errors(include_url=False):
        location = ".".join(str(step) for step in item["loc"]) or "(top level)"
        kind, message = item["type"], str(item["msg"])
        if kind == "extra_forbidden":
            field = str(item["loc"][-1])
            section = str(item["loc"][0]) if len(item["loc"]) > 1 else ""
            guess = difflib.get_close_matches(field, _KNOWN.get(section, []), n=1)
            hint = f" (did you mean '{guess[0]}'?)" if guess else ""
            message = f"'{field}' is not a setting here{hint}"
        elif kind == "missing":
            message = "is required but missing"
        elif kind == "literal_error":
            message = f"{item['input']!r} is not one of {', '.join(OUTCOMES)}"
        elif kind == "string_pattern_mismatch" and location == "format.source":
            message = (
                f"{item['input']!r} is not a source name: use lower-case letters, digits, "
                "- and _, such as 'mitel'"
            )
        else:
            message = message.removeprefix("Value error, ")
        problems.append(f"{location}: {message}")
    return problems
