from __future__ import annotations

from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from caredesk.core.clock import Clock, system_clock
from caredesk.customers.consent import consents_current, consents_withdrawn
from caredesk.customers.consent_forms import (
    ConsentForm,
    ConsentWithdrawForm,
    RepresentativeForm,
    RevokeForm,
)
from caredesk.customers.equality import (
    equality_answers_show,
    equality_erase,
    equality_profile_of,
    equality_record,
)
from caredesk.customers.forms import EqualityForm, VulnerabilitiesForm
from caredesk.customers.history import customer_history_list
from caredesk.customers.models import Customer
from caredesk.customers.record_views import safe_next
from caredesk.customers.representatives import (
    matters_words,
    representative_authority,
    representatives_of,
)
from caredesk.customers.restrictions import restrictions_in_force
from caredesk.customers.sections import customer_sections_shown
from caredesk.customers.selectors import customer_preferences_list
from caredesk.customers.services import customer_access_record, customer_kept
from caredesk.customers.vulnerabilities import (
    household_vulnerabilities_of,
    household_vulnerabilities_record,
    vulnerability_words,
)
from caredesk.errors import CaredeskError
from caredesk.staff.decorators import requires
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can

CASES_SHOWN = 100


def _render_customer(
    request: HttpRequest,
    customer: Customer,
    *,
    clock: Clock,
    equality_form: EqualityForm | None = None,
    vulnerabilities_form: VulnerabilitiesForm | None = None,
    bound: Form | None = None,
    bound_name: str = "",
    status: int = 200,
) -> HttpResponse:
    """The customer page. `bound` is a form of the consent and representatives sections
    refused (`bound_name`: "consent", "representative", "withdraw<id>", "revoke<id>"),
    shown with its errors in place of a blank one."""
    staff: StaffMember = request.user  # type: ignore[assignment]
    now = clock.now()
    customer_access_record(customers=[customer], by=staff, what="customer page", clock=clock)

    def form_for(name: str, cls: type[Form]) -> Form:
        return bound if bound is not None and bound_name == name else cls(prefix=name)

    vulnerable = household_vulnerabilities_of(customer)
    cases = customer.cases.select_related("assigned_to").order_by("-received_at", "-pk")
    return render(
        request,
        "customers/customer.html",
        {
            "customer": customer,
            "preferences": customer_preferences_list(customer=customer),
            "cases": cases[:CASES_SHOWN],
            "case_count": cases.count(),
            "shown": CASES_SHOWN,
            # When and by whom, and consent: the answers themselves are not read here.
            "equality": equality_profile_of(customer),
            "equality_form": equality_form or EqualityForm(),
            "vulnerable": vulnerable,
            "vulnerabilities": vulnerability_words(vulnerable),
            "vulnerabilities_form": vulnerabilities_form
            or VulnerabilitiesForm(
                initial={"kinds": vulnerable.kinds, "notes": vulnerable.notes}
                if vulnerable
                else None
            ),
            "consents": [
                (c, form_for(f"withdraw{c.pk}", ConsentWithdrawForm))
                for c in consents_current(customer)
            ],
            "consents_withdrawn": consents_withdrawn(customer),
            "consent_form": form_for("consent", ConsentForm),
            "representatives": [
                (
                    r,
                    matters_words(r),
                    representative_authority(customer=customer, representative=r, at=now)
                    is not None,
                    form_for(f"revoke{r.pk}", RevokeForm),
                )
                for r in representatives_of(customer)
            ],
            "representative_form": form_for("representative", RepresentativeForm),
            "sections": customer_sections_shown(customer=customer, request=request),
            "history": customer_history_list(customer=customer),
            "restrictions": restrictions_in_force(customer),
            "kept": customer_kept(customer) if customer.merged_into_id else None,
        },
        status=status,
    )


@requires(Can.READ_CASES)
def customer_detail(request: HttpRequest, pk: int, clock: Clock = system_clock) -> HttpResponse:
    """A customer, their needs and preferences, and all their cases, newest first."""
    return _render_customer(request, get_object_or_404(Customer, pk=pk), clock=clock)


@requires(Can.READ_EQUALITY_ANSWERS)
@require_GET
def equality_answers(request: HttpRequest, pk: int, clock: Clock = system_clock) -> HttpResponse:
    """The customer's equality monitoring answers, shown on request; each showing is logged."""
    staff: StaffMember = request.user  # type: ignore[assignment]
    customer = get_object_or_404(Customer, pk=pk)
    try:
        answers = equality_answers_show(customer=customer, by=staff, clock=clock)
    except CaredeskError as error:
        return render(
            request,
            "customers/equality_answers.html",
            {"customer": customer, "error": error.message},
            status=503,
        )
    return render(
        request,
        "customers/equality_answers.html",
        {"customer": customer, "answers": answers, "profile": equality_profile_of(customer)},
    )


@requires(Can.WORK_CASES)
@require_POST
def equality_answers_record(
    request: HttpRequest, pk: int, clock: Clock = system_clock
) -> HttpResponse:
    staff: StaffMember = request.user  # type: ignore[assignment]
    customer = get_object_or_404(Customer, pk=pk)
    form = EqualityForm(request.POST)
    if form.is_valid():
        try:
            equality_record(
                customer=customer,
                answers=form.answers(),
                consent_given=form.consent_given,
                by=staff,
                clock=clock,
            )
        except CaredeskError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                "Equality monitoring answers recorded."
                if form.consent_given
                else "Recorded that the customer did not agree. No answers are kept.",
            )
            return redirect("customers:customer", pk=customer.pk)
    return _render_customer(request, customer, clock=clock, equality_form=form, status=400)


@requires(Can.WORK_CASES)
@require_POST
def equality_answers_erase(
    request: HttpRequest, pk: int, clock: Clock = system_clock
) -> HttpResponse:
    staff: StaffMember = request.user  # type: ignore[assignment]
    customer = get_object_or_404(Customer, pk=pk)
    if equality_erase(customer=customer, by=staff, clock=clock):
        messages.success(request, "The customer's equality monitoring answers are erased.")
    else:
        messages.info(request, "There were no equality monitoring answers to erase.")
    return redirect("customers:customer", pk=customer.pk)


@requires(Can.WORK_CASES)
@require_POST
def vulnerabilities_record(
    request: HttpRequest, pk: int, clock: Clock = system_clock
) -> HttpResponse:
    """Record who in the household is more at risk from a hazard in the home."""
    staff: StaffMember = request.user  # type: ignore[assignment]
    customer = get_object_or_404(Customer, pk=pk)
    form = VulnerabilitiesForm(request.POST)
    if form.is_valid():
        try:
            kept = household_vulnerabilities_record(
                customer=customer,
                kinds=form.cleaned_data["kinds"],
                notes=form.cleaned_data["notes"],
                by=staff,
                clock=clock,
            )
        except CaredeskError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                "Household vulnerabilities recorded."
                if kept
                else "No household vulnerabilities are recorded now.",
            )
            here = reverse("customers:customer", args=[customer.pk]) + "#vulnerabilities"
            return redirect(safe_next(request) or here)
    return _render_customer(request, customer, clock=clock, vulnerabilities_form=form, status=400)
