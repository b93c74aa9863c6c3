"""What the API tests share: the API's clock set to the test's, tokens, a client."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from caredesk.api.clock import api_clock
from caredesk.api.services import api_token_create
from caredesk.cases.models import Case, CaseKind, Channel
from caredesk.cases.services import case_create
from caredesk.customers.models import Customer, CustomerType
from caredesk.customers.services import customer_create
from caredesk.staff.models import StaffMember

LONDON = ZoneInfo("Europe/London")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


@dataclass
class Answer:
    status: int
    content_type: str
    body: Any
    headers: Any


class Api:
    """A client that sends one member of staff's token (or none, or any header)."""

    def __init__(self, authorization: str | None) -> None:
        self.client = Client()
        self.authorization = authorization

    def _headers(self) -> dict[str, str]:
        return {"Authorization": self.authorization} if self.authorization else {}

    def _answer(self, response: Any) -> Answer:
        content_type = response.get("Content-Type", "")
        body = json.loads(response.content) if "json" in content_type else response.content
        return Answer(response.status_code, content_type, body, response.headers)

    def get(self, path: str, /, **params: Any) -> Answer:
        return self._answer(self.client.get(path, params, headers=self._headers()))

    def post(self, path: str, body: Any) -> Answer:
        data = body if isinstance(body, str | bytes) else json.dumps(body)
        return self._answer(
            self.client.post(path, data, content_type="application/json", headers=self._headers())
        )


@pytest.fixture(autouse=True)
def _api_uses_the_test_clock(clock, monkeypatch) -> None:
    monkeypatch.setattr(api_clock, "clock", clock)


@pytest.fixture
def token_for(db, clock):
    def make(person: StaffMember, name: str = "integration") -> str:
        return api_token_create(owner=person, name=name, clock=clock).secret

    return make


@pytest.fixture
def api_as(token_for):
    def make(person: StaffMember) -> Api:
        return Api(f"Bearer {token_for(person)}")

    return make


@pytest.fixture
def officer_api(people, api_as):
    return api_as(people.officer)


def new_case(
    people,
    clock,
    *,
    kind: str = CaseKind.GENERAL_ENQUIRY,
    channel: str = Channel.LETTER,
    received: datetime | None = None,
    assign_to: Any = "officer",
    **more: Any,
) -> Case:
    officer = people.officer if assign_to == "officer" else assign_to
    return case_create(
        kind=kind,
        channel=channel,
        received_at=received or at(2025, 6, 2, 10),
        subject=more.pop("subject", "Fence panel blown down"),
        by=people.administrator,
        assign_to=officer,
        clock=clock,
        **more,
    )


def new_customer(clock, **details: Any) -> Customer:
    defaults = {"first_name": "Amira", "last_name": "Khan", "postcode": "WA7 1AB"}
    return customer_create(customer_type=CustomerType.TENANT, clock=clock, **(defaults | details))


def assert_problem(answer: Answer, status: int, code: str) -> dict[str, Any]:
    assert answer.status == status, answer.body
    assert answer.content_type.startswith("application/problem+json")
    body: dict[str, Any] = answer.body
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"] == f"urn:caredesk:problem:{code}"
    assert body["title"]
    assert body["detail"]
    return body


def field_errors(answer: Answer) -> dict[str, str]:
    body = assert_problem(answer, 422, "validation_failed")
    return {error["field"]: error["message"] for error in body["errors"]}


# A valid body for each API operation that writes (case HHT-2025-000001 must exist):
# the tests change one field of it.
VALID_WRITES = {
    "/api/v1/cases": {
        "kind": "general_enquiry",
        "channel": "letter",
        "received_at": "2025-06-19T10:00",
        "subject": "Fence",
        "description": "Blown down",
        "assign_to": "olu_officer",
    },
    "/api/v1/cases/HHT-2025-000001/notes": {"text": "Rang back"},
    "/api/v1/cases/HHT-2025-000001/responses": {"channel": "letter", "summary": "Done"},
    "/api/v1/cases/HHT-2025-000001/holding-replies": {
        "standard": "letter_email_response",
        "reason": "Survey",
        "revised_after": "5 working days",
    },
    "/api/v1/cases/HHT-2025-000001/assign": {"officer": "tia_teammate"},
}
