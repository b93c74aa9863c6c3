"""A database busy for a moment, for real: another connection holds the write lock that
receiving an email needs, and this one waits only a moment for it (on SQLite the busy
timeout, giving "database is locked"; on PostgreSQL lock_timeout, on the cases table).

The other connection lets go as soon as a statement of this one has failed for it, as a
passing lock does: whatever runs after the failure (parking the email, say) finds the
database free again."""

from __future__ import annotations

import sqlite3
from contextlib import ExitStack
from typing import Any

import psycopg
from django.db import OperationalError, connection

from caredesk.cases.models import Case


class BusyDatabase:
    def __init__(self) -> None:
        self._other: Any = None
        self._stack = ExitStack()
        self.failed = 0  # statements that failed for the lock

    def hold(self) -> None:
        settings = connection.settings_dict
        connection.ensure_connection()
        if connection.vendor == "sqlite":
            name = str(settings["NAME"])
            self._other = sqlite3.connect(
                name, uri=name.startswith("file:"), isolation_level=None, timeout=0.1
            )
            self._other.execute("BEGIN IMMEDIATE")  # the write lock, held
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA busy_timeout = 100")
        else:
            self._other = psycopg.connect(
                dbname=settings["NAME"],
                user=settings["USER"],
                password=settings["PASSWORD"] or None,
                host=settings["HOST"] or None,
                port=settings["PORT"] or None,
            )
            self._other.execute(f'LOCK TABLE "{Case._meta.db_table}" IN EXCLUSIVE MODE')
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '200ms'")
        self._stack.enter_context(connection.execute_wrapper(self._let_go_on_failure))

    def _let_go_on_failure(
        self, execute: Any, sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        try:
            return execute(sql, params, many, context)
        except OperationalError:
            self.failed += 1
            self._let_go()
            raise

    def _let_go(self) -> None:
        if self._other is None:
            return
        if connection.vendor == "sqlite":
            self._other.execute("ROLLBACK")
        else:
            self._other.rollback()
        self._other.close()
        self._other = None

    def release(self) -> None:
        self._stack.close()
        self._let_go()
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA busy_timeout = 5000")
            else:
                cursor.execute("RESET lock_timeout")

    def __enter__(self) -> BusyDatabase:
        self.hold()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
