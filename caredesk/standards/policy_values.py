"""What the policy file's tables are built from: a strict table, a clause, whole numbers
and dates as TOML writes them. Shared by the schema's modules (`policy.py`,
`policy_complaints.py`), so neither imports the other's building blocks."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from caredesk.standards.calendar import FIRST_YEAR, LAST_YEAR


class Strict(BaseModel):
    """A table of the policy file: no settings it does not know, and never changed."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Clause(Strict):
    section: str = Field(min_length=1)
    quote: str = Field(min_length=1)


def _whole_number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    return value


WholeNumber = Annotated[int, BeforeValidator(_whole_number)]
# A key a person or a program names a thing by: "repairs", "damp_and_mould".
Key = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]


def calendar_date(value: Any) -> Any:
    """A date as TOML writes one (2025-12-25), or as text; never a date with a time."""
    if isinstance(value, datetime) or not isinstance(value, date | str):
        raise PydanticCustomError("date_type", "Input should be a valid date")
    return value


def within_years(value: date, what: str) -> date:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(
            f"{what} {value.isoformat()} is outside the years caredesk works with "
            f"({FIRST_YEAR} to {LAST_YEAR})."
        )
    return value
