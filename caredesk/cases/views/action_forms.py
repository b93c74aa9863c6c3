"""The case page's action forms, made when they are shown.

The case page shows its actions closed (`<details>`). Their forms are not drawn with the
page: opening one asks for it (htmx, `cases:action_form`), and without JavaScript the
action's link shows the page with every form drawn (`?actions=all`). A form sent with a
mistake comes back drawn, open, with its messages, as before. The fifteen fields of the
forms, and the people to assign to, were most of the page's work (BENCHMARKS.md, case
page).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from caredesk.cases import selectors
from caredesk.cases.forms import (
    AssignForm,
    CallingCardForm,
    ContactOnCaseForm,
    FinishForm,
    HoldingReplyForm,
    MergeForm,
    NoteForm,
    ReopenForm,
    RespondForm,
    WaitForm,
    assign_choices,
)
from caredesk.cases.models import Case, CaseKind, CaseStatus, Deadline
from caredesk.core.active_policy import active_policy
from caredesk.core.clock import Clock, system_clock
from caredesk.core.query import id_or_none
from caredesk.staff.decorators import requires
from caredesk.staff.permissions import Can
from caredesk.standards import Policy

FormMaker = Callable[[Case, Policy, date, list[Deadline]], forms.Form]


@dataclass(frozen=True)
class Shown:
    """How an action reads on the case page: its summary, where its form goes, its
    button, and a line above its fields."""

    title: str
    url: str
    button: str
    lead: str = ""


ACTIONS = {
    "respond": Shown("Record the response", "cases:respond", "Record the response"),
    "holding_reply": Shown("Send a holding reply", "mail:holding_reply", "Check the holding reply"),
    "contact": Shown("Record a contact", "cases:contact", "Record the contact"),
    "calling_card": Shown(
        "Record a visit where nobody was in", "documents:calling_card", "Check the calling card"
    ),
    "note": Shown(
        "Add an internal note",
        "cases:note",
        "Add the note",
        lead="Internal note — not sent to the customer",
    ),
    "assign": Shown("Assign", "cases:assign", "Assign"),
    "wait": Shown("Wait for the customer", "cases:wait", "Stop the clocks"),
    "merge": Shown("Merge a duplicate into this case", "cases:merge", "Continue"),
    "reopen": Shown("Reopen the case", "cases:reopen", "Reopen the case"),
}

# name: how its unfilled form is made (the case, the policy, today, the deadlines a
# holding reply may be for).
MAKERS: dict[str, FormMaker] = {
    "assign": lambda case, policy, today, holding: AssignForm(
        initial={"officer": case.assigned_to_id},
        choices=assign_choices(on=today, policy=policy),
    ),
    "note": lambda case, policy, today, holding: NoteForm(),
    "contact": lambda case, policy, today, holding: ContactOnCaseForm(
        initial={"channel": case.channel, "direction": "outbound"}
    ),
    "respond": lambda case, policy, today, holding: RespondForm(initial={"channel": case.channel}),
    "holding_reply": lambda case, policy, today, holding: HoldingReplyForm(
        deadlines=holding, policy=policy
    ),
    "wait": lambda case, policy, today, holding: WaitForm(),
    "finish": lambda case, policy, today, holding: FinishForm(
        complaint=case.kind == CaseKind.COMPLAINT
    ),
    "reopen": lambda case, policy, today, holding: ReopenForm(),
    "merge": lambda case, policy, today, holding: MergeForm(),
    "calling_card": lambda case, policy, today, holding: CallingCardForm(),
}
# The template that draws each form inside its <form> (cases/action_form.html unless named).
FORM_TEMPLATES = {"finish": "cases/finish_form_fields.html"}


def action_forms_make(
    *, case: Case, names: Iterable[str], policy: Policy, clock: Clock, holding: list[Deadline]
) -> dict[str, forms.Form]:
    """The unfilled forms `names` for the case."""
    today = clock.now().astimezone(policy.working_calendar.zone).date()
    return {name: MAKERS[name](case, policy, today, holding) for name in names}


@requires(Can.WORK_CASES)
@require_GET
def action_form(
    request: HttpRequest, reference: str, name: str, clock: Clock = system_clock
) -> HttpResponse:
    """One action's form, drawn in the case page's closed action when it is opened
    (htmx). `seen` is the page's: the form says the case as the page showed it, so an
    action on a page someone else has changed since is still refused (cases.locks)."""
    if name not in MAKERS:
        raise Http404(f"There is no action {name}.")
    try:
        case = selectors.case_page_get(reference=reference)
    except Case.DoesNotExist:
        raise Http404(f"There is no case {reference}.") from None
    if not request.htmx:  # type: ignore[attr-defined]
        page = reverse("cases:case", args=[case.reference])
        return redirect(f"{page}?actions=all#action-{name}")
    policy = active_policy()
    holding = (
        selectors.deadlines_holding_reply_list(case=case, policy=policy)
        if name == "holding_reply"
        else []
    )
    form = action_forms_make(case=case, names=[name], policy=policy, clock=clock, holding=holding)
    return render(
        request,
        FORM_TEMPLATES.get(name, "cases/action_form.html"),
        {
            "case": case,
            "name": name,
            "shown": ACTIONS.get(name),
            "form": form[name],
            "seen": id_or_none(request.GET.get("seen")) or 0,
            "may_resolve": case.status != CaseStatus.RESOLVED,
        },
    )
