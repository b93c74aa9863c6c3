"""Every problem the API answers is problem+json, and the OpenAPI document says so.

The document declares, for each operation, each 4xx and 5xx it really sends, with the
Problem schema and the content type `application/problem+json`; requests that Django
itself refuses before a view runs (a body over the size limit, too many form fields, a
form that cannot be parsed) are problems too, never Django's HTML error pages.
"""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from caredesk.api.problems import Problem
from caredesk.api.root import api
from caredesk.api.services import api_token_create
from caredesk.cases.models import CaseEvent
from caredesk.core.outage import outage_response

from .conftest import Api, assert_problem, at, new_case

PROBLEM = {"$ref": "#/components/schemas/Problem"}
CASE_ACTIONS = ["notes", "responses", "holding-replies", "assign"]


@pytest.fixture
def document(db):
    answer = Api(None).get("/api/openapi.json")
    assert answer.status == 200
    assert answer.body == json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api")))
    return answer.body


def operations(document):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def test_every_problem_an_operation_answers_is_declared_as_problem_json(document):
    for name, operation in operations(document):
        for status, answer in operation["responses"].items():
            if int(status) >= 400:
                assert answer["content"] == {"application/problem+json": {"schema": PROBLEM}}, (
                    f"{name} {status}"
                )
                assert answer["description"], f"{name} {status}"


def test_each_operation_declares_the_problems_it_can_really_send(document):
    declared = {name: set(operation["responses"]) for name, operation in operations(document)}
    for name, statuses in declared.items():
        # every operation: a token is needed (401), a role may not be enough (403), and the
        # database may be out of reach (503)
        assert {"401", "403", "503"} <= statuses, name
        if " /api/v1/cases/{reference}/" in name:
            assert {"400", "404", "409", "413", "422"} <= statuses, name
        if name.startswith("POST"):
            assert {"400", "413", "422"} <= statuses, name
        if "{" in name:
            assert {"404", "422"} <= statuses, name
    assert {"400", "413", "422"} <= declared["POST /api/v1/calls/imports"]
    assert "422" in declared["GET /api/v1/customers"]


def test_the_headers_a_problem_comes_with_are_documented(document):
    answers = document["paths"]["/api/v1/deadlines"]["get"]["responses"]
    assert set(answers["401"]["headers"]) == {"WWW-Authenticate"}
    assert set(answers["503"]["headers"]) == {"Retry-After"}


def test_the_outage_answer_is_a_problem_as_the_document_declares(db):
    response = outage_response(RequestFactory().get("/api/v1/deadlines"))
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/problem+json")
    assert Problem.model_validate_json(response.content).code == "database_unreachable"


@pytest.fixture
def officer_api(people, clock):
    new_case(people, clock, received=at(2025, 6, 19, 10))
    return Api(f"Bearer {api_token_create(owner=people.officer, name='t', clock=clock).secret}")


def test_a_body_over_the_size_limit_is_a_413_problem_saying_the_limit(officer_api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    answer = officer_api.post(
        "/api/v1/cases/HHT-2025-000001/notes", json.dumps({"text": "x" * 2000})
    )
    body = assert_problem(answer, 413, "request_too_large")
    assert "1,000 bytes" in body["detail"]
    assert not CaseEvent.objects.filter(kind="note_added").exists()


def test_a_form_with_too_many_fields_is_a_413_problem(people, clock, settings, tmp_path):
    settings.BASE_DIR = tmp_path
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 3
    token = api_token_create(owner=people.administrator, name="t", clock=clock).secret
    fields = {f"extra{i}": "x" for i in range(10)}
    response = Api(None).client.post(
        "/api/v1/calls/imports",
        {"file": SimpleUploadedFile("calls.csv", b"a,b\n"), **fields},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/problem+json")
    assert "too many fields" in json.loads(response.content)["detail"]


def test_a_form_that_cannot_be_parsed_is_a_400_problem(people, clock):
    token = api_token_create(owner=people.administrator, name="t", clock=clock).secret
    response = Api(None).client.post(
        "/api/v1/calls/imports",
        b"--nothing\r\nnot a form",
        content_type="multipart/form-data",  # no boundary
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert json.loads(response.content)["code"] == "bad_request"
