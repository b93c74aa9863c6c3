"""The transaction every claim runs in.

On PostgreSQL a plain transaction is enough: the conditional UPDATE that claims a row
waits for any other worker's UPDATE of the same row, then sees its result. SQLite
starts a transaction as a reader and upgrades it at the first write, and an upgrade
that meets another writer fails at once ("database is locked") instead of waiting. So
on SQLite a claim starts with BEGIN IMMEDIATE: it takes the write lock first, waiting
for it as long as the connection's timeout allows.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections, transaction


@contextmanager
def write_transaction(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    connection = connections[using]
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        with transaction.atomic(using=using):
            yield
        return
    if not hasattr(connection, "transaction_mode"):
        connection.get_connection_params()  # sets transaction_mode from OPTIONS
    previous = connection.transaction_mode  # type: ignore[attr-defined]
    connection.transaction_mode = "IMMEDIATE"  # type: ignore[attr-defined]
    try:
        with transaction.atomic(using=using):
            yield
    finally:
        connection.transaction_mode = previous  # type: ignore[attr-defined]
