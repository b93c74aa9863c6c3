"""Writes that touch several tables take SQLite's write lock first
(`core.db.write_transaction`: BEGIN IMMEDIATE), so a second writer waits its turn rather
than failing "database is locked" halfway (cases/tests/test_sqlite_turns.py shows why)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from caredesk.customers.merging import customer_merge
from caredesk.customers.models import CustomerEventSource, CustomerType
from caredesk.customers.services import customer_create, customer_update
from caredesk.documents.snippets import snippet_save

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own way of taking turns"),
]


def began(write) -> list[str]:
    with CaptureQueriesContext(connection) as run:
        write()
    return [query["sql"] for query in run.captured_queries if query["sql"].startswith("BEGIN")]


def test_customer_writes_and_snippets_take_the_write_lock_first(people, clock):
    made = []
    assert began(
        lambda: made.append(
            customer_create(customer_type=CustomerType.TENANT, first_name="Ann", clock=clock)
        )
    ) == ["BEGIN IMMEDIATE"]
    other = customer_create(customer_type=CustomerType.TENANT, first_name="Anne", clock=clock)
    assert began(
        lambda: customer_update(
            customer=made[0],
            changes={"last_name": "Harris"},
            by=people.officer,
            source=CustomerEventSource.DESK,
            clock=clock,
        )
    ) == ["BEGIN IMMEDIATE"]
    assert began(
        lambda: customer_merge(keep=made[0], merge=other, by=people.officer, clock=clock)
    ) == ["BEGIN IMMEDIATE"]
    assert began(
        lambda: snippet_save(
            snippet=None, title="Thanks", text="Thank you.", by=people.administrator, clock=clock
        )
    ) == ["BEGIN IMMEDIATE"]
