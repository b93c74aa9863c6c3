"""The reception log: a visitor arrives, is acknowledged, and is seen (or leaves).

Halton's policy: anyone visiting an office should expect "to be acknowledged on arrival
and greeted by an identifiable member of staff", "to be seen within 5 minutes if they
have an appointment", "to be attended to within 5 minutes in any event", private
interviews on request and help to fill in forms. Stonewall's main office is by
appointment only: a visitor without one "will be asked to contact the organisation via
telephone to arrange an appointment".

A visit is a contact on the visit channel, received through `cases.intake` like any
other: it opens a case, or joins the one the visitor came about. The waits the policy
measures are its standards that start when a visitor arrives (`cases.rules`:
`events_on_arrival`, `standards_starting`), each a deadline of its own on the case
(`cases.task_deadlines.deadline_start`), given to the officer on duty at reception so the
worker warns them before it is missed; seeing the visitor meets them, and a visitor who
leaves first ends them (missed, if they had waited past the time).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.text import slugify

from caredesk.cases import rules
from caredesk.cases.intake import contact_receive
from caredesk.cases.models import UNFINISHED, Case, CaseKind, Channel, Deadline
from caredesk.cases.task_deadlines import deadline_end, deadline_meet, deadline_start
from caredesk.core.clock import Clock, read_once
from caredesk.core.db import write_transaction
from caredesk.customers.models import Customer
from caredesk.errors import CaredeskError, NotAllowed
from caredesk.staff.models import Office, StaffMember
from caredesk.staff.permissions import Can, allowed
from caredesk.standards import Policy
from caredesk.standards.policy import ClockEvent, Rule
from caredesk.visits.models import OfficeDetails, OfficeKind, Visit, VisitStatus

# How far back an arrival may be logged (a visitor logged after the rush), and ahead.
LATEST_LOGGED_AFTER = timedelta(hours=12)


class VisitError(CaredeskError):
    """A visit that cannot be logged or changed as asked."""

    code = "visit_invalid"


class VisitFinished(VisitError):
    """The visitor has already been seen, or has gone."""

    code = "visit_finished"


@dataclass(frozen=True)
class Asked:
    """What the visitor asks for at the desk."""

    private_room: bool = False
    forms_help: bool = False
    interpreter_language: str = ""


@dataclass(frozen=True)
class Given:
    """What the visitor was given of what they asked for (None: they did not ask)."""

    private_room: bool | None = None
    forms_help: bool | None = None
    interpreter: bool | None = None


def appointment_only(office: Office, policy: Policy) -> bool:
    """Whether visitors to this office need an appointment: the policy's rule (Stonewall
    2.3, 2.4) applies to offices, not to the offices in the houses or advice surgeries,
    which are open to callers at set times."""
    if not policy.has_rule(Rule.APPOINTMENT_ONLY_VISITS):
        return False
    details = OfficeDetails.objects.filter(office=office).only("kind").first()
    return details is None or details.kind == OfficeKind.OFFICE


def _require_desk(by: StaffMember) -> None:
    if not allowed(by, Can.WORK_CASES):
        raise NotAllowed("Only staff who take casework can keep the reception log.")


def _clock_starts(
    event: ClockEvent, *, arrived_at: datetime, appointment_at: datetime | None
) -> datetime:
    """When a visitor's wait starts for a standard that starts on `event`: the appointment
    time, or arrival if they came late; otherwise arrival."""
    if event == ClockEvent.APPOINTMENT_TIME and appointment_at is not None:
        return max(arrived_at, appointment_at)
    return arrived_at


@write_transaction()
def visitor_arrive(
    *,
    office: Office,
    visitor_name: str,
    reason: str,
    arrived_at: datetime,
    by: StaffMember,
    policy: Policy,
    clock: Clock,
    customer: Customer | None = None,
    case: Case | None = None,
    appointment_at: datetime | None = None,
    appointment_with: StaffMember | None = None,
    asked: Asked = Asked(),
) -> Visit:
    """Log a visitor arriving at `office`: a contact on `case` (the matter they came
    about) or on a new case, and the waits the policy measures, started."""
    _require_desk(by)
    clock = read_once(clock)
    now = clock.now()
    visitor_name = " ".join(visitor_name.split()) or (customer.name if customer else "")
    if not visitor_name:
        raise VisitError("Enter the visitor's name.")
    if arrived_at > now + timedelta(minutes=1):
        raise VisitError("A visitor cannot arrive in the future: enter when they arrived.")
    if arrived_at < now - LATEST_LOGGED_AFTER:
        raise VisitError("Log visitors the day they come: that arrival is more than 12 hours ago.")
    reason = " ".join(reason.split())
    details = f"Visit to {office.name}" + (f": {reason}" if reason else "")
    received = contact_receive(
        channel=Channel.VISIT,
        received_at=arrived_at,
        subject=(reason or f"Visit to {office.name}")[:200],
        summary=details,
        customer=customer,
        thread=case,
        kind=CaseKind.GENERAL_ENQUIRY,
        by=by,
        policy=policy,
        clock=clock,
    )
    visit = Visit.objects.create(
        office=office,
        case=received.case,
        contact=received.contact,
        visitor_name=visitor_name[:200],
        arrived_at=arrived_at,
        appointment_at=appointment_at,
        appointment_with=appointment_with,
        logged_by=by,
        private_room_asked=asked.private_room,
        forms_help_asked=asked.forms_help,
        interpreter_language=asked.interpreter_language.strip()[:60],
    )
    fired = rules.events_on_arrival(
        has_appointment=appointment_at is not None,
        appointment_only=appointment_only(office, policy),
    )
    standards = rules.standards_starting(
        policy=policy, kind=received.case.kind, channel=Channel.VISIT, events=fired
    )
    duty = OfficeDetails.objects.filter(office=office).values_list("duty_officer", flat=True)
    on_duty = StaffMember.objects.filter(pk__in=duty, is_active=True).first()
    for standard in standards:
        starts_at = _clock_starts(
            standard.starts, arrived_at=arrived_at, appointment_at=appointment_at
        )
        deadline = deadline_start(
            case=received.case,
            standard_key=standard.key,
            at=starts_at,
            by=by,
            policy=policy,
            clock=clock,
            assigned_to=on_duty or by,
        )
        visit.deadlines.add(deadline)
    return visit


def _waiting(visit: Visit) -> Visit:
    """The visit as it is now, locked; refused if the visitor has been seen or has gone."""
    current = Visit.objects.select_for_update().get(pk=visit.pk)
    if current.status != VisitStatus.WAITING:
        who = current.visitor_name
        raise VisitFinished(f"{who} is no longer waiting: {current.get_status_display().lower()}.")
    return current


@write_transaction()
def visitor_acknowledge(*, visit: Visit, by: StaffMember, clock: Clock) -> Visit:
    """Someone at the desk has greeted the visitor and said who they are."""
    _require_desk(by)
    visit = _waiting(visit)
    if visit.acknowledged_at is None:
        visit.acknowledged_at, visit.acknowledged_by = clock.now(), by
        visit.save(update_fields=["acknowledged_at", "acknowledged_by"])
    return visit


@write_transaction()
def visitor_see(
    *,
    visit: Visit,
    by: StaffMember,
    policy: Policy,
    clock: Clock,
    given: Given = Given(),
    exception: str = "",
) -> Visit:
    """The visitor is seen by `by`: their waits are met. At an office open by appointment
    only, a visitor without one is seen only as an exception, with the reason."""
    _require_desk(by)
    clock = read_once(clock)
    now = clock.now()
    visit = _waiting(visit)
    exception = " ".join(exception.split())
    if visit.appointment_at is None and appointment_only(visit.office, policy):
        if not exception:
            raise VisitError(
                f"{visit.office.name} is open by appointment only: say why you are seeing "
                "this visitor without one, or ask them to phone to arrange one."
            )
    else:
        exception = ""
    for deadline in _unfinished(visit):
        deadline_meet(deadline=deadline, at=now, by=by, policy=policy, clock=clock)
    visit.status, visit.finished_at, visit.seen_by = VisitStatus.SEEN, now, by
    visit.exception = exception[:300]
    visit.private_room_given = given.private_room if visit.private_room_asked else None
    visit.forms_help_given = given.forms_help if visit.forms_help_asked else None
    visit.interpreter_given = given.interpreter if visit.interpreter_language else None
    visit.save()
    return visit


@write_transaction()
def visitor_gone(
    *, visit: Visit, status: str, by: StaffMember, policy: Policy, clock: Clock
) -> Visit:
    """The visitor went without being seen: asked to phone to arrange an appointment (at
    an office open by appointment only), or left. A wait still running ends unmet: a
    miss if it had passed its time."""
    _require_desk(by)
    status = VisitStatus(status)
    if status not in (VisitStatus.ASKED_TO_BOOK, VisitStatus.LEFT):
        raise VisitError("A visitor who goes is either asked to book or has left.")
    clock = read_once(clock)
    now = clock.now()
    visit = _waiting(visit)
    if status == VisitStatus.ASKED_TO_BOOK and not appointment_only(visit.office, policy):
        raise VisitError(
            f"{visit.office.name} sees visitors without an appointment: see them, or record "
            "that they left."
        )
    why = status.label
    for deadline in _unfinished(visit):
        deadline_end(deadline=deadline, at=now, reason=why, by=by, policy=policy, clock=clock)
    visit.status, visit.finished_at = status, now
    visit.save(update_fields=["status", "finished_at"])
    return visit


def _unfinished(visit: Visit) -> list[Deadline]:
    return list(visit.deadlines.filter(status__in=UNFINISHED).select_related("case"))


def duty_officer_set(*, office: Office, officer: StaffMember, by: StaffMember) -> OfficeDetails:
    """`officer` is on duty at the office's reception: the worker tells them when a
    visitor's wait is near its time (the waits are theirs), from the next arrival on."""
    _require_desk(by)
    if not allowed(officer, Can.WORK_CASES):
        raise NotAllowed(f"{officer} does not take casework, so cannot be on duty at reception.")
    details, _ = OfficeDetails.objects.update_or_create(
        office=office,
        defaults={"duty_officer": officer},
        create_defaults={"duty_officer": officer, "slug": office_slug(office)},
    )
    return details


def office_slug(office: Office) -> str:
    """An office's public address by its name: "halton-lea"; unique (its id added if not)."""
    base = slugify(office.name)[:60] or "office"
    taken = OfficeDetails.objects.filter(slug=base).exclude(office=office).exists()
    return f"{base}-{office.pk}" if taken else base
