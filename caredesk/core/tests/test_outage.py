"""With the database out of reach, every page answers 503 with Retry-After and a plain
page, and the API a problem+json 503: never a server error or a traceback.

The outage is real: caredesk runs in a process of its own whose database is an SQLite
file that cannot be opened, or a PostgreSQL port nobody listens on."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from typing import Any

import pytest
from django.db import OperationalError, connection, transaction
from django.db.utils import load_backend

from caredesk.core.outage import RETRY_AFTER_SECONDS, database_unreachable

PROBE = """
import json
import django
django.setup()
from django.test import Client

client = Client(raise_request_exception=False)
client.cookies["sessionid"] = "a-session-the-database-would-know"
answers = {}
for method, url, extra in [
    ("get", "/", {}),
    ("get", "/cases/", {}),
    ("get", "/customers/1/", {}),
    ("post", "/staff/login/", {"data": {"username": "olu", "password": "secret"}}),
    ("get", "/api/v1/cases", {"HTTP_AUTHORIZATION": "Bearer a-token"}),
    ("post", "/api/v1/cases", {"HTTP_AUTHORIZATION": "Bearer a-token"}),
]:
    response = getattr(client, method)(url, **extra)
    answers[f"{method.upper()} {url}"] = {
        "status": response.status_code,
        "retry_after": response.get("Retry-After"),
        "content_type": response.get("Content-Type"),
        "body": response.content.decode(),
    }
print(json.dumps(answers))
"""


def free_port() -> int:
    """A port on this machine that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def unreachable_databases(tmp: str) -> dict[str, str]:
    return {
        "sqlite": f"sqlite:///{tmp}/no-such-folder/caredesk.sqlite3",
        "postgresql": f"postgres://postgres@127.0.0.1:{free_port()}/caredesk",
    }


def run_against(database_url: str) -> dict[str, Any]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "caredesk.settings",
        "DATABASE_URL": database_url,
        "CAREDESK_ALLOWED_HOSTS": "testserver",
        "CAREDESK_DEBUG": "false",
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    answers: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return answers


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_with_the_database_out_of_reach_pages_and_the_api_answer_503(kind, tmp_path):
    answers = run_against(unreachable_databases(str(tmp_path))[kind])
    for request, answer in answers.items():
        assert answer["status"] == 503, f"{request}: {answer['status']}\n{answer['body'][:2000]}"
        assert answer["retry_after"] == str(RETRY_AFTER_SECONDS), request
        body = answer["body"]
        for leak in ("Traceback", "OperationalError", "Server Error", "psycopg", "sqlite3"):
            assert leak not in body, f"{request} shows {leak!r}"
        if request.split()[1].startswith("/api/"):
            assert answer["content_type"].startswith("application/problem+json"), request
            problem = json.loads(body)
            assert problem["status"] == 503
            assert problem["code"] == "database_unreachable"
            assert problem["title"] == "The service is unavailable"
            assert f"Try again in {RETRY_AFTER_SECONDS} seconds" in problem["detail"]
            assert problem["instance"] == "/api/v1/cases"
        else:
            assert answer["content_type"].startswith("text/html"), request
            assert "<h1>Sorry, the service is unavailable</h1>" in body
            assert f"Try again in {RETRY_AFTER_SECONDS} seconds" in body


# -- what counts as out of reach --------------------------------------------------------------


def connect_error(settings_dict: dict[str, Any]) -> OperationalError:
    """The error Django raises when it really cannot connect with these settings."""
    backend = load_backend(settings_dict["ENGINE"])
    wrapper = backend.DatabaseWrapper(settings_dict, alias="unreachable")
    with pytest.raises(OperationalError) as failed:
        wrapper.ensure_connection()
    return failed.value


@pytest.mark.django_db
def test_failing_to_connect_is_out_of_reach(tmp_path):
    unreachable = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        unreachable["NAME"] = str(tmp_path / "no-such-folder" / "caredesk.sqlite3")
    else:
        unreachable["PORT"] = str(free_port())
    assert database_unreachable(connect_error(unreachable))


def run_in_savepoint(*statements: str) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


@pytest.mark.django_db
def test_a_query_that_fails_on_a_database_that_answers_is_a_real_error():
    """Not hidden behind "try again later": a statement timeout, a missing table."""
    if connection.vendor == "postgresql":
        setup, failing = "SET LOCAL statement_timeout = 1", "SELECT pg_sleep(1)"
    else:
        setup, failing = "SELECT 1", "SELECT * FROM no_such_table"
    with pytest.raises(OperationalError) as failed:
        run_in_savepoint(setup, failing)
    assert not database_unreachable(failed.value)
    assert not database_unreachable(ValueError("not the database"))
    assert not database_unreachable(None)
