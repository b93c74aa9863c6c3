"""Changing staff records."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.db import transaction

from caredesk.core.clock import Clock, system_clock
from caredesk.errors import CaredeskError, NotAllowed
from caredesk.staff.models import Absence, AbsenceKind, Role, StaffMember
from caredesk.staff.permissions import Can, allowed
from caredesk.standards.calendar import FIRST_YEAR, LAST_YEAR

MAX_ABSENCE_DAYS = 2 * 366

# What apps above staff do when an absence is recorded (visits: flag the appointments it
# clashes with). Staff never imports them: they register here from AppConfig.ready().
AbsenceListener = Callable[[Absence], None]
_absence_listeners: list[AbsenceListener] = []


def absence_listener_register(listener: AbsenceListener) -> None:
    """`listener(absence)` is called for every absence recorded, in its transaction,
    once it is written. Call from AppConfig.ready()."""
    if listener not in _absence_listeners:
        _absence_listeners.append(listener)


class AbsenceError(CaredeskError):
    """An absence that cannot be recorded: its dates, its cover or who records it."""

    code = "absence_invalid"


def may_manage_absences_of(*, by: StaffMember, staff: StaffMember) -> bool:
    """Yourself; the people you line-manage; anyone, as an administrator."""
    if by.pk == staff.pk:
        return True
    if by.has_role(Role.ADMINISTRATOR):
        return True
    return staff.line_manager_id == by.pk and by.has_role(Role.LINE_MANAGER)


@transaction.atomic
def absence_record(
    *,
    staff: StaffMember,
    kind: AbsenceKind,
    first_day: date,
    last_day: date,
    by: StaffMember,
    cover: StaffMember | None = None,
    out_of_office_message: str = "",
    clock: Clock = system_clock,
) -> Absence:
    """Record an absence (Stonewall 2.10: an administrator may do so for others)."""
    if not may_manage_absences_of(by=by, staff=staff):
        raise NotAllowed("Only the person, their line manager or an administrator can do that.")
    if last_day < first_day:
        raise AbsenceError("The last day of an absence cannot be before its first day.")
    if cover is not None and cover.pk == staff.pk:
        raise AbsenceError("Someone cannot cover for themselves.")
    if cover is not None and not allowed(cover, Can.WORK_CASES):
        raise AbsenceError(f"{cover} cannot take casework, so cannot cover for {staff}.")
    earliest, latest = date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)
    if first_day < earliest or last_day > latest:
        raise AbsenceError(
            f"An absence must fall between {earliest:%-d %B %Y} and {latest:%-d %B %Y}."
        )
    if (last_day - first_day).days >= MAX_ABSENCE_DAYS:
        raise AbsenceError(
            "An absence can be at most two years long. For longer, record it again later."
        )
    absence = Absence.objects.create(
        staff=staff,
        kind=kind,
        first_day=first_day,
        last_day=last_day,
        cover=cover,
        out_of_office_message=out_of_office_message,
        recorded_by=by,
        recorded_at=clock.now(),
    )
    for listener in _absence_listeners:
        listener(absence)
    return absence
