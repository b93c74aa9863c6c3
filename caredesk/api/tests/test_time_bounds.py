"""Times the API reads: a time outside the years the deadline engine knows is a 422
naming the field, never a 500.

The fuzz test (test_fuzz.py) sometimes said a hazard's step was done at a time such as
`0001-01-01T00:00:00Z` or `9999-12-31T23:59:59-12:00`. The step's schema read it with
the type meant for answers (Time), which moves it to London time unchecked: Python's
datetime overflowed and the API answered 500 "date value out of range". Every time a
request carries is now read by one type (caredesk.api.types.TimeIn), which checks the
year as sent and then in London, where the deadline engine counts it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, get_args, get_origin

import pytest
from pydantic import BaseModel

from caredesk.api.types import READ_AS_LONDON
from caredesk.complaints.hazards import hazard_report
from caredesk.complaints.models import HazardStep
from caredesk.core.active_policy import active_policy

from .conftest import VALID_WRITES, Answer, Api, at, field_errors, new_case
from .test_types import _request_models

# The extremes of what ISO 8601 and pydantic accept, with the widest offsets in use, and
# times whose own year is in range but whose year in London is not.
OUT_OF_RANGE = [
    "0001-01-01",
    "9999-12-31",
    "0001-01-01T00:00:00",
    "9999-12-31T23:59:59",
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59Z",
    "0001-01-01T00:00:00+14:00",
    "0001-01-01T00:00:00-12:00",
    "9999-12-31T23:59:59+14:00",
    "9999-12-31T23:59:59-12:00",
    "1970-12-31T23:59:59",
    "1971-01-01T00:00:00+14:00",  # 31 December 1970 in London
    "2100-12-31T23:00:00-12:00",  # 1 January 2101 in London
    "2101-01-01T00:00:00",
]
TIME_RANGE = "Give a time between 1971 and 2100."


@pytest.fixture
def step_done_path(people, clock) -> str:
    """A hazard's step the repairs system could say is done (the fuzz test's own)."""
    case = new_case(people, clock, kind="complaint", channel="email", received=at(2025, 5, 1, 9))
    hazard = hazard_report(
        case=case,
        hazard_type="damp_and_mould",
        severity="emergency",
        description="Mould around the window",
        by=people.officer,
        policy=active_policy(),
        clock=clock,
    )
    step = HazardStep.objects.create(hazard=hazard, standard_key="hazard_emergency_made_safe")
    return f"/api/v1/hazards/{hazard.pk}/steps/{step.pk}/done"


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_a_step_done_at_an_extreme_time_is_a_field_error_not_a_500(
    officer_api, step_done_path, value
):
    answer = officer_api.post(step_done_path, {"at": value, "note": "Made safe"})

    assert field_errors(answer) == {"at": TIME_RANGE}
    assert not HazardStep.objects.filter(done_at__isnull=False).exists()


def test_a_step_done_without_an_offset_is_read_as_london_time(officer_api, step_done_path):
    answer = officer_api.post(step_done_path, {"at": "2025-06-20T09:30"})

    assert answer.status == 200, answer.body
    step = HazardStep.objects.get()
    assert step.done_at == at(2025, 6, 20, 9, 30)
    assert answer.body["steps"][0]["done_at"] == "2025-06-20T09:30:00+01:00"


HOLDING_REPLIES = "/api/v1/cases/HHT-2025-000001/holding-replies"
# Each time a request can carry: a valid body (or query) with the time changed.
TIME_FIELDS = [
    ("post", "/api/v1/cases", "received_at"),
    ("post", "/api/v1/cases/HHT-2025-000001/responses", "at"),
    ("post", HOLDING_REPLIES, "revised_due_at"),
    ("get", "/api/v1/cases", "due_before"),
    ("get", "/api/v1/deadlines", "due_before"),
]


def _sent(api: Api, method: str, path: str, field: str, value: str) -> Answer:
    if method == "get":
        return api.get(path, **{field: value})
    body = {**VALID_WRITES[path], field: value}
    if path == HOLDING_REPLIES:
        body.pop("revised_after")  # a date or a duration, not both
    return api.post(path, body)


@pytest.mark.parametrize(("method", "path", "field"), TIME_FIELDS)
def test_every_time_field_refuses_an_extreme_time_naming_the_field(
    people, clock, officer_api, method, path, field
):
    new_case(people, clock, received=at(2025, 6, 19, 10))  # HHT-2025-000001
    for value in OUT_OF_RANGE:
        answer = _sent(officer_api, method, path, field, value)
        assert field_errors(answer) == {field: TIME_RANGE}, value


def test_the_first_and_last_years_are_accepted(people, clock, officer_api):
    new_case(people, clock, received=at(2025, 6, 19, 10))
    for value in ["1971-01-01T00:00", "2100-12-31T23:59:59", "2100-12-31T23:00:00Z"]:
        answer = _sent(officer_api, "get", "/api/v1/deadlines", "due_before", value)
        assert answer.status == 200, (value, answer.body)


# -- every time a request carries is TimeIn ----------------------------------------------


def _unchecked_times(annotation: Any, metadata: list[Any], where: str) -> list[str]:
    """The places in `annotation` that take a time or a day without READ_AS_LONDON."""
    if get_origin(annotation) is Annotated:
        inner, *more = get_args(annotation)
        return _unchecked_times(inner, [*metadata, *more], where)
    if annotation in (datetime, date):
        return [] if READ_AS_LONDON in metadata else [where]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [
            place
            for name, field in annotation.model_fields.items()
            for place in _unchecked_times(field.annotation, list(field.metadata), f"{where}.{name}")
        ]
    return [
        place
        for arg in get_args(annotation)
        if arg is not Ellipsis
        for place in _unchecked_times(arg, [], where)
    ]


def test_every_time_a_request_carries_is_read_as_london_time_within_the_years():
    unchecked = [
        place for name, model in _request_models() for place in _unchecked_times(model, [], name)
    ]
    assert unchecked == [], "Make these TimeIn (caredesk.api.types):\n" + "\n".join(unchecked)


def test_the_check_finds_a_time_that_is_not_time_in():
    class Sneaky(BaseModel):
        fine: Annotated[datetime, READ_AS_LONDON]
        nested: list[datetime | None]

    assert _unchecked_times(Sneaky, [], "Sneaky") == ["Sneaky.nested"]
