"""How a moment reads on the desk: in the desk's time zone (Europe/London), as
"Mon 7 Dec 2026, 14:05".

The date filter's "D j M Y, H:i" says the same; this costs a tenth as much, which counts
where a page shows one on every row of a list (a case's contacts and timeline).
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def when(moment: datetime | None) -> str:
    """The moment in the desk's time zone, "Mon 7 Dec 2026, 14:05"; "" for None."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    day, month = _DAYS[local.weekday()], _MONTHS[local.month - 1]
    return f"{day} {local.day} {month} {local.year}, {local.hour:02d}:{local.minute:02d}"
