from __future__ import annotations

from datetime import datetime

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from caredesk.cases.display import due_status
from caredesk.cases.models import Deadline
from caredesk.standards import Policy

register = template.Library()


@register.simple_tag
def due_tag(deadline: Deadline, now: datetime, policy: Policy) -> SafeString:
    """The deadline's state as a tag with words, and its full due time for screen readers."""
    status = due_status(deadline, now=now, zone=policy.working_calendar.zone)
    return format_html(
        '<span class="tag tag--{}" title="{}">{}</span><span class="visually-hidden">. {}</span>',
        status.state,
        status.detail,
        status.label,
        status.detail,
    )


@register.filter
def standard_name(key: str, policy: Policy) -> str:
    return policy.standard_name(key)
