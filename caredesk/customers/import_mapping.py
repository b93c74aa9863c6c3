"""Mapping files: how a housing management system's customer export names its columns.

A mapping is a small TOML file (see `mappings/housing.toml`, every setting explained):
which column holds the customer's reference in the housing system (required), which
hold each detail, and what the file's own words mean ("T" is a tenant, "Y" is yes).
A detail whose column is not mapped is never changed by an import. A file that cannot
be used raises `CustomerMappingError` listing every problem as "key path: what is wrong".
"""

from __future__ import annotations

import codecs
from functools import cached_property
from pathlib import Path
from typing import Any

from django.db import models
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from caredesk.core.mapping_files import mapping_parse, mapping_text, shipped_names
from caredesk.customers.models import AccessibleFormat, ContactChannel, CustomerType
from caredesk.errors import FileProblems

MAPPINGS_FOLDER = Path(__file__).parent / "mappings"
YES_WORDS = ("y", "yes", "true", "1")
NO_WORDS = ("n", "no", "false", "0", "")
# The details whose values a mapping may translate, and the choices each may take.
CHOICES: dict[str, type[models.TextChoices]] = {
    "customer_type": CustomerType,
    "preferred_channel": ContactChannel,
    "accessible_format": AccessibleFormat,
}


class CustomerMappingError(FileProblems):
    """A customer mapping file is missing, unreadable or does not fit the schema."""

    code = "customer_mapping_invalid"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FormatSettings(_Strict):
    encoding: str = "utf-8"
    delimiter: str = Field(default=",", min_length=1, max_length=1)
    # New customers' type when the file has no customer type column.
    customer_type: CustomerType = CustomerType.TENANT

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str) -> str:
        try:
            codecs.lookup(value)
        except LookupError:
            raise ValueError(f"'{value}' is not a text encoding such as 'utf-8'.") from None
        return value


class Columns(_Strict):
    """Which column of the file holds each detail (the column's heading, exactly)."""

    external_reference: str = Field(min_length=1)
    customer_type: str | None = None
    title: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    organisation: str | None = None
    email: str | None = None
    phone: str | None = None
    address: list[str] | None = Field(default=None, min_length=1)  # joined, one to a line
    postcode: str | None = None
    uprn: str | None = None
    preferred_channel: str | None = None
    preferred_times: str | None = None
    language: str | None = None
    accessible_format: str | None = None
    interpreter_needed: str | None = None
    home_visits_needed: str | None = None
    same_sex_interviewer: str | None = None

    def mapped(self) -> dict[str, str | list[str]]:
        """Each mapped detail and its column(s), in the order above."""
        return {name: value for name, value in self if value is not None}


class YesNo(_Strict):
    yes: list[str] = list(YES_WORDS)
    no: list[str] = list(NO_WORDS)


class Values(_Strict):
    """The file's words for each choice, e.g. customer_type = { T = "tenant" }."""

    customer_type: dict[str, CustomerType] = {}
    preferred_channel: dict[str, ContactChannel] = {}
    accessible_format: dict[str, AccessibleFormat] = {}


class CustomerMapping(_Strict):
    name: str = Field(min_length=1)
    format: FormatSettings = FormatSettings()
    columns: Columns
    values: Values = Values()
    yes_no: YesNo = YesNo()

    @model_validator(mode="after")
    def _yes_and_no_apart(self) -> CustomerMapping:
        both = {_key(word) for word in self.yes_no.yes} & {_key(word) for word in self.yes_no.no}
        if both:
            raise ValueError(f"yes_no: {', '.join(sorted(both))!s} is both yes and no.")
        return self

    def choice_of(self, detail: str, value: str) -> str | None:
        """The choice (e.g. "tenant") the file's word stands for, or None if unknown.

        The mapping's words come first; then the choice's own value or label ("tenant",
        "Tenant"). Case and spaces are ignored."""
        return self._choice_keys[detail].get(_key(value))

    def known_words(self, detail: str) -> list[str]:
        words: dict[str, str] = getattr(self.values, detail)
        return list(words) or [str(choice.value) for choice in CHOICES[detail]]

    def yes_or_no(self, value: str) -> bool | None:
        return self._yes_no.get(_key(value))

    @cached_property
    def _choice_keys(self) -> dict[str, dict[str, str]]:
        keys: dict[str, dict[str, str]] = {}
        for detail, choices in CHOICES.items():
            known = {_key(str(choice.label)): str(choice.value) for choice in choices}
            known |= {_key(str(choice.value)): str(choice.value) for choice in choices}
            words: dict[str, models.TextChoices] = getattr(self.values, detail)
            known |= {_key(word): str(choice.value) for word, choice in words.items()}
            keys[detail] = known
        return keys

    @cached_property
    def _yes_no(self) -> dict[str, bool]:
        return {_key(word): True for word in self.yes_no.yes} | {
            _key(word): False for word in self.yes_no.no
        }


def _key(word: str) -> str:
    return " ".join(word.split()).casefold()


def shipped_mapping_names() -> list[str]:
    return shipped_names(MAPPINGS_FOLDER)


def load_customer_mapping(name_or_path: str | Path) -> CustomerMapping:
    """A shipped mapping by name (housing) or any mapping file, parsed and checked."""
    text, source = mapping_text(name_or_path, folder=MAPPINGS_FOLDER, error=CustomerMappingError)
    return parse_customer_mapping(text, source=source)


def parse_customer_mapping(text: str, *, source: str) -> CustomerMapping:
    return mapping_parse(
        text,
        source=source,
        model=CustomerMapping,
        error=CustomerMappingError,
        known=_KNOWN,
        special=_special,
    )


_KNOWN = {
    "format": list(FormatSettings.model_fields),
    "columns": list(Columns.model_fields),
    "values": list(Values.model_fields),
    "yes_no": list(YesNo.model_fields),
    "": list(CustomerMapping.model_fields),
}


def _special(item: dict[str, Any], location: str) -> str | None:
    if item["type"] != "enum":
        return None
    detail = str(item["loc"][1]) if len(item["loc"]) > 1 else str(item["loc"][-1])
    choices = CHOICES.get(detail, CustomerType)
    known = ", ".join(str(choice.value) for choice in choices)
    return f"{item['input']!r} is not one of {known}"
