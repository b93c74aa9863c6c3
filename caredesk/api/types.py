"""Field types the API's schemas share: times, text, staff, ids.

Text: every text field of a request is StorableStr (or built on it), which refuses
characters no database here can store (caredesk.core.text) with a 422 naming the field
and the reason, before any of it reaches a service or a query.

Times: every time the API gives is ISO 8601 in the organisation's zone, Europe/London,
with its UTC offset (`2025-06-20T13:00:00+01:00`), as the `caredesk due` command and the
desk show them. A time sent with no offset is read as Europe/London time (DESIGN.md 3.1).
Every time sent is TimeIn, which refuses one outside the years the deadline engine
knows with a 422 naming the field, before any arithmetic on it can overflow.
"""

from datetime import UTC, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints

from caredesk.core.query import BIGGEST_ID
from caredesk.core.text import unstorable_reason
from caredesk.staff.models import StaffMember
from caredesk.standards.calendar import FIRST_YEAR, LAST_YEAR

LONDON = ZoneInfo("Europe/London")
MAX_ID = BIGGEST_ID  # the database's bigint


def _shown_in_london(moment: datetime) -> datetime:
    return moment.astimezone(LONDON)


def _read_as_london(moment: datetime) -> datetime:
    """A time sent to the API: aware, and within the years the deadline engine knows,
    counted in London, where it counts them (1971-01-01T00:00+14:00 is 1970 there)."""
    out_of_range = f"Give a time between {FIRST_YEAR} and {LAST_YEAR}."
    # The year as sent first: moving 0001-01-01 or 9999-12-31 by an offset overflows.
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise ValueError(out_of_range)
    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = moment.replace(tzinfo=LONDON)
    if not FIRST_YEAR <= moment.astimezone(LONDON).year <= LAST_YEAR:
        raise ValueError(out_of_range)
    return moment.astimezone(UTC)


def _storable(value: object) -> object:
    """Refuse text a database cannot store (NUL, unpaired surrogates), saying why.

    It runs before anything else reads the value, so the reason's position counts the
    characters as they were sent (a value that is not text is left to the type's check).
    """
    if isinstance(value, str) and (reason := unstorable_reason(value)):
        raise ValueError(reason)
    return value


# Every text the API reads (body, query, path and form fields) is StorableStr, or built
# on it with STORABLE: caredesk.core.text decides, in one place, what cannot be stored.
# A test (tests/test_types.py) fails if a request schema has a text field without it.
STORABLE = BeforeValidator(_storable)
StorableStr = Annotated[str, STORABLE]

# Times the API answers with (from the database): shown in Europe/London. Never for
# input: it does not check the year, and a year-1 time overflows on the way to London.
Time = Annotated[datetime, AfterValidator(_shown_in_london)]
# Every time sent to the API, in a body or a query. A test (tests/test_time_bounds.py)
# fails if a request schema has a time without READ_AS_LONDON.
READ_AS_LONDON = AfterValidator(_read_as_london)
TimeIn = Annotated[datetime, READ_AS_LONDON]

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200), STORABLE]
RequiredShortText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    STORABLE,
]
LongText = Annotated[str, StringConstraints(max_length=20_000), STORABLE]
RequiredLongText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000),
    STORABLE,
]
# A member of staff named in input: their username, or their id.
StaffName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=150),
    STORABLE,
]
Cursor = Annotated[str, StringConstraints(max_length=500), STORABLE]
# A case's reference in an address (an unknown one is a 404, not a field error).
Reference = StorableStr
Limit = Annotated[int, Field(ge=1, le=100)]


class StaffOut(Schema):
    id: int
    username: str
    name: str

    @staticmethod
    def of(staff: StaffMember | None) -> "StaffOut | None":
        if staff is None:
            return None
        return StaffOut(id=staff.pk, username=staff.username, name=str(staff))
