"""Background tasks (django-tasks; `caredesk worker` runs them). Thin: they call services."""

from __future__ import annotations

from django_tasks import task

from caredesk.core.active_policy import active_policy
from caredesk.core.clock import system_clock
from caredesk.telephony.uploads import call_upload_import


@task()
def import_calls_file(import_id: int, upload: str) -> str | None:
    """Import a file sent from the desk or the API (kept in var/call-imports/<upload>/).

    Returns the import's status (done or failed), or None if the import was deleted.
    Safe to run twice: the import skips calls already here.
    """
    record = call_upload_import(
        import_id=import_id, folder_name=upload, policy=active_policy(), clock=system_clock
    )
    return None if record is None else record.status
