"""{% snippet_picker case %}: "Insert a snippet" in a reply form (documents/snippet_picker.html)."""

from __future__ import annotations

from typing import Any

from django import template

from caredesk.cases.models import Case
from caredesk.documents.snippets import snippets_list

register = template.Library()


@register.inclusion_tag("documents/snippet_picker.html")
def snippet_picker(case: Case, target: str = "id_draft") -> dict[str, Any]:
    return {"case": case, "snippets": list(snippets_list()), "target": target}
