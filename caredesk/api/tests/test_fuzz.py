"""The API, fuzzed from its own OpenAPI document: no server error, no undocumented answer.

Schemathesis reads the document the API publishes and makes requests for every
operation from it: valid ones (positive) and ones that break the document (negative).
They go to the Django application in-process (WSGI, no server), with the token of an
administrator, of an officer or of an analyst (whose roles are not enough for some),
a token nobody was given, or none, over a small landlord's records: customers, cases
with deadlines, a note, a response, a holding reply, and a finished call import with a
refused row. So that reads find data and writes succeed, a valid request often names
real records (a case's reference, a customer's id, an officer, a standard, a real call
records file).

Every answer must be documented: its status among the operation's responses, its
content type the one declared for it (`application/problem+json` for every problem),
its body valid against the declared schema, and never a 5xx; an operation that needs a
token must refuse the request without it.

Each operation gets a bounded number of examples in each mode: half the hypothesis
profile's `max_examples`, at most 500 (CI's profile, `HYPOTHESIS_PROFILE=ci`: 100 in
each mode, 2,400 requests in all; the default profile while developing: 50).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from caredesk.api.root import api
from caredesk.api.services import api_token_create
from caredesk.cases.models import CaseKind, Channel
from caredesk.cases.selectors import deadline_unfinished_get
from caredesk.cases.services import holding_reply_send, note_add, response_send
from caredesk.complaints.hazards import hazard_report
from caredesk.complaints.models import HazardStep
from caredesk.core.active_policy import active_policy
from caredesk.standards import parse_duration
from caredesk.telephony.models import CallImport
from caredesk.telephony.tests.test_upload import master_csv
from caredesk.telephony.uploads import call_upload_accept, call_upload_import

from .conftest import at, new_case, new_customer

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    ignored_auth,
]
DOCUMENT = api.get_openapi_schema(path_prefix="/api")
OPERATIONS = [
    (method.upper(), path) for path, methods in DOCUMENT["paths"].items() for method in methods
]
# Requests in each mode, for each operation: half the profile's examples, at most 500.
EXAMPLES = min(max(settings().max_examples // 2, 10), 500)
DROP = object()  # a field a realistic request leaves out


@dataclass
class Landlord:
    """The records the fuzzed requests meet, and the tokens they carry."""

    references: list[str]
    customer_ids: list[int]
    import_ids: list[int]
    officers: list[str]
    tokens: dict[str, str | None]
    hazard_ids: list[int]
    step_ids: list[int]

    def path_parameters(self) -> st.SearchStrategy[dict[str, Any]]:
        """Real records' keys for the path's parameters (three times in four)."""
        real = st.fixed_dictionaries(
            {
                "reference": st.sampled_from(self.references),
                "customer_id": st.sampled_from(self.customer_ids),
                "import_id": st.sampled_from(self.import_ids),
                "hazard_id": st.sampled_from(self.hazard_ids),
                "step_id": st.sampled_from(self.step_ids),
            }
        )
        return st.sampled_from([True, True, True, False]).flatmap(
            lambda use: real if use else st.just({})
        )

    def body(self, path: str) -> st.SearchStrategy[dict[str, Any]]:
        """Real values for some fields of a valid body, so that writes can succeed."""
        real: dict[str, st.SearchStrategy[Any]] = {}
        if path == "/api/v1/cases":
            real = {
                "received_at": st.sampled_from(["2025-06-19T10:00", "2025-06-20T09:30:00+01:00"]),
                "customer": st.sampled_from(self.customer_ids),
                "assign_to": st.sampled_from(self.officers),
            }
        elif path.endswith("/responses"):
            real = {"at": st.just(DROP)}
        elif path.endswith("/holding-replies"):
            real = {
                "standard": st.sampled_from(["letter_email_response", "subject_access_request"]),
                "revised_after": st.sampled_from(["10 working days", "1 months"]),
                "revised_due_at": st.just(DROP),
            }
        elif path.endswith("/assign"):
            real = {"officer": st.sampled_from(self.officers)}
        elif path == "/api/v1/calls/imports":
            real = {
                "file": st.just(master_csv()),
                "format": st.just("asterisk"),
                "mapping": st.just(DROP),
                "mapping_file": st.just(DROP),
            }
        return st.fixed_dictionaries({}, optional=real)


@pytest.fixture
def landlord(people, clock, settings, tmp_path) -> Landlord:
    settings.BASE_DIR = tmp_path  # uploaded call files are kept under it
    policy = active_policy()
    customers = [
        new_customer(clock),
        new_customer(clock, first_name="Zoë", last_name="Ó Briain", postcode="L1 8JQ"),
        new_customer(clock, first_name="Sam", last_name="Jones", email="sam@example.org"),
    ]
    cases = [
        new_case(people, clock, received=at(2025, 6, 19, 10), customer=customers[0]),
        new_case(people, clock, received=at(2025, 6, 2, 10)),
        new_case(
            people,
            clock,
            kind=CaseKind.COMPLAINT,
            channel=Channel.EMAIL,
            received=at(2025, 5, 1, 9),
            customer=customers[1],
            subject="Damp in the bedroom",
        ),
        new_case(people, clock, received=at(2025, 6, 20, 8), assign_to=None, urgent=True),
        new_case(
            people,
            clock,
            kind=CaseKind.SUBJECT_ACCESS_REQUEST,
            received=at(2025, 6, 10, 11),
            customer=customers[2],
        ),
    ]
    note_add(case=cases[0], text="Rang the customer back.", by=people.officer, clock=clock)
    response_send(
        case=cases[1], channel=Channel.LETTER, summary="Repaired.", by=people.officer, clock=clock
    )
    deadline = deadline_unfinished_get(case=cases[0], standard_key="letter_email_response")
    assert deadline is not None
    holding_reply_send(
        deadline=deadline,
        reason="A surveyor must visit.",
        revised=parse_duration("10 working days"),
        by=people.officer,
        policy=policy,
        clock=clock,
    )
    call_import = call_upload_accept(
        upload=SimpleUploadedFile("Master.csv", master_csv()),
        file_format="asterisk",
        by=people.administrator,
        clock=clock,
    )
    folder = next((tmp_path / "var" / "call-imports").iterdir())
    call_upload_import(
        import_id=call_import.pk, folder_name=folder.name, policy=policy, clock=clock
    )
    assert CallImport.objects.get(pk=call_import.pk).rows_rejected > 0

    hazard = hazard_report(
        case=cases[2],
        hazard_type="damp_and_mould",
        severity="emergency",
        description="Mould around the window",
        by=people.officer,
        policy=policy,
        clock=clock,
    )
    # before Awaab's Law (2025), so untimed: a step made by hand for the requests to meet
    HazardStep.objects.create(hazard=hazard, standard_key="hazard_emergency_made_safe")

    def token(person) -> str:
        return "Bearer " + api_token_create(owner=person, name="fuzz", clock=clock).secret

    return Landlord(
        references=[case.reference for case in cases],
        customer_ids=[customer.pk for customer in customers],
        import_ids=[call_import.pk],
        officers=[people.officer.username, people.teammate.username, str(people.officer.pk)],
        hazard_ids=[hazard.pk],
        step_ids=list(hazard.steps.values_list("pk", flat=True)),
        tokens={
            "administrator": token(people.administrator),
            "officer": token(people.officer),  # may not import calls
            "analyst": token(people.analyst),  # may read no case
            "nobody": None,
            "a stranger": "Bearer cdk_000000000000_not-a-token",
        },
    )


@pytest.fixture
def application(db):
    """Django's WSGI application, keeping the test's database connection (and so its
    transaction) open across requests, as Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def realistic(case: Any, path_parameters: dict[str, Any], body: dict[str, Any]) -> None:
    """Put real records' keys and values into a valid request."""
    for name in case.path_parameters or {}:
        if name in path_parameters:
            case.path_parameters[name] = path_parameters[name]
    if isinstance(case.body, dict):
        for name, value in body.items():
            if value is DROP:
                case.body.pop(name, None)
            else:
                case.body[name] = value


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_every_answer_is_documented_and_none_is_a_server_error(
    application, landlord, method, path, mode
):
    schema = schemathesis.openapi.from_dict(DOCUMENT)
    schema.app = application
    operation = schema[path][method]
    callers = list(landlord.tokens)
    answers: Counter[int] = Counter()

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(
        case=operation.as_strategy(mode),
        caller=st.sampled_from(callers) | st.just("administrator"),
        path_parameters=landlord.path_parameters(),
        body=landlord.body(path),
    )
    def fuzz(case: Any, caller: str, path_parameters: dict[str, Any], body: dict[str, Any]):
        if mode is GenerationMode.POSITIVE:
            realistic(case, path_parameters, body)
        token = landlord.tokens[caller]
        headers = {"Authorization": token} if token else {}
        if case.headers and not token:
            case.headers.pop("Authorization", None)
        response = case.call(headers=headers)
        answers[response.status_code] += 1
        case.validate_response(response, checks=CHECKS, headers=headers)

    fuzz()
    if mode is GenerationMode.POSITIVE and method == "GET":
        assert answers[200], "no read found data: the requests do not reach the records"
    # The figures, for a run with -s: how many requests, answered how.
    print(f"{method} {path} ({mode.value}): {sum(answers.values())} requests, {dict(answers)}")
