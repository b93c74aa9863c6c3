"""The OpenAPI document, the problem shape, and the addresses around the API."""

import pytest
from django.test import Client

from .conftest import Api, assert_problem

PATHS = {
    "/api/v1/deadlines": {"get"},
    "/api/v1/cases": {"get", "post"},
    "/api/v1/cases/{reference}": {"get"},
    "/api/v1/cases/{reference}/notes": {"post"},
    "/api/v1/cases/{reference}/responses": {"post"},
    "/api/v1/cases/{reference}/holding-replies": {"post"},
    "/api/v1/cases/{reference}/assign": {"post"},
    "/api/v1/customers": {"get"},
    "/api/v1/customers/{customer_id}": {"get"},
    "/api/v1/customers/by-reference/{external_reference}": {"put"},
    "/api/v1/calls/imports": {"post"},
    "/api/v1/calls/imports/{import_id}": {"get"},
    "/api/v1/calls/imports/{import_id}/rejects.csv": {"get"},
    "/api/v1/hazards/{hazard_id}": {"get"},
    "/api/v1/hazards/{hazard_id}/steps/{step_id}/done": {"post"},
}


@pytest.fixture
def document(db):
    answer = Api(None).get("/api/openapi.json")
    assert answer.status == 200
    assert answer.content_type.startswith("application/json")
    return answer.body


def test_the_document_lists_every_path_and_method(document):
    assert document["info"]["title"] == "caredesk API"
    assert document["info"]["version"] == "1"
    listed = {path: set(methods) for path, methods in document["paths"].items()}
    assert listed == PATHS


def test_every_operation_needs_a_bearer_token(document):
    schemes = document["components"]["securitySchemes"]
    assert [scheme["scheme"] for scheme in schemes.values()] == ["bearer"]
    for methods in document["paths"].values():
        for operation in methods.values():
            assert operation["security"], operation["operationId"]
            assert {"401", "403"} <= set(operation["responses"])


def test_the_document_describes_the_filters_and_the_problem_answers(document):
    parameters = {p["name"] for p in document["paths"]["/api/v1/deadlines"]["get"]["parameters"]}
    assert parameters == {
        "overdue",
        "due_before",
        "officer",
        "team",
        "kind",
        "status",
        "cursor",
        "limit",
    }
    problem = document["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail", "code", "errors"} <= set(problem["properties"])


def test_there_is_no_docs_page_to_load_scripts_from_elsewhere(people):
    client = Client()
    client.force_login(people.officer)
    assert client.get("/api/docs").status_code == 404


def test_an_unknown_api_address_is_a_404_problem_not_a_login_redirect(db):
    assert_problem(Api(None).get("/api/v2/deadlines"), 404, "not_found")
    assert_problem(Api(None).get("/api/nothing/here"), 404, "not_found")


def test_a_validation_problem_names_each_field_and_where_it_was(people, officer_api):
    answer = officer_api.get("/api/v1/deadlines", overdue="perhaps", team="x", limit=500)
    body = assert_problem(answer, 422, "validation_failed")
    assert body["instance"] == "/api/v1/deadlines"
    assert {(e["field"], e["location"]) for e in body["errors"]} == {
        ("overdue", "query"),
        ("team", "query"),
        ("limit", "query"),
    }
    assert all(e["message"] for e in body["errors"])


def test_a_method_an_address_does_not_answer_is_a_405_problem(people, officer_api):
    answer = officer_api.client.put("/api/v1/deadlines", headers=officer_api._headers())
    assert answer.status_code == 405
    assert answer["Content-Type"].startswith("application/problem+json")
    assert answer["Allow"] == "GET"
