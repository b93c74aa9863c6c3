"""Appointments, at an office or at home: offering free times, booking, moving,
cancelling, and what happened (kept, missed, nobody in).

Halton's policy: appointments "made for a mutually convenient time and date", "with
specific officers ... on request", home visits "offered to customers if this is their
preference or they are unable to attend office due to illness or disability", and "if an
appointment can't be made or a wait for an appointment is unavoidable the customer will
be notified as soon as possible and an apology given": cancelling or moving one starts
the policy's standard for telling them (`appointment_changed`), met when we contact
them. A home visit where nobody was in leaves a calling card and starts the policy's
follow-up (`visit_no_access`). Stonewall's policy has neither standard: none starts.

Free times come from `visits.slots` over what the records say, read a fortnight at a
time so the usual answer (this week) reads little: who may see the customer (anyone who
takes casework, or the officer asked for; for a same-sex interview, those who said they
are available for one as a woman or a man), when each works (`OfficerHours`, else their
office's opening hours, else the policy's office hours), their absences, their booked
appointments, and the office's opening hours and closures.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet

from caredesk.cases import rules
from caredesk.cases.locks import case_lock
from caredesk.cases.models import Case, Channel, Direction
from caredesk.cases.services import contact_log
from caredesk.cases.task_deadlines import deadline_start
from caredesk.core.clock import Clock, read_once
from caredesk.core.db import write_transaction
from caredesk.documents.calling_cards import calling_card_leave
from caredesk.errors import CaredeskError, NotAllowed
from caredesk.staff.models import Absence, Office, StaffMember
from caredesk.staff.permissions import Can, allowed
from caredesk.staff.selectors import caseworkers_list
from caredesk.standards import Policy
from caredesk.standards.policy import ClockEvent
from caredesk.visits.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    HomeVisitWhy,
    OfficerHours,
    OpeningHours,
)
from caredesk.visits.offices import office_times
from caredesk.visits.slots import Minutes, Officer, Slot, free_slots
from caredesk.visits.telling import (
    LETTER,
    appointment_cancellation_tell,
    appointment_confirm,
    telling_channel,
)

# How much of the calendar is read at a time: a day first (the usual answer is today's),
# then more, up to a fortnight at a time.
CHUNKS = (timedelta(days=1), timedelta(days=2), timedelta(days=4), timedelta(days=7))
CHUNK = timedelta(days=14)
HORIZON = timedelta(days=92)  # how far ahead times are offered: about 3 months


class AppointmentError(CaredeskError):
    """An appointment that cannot be booked or changed as asked."""

    code = "appointment_invalid"


class SlotTaken(AppointmentError):
    """The time chosen was taken meanwhile (someone else booked the officer)."""

    code = "appointment_slot_taken"


@dataclass(frozen=True)
class Wanted:
    """What an appointment needs: its kind and length, where, with whom."""

    kind: str
    minutes: int
    office: Office | None = None
    officer: StaffMember | None = None  # asked for by name
    same_sex_as: str = ""  # "woman" or "man": the customer asked for a same-sex interview


def _minutes(starts: object, ends: object) -> Minutes:
    return (starts.hour * 60 + starts.minute, ends.hour * 60 + ends.minute)  # type: ignore[attr-defined]


def candidates_list(*, wanted: Wanted) -> QuerySet[StaffMember]:
    """Who may see the customer: the officer asked for, or anyone who takes casework (at
    the office, those based there); for a same-sex interview, only those available for
    one as the customer asked. By name (`_officers` puts the least booked first)."""
    people = caseworkers_list()
    if wanted.officer is not None:
        people = people.filter(pk=wanted.officer.pk)
    elif wanted.kind == AppointmentKind.OFFICE and wanted.office is not None:
        people = people.filter(office=wanted.office)
    if wanted.same_sex_as:
        people = people.filter(same_sex_interviews=True, interviews_as=wanted.same_sex_as)
    return people.order_by("first_name", "last_name", "pk")


def slots_offer(
    *, wanted: Wanted, policy: Policy, now: datetime, count: int = 10, step: int = 30
) -> list[Slot]:
    """The next `count` free times for `wanted`, from the next grid time after `now`,
    up to about three months ahead."""
    if wanted.kind == AppointmentKind.OFFICE and wanted.office is None:
        raise AppointmentError("Choose the office for the appointment.")
    people = list(candidates_list(wanted=wanted).only("pk", "office_id"))
    if not people:
        return []
    zone = policy.working_calendar.zone
    weeks = _working_weeks(people, policy)
    opening = None
    if wanted.kind == AppointmentKind.OFFICE and wanted.office is not None:
        times = office_times(wanted.office, policy)

        def opening(day):  # type: ignore[no-untyped-def]
            return [_minutes(opens, closes) for opens, closes in times.intervals_on(day)]

    found: list[Slot] = []
    start, until = now, now + HORIZON
    chunks = iter(CHUNKS)
    while start < until and len(found) < count:
        end = min(start + next(chunks, CHUNK), until)
        officers = _officers(people, weeks, start, end)
        found += free_slots(
            officers=officers,
            start=start,
            until=end,
            length=wanted.minutes,
            count=count - len(found),
            zone=zone,
            step=step,
            opening=opening,
        )
        start = end
    return found


def _working_weeks(
    people: Sequence[StaffMember], policy: Policy
) -> dict[int, dict[int, list[Minutes]]]:
    """Each person's working week: their own hours, else their office's, else the policy's."""
    own: dict[int, dict[int, list[Minutes]]] = defaultdict(lambda: defaultdict(list))
    for row in OfficerHours.objects.filter(staff__in=people).order_by("weekday", "starts"):
        own[row.staff_id][row.weekday].append(_minutes(row.starts, row.ends))
    offices: dict[int, dict[int, list[Minutes]]] = defaultdict(lambda: defaultdict(list))
    office_ids = {person.office_id for person in people if person.office_id}
    for hours in OpeningHours.objects.filter(office__in=office_ids).order_by("weekday", "opens"):
        offices[hours.office_id][hours.weekday].append(_minutes(hours.opens, hours.closes))
    calendar = policy.working_calendar
    default = {
        day: [(opens // 60, closes // 60) for opens, closes in calendar.office_hours.get(day, ())]
        for day in calendar.working_weekdays
    }
    weeks = {}
    for person in people:
        if person.pk in own:
            weeks[person.pk] = dict(own[person.pk])
        elif person.office_id in offices:
            weeks[person.pk] = dict(offices[person.office_id])
        else:
            weeks[person.pk] = default
    return weeks


def _officers(
    people: Sequence[StaffMember],
    weeks: dict[int, dict[int, list[Minutes]]],
    start: datetime,
    end: datetime,
) -> list[Officer]:
    """The people as the slot finder sees them from `start` to `end`: two queries."""
    away: dict[int, set] = defaultdict(set)  # type: ignore[type-arg]
    first, last = start.date() - timedelta(days=1), end.date() + timedelta(days=1)
    absences = Absence.objects.filter(
        staff__in=people, first_day__lte=last, last_day__gte=first
    ).values_list("staff_id", "first_day", "last_day")
    for staff_id, first_day, last_day in absences:
        day = max(first_day, first)
        while day <= min(last_day, last):
            away[staff_id].add(day)
            day += timedelta(days=1)
    busy: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    booked = Appointment.objects.filter(
        officer__in=people,
        status=AppointmentStatus.BOOKED,
        starts_at__lt=end,
        ends_at__gt=start,
    ).order_by("starts_at")
    for officer_id, starts_at, ends_at in booked.values_list("officer_id", "starts_at", "ends_at"):
        busy[officer_id].append((starts_at, ends_at))
    # the least booked in these days first, so that work is shared (then by name)
    ordered = sorted(people, key=lambda person: len(busy[person.pk]))
    return [
        Officer(person.pk, weeks[person.pk], frozenset(away[person.pk]), busy[person.pk])
        for person in ordered
    ]


# -- booking and changing ---------------------------------------------------------------


def _require_desk(by: StaffMember) -> None:
    if not allowed(by, Can.WORK_CASES):
        raise NotAllowed("Only staff who take casework can book appointments.")


@write_transaction()
def appointment_book(
    *,
    case: Case,
    wanted: Wanted,
    starts_at: datetime,
    officer: StaffMember,
    by: StaffMember,
    policy: Policy,
    clock: Clock,
    home_visit_why: str = "",
    interpreter_language: str = "",
) -> Appointment:
    """Book `officer` for the customer of `case` at `starts_at`, if that time is still
    one `slots_offer` would offer with them (nobody booked them meanwhile), and confirm
    it to the customer (visits.telling) in the same transaction."""
    appointment = _book(
        case=case,
        wanted=wanted,
        starts_at=starts_at,
        officer=officer,
        by=by,
        policy=policy,
        clock=clock,
        home_visit_why=home_visit_why,
        interpreter_language=interpreter_language,
    )
    appointment_confirm(appointment=appointment, by=by, policy=policy, clock=clock)
    return appointment


def _book(
    *,
    case: Case,
    wanted: Wanted,
    starts_at: datetime,
    officer: StaffMember,
    by: StaffMember,
    policy: Policy,
    clock: Clock,
    home_visit_why: str,
    interpreter_language: str,
) -> Appointment:
    _require_desk(by)
    clock = read_once(clock)
    now = clock.now()
    if starts_at <= now:
        raise AppointmentError("Choose a time that has not passed.")
    if wanted.kind == AppointmentKind.HOME_VISIT and not home_visit_why:
        raise AppointmentError("Say why the customer needs a home visit.")
    if home_visit_why:
        HomeVisitWhy(home_visit_why)
    case_lock(case=case, now=now, policy=policy)
    # the officer's row locked: two bookings of one officer take turns
    StaffMember.objects.select_for_update().filter(pk=officer.pk).first()
    free = slots_offer(
        wanted=Wanted(wanted.kind, wanted.minutes, wanted.office, officer, wanted.same_sex_as),
        policy=policy,
        now=starts_at - timedelta(seconds=1),
        count=1,
        step=1,
    )
    if not free or free[0].starts != starts_at:
        local = starts_at.astimezone(policy.working_calendar.zone)
        raise SlotTaken(
            f"{officer} is no longer free at {local:%H:%M on %d %B}: choose another time."
        )
    return Appointment.objects.create(
        case=case,
        officer=officer,
        kind=wanted.kind,
        office=wanted.office if wanted.kind == AppointmentKind.OFFICE else None,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=wanted.minutes),
        officer_asked_for=wanted.officer is not None,
        home_visit_why=home_visit_why if wanted.kind == AppointmentKind.HOME_VISIT else "",
        same_sex_asked=bool(wanted.same_sex_as),
        interpreter_language=" ".join(interpreter_language.split())[:60],
        booked_by=by,
        booked_at=now,
    )


def _changing(appointment: Appointment) -> Appointment:
    current = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if current.status != AppointmentStatus.BOOKED:
        raise AppointmentError(
            f"This appointment is already {current.get_status_display().lower()}."
        )
    return current


def _channel(appointment: Appointment) -> str:
    return Channel.HOME_VISIT if appointment.kind == AppointmentKind.HOME_VISIT else Channel.VISIT


def _start_standards(
    appointment: Appointment,
    fired: frozenset[ClockEvent],
    by: StaffMember,
    policy: Policy,
    clock: Clock,
) -> None:
    case = appointment.case
    for standard in rules.standards_starting(
        policy=policy, kind=case.kind, channel=_channel(appointment), events=fired
    ):
        deadline_start(
            case=case,
            standard_key=standard.key,
            at=clock.now(),
            by=by,
            policy=policy,
            clock=clock,
            assigned_to=appointment.officer,
        )


@write_transaction()
def appointment_cancel(
    *,
    appointment: Appointment,
    reason: str,
    by: StaffMember,
    policy: Policy,
    clock: Clock,
    told_now: bool = False,
) -> Appointment:
    """We cancel the appointment: the customer is owed word of it with an apology (the
    policy's standard starts), met at once if they were told now (a call, recorded), or
    by the email or letter that tells them (visits.telling)."""
    _require_desk(by)
    clock = read_once(clock)
    reason = " ".join(reason.split())
    if not reason:
        raise AppointmentError("Say why the appointment is cancelled.")
    case_lock(case=appointment.case, now=clock.now(), policy=policy)
    appointment = _changing(appointment)
    appointment.status = AppointmentStatus.CANCELLED
    appointment.changed_at, appointment.change_reason = clock.now(), reason[:300]
    appointment.save(update_fields=["status", "changed_at", "change_reason"])
    posted = _by_post(appointment.case)
    if posted:
        appointment_cancellation_tell(appointment=appointment, by=by, policy=policy, clock=clock)
    _start_standards(appointment, rules.events_on_appointment_change(), by, policy, clock)
    if told_now:
        said = f"Told the appointment is cancelled, with an apology: {reason}"
        _tell(appointment, said, by=by, policy=policy, clock=clock)
    if not posted:
        appointment_cancellation_tell(appointment=appointment, by=by, policy=policy, clock=clock)
    return appointment


def _by_post(case: Case) -> bool:
    """The customer is told by letter. A letter reaches them days later, not "as soon as
    possible": it is written before the policy's standard of telling them starts, so it
    does not meet it and the officer still owes the call. An email, there at once with
    its apology, is sent after, and meets it (any contact we make does)."""
    return telling_channel(case.customer) == LETTER


@write_transaction()
def appointment_move(
    *,
    appointment: Appointment,
    starts_at: datetime,
    officer: StaffMember,
    reason: str,
    by: StaffMember,
    policy: Policy,
    clock: Clock,
    told_now: bool = False,
    ours: bool = True,
) -> Appointment:
    """Move the appointment to `starts_at` with `officer`: a new appointment, the old
    one pointing at it, confirmed to the customer (visits.telling: the same event in
    their calendar). When we move it (`ours`), the customer is owed word of it with an
    apology, which the confirmation gives; when they asked for the move, they know."""
    _require_desk(by)
    clock = read_once(clock)
    reason = " ".join(reason.split())
    if not reason:
        raise AppointmentError("Say why the appointment is moved.")
    case_lock(case=appointment.case, now=clock.now(), policy=policy)
    old = _changing(appointment)
    old.status = AppointmentStatus.MOVED  # frees its time before the new one is checked
    old.save(update_fields=["status"])
    wanted = Wanted(
        old.kind,
        int((old.ends_at - old.starts_at).total_seconds() // 60),
        old.office,
        officer if old.officer_asked_for or officer != old.officer else None,
        "",
    )
    new = _book(
        case=old.case,
        wanted=wanted,
        starts_at=starts_at,
        officer=officer,
        by=by,
        policy=policy,
        clock=clock,
        home_visit_why=old.home_visit_why,
        interpreter_language=old.interpreter_language,
    )
    new.same_sex_asked = old.same_sex_asked
    new.officer_asked_for = old.officer_asked_for
    new.save(update_fields=["same_sex_asked", "officer_asked_for"])
    old.moved_to, old.changed_at, old.change_reason = new, clock.now(), reason[:300]
    old.save(update_fields=["moved_to", "changed_at", "change_reason"])
    posted = _by_post(old.case)
    if posted:
        _confirm_move(new, ours, reason, by, policy, clock)
    if ours:
        _start_standards(old, rules.events_on_appointment_change(), by, policy, clock)
    if ours and told_now:
        zone = policy.working_calendar.zone
        when = f"{starts_at.astimezone(zone):%A %d %B at %H:%M}"
        said = f"Told the appointment is moved to {when}, with an apology: {reason}"
        _tell(old, said, by=by, policy=policy, clock=clock)
    if not posted:
        _confirm_move(new, ours, reason, by, policy, clock)
    return new


def _confirm_move(
    new: Appointment, ours: bool, reason: str, by: StaffMember, policy: Policy, clock: Clock
) -> None:
    """The new time confirmed, saying sorry (and why) when we moved it."""
    appointment_confirm(
        appointment=new,
        by=by,
        policy=policy,
        clock=clock,
        moved=True,
        sorry=ours,
        reason=reason if ours else "",
    )


def _tell(
    appointment: Appointment, summary: str, *, by: StaffMember, policy: Policy, clock: Clock
) -> None:
    """A call to the customer, recorded on the case: it meets the standard of telling them."""
    contact_log(
        case=appointment.case,
        channel=Channel.PHONE,
        direction=Direction.OUTBOUND,
        by=by,
        summary=summary,
        policy=policy,
        clock=clock,
    )


@write_transaction()
def appointment_outcome(
    *,
    appointment: Appointment,
    status: str,
    by: StaffMember,
    policy: Policy,
    clock: Clock,
    summary: str = "",
    id_shown: bool | None = None,
) -> Appointment:
    """What happened at the time: kept (a contact on the case: the customer came in, or we
    saw them at home), missed (they did not come), or, for a home visit, nobody was in:
    a calling card is left (documents.calling_cards) and the policy's follow-up starts.
    For a home visit, `id_shown`: whether the officer showed their identity card (the
    page asks it, kept or nobody in; None: not said)."""
    _require_desk(by)
    status = AppointmentStatus(status)
    clock = read_once(clock)
    now = clock.now()
    if status not in (
        AppointmentStatus.KEPT,
        AppointmentStatus.MISSED,
        AppointmentStatus.NO_ACCESS,
    ):
        raise AppointmentError("An appointment is kept, missed, or nobody was in.")
    if appointment.starts_at > now:
        raise AppointmentError("Record what happened once the appointment's time has come.")
    if status == AppointmentStatus.NO_ACCESS and appointment.kind != AppointmentKind.HOME_VISIT:
        raise AppointmentError("Nobody in is for home visits: at the office, they missed it.")
    if id_shown is not None and appointment.kind != AppointmentKind.HOME_VISIT:
        raise AppointmentError("Whether identification was shown is asked of home visits.")
    case_lock(case=appointment.case, now=now, policy=policy)
    appointment = _changing(appointment)
    appointment.status, appointment.changed_at = status, now
    appointment.id_shown = id_shown
    appointment.save(update_fields=["status", "changed_at", "id_shown"])
    home = appointment.kind == AppointmentKind.HOME_VISIT
    if status == AppointmentStatus.KEPT:
        contact_log(
            case=appointment.case,
            channel=_channel(appointment),
            direction=Direction.OUTBOUND if home else Direction.INBOUND,
            by=by,
            summary=" ".join(summary.split()) or f"{appointment.get_kind_display()}: kept",
            at=appointment.starts_at,
            policy=policy,
            clock=clock,
        )
    elif status == AppointmentStatus.NO_ACCESS:
        calling_card_leave(
            case=appointment.case,
            visited_at=appointment.starts_at,
            by=by,
            policy=policy,
            clock=clock,
        )
        _start_standards(appointment, rules.events_on_no_access(), by, policy, clock)
    return appointment
