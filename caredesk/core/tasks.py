"""Queueing background work once the transaction that calls for it has committed."""

from __future__ import annotations

import logging

from django.db import DatabaseError, transaction
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


def enqueue_after_commit(task_path: str, *args: object) -> None:
    """Queue the task at `task_path` (caredesk.mail.tasks.send_outbound_email, say) with
    `args` once the current transaction commits. Named by its path because tasks modules
    import the services that call this.

    A queue that cannot be written to is logged, not raised: what was saved stands, and
    the worker's sweeps find the work again (every caller has such a sweep)."""

    def enqueue() -> None:
        try:
            import_string(task_path).enqueue(*args)
        except DatabaseError:
            logger.exception("Could not queue %s%s; the worker's sweep will do it", task_path, args)

    transaction.on_commit(enqueue)
