"""Text the API reads: every text field refuses what cannot be stored, naming the field.

A NUL character or an unpaired surrogate (a JSON "\\u0000" or "\\ud800" escape) in any
text field, in a body, a query, an address or a form, is a 422 problem naming the field
and saying why (caredesk.core.text.unstorable_reason), and nothing is written: never a
500 from the database, never a value stored without the character.
"""

import json
import types
import typing
from enum import Enum
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ninja.files import UploadedFile
from pydantic import BaseModel

from caredesk.api.root import api
from caredesk.api.services import api_token_create
from caredesk.api.types import STORABLE
from caredesk.cases.models import Case, CaseEvent
from caredesk.core.text import unstorable_reason

from .conftest import VALID_WRITES, Api, at, field_errors, new_case

# -- every text field is StorableStr ------------------------------------------------------


def _plain_text(annotation: Any, metadata: list[Any], where: str) -> list[str]:
    """The places in `annotation` that take text without STORABLE."""
    origin = get_origin(annotation)
    if origin is Annotated:
        inner, *more = get_args(annotation)
        return _plain_text(inner, [*metadata, *more], where)
    if origin in (Union, types.UnionType, list, tuple, set, frozenset, dict):
        return [
            place
            for arg in get_args(annotation)
            if arg is not Ellipsis
            for place in _plain_text(arg, [], where)
        ]
    if origin is Literal or annotation in (None, type(None)):
        return []
    if isinstance(annotation, type):
        if issubclass(annotation, Enum) or issubclass(annotation, UploadedFile):
            return []  # a choice among fixed values; a file's bytes
        if issubclass(annotation, BaseModel):
            return _model_plain_text(annotation, where)
        if issubclass(annotation, str):
            return [] if STORABLE in metadata else [where]
    if annotation is typing.Any:
        return [where]  # could be text: say what it is instead
    return []


def _model_plain_text(model: type[BaseModel], where: str) -> list[str]:
    places = (
        place
        for name, field in model.model_fields.items()
        for place in _plain_text(field.annotation, list(field.metadata), f"{where}.{name}")
    )
    return list(dict.fromkeys(places))


def _request_models() -> list[tuple[str, type[BaseModel]]]:
    """Each operation's parameter models (path, query, body, form, file), as ninja reads them."""
    return [
        (f"{'/'.join(operation.methods)} {prefix}{path} ({model.__name__})", model)
        for prefix, router in api._routers
        for path, view in router.path_operations.items()
        for operation in view.operations
        for model in operation.models
    ]


def test_every_text_field_of_every_request_refuses_what_cannot_be_stored():
    models = _request_models()
    assert len(models) >= 15  # every operation's parameters were found
    plain = [place for name, model in models for place in _model_plain_text(model, name)]
    assert plain == [], "Make these StorableStr (caredesk.api.types):\n" + "\n".join(plain)


def test_the_check_finds_a_plain_text_field():
    class Sneaky(BaseModel):
        fine: Annotated[str, STORABLE]
        nested: list[dict[str, str | None]]

    assert _model_plain_text(Sneaky, "Sneaky") == ["Sneaky.nested"]


# -- what the caller is told ---------------------------------------------------------------

UNSTORABLE = ["\x00", "\ud800", "\udfff", "\udc80"]  # NUL, and lone surrogates as JSON allows


@pytest.fixture
def officer_api(people, clock):
    new_case(people, clock, received=at(2025, 6, 19, 10))  # HHT-2025-000001
    return Api(f"Bearer {api_token_create(owner=people.officer, name='t', clock=clock).secret}")


def post_json(api: Api, path: str, body: dict[str, Any]):
    # ensure_ascii: the characters travel as JSON escapes, as a client would send them
    return api.post(path, json.dumps(body, ensure_ascii=True))


TEXT_FIELDS = [
    (path, field)
    for path, body in VALID_WRITES.items()
    for field, value in body.items()
    if field not in {"kind", "channel", "received_at"}
]


@pytest.mark.parametrize(("path", "field"), TEXT_FIELDS)
def test_a_nul_in_a_text_field_is_refused_naming_the_field_and_why(officer_api, path, field):
    events = CaseEvent.objects.count()
    body = {**VALID_WRITES[path], field: "Rang\x00back"}

    errors = field_errors(post_json(officer_api, path, body))

    assert errors == {
        field: "It contains a NUL character, which cannot be stored. Remove it and try again."
    }
    assert CaseEvent.objects.count() == events  # nothing written


def test_an_unpaired_surrogate_is_refused_saying_where_it_is(officer_api):
    answer = post_json(officer_api, "/api/v1/cases/HHT-2025-000001/notes", {"text": "ab\ud800c"})
    assert field_errors(answer) == {
        "text": "It contains a character that is not valid text (at position 3). "
        "Remove it and try again."
    }


@pytest.mark.parametrize(
    ("path", "query", "field"),
    [
        ("/api/v1/customers", {"q": "Kh\x00an"}, "q"),
        ("/api/v1/deadlines", {"officer": "olu\x00"}, "officer"),
        ("/api/v1/cases", {"officer": "\x00"}, "officer"),
        ("/api/v1/cases", {"cursor": "abc\x00"}, "cursor"),
    ],
)
def test_a_nul_in_a_query_parameter_is_refused_naming_it(officer_api, path, query, field):
    errors = field_errors(officer_api.get(path, **query))
    assert "NUL character" in errors[field]


def test_a_nul_in_a_case_reference_in_the_address_is_refused_naming_it(officer_api):
    errors = field_errors(officer_api.get("/api/v1/cases/HHT-2025-000001%00"))
    assert errors == {
        "reference": "It contains a NUL character, which cannot be stored. Remove it and try again."
    }
    answer = post_json(officer_api, "/api/v1/cases/HHT%00/notes", {"text": "x"})
    assert "reference" in field_errors(answer)


def test_a_nul_in_a_form_field_is_refused_naming_it(people, clock, settings, tmp_path):
    settings.BASE_DIR = tmp_path
    token = api_token_create(owner=people.administrator, name="t", clock=clock).secret
    api = Api(f"Bearer {token}")
    response = api.client.post(
        "/api/v1/calls/imports",
        {
            "file": SimpleUploadedFile("calls.csv", b"a,b\n"),
            "format": "generic",
            "mapping": "te\x00ams",
        },
        headers=api._headers(),
    )
    body = json.loads(response.content)
    assert response.status_code == 422, body
    assert {e["field"]: e["location"] for e in body["errors"]} == {"mapping": "form"}
    assert "NUL character" in body["errors"][0]["message"]


# -- any text, any field -------------------------------------------------------------------

texts = st.text(max_size=30)


@settings(
    max_examples=60,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    deadline=None,
)
@given(
    target=st.sampled_from(TEXT_FIELDS),
    before=texts,
    bad=st.sampled_from(UNSTORABLE),
    after=texts,
)
def test_any_text_with_an_unstorable_character_is_refused_with_its_reason(
    officer_api, target, before, bad, after
):
    path, field = target
    value = before + bad + after
    cases, events = Case.objects.count(), CaseEvent.objects.count()

    errors = field_errors(post_json(officer_api, path, {**VALID_WRITES[path], field: value}))

    assert errors[field] == unstorable_reason(value)
    assert (Case.objects.count(), CaseEvent.objects.count()) == (cases, events)
