"""Telling the customer of their appointment: a confirmation when it is booked or moved,
a reminder the day before, and word when we cancel it.

By the channel their record asks for (`telling_channel`): email if they prefer email
and have an address, else a letter to their home (made in their accessible format and,
for a language other than English, asked for in translation, as every letter is:
documents.services.letter_send), else an email if that is all we have. An email carries
an iCalendar invitation (visits.invitations), a cancellation its CANCEL. Each is
recorded as an outbound contact on the case, as letters and emails are: so the message
that tells the customer of a change we made meets the policy's standard of telling them
(`appointment_changed`), and it says sorry.

A customer we cannot reach (no customer on the case, or no address and no email on
their record) is told nothing and nothing is recorded; the appointment page says so
(`not_told_reason`). Writing that fails (a letter its signatory cannot sign, an edited
template that no longer fills in) never undoes the booking: it is logged, and the
appointment stays not told.

The confirmation is written in the booking's own transaction (visits.appointments), so
the appointment and the word of it commit together; the email is sent once the
transaction commits (mail's OutboundEmail, through documents.emailing).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, time, timedelta
from email.utils import getaddresses
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.db.models import QuerySet

from caredesk.cases.models import Case, Channel, Direction
from caredesk.cases.services import contact_log
from caredesk.core.clock import Clock, FixedClock
from caredesk.core.db import rows_claim
from caredesk.core.sweeps import Done, Wanted
from caredesk.customers.models import ContactChannel, Customer
from caredesk.documents.calling_cards import visit_time
from caredesk.documents.emailing import CustomerEmail, customer_email_queue
from caredesk.documents.letters import long_day
from caredesk.documents.models import DocumentKind, Medium
from caredesk.documents.rendering import document_render
from caredesk.documents.services import letter_send
from caredesk.documents.values import address_lines, case_values
from caredesk.errors import CaredeskError
from caredesk.staff.models import StaffMember
from caredesk.standards import Policy
from caredesk.visits.invitations import (
    Invitation,
    first_of_chain,
    invitation_ical,
    invitation_uid,
)
from caredesk.visits.models import Appointment, AppointmentKind, AppointmentStatus

logger = logging.getLogger(__name__)

EMAIL, LETTER = "email", "letter"
NO_CUSTOMER = "Not told: the case has no customer"
NO_WAY = "Not told: no address or email on their record"
REMIND_FROM = time(8)  # reminders go from 8am the day before, not at midnight


# -- how ----------------------------------------------------------------------------------


def telling_channel(customer: Customer | None) -> str:
    """EMAIL if they prefer email and have an address; else LETTER if they have a postal
    address; else EMAIL if they have an address to write to; else "" (no way)."""
    if customer is None:
        return ""
    if customer.preferred_channel == ContactChannel.EMAIL and customer.email:
        return EMAIL
    if address_lines(customer.address, customer.postcode):
        return LETTER
    return EMAIL if customer.email else ""


def not_told_reason(case: Case) -> str:
    """Why an appointment of `case` could not be told to the customer, as the page says
    it ("" if they can be reached now)."""
    if case.customer is None:
        return NO_CUSTOMER
    return "" if telling_channel(case.customer) else NO_WAY


def _length(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    said = [f"{hours} hour{'s' if hours != 1 else ''}"] if hours else []
    said += [f"{rest} minutes"] if rest or not hours else []
    return " ".join(said)


def appointment_values(
    appointment: Appointment,
    policy: Policy,
    *,
    moved: bool = False,
    sorry: bool = False,
    reason: str = "",
) -> dict[str, Any]:
    """What the appointment templates are given: the case's values (the organisation's
    phone to call, else the officer's) and the appointment's, as plain words."""
    zone = policy.working_calendar.zone
    starts = appointment.starts_at.astimezone(zone)
    office = appointment.office
    minutes = int((appointment.ends_at - appointment.starts_at).total_seconds() // 60)
    home = appointment.kind == AppointmentKind.HOME_VISIT
    direct = not policy.organisation.phone
    values = case_values(
        appointment.case, policy, officer=appointment.officer, direct_contact=direct
    )
    values["appointment"] = {
        "date": long_day(starts.date()),
        "time": visit_time(appointment.starts_at, policy),
        "length": _length(minutes),
        "officer": appointment.officer.get_full_name() or str(appointment.officer),
        "home_visit": "yes" if home else "",
        "place": "" if home or office is None else office.name,
        "address": "" if home or office is None else ", ".join(address_lines(office.address, "")),
        "interpreter": appointment.interpreter_language,
        "moved": "yes" if moved else "",
        "sorry": "yes" if sorry else "",
        "reason": _sentence(reason),
    }
    return values


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if not text or text[-1] in ".!?" else f"{text}."


# -- telling --------------------------------------------------------------------------------


def appointment_confirm(
    *,
    appointment: Appointment,
    by: StaffMember,
    policy: Policy,
    clock: Clock,
    moved: bool = False,
    sorry: bool = False,
    reason: str = "",
) -> str:
    """Confirm a booked (or moved) appointment to the customer, in the caller's
    transaction; `confirmed_at` is set if it went. One booked for today or tomorrow is
    also taken as reminded: the confirmation is the reminder. What happened, in words."""
    now = clock.now()
    values = appointment_values(appointment, policy, moved=moved, sorry=sorry, reason=reason)
    said = _tell(appointment, DocumentKind.APPOINTMENT_CONFIRMATION, values, by, policy, now)
    if said.startswith("Not told"):
        return said
    appointment.confirmed_at = now
    fields = ["confirmed_at"]
    if appointment.starts_at < _day_starts(now, policy, days=2):
        appointment.reminded_at = now
        fields.append("reminded_at")
    appointment.save(update_fields=fields)
    return said


def appointment_cancellation_tell(
    *, appointment: Appointment, by: StaffMember, policy: Policy, clock: Clock
) -> str:
    """Tell the customer we cancelled their appointment, with an apology and the reason
    (an email's invitation is cancelled in their calendar)."""
    values = appointment_values(appointment, policy, sorry=True, reason=appointment.change_reason)
    kind = DocumentKind.APPOINTMENT_CANCELLATION
    return _tell(appointment, kind, values, by, policy, clock.now())


def appointment_remind(*, appointment: Appointment, policy: Policy, now: datetime) -> str:
    """The reminder the day before, in the name of the officer the customer will see.
    (The worker has claimed it: see `reminders_claim`.)"""
    values = appointment_values(appointment, policy)
    kind = DocumentKind.APPOINTMENT_REMINDER
    return _tell(appointment, kind, values, appointment.officer, policy, now)


def _tell(
    appointment: Appointment,
    kind: DocumentKind,
    values: dict[str, Any],
    by: StaffMember,
    policy: Policy,
    now: datetime,
) -> str:
    case = appointment.case
    channel = telling_channel(case.customer)
    if not channel:
        return not_told_reason(case)
    try:
        with transaction.atomic():  # a savepoint: a failure undoes only the telling
            if channel == EMAIL:
                return _email(appointment, kind, values, by, policy, now)
            letter_send(case, kind, values, by=by, policy=policy, clock=FixedClock(now))
            return f"{kind.label} sent by letter"
    except CaredeskError as problem:
        logger.warning("Appointment %s: %s not sent: %s", appointment.pk, kind, problem.message)
        return f"Not told: {problem.message}"


def _email(
    appointment: Appointment,
    kind: DocumentKind,
    values: dict[str, Any],
    by: StaffMember,
    policy: Policy,
    now: datetime,
) -> str:
    case = appointment.case
    customer = case.customer
    assert customer is not None, "telling_channel's condition"
    assert customer.email, "telling_channel's condition"
    rendered = document_render(kind, Medium.EMAIL, values)
    first, moves = first_of_chain(appointment)
    cancelled = kind == DocumentKind.APPOINTMENT_CANCELLATION
    organiser = _organiser(policy)
    invitation = Invitation(
        uid=invitation_uid(first),
        sequence=moves + (1 if cancelled else 0),
        starts_at=appointment.starts_at,
        ends_at=appointment.ends_at,
        summary=f"Appointment with {policy.organisation.name}",
        location=_location(values),
        description=rendered.body,
        organiser_name=policy.organisation.name,
        organiser_email=organiser,
        attendee_email=customer.email,
        cancelled=cancelled,
    )
    customer_email_record(
        case,
        CustomerEmail(
            case=case,
            kind=kind,
            to=customer.email,
            subject=rendered.subject,
            body=rendered.body,
            created_at=now,
            calendar=invitation_ical(invitation, now=now),
        ),
        by=by,
        policy=policy,
    )
    return f"{kind.label} sent by email"


def customer_email_record(
    case: Case, email: CustomerEmail, *, by: StaffMember, policy: Policy
) -> None:
    """Record `email` as an outbound contact on `case` at its time, and queue it to be
    sent when the caller's transaction commits."""
    contact = contact_log(
        case=case,
        channel=Channel.EMAIL,
        direction=Direction.OUTBOUND,
        by=by,
        summary=f"Email: {email.subject}"[:500],
        policy=policy,
        clock=FixedClock(email.created_at),
    )
    customer_email_queue(replace(email, contact=contact))


def _location(values: dict[str, Any]) -> str:
    said = values["appointment"]
    if said["home_visit"]:
        return "Your home"
    return ", ".join(part for part in (said["place"], said["address"]) if part)


def _organiser(policy: Policy) -> str:
    """The address the invitation comes from: the one customers' emails are sent from."""
    written = settings.CAREDESK_CUSTOMER_FROM_EMAIL or policy.organisation.email
    found = getaddresses([written or str(settings.DEFAULT_FROM_EMAIL)])
    return found[0][1] if found and found[0][1] else "caredesk@caredesk.invalid"


# -- the reminders' sweep -----------------------------------------------------------------


def _day_starts(now: datetime, policy: Policy, *, days: int) -> datetime:
    """The start of the organisation's local day `days` after today's."""
    zone = policy.working_calendar.zone
    day = now.astimezone(zone).date() + timedelta(days=days)
    return datetime.combine(day, time(0), tzinfo=zone)


def reminders_due(*, now: datetime, policy: Policy) -> QuerySet[Appointment]:
    """Booked appointments starting tomorrow (the organisation's local date) not yet
    reminded (the partial index appointments_to_remind); none before REMIND_FROM."""
    if now.astimezone(policy.working_calendar.zone).time() < REMIND_FROM:
        return Appointment.objects.none()
    return Appointment.objects.filter(
        status=AppointmentStatus.BOOKED,
        reminded_at__isnull=True,
        starts_at__gte=_day_starts(now, policy, days=1),
        starts_at__lt=_day_starts(now, policy, days=2),
    )


def reminders_claim(*, now: datetime, policy: Policy, wanted: Wanted) -> list[int]:
    """Claim tomorrow's reminders (reminded_at = now) in the caller's transaction, before
    any is sent: of two workers, only one takes each. On PostgreSQL each appointment is
    locked with its case first (the case before anything of it, as every change to a
    case: cases.locks), skipping those someone is changing, which wait for the next pass."""
    candidates = reminders_due(now=now, policy=policy)
    if wanted.only is not None:
        candidates = candidates.filter(pk=wanted.only)
    if wanted.skip:
        candidates = candidates.exclude(pk__in=wanted.skip)
    order = ("starts_at", "pk")
    if connections[candidates.db].features.has_select_for_update_skip_locked:
        lockable = (
            candidates.order_by(*order)
            .select_related("case")
            .only("id", "case__id")
            .select_for_update(skip_locked=True, no_key=True, of=("case", "self"))
        )
        ids = [row.pk for row in lockable[: wanted.limit]]
        if not ids:
            return []
        candidates = candidates.filter(pk__in=ids)
    return rows_claim(candidates, order=order, limit=wanted.limit, values={"reminded_at": now})


def reminders_write(*, appointment_ids: Sequence[int], now: datetime, policy: Policy) -> Done:
    """Send the claimed reminders (emails are queued for when the transaction commits)."""
    appointments = (
        Appointment.objects.filter(pk__in=appointment_ids)
        .select_related("case__customer", "officer", "office")
        .order_by("starts_at", "pk")
    )
    counts: dict[str, int] = {}
    for appointment in appointments:
        said = appointment_remind(appointment=appointment, policy=policy, now=now)
        key = "not_told" if said.startswith("Not told") else said.rpartition(" ")[2]
        counts[key] = counts.get(key, 0) + 1
    return Done(rows=len(appointment_ids), counts=counts)
