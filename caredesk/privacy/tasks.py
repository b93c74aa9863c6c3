"""Background tasks (django-tasks; `caredesk worker` runs them). Thin: they call services."""

from __future__ import annotations

from django_tasks import task

from caredesk.core.active_policy import active_policy
from caredesk.core.clock import system_clock
from caredesk.privacy.subject_access import export_make


@task()
def make_subject_access_export(subject_access_id: int) -> int | None:
    """Make a subject access request's ZIP, unless it was made already: its file count."""
    made = export_make(
        subject_access_id=subject_access_id,
        organisation=active_policy().organisation.name,
        clock=system_clock,
    )
    return None if made is None else made.files
