"""Booking an appointment from a case, and changing one: the free times shown as a choice
(GOV.UK radios), the customer's needs filled in from their record."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render

from caredesk.cases.models import Case
from caredesk.core.active_policy import active_policy
from caredesk.core.clock import Clock, system_clock
from caredesk.customers.models import Customer
from caredesk.customers.selectors import customer_needs
from caredesk.customers.services import customer_access_record
from caredesk.errors import CaredeskError
from caredesk.staff.decorators import requires
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can
from caredesk.standards import Policy
from caredesk.visits import appointments, lone_working
from caredesk.visits.appointments import Wanted
from caredesk.visits.flags import appointment_flags, id_card_flag
from caredesk.visits.forms import BookingForm, CancelForm, MoveForm, OutcomeForm
from caredesk.visits.models import Appointment, AppointmentKind, AppointmentStatus
from caredesk.visits.slots import Slot
from caredesk.visits.telling import not_told_reason


def _staff(request: HttpRequest) -> StaffMember:
    assert isinstance(request.user, StaffMember)
    return request.user


def _needs(customer: Customer | None, staff: StaffMember) -> dict[str, Any]:
    """The booking form's first answers, from the customer's record: a home visit for
    those whose record says so, their interpreter's language; the officer's office."""
    initial: dict[str, Any] = {"kind": AppointmentKind.OFFICE, "office": staff.office_id}
    if customer is None:
        return initial
    if customer.home_visits_needed:
        initial |= {"kind": AppointmentKind.HOME_VISIT, "minutes": 60}
        initial["home_visit_why"] = customer.home_visit_reason or ""
    if customer.interpreter_needed:
        initial["interpreter_language"] = customer.language
    return initial


def slot_value(slot: Slot) -> str:
    return f"{slot.starts.isoformat()}|{slot.officer}"


def _slot_read(value: str) -> tuple[datetime, int] | None:
    starts, _, officer = value.partition("|")
    try:
        moment = datetime.fromisoformat(starts)
        return (moment, int(officer)) if moment.tzinfo else None
    except ValueError:
        return None


def _wanted(data: dict[str, Any]) -> Wanted:
    return Wanted(
        kind=data["kind"],
        minutes=data["minutes"],
        office=data["office"] if data["kind"] == AppointmentKind.OFFICE else None,
        officer=data["officer"],
        same_sex_as=data["same_sex_as"],
    )


def _said(slot_starts: datetime, policy: Policy) -> str:
    local = slot_starts.astimezone(policy.working_calendar.zone)
    return f"{local:%A} {local.day} {local:%B} at {local:%H:%M}"


@requires(Can.WORK_CASES)
def book(request: HttpRequest, reference: str, clock: Clock = system_clock) -> HttpResponse:
    """Book (or, with `move`, move) an appointment for the case's customer: first what it
    needs, then the next free times to choose from."""
    case = get_object_or_404(Case.objects.select_related("customer"), reference=reference)
    staff, policy, now = _staff(request), active_policy(), clock.now()
    moving = _moving(request, case)
    sent: QueryDict | None = request.POST if request.method == "POST" else None
    if sent is None and "kind" in request.GET:
        sent = request.GET
    form = BookingForm(sent, initial=_initial(moving) or _needs(case.customer, staff))
    move = MoveForm(request.POST if moving and request.method == "POST" else None)
    slots: list[Slot] = []
    choice_error = ""
    if form.is_bound and form.is_valid():
        wanted = _wanted(form.cleaned_data)
        if request.method == "POST" and (moving is None or move.is_valid()):
            chosen = _slot_read(request.POST.get("slot", ""))
            if chosen is None:
                choice_error = "Choose a time"
            else:
                changed = move.cleaned_data if moving else {}
                done = _book_or_move(
                    request, case, moving, changed, form.cleaned_data, chosen, clock
                )
                if done is not None:
                    return done
                choice_error = "That time was taken meanwhile: choose another"
        try:
            slots = appointments.slots_offer(wanted=wanted, policy=policy, now=now)
        except CaredeskError as error:
            form.add_error(None, error.message)
    customer_access_record(customers=[case.customer], by=staff, what="booking", clock=clock)
    people = {
        person.pk: person
        for person in StaffMember.objects.filter(pk__in={s.officer for s in slots})
    }
    return render(
        request,
        "visits/book.html",
        {
            "case": case,
            "needs": customer_needs(case.customer) if case.customer else [],
            "form": form,
            "moving": moving,
            "choices": [
                (
                    slot_value(slot),
                    _said(slot.starts, policy),
                    people.get(slot.officer),
                    _card_flag(form, people.get(slot.officer), slot.starts, now, policy),
                )
                for slot in slots
            ],
            "choice_error": choice_error,
            "has_errors": bool(choice_error),
            "move": move,
            "errors_of": [form, move],
        },
        status=400 if form.errors or move.errors or choice_error else 200,
    )


def _card_flag(
    form: BookingForm, officer: StaffMember | None, starts: datetime, now: datetime, policy: Policy
) -> str:
    """For a home visit: why the officer's identity card will not do on the day."""
    if officer is None or form.cleaned_data.get("kind") != AppointmentKind.HOME_VISIT:
        return ""
    zone = policy.working_calendar.zone
    day, today = starts.astimezone(zone).date(), now.astimezone(zone).date()
    return id_card_flag(officer=officer, visit_day=day, today=today)


def _initial(moving: Appointment | None) -> dict[str, Any]:
    """Moving: the new time needs what the old one did."""
    if moving is None:
        return {}
    return {
        "kind": moving.kind,
        "office": moving.office_id,
        "minutes": int((moving.ends_at - moving.starts_at).total_seconds() // 60),
        "officer": moving.officer_id if moving.officer_asked_for else None,
        "home_visit_why": moving.home_visit_why,
        "interpreter_language": moving.interpreter_language,
    }


def _moving(request: HttpRequest, case: Case) -> Appointment | None:
    pk = (request.POST if request.method == "POST" else request.GET).get("move", "")
    if not pk.isdigit():
        return None
    return Appointment.objects.filter(
        pk=int(pk), case=case, status=AppointmentStatus.BOOKED
    ).first()


def _book_or_move(
    request: HttpRequest,
    case: Case,
    moving: Appointment | None,
    changed: dict[str, Any],
    data: dict[str, Any],
    chosen: tuple[datetime, int],
    clock: Clock,
) -> HttpResponse | None:
    """Book the chosen time (or move to it, `changed` saying why); None if it was taken
    meanwhile."""
    starts_at, officer_id = chosen
    officer = StaffMember.objects.filter(pk=officer_id, is_active=True).first()
    policy, staff = active_policy(), _staff(request)
    if officer is None:
        return None
    try:
        if moving is not None:
            done = appointments.appointment_move(
                appointment=moving,
                starts_at=starts_at,
                officer=officer,
                reason=changed["reason"],
                by=staff,
                policy=policy,
                clock=clock,
                told_now=changed["told_now"],
                ours=changed["ours"],
            )
        else:
            done = appointments.appointment_book(
                case=case,
                wanted=_wanted(data),
                starts_at=starts_at,
                officer=officer,
                by=staff,
                policy=policy,
                clock=clock,
                home_visit_why=data["home_visit_why"],
                interpreter_language=data["interpreter_language"],
            )
    except appointments.SlotTaken:
        return None
    except CaredeskError as error:
        messages.error(request, error.message)
        return redirect("cases:case", case.reference)
    where = done.office.name if done.office else "the customer's home"
    messages.success(
        request,
        f"{done.get_kind_display()} booked: {_said(done.starts_at, policy)} with {done.officer}, "
        f"at {where}.",
    )
    if done.kind == AppointmentKind.HOME_VISIT:
        zone = policy.working_calendar.zone
        card = id_card_flag(
            officer=done.officer,
            visit_day=done.starts_at.astimezone(zone).date(),
            today=clock.now().astimezone(zone).date(),
        )
        if card:
            messages.warning(request, card)
    return redirect("cases:case", case.reference)


@requires(Can.WORK_CASES)
def appointment_page(
    request: HttpRequest, appointment_id: int, clock: Clock = system_clock
) -> HttpResponse:
    """One appointment: cancel it, move it, or record what happened; a home visit's
    officer checks out of it when they leave (lone working)."""
    appointment = get_object_or_404(
        Appointment.objects.select_related(
            "case", "case__customer", "officer", "officer__line_manager", "office"
        ),
        pk=appointment_id,
    )
    staff, policy, now = _staff(request), active_policy(), clock.now()
    action = request.POST.get("action", "")
    cancel = CancelForm(request.POST if action == "cancel" else None, prefix="cancel")
    outcome = OutcomeForm(
        request.POST if action == "outcome" else None,
        prefix="outcome",
        home_visit=appointment.kind == AppointmentKind.HOME_VISIT,
    )
    check_out_error = ""
    try:
        if action == "check_out":
            return _check_out(request, appointment, staff, policy, clock)
    except CaredeskError as error:
        check_out_error = error.message
    try:
        if cancel.is_bound and cancel.is_valid():
            appointments.appointment_cancel(
                appointment=appointment,
                reason=cancel.cleaned_data["reason"],
                told_now=cancel.cleaned_data["told_now"],
                by=staff,
                policy=policy,
                clock=clock,
            )
            messages.success(request, "The appointment is cancelled.")
            return redirect("cases:case", appointment.case.reference)
        if outcome.is_bound and outcome.is_valid():
            appointments.appointment_outcome(
                appointment=appointment,
                status=outcome.cleaned_data["status"],
                summary=outcome.cleaned_data["summary"],
                id_shown=outcome.cleaned_data.get("id_shown"),
                by=staff,
                policy=policy,
                clock=clock,
            )
            messages.success(request, "What happened is recorded.")
            return redirect("cases:case", appointment.case.reference)
    except CaredeskError as error:
        (cancel if action == "cancel" else outcome).add_error(None, error.message)
    customer_access_record(
        customers=[appointment.case.customer], by=staff, what="appointment", clock=clock
    )
    return render(
        request,
        "visits/appointment.html",
        {
            "appointment": appointment,
            "cancel": cancel,
            "outcome": outcome,
            "started": appointment.starts_at <= now,
            "when": _said(appointment.starts_at, policy),
            "told": _told(appointment, policy),
            "errors_of": [cancel, outcome],
            "flags": appointment_flags(
                appointment=appointment, viewer=staff, now=now, zone=policy.working_calendar.zone
            ),
            "check_out": _check_out_shown(appointment, staff, now),
            "check_out_error": check_out_error,
            "alert_after": policy.lone_working.alert_after,
        },
        status=400 if cancel.errors or outcome.errors or check_out_error else 200,
    )


def _check_out_shown(appointment: Appointment, staff: StaffMember, now: datetime) -> bool:
    """Whether the page offers "I have left the visit"."""
    return (
        appointment.kind == AppointmentKind.HOME_VISIT
        and appointment.checked_out_at is None
        and appointment.status in (AppointmentStatus.BOOKED, AppointmentStatus.KEPT)
        and appointment.starts_at <= now
        and lone_working.may_check_out(appointment=appointment, by=staff)
    )


def _check_out(
    request: HttpRequest, appointment: Appointment, staff: StaffMember, policy: Policy, clock: Clock
) -> HttpResponse:
    done = lone_working.appointment_check_out(
        appointment=appointment, by=staff, policy=policy, clock=clock
    )
    zone = policy.working_calendar.zone
    who = "You" if staff.pk == done.officer_id else str(done.officer)
    assert done.checked_out_at is not None
    messages.success(
        request,
        f"{who} left the visit at {done.checked_out_at.astimezone(zone):%H:%M}. "
        "Nobody will be alerted about it.",
    )
    return redirect("visits:appointment", appointment.pk)


def _told(appointment: Appointment, policy: Policy) -> list[str]:
    """What the customer was sent of the appointment (visits.telling), or why not. (A
    reminder is claimed even when nobody can be told; one booked the day before has its
    confirmation for a reminder.)"""
    reason = not_told_reason(appointment.case)
    confirmed, reminded = appointment.confirmed_at, appointment.reminded_at
    if confirmed is None:
        said = [reason or "Not told when it was booked"]
    else:
        said = [f"Confirmation sent {_said(confirmed, policy)}"]
    if reminded is not None and reminded != confirmed and not reason:
        said.append(f"Reminder sent {_said(reminded, policy)}")
    return said
