"""Lone working on home visits: the officer checks out when they leave, and the worker
alerts on anyone not back.

An officer on a home visit is expected back by its end. On the appointment page (made
for a phone) they press "I have left the visit" (`appointment_check_out`: the officer,
or their line manager when the officer rings in). Until then the worker's sweep
(`lone_working_alerts`, listed in `visits.sweeps`) tells their line manager, on the desk
and by email, once the visit ended the policy's `[lone_working] alert_after` ago, and
again at `second_alert_after`; never after check-out.

Each alert is claimed before it is given (DESIGN.md 5.3): one conditional UPDATE of the
appointment's `lone_working_alerts` from the count the worker saw, in the transaction
that writes the notices; so of two workers only one alerts, and a worker killed before
it commits leaves the alert to the next pass. The candidates match the partial index
`home_visits_not_checked_out`. Nobody is alerted about a visit that ended more than
`GIVE_UP_AFTER` beyond the second alert: a visit never checked out last week (an
officer who forgot, or records from before this began) is not someone out alone now.

Who is told: the officer's line manager; with none (or none active), their team's line
managers (`notifications.selectors.line_managers_list`, as for a missed deadline); with
none of those either, the administrators, because someone must be.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.urls import reverse

from caredesk.core.clock import Clock, read_once
from caredesk.core.db import write_transaction
from caredesk.core.sweeps import Wanted
from caredesk.errors import CaredeskError, NotAllowed
from caredesk.notifications.models import NotificationKind
from caredesk.notifications.notices import notices_give
from caredesk.notifications.selectors import line_managers_list
from caredesk.staff.models import Role, StaffMember
from caredesk.standards import Duration, Policy
from caredesk.visits.models import Appointment, AppointmentKind, AppointmentStatus

# The partial index home_visits_not_checked_out, exactly.
NOT_CHECKED_OUT = Q(
    kind=AppointmentKind.HOME_VISIT,
    checked_out_at__isnull=True,
    status__in=[AppointmentStatus.BOOKED, AppointmentStatus.KEPT],
)
GIVE_UP_AFTER = timedelta(hours=12)


class CheckOutError(CaredeskError):
    """A check-out that cannot be recorded: not a home visit, not begun, or done already."""

    code = "appointment_check_out_invalid"


def _elapsed(duration: Duration) -> timedelta:
    return timedelta(microseconds=duration.amount * duration.unit.micros)


def alert_times(policy: Policy) -> tuple[timedelta, timedelta]:
    """How long after a visit's end the first and second alerts go."""
    settings = policy.lone_working
    return _elapsed(settings.alert_after), _elapsed(settings.second_alert_after)


def may_check_out(*, appointment: Appointment, by: StaffMember) -> bool:
    """The officer on the visit, or their line manager."""
    officer = appointment.officer
    return by.pk == officer.pk or (
        officer.line_manager_id == by.pk and by.has_role(Role.LINE_MANAGER)
    )


@write_transaction()
def appointment_check_out(
    *, appointment: Appointment, by: StaffMember, policy: Policy, clock: Clock
) -> Appointment:
    """The officer has left the home visit: nobody is alerted about it from now on."""
    clock = read_once(clock)
    now = clock.now()
    if not may_check_out(appointment=appointment, by=by):
        raise NotAllowed("Only the officer on the visit or their line manager can do that.")
    if appointment.kind != AppointmentKind.HOME_VISIT:
        raise CheckOutError("Only a home visit is checked out of.")
    zone = policy.working_calendar.zone
    if appointment.starts_at > now:
        raise CheckOutError(
            f"This visit starts at {appointment.starts_at.astimezone(zone):%H:%M}: "
            "check out when you leave it."
        )
    left = Appointment.objects.filter(
        NOT_CHECKED_OUT, pk=appointment.pk, starts_at__lte=now
    ).update(checked_out_at=now)
    current = Appointment.objects.get(pk=appointment.pk)
    if left != 1:
        if current.checked_out_at is not None:
            at = current.checked_out_at.astimezone(zone)
            raise CheckOutError(f"The officer already left this visit, at {at:%H:%M}.")
        raise CheckOutError(
            f"This visit is {current.get_status_display().lower()}: there is nothing to "
            "check out of."
        )
    return current


# -- the worker's sweep ------------------------------------------------------------------


def lone_working_due(*, now: datetime, policy: Policy) -> QuerySet[Appointment]:
    """Home visits not checked out whose next alert is due."""
    first, second = alert_times(policy)
    return Appointment.objects.filter(
        NOT_CHECKED_OUT,
        ends_at__lte=now - first,
        ends_at__gt=now - second - GIVE_UP_AFTER,
    ).filter(Q(lone_working_alerts=0) | Q(lone_working_alerts=1, ends_at__lte=now - second))


def lone_working_candidates(*, now: datetime, policy: Policy, wanted: Wanted) -> list[int]:
    due = lone_working_due(now=now, policy=policy)
    if wanted.skip:
        due = due.exclude(pk__in=wanted.skip)
    return list(due.order_by("ends_at", "pk").values_list("pk", flat=True)[: wanted.limit])


def lone_working_alert(*, appointment_id: int, now: datetime, policy: Policy) -> str | None:
    """Give the alert due for one home visit: "first" or "second" (None: none is due, or
    another worker gave it). Claimed first, in the transaction that writes the notices."""
    first, second = alert_times(policy)
    with write_transaction():
        seen = (
            Appointment.objects.filter(NOT_CHECKED_OUT, pk=appointment_id)
            .select_related("officer__line_manager", "officer__team", "case")
            .first()
        )
        if seen is None:
            return None
        late = now - seen.ends_at
        due = 2 if late >= second else 1 if late >= first else 0
        if due <= seen.lone_working_alerts or late > second + GIVE_UP_AFTER:
            return None
        claimed = Appointment.objects.filter(
            NOT_CHECKED_OUT, pk=appointment_id, lone_working_alerts=seen.lone_working_alerts
        ).update(lone_working_alerts=due)
        if claimed != 1:
            return None  # another worker alerted, or the officer checked out, meanwhile
        notices_give(
            recipient_ids=_told(seen.officer),
            kind=NotificationKind.LONE_WORKING if due == 1 else NotificationKind.LONE_WORKING_AGAIN,
            message=_message(seen, late, policy, again=seen.lone_working_alerts > 0),
            at=now,
            case=seen.case,
            links=[("The visit", reverse("visits:appointment", args=[seen.pk]))],
        )
    return "first" if due == 1 else "second"


def _told(officer: StaffMember) -> Sequence[int]:
    managers = line_managers_list(staff=officer, team=officer.team)
    if managers:
        return [manager.pk for manager in managers]
    administrators = StaffMember.objects.filter(
        is_active=True, groups__name=Role.ADMINISTRATOR.value
    ).exclude(pk=officer.pk)
    return list(administrators.distinct().order_by("pk").values_list("pk", flat=True))


def _message(appointment: Appointment, late: timedelta, policy: Policy, *, again: bool) -> str:
    zone = policy.working_calendar.zone
    minutes = int(late.total_seconds() // 60)
    officer = appointment.officer
    phone = f" Their phone: {officer.phone}." if officer.phone else ""
    return (
        f"{officer} has {'still ' if again else ''}not checked out of a home visit "
        f"({appointment.case.reference}) that was due to end at "
        f"{appointment.ends_at.astimezone(zone):%H:%M}, {minutes} minutes ago. Contact them "
        f"now, and follow the lone working procedure if you cannot.{phone}"
    )
