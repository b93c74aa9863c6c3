"""Background tasks for documents (django-tasks; `caredesk worker` runs them). Thin."""

from __future__ import annotations

from django_tasks import task

from caredesk.core.active_policy import active_policy
from caredesk.core.clock import system_clock
from caredesk.documents.services import letter_formats_make


@task()
def make_letter_formats(letter_id: int) -> list[str]:
    """Make the letter's formats that are not made yet. Returns what was made."""
    made = letter_formats_make(letter_id=letter_id, policy=active_policy(), clock=system_clock)
    return [f"{item.format}: {'made' if item.document else item.problem}" for item in made]
