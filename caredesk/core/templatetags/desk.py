from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django import template
from django.forms import BaseForm

from caredesk.core import local_time, navigation

register = template.Library()


@register.filter
def when(moment: datetime | None) -> str:
    """`{{ at|when }}`: "Mon 7 Dec 2026, 14:05" in the desk's time zone (core.local_time)."""
    return local_time.when(moment)


@register.filter
def get_item(mapping: Mapping[str, Any], key: str) -> Any:
    """`forms|get_item:name`: a dictionary value by a key held in a variable."""
    return mapping.get(key)


def _forms_in(value: Any) -> list[BaseForm]:
    if isinstance(value, BaseForm):
        return [value]
    if isinstance(value, Mapping):
        return [item for item in value.values() if isinstance(item, BaseForm)]
    if isinstance(value, list | tuple):
        return [item for item in value if isinstance(item, BaseForm)]
    return []


@register.simple_tag
def refused_forms(errors_of: Any, form: Any) -> list[BaseForm]:
    """What core/error_summary.html lists: the forms of `errors_of` (a list or dictionary
    of forms), or else the page's `form`, that were sent and refused. Either may be
    missing from the page's context."""
    forms = _forms_in(errors_of) if errors_of else _forms_in(form)
    return [each for each in forms if each.is_bound and each.errors]


@register.simple_tag(takes_context=True)
def page_has_errors(context: template.Context) -> bool:
    """Whether a form on this page was sent and refused: the title then starts "Error: ".

    It looks at every form the view gave the template, directly or in a dictionary or a
    list (the case page's action forms), and only at forms already checked: it never
    runs a form's checks itself. A view can also say so with `has_errors`.
    """
    if context.get("has_errors"):
        return True
    for layer in context.dicts:
        for value in layer.values():
            for form in _forms_in(value):
                checked = getattr(form, "_errors", None)  # None until its checks ran
                if form.is_bound and checked:
                    return True
    return False


@register.simple_tag(takes_context=True)
def main_menu(context: template.Context) -> str:
    """The main menu's links for the signed-in person (core.navigation)."""
    request = context.get("request")
    resolved = getattr(request, "resolver_match", None)
    flags: dict[str, Any] = {str(name): value for name, value in context.flatten().items()}
    return navigation.menu_html(flags, resolved, context.get("unread_notifications") or 0)


@register.simple_tag
def address(view: str) -> str:
    """`{% address 'staff:home' %}`: a page's address that takes no arguments, reversed
    once per process (core.navigation.address)."""
    return navigation.address(view)
