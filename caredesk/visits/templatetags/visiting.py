from __future__ import annotations

from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def minutes(waited: timedelta) -> str:
    """How long someone has waited, as reception says it: "under a minute", "1 minute",
    "14 minutes", "1 hour 5 minutes"."""
    total = int(waited.total_seconds() // 60)
    if total < 1:
        return "Under a minute"
    hours, mins = divmod(total, 60)
    said = []
    if hours:
        said.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if mins or not hours:
        said.append(f"{mins} minute{'s' if mins != 1 else ''}")
    return " ".join(said)
