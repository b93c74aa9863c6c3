"""The transaction every claim runs in, and claiming rows in sets.

On PostgreSQL a plain transaction is enough: the conditional UPDATE that claims a row
waits for any other worker's UPDATE of the same row, then sees its result. SQLite
starts a transaction as a reader and upgrades it at the first write, and an upgrade
that meets another writer fails at once ("database is locked") instead of waiting. So
on SQLite a claim starts with BEGIN IMMEDIATE: it takes the write lock first, waiting
for it as long as the connection's timeout allows.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import QuerySet


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


def rows_claim(
    candidates: QuerySet[Any],
    *,
    order: Sequence[str],
    limit: int | None,
    values: Mapping[str, Any],
) -> list[int]:
    """Claim up to `limit` of `candidates` (all if None), first in `order`, in one
    statement: set `values` on them, so that they leave the candidates; their ids.

        UPDATE t SET mark = %s WHERE id IN (
            SELECT id FROM t WHERE <candidates> ORDER BY ... LIMIT n FOR UPDATE SKIP LOCKED
        ) RETURNING id

    On PostgreSQL, rows another worker holds are skipped, and a row another worker
    claimed and committed meanwhile is checked again against the candidates' condition
    (which what `values` sets must falsify) and left out: two workers never claim the
    same row. SQLite has no row locks: run it in `write_transaction`, which takes the
    database's write lock first, so the subquery sees every claim committed before it.
    Call it inside a transaction: the rows stay claimed only if it commits."""
    model = candidates.model
    connection = connections[candidates.db]
    chosen = candidates.order_by(*order).values("pk")
    if limit is not None:
        chosen = chosen[:limit]
    if connection.features.has_select_for_update_skip_locked:
        chosen = chosen.select_for_update(skip_locked=True)
    chosen_sql, params = chosen.query.get_compiler(using=candidates.db).as_sql()
    quote = connection.ops.quote_name
    assignments: list[str] = []
    assigned: list[Any] = []
    for name, value in values.items():
        field = model._meta.get_field(name)
        assignments.append(f"{quote(field.column)} = %s")
        assigned.append(field.get_db_prep_save(value, connection=connection))
    pk = quote(model._meta.pk.column)
    statement = (
        f"UPDATE {quote(model._meta.db_table)} SET {', '.join(assignments)} "
        f"WHERE {pk} IN ({chosen_sql}) RETURNING {pk}"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*assigned, *params])
        return sorted(int(row[0]) for row in cursor.fetchall())
