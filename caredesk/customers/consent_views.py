"""The customer page's actions for consents and representatives: record a consent,
withdraw one, record a representative's authority, revoke one. Each parses its form,
calls the service and goes back to the page; a refusal shows the page again (400) with
the form's errors in the GOV.UK error summary."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from caredesk.core.clock import Clock, system_clock
from caredesk.customers.consent import consent_record, consent_withdraw
from caredesk.customers.consent_forms import (
    ConsentForm,
    ConsentWithdrawForm,
    RepresentativeForm,
    RevokeForm,
    moment_on,
)
from caredesk.customers.models import Consent, Customer, Representative
from caredesk.customers.representatives import representative_record, representative_revoke
from caredesk.customers.views import _render_customer
from caredesk.errors import CaredeskError
from caredesk.staff.decorators import requires
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can


def _act(
    request: HttpRequest,
    customer: Customer,
    form: Form,
    name: str,
    do: Callable[[], str],
    *,
    anchor: str,
    clock: Clock,
) -> HttpResponse:
    if form.is_valid():
        try:
            said = do()
        except CaredeskError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, said)
            return redirect(reverse("customers:customer", args=[customer.pk]) + anchor)
    return _render_customer(request, customer, clock=clock, bound=form, bound_name=name, status=400)


@requires(Can.WORK_CASES)
@require_POST
def consent_record_page(request: HttpRequest, pk: int, clock: Clock = system_clock) -> HttpResponse:
    """Record what the customer agreed to, how and when."""
    staff: StaffMember = request.user  # type: ignore[assignment]
    customer = get_object_or_404(Customer, pk=pk)
    form = ConsentForm(request.POST, prefix="consent")

    def do() -> str:
        data = form.cleaned_data
        consent_record(
            customer=customer,
            purpose=data["purpose"],
            details=data["details"],
            given_how=data["given_how"],
            given_at=moment_on(data["given_on"], clock.now()),
            evidence=data["evidence"],
            by=staff,
            clock=clock,
        )
        return "Consent recorded."

    return _act(request, customer, form, "consent", do, anchor="#consent", clock=clock)


@requires(Can.WORK_CASES)
@require_POST
def consent_withdraw_page(
    request: HttpRequest, pk: int, consent_id: int, clock: Clock = system_clock
) -> HttpResponse:
    """Record that the customer withdrew a consent: it is kept, as history."""
    staff: StaffMember = request.user  # type: ignore[assignment]
    customer = get_object_or_404(Customer, pk=pk)
    consent = get_object_or_404(Consent, pk=consent_id, customer=customer)
    name = f"withdraw{consent.pk}"
    form = ConsentWithdrawForm(request.POST, prefix=name)

    def do() -> str:
        data = form.cleaned_data
        consent_withdraw(
            consent=consent,
            customer=customer,
            withdrawn_how=data["withdrawn_how"],
            withdrawn_at=moment_on(data["withdrawn_on"], clock.now()),
            evidence=data["evidence"],
            by=staff,
            clock=clock,
        )
        return "Consent withdrawn. It is kept in the list of withdrawn consents."

    return _act(request, customer, form, name, do, anchor="#consent", clock=clock)


@requires(Can.WORK_CASES)
@require_POST
def representative_record_page(
    request: HttpRequest, pk: int, clock: Clock = system_clock
) -> HttpResponse:
    """Record someone the customer has authorised to act for them."""
    staff: StaffMember = request.user  # type: ignore[assignment]
    customer = get_object_or_404(Customer, pk=pk)
    form = RepresentativeForm(request.POST, prefix="representative")

    def do() -> str:
        kept = representative_record(customer=customer, by=staff, clock=clock, **form.values())
        return f"{kept.name}'s authority to act for {customer.name} is recorded."

    return _act(
        request, customer, form, "representative", do, anchor="#representatives", clock=clock
    )


@requires(Can.WORK_CASES)
@require_POST
def representative_revoke_page(
    request: HttpRequest, pk: int, representative_id: int, clock: Clock = system_clock
) -> HttpResponse:
    """Record that the customer revoked a representative's authority, now."""
    staff: StaffMember = request.user  # type: ignore[assignment]
    customer = get_object_or_404(Customer, pk=pk)
    representative = get_object_or_404(Representative, pk=representative_id, customer=customer)
    name = f"revoke{representative.pk}"
    form = RevokeForm(request.POST, prefix=name)

    def do() -> str:
        representative_revoke(
            representative=representative,
            customer=customer,
            evidence=form.cleaned_data["evidence"],
            by=staff,
            clock=clock,
        )
        return f"{representative.name}'s authority is revoked."

    return _act(request, customer, form, name, do, anchor="#representatives", clock=clock)
