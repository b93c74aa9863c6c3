"""Tokens: no token or a bad one is 401, a token whose owner lacks the capability is 403."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group

from caredesk.api.models import ApiToken
from caredesk.api.services import api_token_revoke
from caredesk.conftest import make_staff
from caredesk.staff.models import Role

from .conftest import Api, assert_problem

DEADLINES = "/api/v1/deadlines"
NEW_CASE = {
    "kind": "general_enquiry",
    "channel": "letter",
    "received_at": "2025-06-19T10:00",
    "subject": "Fence panel blown down",
}


@pytest.mark.django_db
def test_no_token_is_401_problem_with_a_bearer_challenge():
    answer = Api(None).get(DEADLINES)
    assert_problem(answer, 401, "not_authenticated")
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer not-a-token",
        "Bearer cdk_0123456789ab_wrong",
        "Bearer ",
        "Basic b2x1X29mZmljZXI6cGFzc3dvcmQ=",
        "cdk_0123456789ab_wrong",
    ],
)
def test_a_bad_token_is_401(people, authorization):
    assert_problem(Api(authorization).get(DEADLINES), 401, "not_authenticated")


def test_a_token_with_one_character_changed_is_401(people, token_for):
    token = token_for(people.officer)
    changed = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert Api(f"Bearer {token}").get(DEADLINES).status == 200
    assert_problem(Api(f"Bearer {changed}").get(DEADLINES), 401, "not_authenticated")


def test_a_revoked_token_stops_working_at_once(people, token_for, clock):
    token = token_for(people.officer)
    api = Api(f"Bearer {token}")
    assert api.get(DEADLINES).status == 200
    # when
    api_token_revoke(prefix=token.split("_")[1], clock=clock)
    # then
    assert_problem(api.get(DEADLINES), 401, "not_authenticated")


def test_the_token_of_someone_who_has_left_is_401(people, api_as):
    api = api_as(people.officer)
    people.officer.is_active = False
    people.officer.save()
    assert_problem(api.get(DEADLINES), 401, "not_authenticated")


def test_a_role_that_cannot_read_cases_is_403_even_with_a_valid_token(people, api_as):
    analyst = make_staff("pat_analyst", Role.PERFORMANCE_ANALYST, team=people.team)
    api = api_as(analyst)
    body = assert_problem(api.get(DEADLINES), 403, "not_allowed")
    assert "pat_analyst" in body["detail"]
    assert_problem(api.get("/api/v1/customers", q="Khan"), 403, "not_allowed")
    assert_problem(api.get("/api/v1/cases/HHT-2025-000001"), 403, "not_allowed")


def test_a_member_of_staff_with_no_role_at_all_is_403(people, api_as):
    nobody = make_staff("nora_norole", team=people.team)
    assert_problem(api_as(nobody).get("/api/v1/cases"), 403, "not_allowed")


def test_the_data_protection_officer_reads_but_cannot_change_cases(people, api_as):
    api = api_as(people.data_protection_officer)
    assert api.get(DEADLINES).status == 200
    assert_problem(api.post("/api/v1/cases", NEW_CASE), 403, "not_allowed")


def test_capability_is_checked_before_the_input_is_read(people, api_as):
    dpo = people.data_protection_officer
    assert_problem(api_as(dpo).post("/api/v1/cases", "{not json"), 403, "not_allowed")
    assert_problem(Api(None).post("/api/v1/cases", {"kind": 1}), 401, "not_authenticated")


def test_roles_are_read_afresh_for_each_request(people, api_as):
    api = api_as(people.teammate)
    assert api.get(DEADLINES).status == 200
    people.teammate.groups.remove(Group.objects.get(name=Role.OFFICER.value))
    assert_problem(api.get(DEADLINES), 403, "not_allowed")


def test_only_a_hash_of_the_token_is_stored_and_use_is_recorded(people, token_for, clock):
    token = token_for(people.officer)
    row = ApiToken.objects.get()
    assert token not in {row.name, row.prefix, row.secret_hash}
    assert token.split("_", 2)[2] not in row.secret_hash
    assert row.last_used_at is None
    # when
    Api(f"Bearer {token}").get(DEADLINES)
    # then
    row.refresh_from_db()
    assert row.last_used_at == clock.now()


def test_last_use_is_written_at_most_once_a_minute(people, token_for, clock):
    api = Api(f"Bearer {token_for(people.officer)}")
    first = clock.now()
    api.get(DEADLINES)
    clock.moment = first + timedelta(seconds=30)
    api.get(DEADLINES)
    assert ApiToken.objects.get().last_used_at == first
    clock.moment = first + timedelta(seconds=61)
    api.get(DEADLINES)
    assert ApiToken.objects.get().last_used_at == first + timedelta(seconds=61)


def test_the_api_never_redirects_to_the_login_page(people):
    # LoginRequiredMiddleware is on for the site; the API answers for itself.
    for path in [DEADLINES, "/api/v1/cases/HHT-2025-000001", "/api/v1/customers/1"]:
        answer = Api(None).get(path)
        assert answer.status == 401
