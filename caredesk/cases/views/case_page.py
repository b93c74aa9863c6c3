"""The case page: the customer and their needs, deadlines with time left, the timeline,
the panels other apps add (cases.panels: mail's emails, documents' letters), and the
actions (assign, note, contact, holding reply, respond, wait, resume, resolve, close).

Actions are plain POST forms that redirect back to the case (they work without
JavaScript); a form with a mistake shows the page again with the message by the field.
Each form sends `seen`, the last event the page showed: an action chosen on a page
that someone else's change has made stale is refused, saying who changed what and when
(`cases.locks`).
An action that belongs to an app above cases (the holding reply: mail, which sends it)
has its view in that app, built with `case_action` like the ones here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from caredesk.cases import selectors, services
from caredesk.cases.forms import (
    AssignForm,
    ComplaintStepForm,
    ContactOnCaseForm,
    FinishForm,
    HoldingReplyForm,
    NoteForm,
    RespondForm,
    WaitForm,
)
from caredesk.cases.intake import contact_receive
from caredesk.cases.locks import case_lock
from caredesk.cases.models import Case, CaseStatus, Direction
from caredesk.cases.panels import case_panels_shown
from caredesk.core.active_policy import active_policy
from caredesk.core.clock import Clock, system_clock
from caredesk.core.db import write_transaction
from caredesk.customers.selectors import customer_preferences_list
from caredesk.customers.services import customer_access_record
from caredesk.errors import CaredeskError
from caredesk.staff.decorators import requires
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can
from caredesk.staff.selectors import absences_away_map


def case_or_404(reference: str) -> Case:
    """The case with this reference, for any desk page about a case."""
    try:
        return selectors.case_page_get(reference=reference)
    except Case.DoesNotExist:
        raise Http404(f"There is no case {reference}.") from None


def _case_as_seen(reference: str) -> tuple[Case, int]:
    """The case, and the last of its events, read together: the page says it shows the
    case as of that event, and an action from it is refused if a change came after."""
    try:
        found = selectors.case_as_seen_get(reference=reference)
    except Case.DoesNotExist:
        raise Http404(f"There is no case {reference}.") from None
    return found.case, found.seen


def _seen_sent(request: HttpRequest) -> int | None:
    """The last event the page the form was on showed (None: it did not say)."""
    sent = request.POST.get("seen", "")
    return int(sent) if sent.isascii() and sent.isdigit() and len(sent) < 19 else None


def _render_case(
    request: HttpRequest,
    case: Case,
    *,
    seen: int,
    clock: Clock,
    failed: dict[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    staff: StaffMember = request.user  # type: ignore[assignment]
    policy = active_policy()
    customer_access_record(
        customers=[case.customer], by=staff, what=f"case {case.reference}", clock=clock
    )
    holding = selectors.deadlines_holding_reply_list(case=case, policy=policy)
    today = clock.now().astimezone(policy.working_calendar.zone).date()
    action_forms: dict[str, forms.Form] = {
        "assign": AssignForm(
            initial={"officer": case.assigned_to_id},
            away=absences_away_map(on=today, policy=policy),
        ),
        "note": NoteForm(),
        "contact": ContactOnCaseForm(initial={"channel": case.channel, "direction": "outbound"}),
        "respond": RespondForm(initial={"channel": case.channel}),
        "holding_reply": HoldingReplyForm(deadlines=holding, policy=policy),
        "wait": WaitForm(),
    }
    action_forms.update(failed or {})
    is_open = case.status in (CaseStatus.OPEN, CaseStatus.WAITING_FOR_CUSTOMER)
    is_waiting = case.status == CaseStatus.WAITING_FOR_CUSTOMER
    # A refused action whose form is not on the page as it is now (a finished case, the
    # buttons) has its reason shown at the top.
    with_form = {"respond", "contact", "note", "assign"} if is_open else set()
    with_form |= {"holding_reply"} if is_open and holding else set()
    with_form |= {"wait"} if is_open and not is_waiting else set()
    refusals = [
        error
        for name, form in (failed or {}).items()
        if name not in with_form
        for error in form.non_field_errors()
    ]
    complaint_step = selectors.complaint_next_step_get(case=case)
    return render(
        request,
        "cases/case.html",
        {
            "case": case,
            "preferences": customer_preferences_list(customer=case.customer)
            if case.customer
            else [],
            "deadlines": case.deadlines.order_by("starts_at", "pk"),
            "contacts": case.contacts.select_related("staff").order_by("-at", "-pk"),
            "timeline": selectors.case_timeline_list(case=case),
            "now": clock.now(),
            "forms": action_forms,
            "holding_reply_possible": bool(holding),
            "is_open": is_open,
            "refusals": refusals,
            "is_waiting": is_waiting,
            "seen": seen,
            "complaint_step": complaint_step,
            "panels": case_panels_shown(case=case, request=request),
        },
        status=status,
    )


@requires(Can.READ_CASES)
def case_detail(request: HttpRequest, reference: str, clock: Clock = system_clock) -> HttpResponse:
    case, seen = _case_as_seen(reference)
    return _render_case(request, case, seen=seen, clock=clock)


Action = Callable[[Case, Any, StaffMember], str]


def case_action(
    request: HttpRequest,
    reference: str,
    name: str,
    form_class: Callable[..., forms.Form],
    act: Action,
    clock: Clock,
    *,
    refuse_stale: bool = True,
    **form_kwargs: Any,
) -> HttpResponse:
    """Check the form, run the service, say what happened, and go back to the case; or
    show the case page again with the form `name` and its mistakes. For the case page's
    actions, here and in the apps above cases that own one (mail's holding reply).

    The case is locked first; with `refuse_stale`, an action whose page showed the case
    before someone else changed it is refused (`cases.locks`; notes and contacts are
    recorded whatever has changed)."""
    case = case_or_404(reference)
    staff: StaffMember = request.user  # type: ignore[assignment]
    form = form_class(request.POST, **form_kwargs)
    if form.is_valid():
        seen = _seen_sent(request) if refuse_stale else None
        try:
            with write_transaction():  # SQLite: the write lock first, so writers queue
                case_lock(case=case, now=clock.now(), seen=seen)
                done = act(case, form.cleaned_data, staff)
        except CaredeskError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, done)
            return redirect("cases:case", reference=case.reference)
    case, seen_now = _case_as_seen(reference)  # as it is now, for another try
    return _render_case(request, case, seen=seen_now, clock=clock, failed={name: form}, status=400)


@requires(Can.WORK_CASES)
@require_POST
def assign(request: HttpRequest, reference: str, clock: Clock = system_clock) -> HttpResponse:
    def act(case: Case, data: dict[str, Any], staff: StaffMember) -> str:
        officer = StaffMember.objects.get(pk=data["officer"])
        services.case_assign(case=case, officer=officer, by=staff, clock=clock)
        taker = case.assigned_to
        if taker and taker.pk != officer.pk:
            return f"{officer} is away, so the case has gone to {taker}, who covers for them."
        return f"The case is now with {officer}."

    return case_action(request, reference, "assign", AssignForm, act, clock)


@requires(Can.WORK_CASES)
@require_POST
def add_note(request: HttpRequest, reference: str, clock: Clock = system_clock) -> HttpResponse:
    def act(case: Case, data: dict[str, Any], staff: StaffMember) -> str:
        services.note_add(case=case, text=data["text"], by=staff, clock=clock)
        return "Note added."

    return case_action(request, reference, "note", NoteForm, act, clock, refuse_stale=False)


@requires(Can.WORK_CASES)
@require_POST
def log_contact_on_case(
    request: HttpRequest, reference: str, clock: Clock = system_clock
) -> HttpResponse:
    def act(case: Case, data: dict[str, Any], staff: StaffMember) -> str:
        if data["direction"] == Direction.INBOUND:  # the customer got in touch: one way in
            contact_receive(
                channel=data["channel"],
                received_at=clock.now(),
                subject=case.subject,
                summary=data["summary"],
                thread=case,
                by=staff,
                policy=active_policy(),
                clock=clock,
            )
        else:
            services.contact_log(
                case=case,
                channel=data["channel"],
                direction=data["direction"],
                summary=data["summary"],
                by=staff,
                clock=clock,
            )
        return "Contact recorded."

    return case_action(
        request, reference, "contact", ContactOnCaseForm, act, clock, refuse_stale=False
    )


@requires(Can.WORK_CASES)
@require_POST
def respond(request: HttpRequest, reference: str, clock: Clock = system_clock) -> HttpResponse:
    def act(case: Case, data: dict[str, Any], staff: StaffMember) -> str:
        services.response_send(
            case=case, channel=data["channel"], summary=data["summary"], by=staff, clock=clock
        )
        return "Response recorded. Deadlines it meets are marked met."

    return case_action(request, reference, "respond", RespondForm, act, clock)


@requires(Can.WORK_CASES)
@require_POST
def wait(request: HttpRequest, reference: str, clock: Clock = system_clock) -> HttpResponse:
    def act(case: Case, data: dict[str, Any], staff: StaffMember) -> str:
        services.case_wait_for_customer(case=case, reason=data["reason"], by=staff, clock=clock)
        return "Waiting for the customer. Clocks that allow it have stopped."

    return case_action(request, reference, "wait", WaitForm, act, clock)


@requires(Can.WORK_CASES)
@require_POST
def resume(request: HttpRequest, reference: str, clock: Clock = system_clock) -> HttpResponse:
    def act(case: Case, data: dict[str, Any], staff: StaffMember) -> str:
        services.case_resume(case=case, by=staff, clock=clock)
        return "The clocks are running again."

    return case_action(request, reference, "resume", forms.Form, act, clock)


@requires(Can.WORK_CASES)
@require_POST
def finish(request: HttpRequest, reference: str, clock: Clock = system_clock) -> HttpResponse:
    def act(case: Case, data: dict[str, Any], staff: StaffMember) -> str:
        services.case_finish(case=case, status=data["status"], by=staff, clock=clock)
        return f"The case is {CaseStatus(data['status']).label.lower()}."

    return case_action(request, reference, "finish", FinishForm, act, clock)


@requires(Can.WORK_CASES)
@require_POST
def complaint_step(
    request: HttpRequest, reference: str, clock: Clock = system_clock
) -> HttpResponse:
    """Acknowledge a complaint at stage 1 or 2, or record that the customer asks for stage 2."""

    def act(case: Case, data: dict[str, Any], staff: StaffMember) -> str:
        step = data["step"]
        if step == "escalate":
            services.complaint_escalate(case=case, by=staff, clock=clock)
            return "Stage 2 asked for. The stage 2 deadlines have started."
        stage = 1 if step == "acknowledge_1" else 2
        services.complaint_acknowledge(case=case, stage=stage, by=staff, clock=clock)
        return f"Stage {stage} acknowledged. The response deadline has started."

    return case_action(request, reference, "complaint", ComplaintStepForm, act, clock)
