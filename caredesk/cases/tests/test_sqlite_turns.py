"""Two people, one case, on SQLite: there is no row lock, so the case page's actions
and the services run in `core.db.write_transaction` (BEGIN IMMEDIATE), and a second
writer waits for the first instead of failing "database is locked" (a server error).

The test database is in memory, which threads cannot share as two connections would a
file: the race copies it to a file, points the threads' connections at that, and
copies the outcome back. (The races on PostgreSQL: test_races.py.)"""

import html
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caredesk.cases.models import CaseStatus, Direction
from caredesk.cases.selectors import case_seen_get
from caredesk.conftest import StaffClient, customer_case

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own way of taking turns"),
]

ROUNDS = 10
WAIT = 30  # seconds


@contextmanager
def on_a_file(folder: Path) -> Iterator[None]:
    """While the test runs its threads: the database as a file, which each thread's own
    connection opens. After, what they did, back in the test's database."""
    connection.ensure_connection()
    memory = connection.connection
    file = folder / "caredesk.sqlite3"
    with sqlite3.connect(file) as copy:
        memory.backup(copy)
    name = connection.settings_dict["NAME"]  # the threads' connections read it too
    connection.settings_dict["NAME"] = str(file)
    try:
        yield
    finally:
        connection.settings_dict["NAME"] = name
        with sqlite3.connect(file) as copy:
            copy.backup(memory)


def test_the_case_page_takes_the_write_lock_before_it_reads_the_case(client, people, clock):
    case = customer_case(people, clock)
    client.force_login(people.officer)
    url = reverse("cases:finish", args=[case.reference])

    with CaptureQueriesContext(connection) as run:
        answer = client.post(
            url,
            {
                "status": "resolved",
                "outcome": "Fence repaired",
                "confirmed": "True",  # as the confirm page sends it
                "seen": case_seen_get(reference=case.reference),
            },
        )

    assert answer.status_code == 302
    statements = [query["sql"] for query in run.captured_queries]
    began = [at for at, sql in enumerate(statements) if sql.startswith("BEGIN")]
    assert began, "the action runs in a transaction"
    assert statements[began[0]] == "BEGIN IMMEDIATE"
    assert 'FROM "cases_case"' in statements[began[0] + 1]  # the case, read again


def test_two_officers_pressing_at_once_take_turns(people, clock, tmp_path):
    """Resolve against respond, each from the page as it was before either pressed: one
    is done, the other refused naming who resolved it; no "database is locked"."""
    clock.moment = clock.now() - timedelta(minutes=1)
    cases = [customer_case(people, clock) for _ in range(ROUNDS)]
    seen = {case.pk: case_seen_get(reference=case.reference) for case in cases}
    officer, teammate = StaffClient(), StaffClient()
    officer.force_login(people.officer)
    teammate.force_login(people.teammate)
    answers: list[tuple[str, int, str]] = []
    errors: list[BaseException] = []

    def press(who: Client, url: str, data: dict[str, str], barrier: threading.Barrier) -> None:
        try:
            barrier.wait(timeout=WAIT)
            answer = who.post(url, data)
            answers.append((url, answer.status_code, html.unescape(answer.content.decode())))
        except BaseException as error:  # "database is locked": the test reports it
            errors.append(error)
            barrier.abort()
        finally:
            connection.close()

    def race(case_pk: int, reference: str) -> None:
        barrier = threading.Barrier(2)
        presses = [
            threading.Thread(
                target=press,
                args=(
                    officer,
                    reverse("cases:respond", args=[reference]),
                    {"channel": "letter", "summary": "Fence Monday", "seen": str(seen[case_pk])},
                    barrier,
                ),
            ),
            threading.Thread(
                target=press,
                args=(
                    teammate,
                    reverse("cases:finish", args=[reference]),
                    {
                        "status": "resolved",
                        "outcome": "Fence repaired",
                        "confirmed": "True",  # as the confirm page sends it
                        "seen": str(seen[case_pk]),
                    },
                    barrier,
                ),
            ),
        ]
        for thread in presses:
            thread.start()
        for thread in presses:
            thread.join(WAIT)

    with on_a_file(tmp_path):
        for case in cases:
            race(case.pk, case.reference)

    assert errors == []
    assert len(answers) == 2 * ROUNDS
    for case in cases:
        case.refresh_from_db()
        ours = [a for a in answers if f"/{case.reference}/" in a[0]]
        codes = sorted(code for _, code, _ in ours)
        assert codes == [302, 400], ours
        responded = case.contacts.filter(direction=Direction.OUTBOUND, summary="Fence Monday")
        refused = next(page for _, code, page in ours if code == 400)
        if case.status == CaseStatus.RESOLVED:  # resolved first: the response refused
            assert not responded.exists()
            assert "This case was resolved by Tia Teammate at" in refused
        else:
            assert responded.exists()
            assert "A response to this case was recorded by Olu Officer at" in refused
