"""How notices say things: times in the organisation's zone, counts in words."""

from __future__ import annotations

from datetime import datetime

from caredesk.standards import Policy


def when(moment: datetime, policy: Policy) -> str:
    """5:00pm on Monday 16 June 2025, in the organisation's time zone."""
    local = moment.astimezone(policy.working_calendar.zone)
    hour = local.hour % 12 or 12
    noon = "am" if local.hour < 12 else "pm"
    return f"{hour}:{local:%M}{noon} on {local:%A} {local.day} {local:%B %Y}"


def digest_message(count: int) -> str:
    """What a line manager's digest says: how many of the team's deadlines were missed."""
    if count == 1:
        return "1 deadline in your team was missed."
    return f"{count:,} deadlines in your team were missed."
