"""The data protection officer's pages for a customer's request to correct their data or
to restrict its use (privacy.rights), and for a request for information under STAIRs or
the Freedom of Information Act with its review (privacy.information)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from caredesk.cases.models import Case, CaseKind, Deadline
from caredesk.cases.views.case_page import case_or_404
from caredesk.core.clock import Clock, system_clock
from caredesk.customers.consent_forms import moment_on
from caredesk.customers.history import changes_answering_list
from caredesk.customers.models import Restriction
from caredesk.customers.restrictions import restrictions_of_request
from caredesk.customers.services import customer_access_record
from caredesk.errors import CaredeskError
from caredesk.privacy import information, rights
from caredesk.privacy.models import InformationDecision, InformationRequest, ReviewOutcome
from caredesk.privacy.request_forms import (
    DecisionForm,
    LiftForm,
    RestrictForm,
    ReviewAskForm,
    ReviewForm,
    RightsAnswerForm,
)
from caredesk.staff.decorators import requires
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can

Act = Callable[[dict[str, Any]], str]


def _staff(request: HttpRequest) -> StaffMember:
    return request.user  # type: ignore[return-value]


def _done(form: Form, act: Act) -> str | None:
    """Run `act` with the form's data if it is valid: what to tell the officer, or None
    (the form then has its mistakes, or the service's refusal at the top)."""
    if not form.is_valid():
        return None
    try:
        return act(form.cleaned_data)
    except CaredeskError as error:
        form.add_error(None, error.message)
        return None


def _deadline(case: Case, key: str) -> Deadline | None:
    return case.deadlines.filter(standard_key=key).order_by("-starts_at", "-pk").first()


def _refused_here(request: HttpRequest, case: Case, error: CaredeskError) -> HttpResponse:
    messages.error(request, error.message)
    return redirect("cases:case", case.reference)


# -- correcting --------------------------------------------------------------------------------


@requires(Can.MANAGE_PRIVACY)
def rectification_page(
    request: HttpRequest, reference: str, clock: Clock = system_clock
) -> HttpResponse:
    """The request to correct: the changes made under it (through the record's own
    edit), and the answer to the customer, which meets the deadline."""
    case = case_or_404(reference)
    staff = _staff(request)
    try:
        customer = rights.rights_request_customer(case, kind=CaseKind.RECTIFICATION_REQUEST)
    except CaredeskError as error:
        return _refused_here(request, case, error)
    form = RightsAnswerForm(
        request.POST if request.method == "POST" else None,
        outcomes=rights.OUTCOMES[CaseKind.RECTIFICATION_REQUEST],
    )
    if request.method == "POST":

        def answer(data: dict[str, Any]) -> str:
            rights.rights_answer(case=case, by=staff, clock=clock, **data)
            return "The answer is recorded. The request's deadline is met."

        said = _done(form, answer)
        if said:
            messages.success(request, said)
            return redirect("privacy:rectification", case.reference)
    customer_access_record(
        customers=[customer], by=staff, what=f"request to correct {case.reference}", clock=clock
    )
    return render(
        request,
        "privacy/rectification.html",
        {
            "case": case,
            "customer": customer,
            "deadline": _deadline(case, "rectification_request"),
            "changes": changes_answering_list(reference=case.reference),
            "answer": rights.answer_of(case),
            "form": form,
            "ico": rights.ICO_COMPLAINT,
        },
        status=400 if form.errors else 200,
    )


# -- restricting -------------------------------------------------------------------------------


@requires(Can.MANAGE_PRIVACY)
def restriction_page(
    request: HttpRequest, reference: str, clock: Clock = system_clock
) -> HttpResponse:
    """The request to restrict: restrict the use of the customer's data, answer the
    customer (which meets the deadline), and later lift the restriction once they have
    been told it will be."""
    case = case_or_404(reference)
    staff = _staff(request)
    try:
        customer = rights.rights_request_customer(case, kind=CaseKind.RESTRICTION_REQUEST)
    except CaredeskError as error:
        return _refused_here(request, case, error)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    restrict = RestrictForm(request.POST if action == "restrict" else None)
    answer = RightsAnswerForm(
        request.POST if action == "answer" else None,
        outcomes=rights.OUTCOMES[CaseKind.RESTRICTION_REQUEST],
    )
    lifting = action.startswith("lift") and action.removeprefix("lift").isdigit()
    lift = LiftForm(request.POST if lifting else None, prefix=action if lifting else "lift")
    failed: Form | None = None
    if action:
        acts: dict[str, tuple[Form, Act]] = {
            "restrict": (
                restrict,
                lambda data: _restrict(case, data, staff, clock),
            ),
            "answer": (
                answer,
                lambda data: _answer(case, data, staff, clock),
            ),
        }
        if lifting:
            restriction = get_object_or_404(
                Restriction, pk=int(action.removeprefix("lift")), request_reference=case.reference
            )
            acts[action] = (lift, lambda data: _lift(case, restriction, data, staff, clock))
        if action not in acts:
            raise Http404("No such action.")
        form, act = acts[action]
        said = _done(form, act)
        if said:
            messages.success(request, said)
            return redirect("privacy:restriction", case.reference)
        failed = form
    customer_access_record(
        customers=[customer], by=staff, what=f"request to restrict {case.reference}", clock=clock
    )
    restrictions = restrictions_of_request(case.reference)
    return render(
        request,
        "privacy/restriction.html",
        {
            "case": case,
            "customer": customer,
            "deadline": _deadline(case, "restriction_request"),
            "restrictions": [
                (r, lift if lifting and action == f"lift{r.pk}" else LiftForm(prefix=f"lift{r.pk}"))
                for r in restrictions
            ],
            "in_force": any(r.in_force for r in restrictions),
            "answer": rights.answer_of(case),
            "restrict_form": restrict,
            "answer_form": answer,
            "failed": failed,
            "ico": rights.ICO_COMPLAINT,
        },
        status=400 if failed is not None else 200,
    )


def _restrict(case: Case, data: dict[str, Any], staff: StaffMember, clock: Clock) -> str:
    rights.restriction_for_request(
        case=case, ground=data["ground"], reason=data["reason"], by=staff, clock=clock
    )
    return "The use of their data is restricted. Their pages now say so."


def _answer(case: Case, data: dict[str, Any], staff: StaffMember, clock: Clock) -> str:
    rights.rights_answer(case=case, by=staff, clock=clock, **data)
    return "The answer is recorded. The request's deadline is met."


def _lift(
    case: Case, restriction: Restriction, data: dict[str, Any], staff: StaffMember, clock: Clock
) -> str:
    rights.restriction_lift_for_request(
        case=case,
        restriction=restriction,
        told_at=moment_on(data["told_on"], clock.now()),
        told_how=data["told_how"],
        told_before_lifting=data["told_before_lifting"],
        reason=data["reason"],
        by=staff,
        clock=clock,
    )
    return "The restriction is lifted."


# -- requests for information -----------------------------------------------------------------


@requires(Can.MANAGE_PRIVACY)
def information_page(
    request: HttpRequest, reference: str, clock: Clock = system_clock
) -> HttpResponse:
    """A request for information (STAIRs, FOI): the decision, which meets the deadline;
    then the review, if asked for, with its own deadline, decided by someone else."""
    case = case_or_404(reference)
    staff = _staff(request)
    try:
        record = information.information_request_of(case)
    except CaredeskError as error:
        return _refused_here(request, case, error)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    forms: dict[str, Form] = {
        "decide": DecisionForm(request.POST if action == "decide" else None),
        "ask": ReviewAskForm(request.POST if action == "ask" else None),
        "review": ReviewForm(request.POST if action == "review" else None),
    }
    acts: dict[str, Act] = {
        "decide": lambda data: _decide(record, data, staff, clock),
        "ask": lambda data: _ask(record, data, staff, clock),
        "review": lambda data: _review(record, data, staff, clock),
    }
    failed: Form | None = None
    if action:
        if action not in acts:
            raise Http404("No such action.")
        said = _done(forms[action], acts[action])
        if said:
            messages.success(request, said)
            return redirect("privacy:information", case.reference)
        failed = forms[action]
    record.refresh_from_db()
    if case.customer is not None:
        customer_access_record(
            customers=[case.customer],
            by=staff,
            what=f"request for information {case.reference}",
            clock=clock,
        )
    return render(
        request,
        "privacy/information.html",
        {
            "case": case,
            "record": record,
            "what": information.kind_words(case),
            "deadline": _deadline(case, str(case.kind)),
            "review_deadline": _deadline(case, "information_review"),
            "may_review": information.may_review(record, staff),
            "decision_form": forms["decide"],
            "ask_form": forms["ask"],
            "review_form": forms["review"],
            "failed": failed,
            "gives_less": record.decision
            in (
                InformationDecision.PART,
                InformationDecision.REFUSED,
                InformationDecision.NOT_HELD,
            ),
            "upheld": record.review_outcome == ReviewOutcome.UPHELD,
            "review_right": information.REVIEW_RIGHT,
            "after_review": information.AFTER_REVIEW,
        },
        status=400 if failed is not None else 200,
    )


def _decide(
    record: InformationRequest, data: dict[str, Any], staff: StaffMember, clock: Clock
) -> str:
    information.information_decide(request=record, by=staff, clock=clock, **data)
    return "The decision is recorded. The request's deadline is met."


def _ask(record: InformationRequest, data: dict[str, Any], staff: StaffMember, clock: Clock) -> str:
    information.review_ask(
        request=record,
        asked_at=moment_on(data["asked_on"], clock.now()),
        grounds=data["grounds"],
        by=staff,
        clock=clock,
    )
    return "The review is asked for. Its deadline has started."


def _review(
    record: InformationRequest, data: dict[str, Any], staff: StaffMember, clock: Clock
) -> str:
    information.review_decide(request=record, by=staff, clock=clock, **data)
    return "The outcome of the review is recorded. Its deadline is met."
