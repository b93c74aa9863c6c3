"""Background tasks (django-tasks; `caredesk worker` runs them). Thin: they call services."""

from __future__ import annotations

from django_tasks import task

from caredesk.core.clock import system_clock
from caredesk.reporting.report_makers import report_file_make


@task()
def make_report_file(report_file_id: int) -> str | None:
    """Make a requested report's PDF, unless someone has (report_files)."""
    status = report_file_make(report_file_id=report_file_id, clock=system_clock)
    return None if status is None else status.value
