"""caredesk apitoken create | list | revoke"""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from caredesk.api.models import ApiToken

from .conftest import Api, assert_problem


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("apitoken", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_create_prints_a_working_token_once_and_stores_only_its_hash(people):
    out, err = run("create", "olu_officer", "--name", "repairs sync")
    token = out.strip()
    assert token.startswith("cdk_")
    assert "cannot be shown again" in err
    row = ApiToken.objects.get()
    assert (row.owner, row.name) == (people.officer, "repairs sync")
    assert token not in row.secret_hash
    assert Api(f"Bearer {token}").get("/api/v1/deadlines").status == 200


def test_list_shows_prefixes_and_owners_never_tokens(people):
    token = run("create", "olu_officer", "--name", "repairs sync")[0].strip()
    out, _ = run("list")
    prefix = ApiToken.objects.get().prefix
    assert prefix in out
    assert "olu_officer" in out
    assert "repairs sync" in out
    assert token not in out


def test_revoke_by_prefix_stops_the_token(people):
    token = run("create", "olu_officer", "--name", "x")[0].strip()
    prefix = ApiToken.objects.get().prefix
    out, _ = run("revoke", prefix)
    assert "Revoked" in out
    assert ApiToken.objects.get().revoked_at is not None
    assert_problem(Api(f"Bearer {token}").get("/api/v1/deadlines"), 401, "not_authenticated")


def test_a_token_for_someone_who_cannot_read_cases_comes_with_a_warning(people):
    from caredesk.conftest import make_staff

    make_staff("nora_norole")
    _, err = run("create", "nora_norole", "--name", "x")
    assert "will be refused" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("create", "ghost", "--name", "x"), "no member of staff"),
        (("create", "olu_officer", "--name", "  "), "Give the token a name"),
        (("revoke", "0123456789ab"), "no token with the prefix"),
        (("revoke", "not a prefix"), "no token with the prefix"),
    ],
)
def test_mistakes_are_explained(people, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_a_token_for_someone_who_must_use_two_factor_sign_in_comes_with_a_warning(people):
    _, err = run("create", people.administrator.username, "--name", "calls import")
    assert "needs no second step" in err
    _, err = run("create", "olu_officer", "--name", "repairs sync")
    assert "needs no second step" not in err
