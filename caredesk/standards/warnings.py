"""When to warn that a deadline is near: once only the warning time is left.

A policy says how near in its own words (`[escalation] warn_before = "1 working day"`,
or "4 hours" on one standard). The warning time of a deadline due at D is the earliest
moment t after its clock started from which that much time runs out at D or later:
`due_at(t, before) >= D`. The engine answers each question, so working days, office
hours and bank holidays count exactly as they do for the due time itself. A later start
is never due earlier, so a bisection finds t (to the second) in about 25 steps.

Plain Python, like the rest of the engine.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from caredesk.standards.calendar import WorkingCalendar
from caredesk.standards.durations import Duration
from caredesk.standards.engine import aware, due_at


def warning_time(
    *, starts: datetime, due: datetime, before: Duration, calendar: WorkingCalendar
) -> datetime | None:
    """The first moment at which only `before` is left until `due`.

    None when there is no such moment after `starts`: the whole deadline is shorter
    than the warning time (a 24-hour callback with a warning of 1 working day), so the
    officer is not warned; a breach is still escalated.
    """
    starts, due = aware(starts, calendar), aware(due, calendar)
    if due <= starts or due_at(starts, before, calendar) >= due:
        return None
    # due_at(starts + low) < due <= due_at(starts + high), in whole seconds.
    low, high = 0, max(1, int((due - starts).total_seconds()) + 1)
    while high - low > 1:
        middle = (low + high) // 2
        if due_at(starts + timedelta(seconds=middle), before, calendar) >= due:
            high = middle
        else:
            low = middle
    return starts + timedelta(seconds=high)
