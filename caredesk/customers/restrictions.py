"""Restricting the use of a customer's data (UK GDPR Article 18). While a restriction is
in force the data is kept but not otherwise used without the customer's consent: the
customer page and every page of their cases say so, and only the data protection officer
may change their details (`customers.services.refuse_if_restricted`) or merge their
record. A restriction is lifted only once the customer has been told that it will be
(Article 18(3)): lifting it records when and how they were told.

Restrictions are the data protection officer's to start and lift. One started in answer to
a customer's request names the request's case (`request_reference`; privacy deals with
the request). Every start and lift is on the record's history, in words."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from caredesk.core.clock import Clock
from caredesk.core.db import write_transaction
from caredesk.core.text import typed_text_check
from caredesk.customers.models import Customer, Restriction, RestrictionGround
from caredesk.customers.services import customer_note_change, refuse_if_merged
from caredesk.errors import CaredeskError, NotAllowed
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can, allowed

REASON_MAX = 2000
TOLD_HOW_MAX = 300
HISTORY_PREFIX = "restriction:"
WARNING = "Use of this person's data is restricted"


class RestrictionRefused(CaredeskError):
    """A restriction that cannot be started or lifted as asked: no ground or reason, the
    customer not told before it is lifted, or one lifted already."""

    code = "restriction_invalid"


def _dpo(by: StaffMember) -> None:
    if not allowed(by, Can.MANAGE_PRIVACY):
        raise NotAllowed("Only the data protection officer restricts the use of a customer's data.")


def _text(value: str, *, name: str, longest: int, required: str = "") -> str:
    return typed_text_check(
        value, label=name, error=RestrictionRefused, limit=longest, required=required
    )


def restrictions_in_force(customer: Customer) -> list[Restriction]:
    """The customer's restrictions in force, the first started first."""
    return list(
        Restriction.objects.filter(customer=customer, lifted_at__isnull=True).order_by(
            "starts_at", "pk"
        )
    )


def restrictions_of_request(reference: str) -> list[Restriction]:
    """The restrictions started in answer to the request with this case reference."""
    return list(
        Restriction.objects.filter(request_reference=reference)
        .select_related("started_by", "lifted_by")
        .order_by("starts_at", "pk")
    )


@write_transaction()
def restriction_start(
    *,
    customer: Customer,
    ground: str,
    reason: str,
    by: StaffMember,
    clock: Clock,
    request_reference: str = "",
) -> Restriction:
    """Restrict the use of the customer's data from now, on `ground` (Article 18(1)),
    saying what and why; `request_reference`, the case of the customer's request, if
    they asked."""
    _dpo(by)
    refuse_if_merged(customer)
    if ground not in RestrictionGround.values:
        raise RestrictionRefused("Choose why the use of their data is restricted.")
    reason = _text(
        reason,
        name="What is restricted and why",
        longest=REASON_MAX,
        required="Say what is restricted and why.",
    )
    now = clock.now()
    restriction = Restriction.objects.create(
        customer=customer,
        request_reference=request_reference,
        ground=ground,
        reason=reason,
        starts_at=now,
        started_by=by,
    )
    asked = f" (request {request_reference})" if request_reference else ""
    customer_note_change(
        customer_id=customer.pk,
        name=f"{HISTORY_PREFIX}{restriction.pk}",
        before=None,
        after=f"use of their data restricted{asked}: {RestrictionGround(ground).label}",
        by=by,
        at=now,
    )
    return restriction


@write_transaction()
def restriction_lift(
    *,
    restriction: Restriction,
    told_at: datetime,
    told_how: str,
    told_before_lifting: bool,
    reason: str,
    by: StaffMember,
    clock: Clock,
) -> Restriction:
    """Lift the restriction. Refused unless the customer was told it would be lifted
    (`told_before_lifting`, `told_at` and `told_how`) before now (Article 18(3))."""
    _dpo(by)
    now = clock.now()
    restriction = Restriction.objects.select_for_update().get(pk=restriction.pk)
    if restriction.lifted_at is not None:
        raise RestrictionRefused("This restriction has been lifted already.")
    if not told_before_lifting:
        raise RestrictionRefused(
            "Tell the customer that the restriction will be lifted before you lift it "
            "(UK GDPR Article 18(3)), then record that you told them."
        )
    told_how = _text(
        told_how,
        name="How they were told",
        longest=TOLD_HOW_MAX,
        required="Say how the customer was told that the restriction will be lifted.",
    )
    if told_at > now:
        raise RestrictionRefused("The day they were told must be today or in the past.")
    if timezone.localtime(told_at).date() < timezone.localtime(restriction.starts_at).date():
        raise RestrictionRefused(
            "The day they were told is before the restriction started: check the day."
        )
    reason = _text(
        reason,
        name="Why it is lifted",
        longest=REASON_MAX,
        required="Say why the restriction is lifted.",
    )
    restriction.lifted_at, restriction.lifted_by = now, by
    restriction.told_before_lifting, restriction.told_at = True, told_at
    restriction.told_how, restriction.lift_reason = told_how, reason
    restriction.save()
    customer_note_change(
        customer_id=restriction.customer_id,
        name=f"{HISTORY_PREFIX}{restriction.pk}",
        before="use of their data restricted",
        after=f"restriction lifted, the customer told first ({told_how}): {reason}",
        by=by,
        at=now,
    )
    return restriction
