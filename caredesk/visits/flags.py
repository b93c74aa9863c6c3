"""What is flagged before an appointment, on the booking page and the appointment page:
the officer's identity card for a home visit (Halton: "Identification will always be
shown to the customer on any home visit"), and an absence booked since that falls on the
appointment's day.

An absence is recorded in staff, which never imports visits: `absence_clashes_tell`
is registered with staff (`staff.services.absence_listener_register`) from
`VisitsConfig.ready()`, and called in the absence's transaction. The officer and their
line managers get one notice listing the booked appointments it clashes with, each
linked to its page, where the clash is shown.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.urls import reverse

from caredesk.core.active_policy import active_policy
from caredesk.notifications.models import NotificationKind
from caredesk.notifications.notices import notices_give
from caredesk.notifications.selectors import line_managers_list
from caredesk.staff.models import Absence, AbsenceKind, StaffMember
from caredesk.staff.services import may_manage_absences_of
from caredesk.visits.models import Appointment, AppointmentKind, AppointmentStatus


def day_said(day: date, today: date) -> str:
    """3 June; 3 June 2027 in another year."""
    return f"{day.day} {day:%B}" + (f" {day.year}" if day.year != today.year else "")


def id_card_flag(*, officer: StaffMember, visit_day: date, today: date) -> str:
    """Why `officer`'s identity card will not do for a home visit on `visit_day` ("" if it
    will): none recorded, expired, or expiring before the visit."""
    expires = officer.id_card_expires
    if not officer.id_card_number and expires is None:
        return (
            f"{officer} has no identity card recorded: an administrator records it on their "
            "account page before this visit."
        )
    if expires is None:
        return ""
    if expires < today:
        return (
            f"{officer}'s identity card expired on {day_said(expires, today)}: "
            "renew it before this visit."
        )
    if expires < visit_day:
        return (
            f"{officer}'s identity card expires on {day_said(expires, today)}, before this "
            "visit: renew it first."
        )
    return ""


def _local_day(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def appointment_flags(
    *, appointment: Appointment, viewer: StaffMember, now: datetime, zone: ZoneInfo
) -> list[str]:
    """What the appointment page warns of while it is booked: the identity card (a home
    visit) and an absence of the officer on its day."""
    if appointment.status != AppointmentStatus.BOOKED:
        return []
    day, today = _local_day(appointment.starts_at, zone), _local_day(now, zone)
    flags = []
    if appointment.kind == AppointmentKind.HOME_VISIT:
        card = id_card_flag(officer=appointment.officer, visit_day=day, today=today)
        if card:
            flags.append(card)
    away = Absence.objects.filter(
        staff=appointment.officer, first_day__lte=day, last_day__gte=day
    ).order_by("first_day", "pk")
    for absence in away:
        what = _away_said(absence, viewer)
        span = _span(absence, today)
        flags.append(f"Clashes with {appointment.officer}'s {what}, {span}: move it.")
    return flags


def _away_said(absence: Absence, viewer: StaffMember) -> str:
    """Why they are away, to those who may know it (as the absences page); else "time away"."""
    if absence.kind == AbsenceKind.OTHER or not may_manage_absences_of(
        by=viewer, staff=absence.staff
    ):
        return "time away"
    return str(absence.get_kind_display()).lower()


def _span(absence: Absence, today: date) -> str:
    if absence.first_day == absence.last_day:
        return day_said(absence.first_day, today)
    if (absence.first_day.year, absence.first_day.month) == (
        absence.last_day.year,
        absence.last_day.month,
    ):
        return f"{absence.first_day.day} to {day_said(absence.last_day, today)}"
    return f"{day_said(absence.first_day, today)} to {day_said(absence.last_day, today)}"


def clashing_appointments(*, absence: Absence, zone: ZoneInfo) -> list[Appointment]:
    """The officer's booked appointments on the absence's days (local days)."""
    starts = datetime.combine(absence.first_day, time(), tzinfo=zone)
    ends = datetime.combine(absence.last_day + timedelta(days=1), time(), tzinfo=zone)
    return list(
        Appointment.objects.filter(
            officer=absence.staff,
            status=AppointmentStatus.BOOKED,
            starts_at__gte=starts,
            starts_at__lt=ends,
        )
        .select_related("case")
        .order_by("starts_at", "pk")
    )


def absence_clashes_tell(absence: Absence) -> None:
    """Tell the officer and their line managers, in one notice each, of the booked
    appointments `absence` clashes with (nothing if none does). Staff calls it."""
    zone = active_policy().working_calendar.zone
    clashes = clashing_appointments(absence=absence, zone=zone)
    if not clashes:
        return
    officer = absence.staff
    today = _local_day(absence.recorded_at, zone)
    count = len(clashes)
    appointments = "1 booked appointment" if count == 1 else f"{count} booked appointments"
    what = "time away" if absence.kind == AbsenceKind.OTHER else absence.get_kind_display()
    message = (
        f"{officer}'s {str(what).lower()}, {_span(absence, today)}, clashes with "
        f"{appointments}: move {'it' if count == 1 else 'them'} or give "
        f"{'it' if count == 1 else 'them'} to someone else."
    )
    links = [
        (
            f"{appointment.starts_at.astimezone(zone):%A} "
            f"{day_said(_local_day(appointment.starts_at, zone), today)} at "
            f"{appointment.starts_at.astimezone(zone):%H:%M}: "
            f"{appointment.get_kind_display().lower()}, {appointment.case.reference}",
            reverse("visits:appointment", args=[appointment.pk]),
        )
        for appointment in clashes
    ]
    managers = line_managers_list(staff=officer, team=officer.team)
    notices_give(
        recipient_ids=[officer.pk, *(manager.pk for manager in managers)],
        kind=NotificationKind.APPOINTMENTS_CLASH,
        message=message,
        at=absence.recorded_at,
        links=links,
    )
