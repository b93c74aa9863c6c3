"""Mapping files: how a generic call records CSV names its columns (plain Python, no Django).

A mapping is a small TOML file, so an export from Avaya, Mitel, 8x8 or Teams can be read
without code. See `mappings/generic.toml` for every setting, explained. A file that
cannot be used raises `MappingError` listing every problem as "key path: what is wrong".
"""

from __future__ import annotations

import codecs
from functools import cached_property
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from caredesk.core.mapping_files import mapping_parse, mapping_text, shipped_names
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
    return shipped_names(MAPPINGS_FOLDER)


def load_mapping(name_or_path: str | Path) -> Mapping:
    """A shipped mapping by name (teams) or any mapping file, parsed and checked."""
    text, source = mapping_text(name_or_path, folder=MAPPINGS_FOLDER, error=MappingError)
    return parse_mapping(text, source=source)


def parse_mapping(text: str, *, source: str) -> Mapping:
    return mapping_parse(
        text, source=source, model=Mapping, error=MappingError, known=_KNOWN, special=_special
    )


_KNOWN = {
    "format": list(FormatSettings.model_fields),
    "columns": list(Columns.model_fields),
    "": list(Mapping.model_fields),
}


def _special(item: dict[str, Any], location: str) -> str | None:
    if item["type"] == "literal_error":
        return f"{item['input']!r} is not one of {', '.join(OUTCOMES)}"
    if item["type"] == "string_pattern_mismatch" and location == "format.source":
        return (
            f"{item['input']!r} is not a source name: use lower-case letters, digits, "
            "- and _, such as 'mitel'"
        )
    return None
