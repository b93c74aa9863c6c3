"""Queued tasks reuse the worker's database connection.

django-tasks' loop calls `close_old_connections()` before and after each task. With
Django's default CONN_MAX_AGE (0) that closes the connection every time, so each task
(each email) opened a new one: 3,053 PostgreSQL connections for 3,018 escalations in one
profile. The worker keeps its connections (`connections_keep`, as `caredesk worker`
does). Measured on PostgreSQL; SQLite's test database is in memory, and Django never
closes that, so there the count is 0 either way.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection, connections
from django.db.backends.signals import connection_created
from django_tasks_db.models import DBTaskResult

from caredesk.notifications.tasks import send_notification_email
from caredesk.notifications.tests.helpers import HALTON
from caredesk.worker.loop import Worker, connections_keep

TASKS = 20


@pytest.fixture
def settings_restored() -> Iterator[None]:
    kept = {alias: dict(connections[alias].settings_dict) for alias in connections}
    yield
    for alias, settings_dict in kept.items():
        connections[alias].close()
        connections[alias].settings_dict.clear()
        connections[alias].settings_dict.update(settings_dict)


def connections_opened_running(clock, tasks: int) -> int:
    for _ in range(tasks):
        send_notification_email.enqueue(999_999)  # no such notification: nothing to send
    opened: list[str] = []

    def count(sender: object, connection: object, **kwargs: object) -> None:
        opened.append("opened")

    worker = Worker(clock=clock, policy=HALTON, worker_id="t", sweeps=[], report=lambda line: None)
    connection_created.connect(count)
    try:
        worker.run_once()
    finally:
        connection_created.disconnect(count)
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == tasks
    return len(opened)


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_its_tasks_on_one_connection(clock, settings_restored):
    connections_keep()

    opened = connections_opened_running(clock, TASKS)

    assert opened <= 1  # at most the one it started with, if that had been closed


@pytest.mark.django_db(transaction=True)
def test_without_it_each_task_opened_a_connection(clock, settings_restored):
    if connection.vendor != "postgresql":
        pytest.skip("Django never closes SQLite's in-memory test database")
    connections["default"].settings_dict["CONN_MAX_AGE"] = 0  # Django's default

    opened = connections_opened_running(clock, TASKS)

    assert opened >= TASKS
