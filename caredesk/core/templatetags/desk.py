from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Mapping[str, Any], key: str) -> Any:
    """`forms|get_item:name`: a dictionary value by a key held in a variable."""
    return mapping.get(key)
