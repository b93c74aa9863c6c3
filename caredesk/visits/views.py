"""The reception page, made for a tablet on the front desk: log a visitor as they arrive,
greet them, see them, and the board of who is waiting and for how long."""

from __future__ import annotations

from datetime import datetime, time
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from caredesk.core.active_policy import active_policy
from caredesk.core.clock import Clock, system_clock
from caredesk.customers.models import Customer
from caredesk.customers.picking import customer_chosen, customers_pick_list, url_with_customer
from caredesk.customers.services import customer_access_record
from caredesk.errors import CaredeskError
from caredesk.staff.decorators import requires
from caredesk.staff.models import Office, StaffMember
from caredesk.staff.permissions import Can
from caredesk.standards import Policy
from caredesk.visits import reception
from caredesk.visits.forms import VisitorArrivesForm, VisitorGoneForm, VisitorSeenForm
from caredesk.visits.models import Visit
from caredesk.visits.selectors import (
    office_details_get,
    offices_list,
    visitors_waiting_list,
    visits_today_list,
)


def _staff(request: HttpRequest) -> StaffMember:
    assert isinstance(request.user, StaffMember)
    return request.user


@requires(Can.WORK_CASES)
def reception_choose(request: HttpRequest) -> HttpResponse:
    """Reception at the officer's own office, or a list of offices to choose from."""
    staff = _staff(request)
    if staff.office_id is not None and "choose" not in request.GET:
        return redirect("visits:reception", office_id=staff.office_id)
    return render(request, "visits/choose_office.html", {"offices": offices_list()})


def _start_of_day(now: datetime, policy: Policy) -> datetime:
    local = now.astimezone(policy.working_calendar.zone)
    return datetime.combine(local.date(), time(), tzinfo=local.tzinfo)


def _board_context(
    office: Office, policy: Policy, now: datetime
) -> tuple[dict[str, object], list[Customer | None]]:
    """What the board shows, and the customers it shows (their reading is logged)."""
    waiting = visitors_waiting_list(office=office, now=now, policy=policy)
    shown = [row.visit.case.customer for row in waiting]
    return {
        "office": office,
        "waiting": waiting,
        "updated_at": now,
        "appointment_only": reception.appointment_only(office, policy),
        "signature": ",".join(f"{row.visit.pk}:{row.state}" for row in waiting),
    }, shown


@requires(Can.WORK_CASES)
def reception_page(
    request: HttpRequest, office_id: int, clock: Clock = system_clock
) -> HttpResponse:
    office = get_object_or_404(Office, pk=office_id)
    staff, policy, now = _staff(request), active_policy(), clock.now()
    params = request.POST if request.method == "POST" else request.GET
    customer = customer_chosen(params.get("customer"))
    query = request.GET.get("q", "").strip()
    found = customers_pick_list(text=query)
    here = reverse("visits:reception", args=[office.pk])
    form = VisitorArrivesForm(request.POST or None, initial={"customer": customer})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        local_now = now.astimezone(policy.working_calendar.zone)
        try:
            visit = reception.visitor_arrive(
                office=office,
                visitor_name=data["visitor_name"],
                reason=data["reason"],
                arrived_at=now,
                customer=data["customer"],
                case=data["reference"],
                appointment_at=form.appointment_at(local_now),
                appointment_with=data["appointment_with"],
                asked=reception.Asked(
                    private_room=data["private_room"],
                    forms_help=data["forms_help"],
                    interpreter_language=data["interpreter_language"],
                ),
                by=staff,
                policy=policy,
                clock=clock,
            )
        except CaredeskError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, f"{visit.visitor_name} is on the board ({visit.case.reference})."
            )
            return redirect(here)
    board, shown = _board_context(office, policy, now)
    new_from_visitor = {"sender": query, "next": here}
    today = visits_today_list(office=office, since=_start_of_day(now, policy))
    details = office_details_get(office=office)
    customer_access_record(
        customers=[*shown, customer, *found], by=staff, what="reception", clock=clock
    )
    return render(
        request,
        "visits/reception.html",
        board
        | {
            "form": form,
            "today": today,
            "details": details,
            "customer": customer,
            "query": query,
            "choices": [(each, url_with_customer(here, each)) for each in found],
            "here": here,
            "new_customer": f"{reverse('customers:new')}?{urlencode(new_from_visitor)}",
        },
        status=400 if form.errors else 200,
    )


@requires(Can.WORK_CASES)
def reception_board(
    request: HttpRequest, office_id: int, clock: Clock = system_clock
) -> HttpResponse:
    """The board alone: what the reception page asks for again every 15 seconds."""
    office = get_object_or_404(Office, pk=office_id)
    staff, policy, now = _staff(request), active_policy(), clock.now()
    board, shown = _board_context(office, policy, now)
    customer_access_record(customers=shown, by=staff, what="reception board", clock=clock)
    return render(request, "visits/board.html", board)


def _visit(office_id: int, visit_id: int) -> Visit:
    return get_object_or_404(
        Visit.objects.select_related("office", "case"), pk=visit_id, office_id=office_id
    )


@requires(Can.WORK_CASES)
@require_POST
def visitor_greet(
    request: HttpRequest, office_id: int, visit_id: int, clock: Clock = system_clock
) -> HttpResponse:
    visit = _visit(office_id, visit_id)
    try:
        reception.visitor_acknowledge(visit=visit, by=_staff(request), clock=clock)
    except CaredeskError as error:
        messages.error(request, error.message)
    return redirect("visits:reception", office_id=office_id)


@requires(Can.WORK_CASES)
def visitor_seen(
    request: HttpRequest, office_id: int, visit_id: int, clock: Clock = system_clock
) -> HttpResponse:
    """Seen. The board's button sends nothing else; this page asks what they were given
    of what they asked for and, at an office open by appointment only, why someone
    without an appointment is seen (shown again with the reason asked for if missing)."""
    visit = _visit(office_id, visit_id)
    policy = active_policy()
    needs_exception = visit.appointment_at is None and reception.appointment_only(
        visit.office, policy
    )
    form = VisitorSeenForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            reception.visitor_see(
                visit=visit,
                by=_staff(request),
                policy=policy,
                clock=clock,
                given=reception.Given(
                    private_room=data["private_room_given"],
                    forms_help=data["forms_help_given"],
                    interpreter=data["interpreter_given"],
                ),
                exception=data["exception"],
            )
        except reception.VisitFinished as error:
            messages.error(request, error.message)
            return redirect("visits:reception", office_id=office_id)
        except CaredeskError as error:
            form.add_error("exception" if needs_exception else None, error.message)
        else:
            messages.success(request, f"{visit.visitor_name} has been seen.")
            return redirect("visits:reception", office_id=office_id)
    return render(
        request,
        "visits/seen.html",
        {"visit": visit, "form": form, "needs_exception": needs_exception},
        status=400 if form.errors else 200,
    )


@requires(Can.WORK_CASES)
@require_POST
def visitor_gone(
    request: HttpRequest, office_id: int, visit_id: int, clock: Clock = system_clock
) -> HttpResponse:
    visit = _visit(office_id, visit_id)
    form = VisitorGoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say whether they were asked to book or left.")
        return redirect("visits:reception", office_id=office_id)
    try:
        visit = reception.visitor_gone(
            visit=visit,
            status=form.cleaned_data["status"],
            by=_staff(request),
            policy=active_policy(),
            clock=clock,
        )
    except CaredeskError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{visit.visitor_name}: {visit.get_status_display().lower()}.")
    return redirect("visits:reception", office_id=office_id)


@requires(Can.WORK_CASES)
@require_POST
def duty_take(request: HttpRequest, office_id: int) -> HttpResponse:
    """The officer says they are on duty at reception: told when a visitor waits too long."""
    office = get_object_or_404(Office, pk=office_id)
    staff = _staff(request)
    reception.duty_officer_set(office=office, officer=staff, by=staff)
    messages.success(request, f"You are on duty at reception at {office.name}.")
    return redirect("visits:reception", office_id=office_id)
