"""The case page: the customer and their needs, deadlines with time left, the timeline,
the panels other apps add (cases.panels: mail's emails, documents' letters), and the
actions (assign, note, contact, holding reply, respond, wait, resume, resolve, close).

Actions are plain POST forms that redirect back to the case (they work without
JavaScript); a form with a mistake shows the page again with the message by the field.
The page shows them closed and draws a form when it is opened (views.action_forms).
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

from caredesk.cases import event_reading, rules, selectors, services
from caredesk.cases.customer_panel import customer_panel_get
from caredesk.cases.forms import (
    AssignForm,
    ComplaintStepForm,
    ContactOnCaseForm,
    NoteForm,
    RespondForm,
    WaitForm,
)
from caredesk.cases.intake import contact_receive
from caredesk.cases.locks import case_lock
from caredesk.cases.models import Case, CaseStatus, Direction
from caredesk.cases.panels import case_panel_get, case_panels_shown, panel_anchor
from caredesk.cases.views.action_forms import ACTIONS, MAKERS, action_forms_make
from caredesk.core.active_policy import active_policy
from caredesk.core.clock import Clock, system_clock
from caredesk.core.db import write_transaction
from caredesk.customers.services import customer_access_record
from caredesk.errors import CaredeskError
from caredesk.staff.decorators import requires
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can


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
    deadlines = list(case.deadlines.order_by("starts_at", "pk"))  # a case has few: all
    holding = selectors.deadlines_holding_reply_list(case=case, policy=policy, among=deadlines)
    # The actions' forms are drawn when opened (views.action_forms), unless the page is
    # asked for with all of them (?actions=all: without JavaScript) or one came back refused.
    every = request.GET.get("actions") == "all"
    action_forms = action_forms_make(
        case=case, names=MAKERS if every else (), policy=policy, clock=clock, holding=holding
    )
    action_forms.update(failed or {})
    is_open = case.status in (CaseStatus.OPEN, CaseStatus.WAITING_FOR_CUSTOMER)
    is_waiting = case.status == CaseStatus.WAITING_FOR_CUSTOMER
    # A refused action whose form is not on the page as it is now (a finished case, the
    # buttons) has its reason shown at the top.
    with_form = {"respond", "contact", "note", "assign"} if is_open else set()
    with_form |= {"holding_reply"} if is_open and holding else set()
    with_form |= {"wait"} if is_open and not is_waiting else set()
    # A personal data breach is ended on its own page, by the data protection officer.
    is_breach = rules.ended_on_its_own_page(kind=case.kind)
    with_form |= {"finish", "merge"} if is_open and not is_breach else set()
    with_form |= {"finish"} if case.status == CaseStatus.RESOLVED and not is_breach else set()
    may_reopen = not is_open and case.merged_into_id is None and not is_breach
    with_form |= {"reopen"} if may_reopen else set()
    refusals = [
        error
        for name, form in (failed or {}).items()
        if name not in with_form
        for error in form.non_field_errors()
    ]
    complaint_step = selectors.complaint_next_step_get(case=case)
    contacts = selectors.case_contacts_page(case=case, number=_page_number(request, "contacts"))
    timeline = selectors.case_timeline_page(case=case, number=_page_number(request, "timeline"))
    return render(
        request,
        "cases/case.html",
        {
            "case": case,
            "panel": customer_panel_get(customer=case.customer, exclude_case=case),
            "deadlines": deadlines,
            "contacts": contacts,
            "contacts_links": _page_links(request, "contacts", contacts),
            "timeline": timeline,
            "timeline_links": _page_links(request, "timeline", timeline),
            "now": clock.now(),
            "forms": action_forms,
            "actions": ACTIONS,
            "holding_reply_possible": bool(holding),
            "is_open": is_open,
            "refusals": refusals,
            "is_waiting": is_waiting,
            "may_reopen": may_reopen,
            "is_breach": is_breach,
            "merged_into": selectors.case_reference_get(pk=case.merged_into_id)
            if case.merged_into_id
            else "",
            "seen": seen,
            "complaint_step": complaint_step,
            "panels": case_panels_shown(
                case=case, request=request, lazy=request.GET.get("panels") != "all"
            ),
        },
        status=status,
    )


def _page_number(request: HttpRequest, name: str) -> int:
    """Which page of the contacts or the timeline to show (?contacts=2): 1, the newest,
    unless the address says another."""
    sent = request.GET.get(name, "")
    return int(sent) if sent.isascii() and sent.isdigit() and 0 < len(sent) < 7 else 1


def _page_links(request: HttpRequest, name: str, page: selectors.NewestPage[Any]) -> dict[str, str]:
    """The addresses of the older and newer pages of `name`, the page's other
    parameters kept (plain links: they work without JavaScript)."""
    links = {}
    for which, number in (("older", page.older), ("newer", page.newer)):
        if number is not None:
            query = request.GET.copy()
            query[name] = str(number)
            links[which] = f"?{query.urlencode()}#{name}-heading"
    return links


@requires(Can.READ_CASES)
def case_detail(request: HttpRequest, reference: str, clock: Clock = system_clock) -> HttpResponse:
    case, seen = _case_as_seen(reference)
    return _render_case(request, case, seen=seen, clock=clock)


@requires(Can.READ_CASES)
def case_panel(
    request: HttpRequest, reference: str, key: str, clock: Clock = system_clock
) -> HttpResponse:
    """One of the panels other apps add to the case page (cases.panels), loaded after the
    page by htmx (without JavaScript, the page's link asks for it with ?panels=all)."""
    panel = case_panel_get(key)
    if panel is None:
        raise Http404(f"There is no panel {key}.")
    case = case_or_404(reference)
    staff: StaffMember = request.user  # type: ignore[assignment]
    customer_access_record(
        customers=[case.customer], by=staff, what=f"case {case.reference}", clock=clock
    )
    shown = panel.context(case=case, request=request)
    return render(
        request,
        "cases/panel.html",
        {
            "case": case,
            "shown": shown,
            "anchor": panel_anchor(key),
            "panel_template": panel.template,
        },
    )


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
        note = services.note_add(case=case, text=data["text"], by=staff, clock=clock)
        return note_added_message(event_reading.event_read(note))

    return case_action(request, reference, "note", NoteForm, act, clock, refuse_stale=False)


@requires(Can.WORK_CASES)
@require_POST
def log_contact_on_case(
    request: HttpRequest, reference: str, clock: Clock = system_clock
) -> HttpResponse:
    def act(case: Case, data: dict[str, Any], staff: StaffMember) -> str:
        if data["direction"] == Direction.INBOUND:  # the customer got in touch: one way in
            received = contact_receive(
                channel=data["channel"],
                received_at=clock.now(),
                subject=case.subject,
                summary=data["summary"],
                thread=case,
                unhappy=data.get("unhappy", ""),
                by=staff,
                policy=active_policy(),
                clock=clock,
            )
            if received.complaint is not None:
                return (
                    f"Contact recorded. Their complaint about it is {received.complaint.reference}."
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


def note_added_message(details: event_reading.Details) -> str:
    """What the writer of a note is told: who it told, and which @names named nobody."""
    said = ["Note added."]
    if not isinstance(details, event_reading.NoteWithMentions):
        return said[0]
    if details.mentioned:
        said.append(
            f"{_names(details.mentioned)} {'was' if len(details.mentioned) == 1 else 'were'} told."
        )
    for name in details.unknown:
        said.append(f"Nobody who can read cases is called @{name}, so nobody was told.")
    for name in details.shared:
        said.append(
            f"More than one person is called @{name}, so nobody was told: use their username."
        )
    return " ".join(said)


def _names(names: tuple[str, ...]) -> str:
    shown = [f"@{name}" for name in names]
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"
