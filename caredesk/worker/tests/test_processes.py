"""`caredesk worker` as real processes: two at once, one killed mid-sweep, a clean stop.

Each test seeds its own database in a child process (a SQLite file; and a fresh
PostgreSQL database when DATABASE_URL is PostgreSQL), runs workers against it with a
real SMTP server in this process, and reads the result back in another child process.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from caredesk.notifications.tests.helpers import SMTPServer

TIMEOUT = 120


def _child_env(database_url: str, smtp_port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="caredesk.settings",
        CAREDESK_POLICY="stonewall",
        CAREDESK_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        CAREDESK_EMAIL_HOST="127.0.0.1",
        CAREDESK_EMAIL_PORT=str(smtp_port),
        CAREDESK_EMAIL_USE_TLS="false",
        CAREDESK_LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


def _caredesk(*args: str) -> list[str]:
    return [sys.executable, "-m", "caredesk", *args]


def _run(command: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty, migrated SQLite file to copy (migrating takes seconds; copying, none)."""
    path = tmp_path_factory.mktemp("worker-db") / "template.sqlite3"
    _run(_caredesk("migrate", "--noinput"), _child_env(f"sqlite:///{path}", 1))
    return path


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        path = tmp_path / "worker.sqlite3"
        shutil.copy(request.getfixturevalue("migrated_sqlite"), path)
        yield f"sqlite:///{path}"
        return
    base = _postgres_url()
    if base is None:
        pytest.skip("DATABASE_URL is not PostgreSQL")
    import psycopg

    parts = urlsplit(base)
    name = f"{parts.path.lstrip('/') or 'caredesk'}_worker_{uuid.uuid4().hex[:8]}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    url = urlunsplit(parts._replace(path=f"/{name}"))
    try:
        _run(_caredesk("migrate", "--noinput"), _child_env(url, 1))
        yield url
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def smtp_server() -> Iterator[SMTPServer]:
    with SMTPServer() as server:
        yield server


def _seed(env: dict[str, str], near: int, breached: int, urgent: int, backlog: int = 0) -> None:
    numbers = [str(near), str(breached), str(urgent), str(backlog)]
    _run([sys.executable, "-m", "caredesk.worker.tests.scenario", "seed", *numbers], env)


def _report(env: dict[str, str]) -> dict[str, Any]:
    out = _run([sys.executable, "-m", "caredesk.worker.tests.scenario", "report"], env)
    result: dict[str, Any] = json.loads(out)
    return result


def _sweep_totals(outputs: list[str]) -> dict[str, int]:
    """Add up the rows done in the workers' "Sweep: deadlines_warn 3 in 0.01 s; ..." lines."""
    totals: dict[str, int] = {}
    for output in outputs:
        line = next(line for line in output.splitlines() if line.startswith("Sweep: "))
        for name, rows in re.findall(r"(?:^Sweep: |; )([a-z_]+) ([\d,]+)", line):
            totals[name] = totals.get(name, 0) + int(rows.replace(",", ""))
    return totals


def test_two_workers_at_once_send_each_notification_and_email_once(database_url, smtp_server):
    # given: 40 deadlines near, 40 missed, 6 urgent messages (each with a queued task)
    env = _child_env(database_url, smtp_server.port)
    _seed(env, near=40, breached=40, urgent=6)
    smtp_server.mailbox.pair_up = True  # the two workers go on from each email together

    # when: two workers run at the same moment
    command = _caredesk("worker", "--once", "--batch-size", "1")
    workers = [
        subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = []
    for worker in workers:
        out, err = worker.communicate(timeout=TIMEOUT)
        assert worker.returncode == 0, out + err
        outputs.append(out)

    # then: one warning per deadline near, one notice per urgent case, and each missed
    # deadline on the manager's digest once (one digest per worker's pass at most)
    result = _report(env)
    digests = result["notifications"].pop("deadlines_missed")
    assert 1 <= digests <= 2
    assert result["notifications"] == {"deadline_near": 40, "urgent_message": 6}
    assert result["distinct_notices"] == 46
    assert result["to"] == {"olu_officer": 40, "lena_manager": 6 + digests}
    assert result["missed_lines"] == result["missed_distinct"] == 40
    assert result["missed_in_digests"] == 40
    assert result["missed_not_in_a_digest"] == 0
    assert result["most_digests_of_a_pass"] == 1
    # each case's timeline: one warning or one escalation
    assert result["events"] == {"deadline_warning": 40, "escalation": 46}
    assert result["most_escalations_of_a_case"] == 1
    # one email for each notice
    assert result["email"] == {"sent": 46 + digests}
    assert len(smtp_server.mailbox.messages) == 46 + digests
    assert len(set(smtp_server.mailbox.message_ids())) == 46 + digests
    totals = _sweep_totals(outputs)
    # each claim won exactly once
    assert (totals["deadlines_warn"], totals["deadlines_escalate"]) == (40, 40)
    assert totals["deadlines_missed_digests"] == digests
    assert totals.get("urgent_escalate", 0) <= 6  # the rest went through the queued tasks


def test_two_workers_sending_a_backlog_of_emails_send_each_once(database_url, smtp_server):
    # given: 30 notifications whose emails were never queued (only the sweeps send them)
    env = _child_env(database_url, smtp_server.port)
    _seed(env, near=0, breached=0, urgent=0, backlog=30)
    smtp_server.mailbox.pair_up = True

    command = _caredesk("worker", "--once", "--batch-size", "5")
    workers = [subprocess.Popen(command, env=env, stderr=subprocess.PIPE) for _ in range(2)]
    for worker in workers:
        _, err = worker.communicate(timeout=TIMEOUT)
        assert worker.returncode == 0, err

    assert _report(env)["email"] == {"sent": 30}
    assert len(smtp_server.mailbox.messages) == 30
    assert len(set(smtp_server.mailbox.message_ids())) == 30


def test_a_worker_killed_mid_sweep_then_run_again_gives_exactly_the_right_rows(
    database_url, smtp_server
):
    # given: 12 deadlines near; the mail server holds the 5th email until told
    env = _child_env(database_url, smtp_server.port)
    _seed(env, near=12, breached=0, urgent=0)
    mailbox = smtp_server.mailbox
    mailbox.hold_at = 5

    # when: the worker claims 2 at a time, emailing after each batch, and is killed
    # while the 5th email is being sent (its 3rd batch)
    worker = subprocess.Popen(
        _caredesk("worker", "--once", "--batch-size", "2"),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert mailbox.holding.wait(TIMEOUT), worker.communicate()
    worker.send_signal(signal.SIGKILL)
    worker.communicate(timeout=TIMEOUT)
    mailbox.release.set()

    # then: what it committed is whole: each claim has its notification and its event
    killed = _report(env)
    assert 0 < killed["warned"] < 12, "killed mid-sweep"
    assert sum(killed["notifications"].values()) == killed["warned"]
    assert killed["events"] == {"deadline_warning": killed["warned"]}
    assert killed["email"].get("sent") == 4
    assert killed["email"].get("sending") == 1
    assert len(mailbox.messages) == 4

    # when: a worker runs again once the dead worker's email claim is stale
    time.sleep(1.5)
    _run(_caredesk("worker", "--once", "--batch-size", "2", "--resend-after", "1"), env)

    # then: exactly one warning, one event and one email for each deadline
    result = _report(env)
    assert result["warned"] == 12
    assert result["notifications"] == {"deadline_near": 12}
    assert result["events"] == {"deadline_warning": 12}
    assert result["email"] == {"sent": 12}
    assert len(mailbox.messages) == 12
    assert len(set(mailbox.message_ids())) == 12


def test_sigterm_stops_a_running_worker_cleanly(database_url, smtp_server):
    env = _child_env(database_url, smtp_server.port)
    _seed(env, near=3, breached=0, urgent=0)
    worker = subprocess.Popen(
        _caredesk("worker", "--interval", "60", "--poll", "0.2"),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert worker.stdout is not None
    lines = [worker.stdout.readline() for _ in range(2)]  # started; the first sweep
    assert lines[0].startswith("Worker started")
    assert lines[1].startswith("Sweep: deadlines_warn 3 ")

    worker.send_signal(signal.SIGTERM)
    out, err = worker.communicate(timeout=30)

    assert worker.returncode == 0, err
    assert "finishing the work in hand, then stopping" in out
    assert out.rstrip().endswith("Worker stopped.")
    assert _report(env)["email"] == {"sent": 3}
