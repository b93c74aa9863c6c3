"""Junk thrown at every endpoint never gets a 5xx: only answers, as problem+json.

Hypothesis makes the junk: odd JSON of every shape, plausible values in the wrong
places, times at the edges of the calendar, unpaired surrogates and NUL characters,
huge numbers. The test client re-raises any exception a view lets out, so a crash
fails the test loudly rather than hiding as a 500.
"""

import json
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caredesk.api.services import api_token_create

from .conftest import VALID_WRITES, Api, at, new_case, new_customer

FIELDS = [
    "kind", "channel", "received_at", "subject", "description", "customer", "assign_to",
    "urgent", "resolved_at_first_contact", "text", "summary", "at", "standard", "reason",
    "revised_due_at", "revised_after", "officer",
]  # fmt: skip
QUERY = [
    "overdue", "due_before", "officer", "team", "kind", "status", "customer", "cursor",
    "limit", "q",
]  # fmt: skip
PLAUSIBLE = [
    "general_enquiry", "complaint", "letter", "email", "phone", "open", "closed",
    "olu_officer", "tia_teammate", "1", "0", "-1", "true", "false", "", " ",
    "letter_email_response", "subject_access_request", "5 working days", "1 months",
    "0 hours", "2025-06-19T10:00", "2025-06-20T12:00:00Z", "2025-13-45", "W10",
    "WyIyMDI1LTA2LTE2VDE2OjAwOjAwKzAwOjAwIiwxXQ", "9" * 30, "\x00", "\ud800", "é" * 300,
]  # fmt: skip

times = st.builds(
    lambda moment, offset: moment.isoformat() + offset,
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)),
    st.sampled_from(["", "Z", "+00:00", "+01:00", "-12:00", "+14:00", "+23:59"]),
)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=False)
    | st.text(max_size=30)
    | st.sampled_from(PLAUSIBLE)
    | times
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)
bodies = st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), values, max_size=8) | values
# An address cannot carry an unpaired surrogate: no client could send one.
sendable = st.characters(blacklist_categories=["Cs"])
query_values = (
    st.text(sendable, max_size=40)
    | st.sampled_from([p for p in PLAUSIBLE if p != "\ud800"])
    | times
    | st.integers().map(str)
)
queries = st.dictionaries(
    st.sampled_from(QUERY) | st.text(sendable, max_size=6), query_values, max_size=6
)
references = st.sampled_from(["HHT-2025-000001", "HHT-2025-000002", "hht-2025-000001"]) | st.text(
    st.characters(blacklist_characters="/?#%", blacklist_categories=["Cs"]), min_size=1, max_size=30
)

JUNK = settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    deadline=None,
)


@pytest.fixture
def admin_api(people, clock):
    customer = new_customer(clock)
    new_case(people, clock, received=at(2025, 6, 19, 10), customer=customer)
    new_case(people, clock, received=at(2025, 6, 2, 10))
    return Api(f"Bearer {api_token_create(owner=people.administrator, name='junk').secret}")


def answered(answer):
    assert answer.status < 500, answer.body
    if answer.status >= 400:
        assert answer.content_type.startswith("application/problem+json"), answer.body
        assert answer.body["status"] == answer.status
    return answer


def post_raw(api, path, body):
    if isinstance(body, bytes):
        data = body
    else:
        try:
            data = json.dumps(body).encode("utf-8")
        except UnicodeEncodeError:  # an unpaired surrogate: send it escaped, as JSON allows
            data = json.dumps(body, ensure_ascii=True).encode()
    return api.post(path, data)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/cases",
        "/api/v1/cases/{reference}/notes",
        "/api/v1/cases/{reference}/responses",
        "/api/v1/cases/{reference}/holding-replies",
        "/api/v1/cases/{reference}/assign",
    ],
)
@JUNK
@given(body=bodies | st.binary(max_size=40), reference=references)
def test_junk_posted_to_any_write_endpoint_gets_an_answer(admin_api, path, body, reference):
    answered(post_raw(admin_api, path.format(reference=reference), body))


@pytest.mark.parametrize("path", ["/api/v1/deadlines", "/api/v1/cases", "/api/v1/customers"])
@JUNK
@given(query=queries)
def test_junk_queries_on_any_list_get_an_answer(admin_api, path, query):
    answer = answered(admin_api.get(path, **query))
    if answer.status == 200:
        assert isinstance(answer.body["items"], list)


@JUNK
@given(reference=references, customer_id=references | st.integers().map(str))
def test_junk_in_the_address_of_one_record_gets_an_answer(admin_api, reference, customer_id):
    answered(admin_api.get(f"/api/v1/cases/{reference}"))
    answered(admin_api.get(f"/api/v1/customers/{customer_id}"))


@JUNK
@given(authorization=st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=255)))
def test_junk_authorization_headers_get_401(people, authorization):
    answer = answered(Api(authorization).get("/api/v1/deadlines"))
    assert answer.status == 401


@pytest.mark.parametrize("path", list(VALID_WRITES))
@JUNK
@given(data=st.data())
def test_one_odd_field_in_an_otherwise_good_request_gets_an_answer(admin_api, path, data):
    body = dict(VALID_WRITES[path])
    field = data.draw(st.sampled_from([*body, *FIELDS]), label="field")
    body[field] = data.draw(scalars | times, label="value")
    answered(post_raw(admin_api, path, body))
