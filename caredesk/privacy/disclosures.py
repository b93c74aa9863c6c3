"""The disclosure log (Stonewall Housing 3.6: "procedures for dealing with requests for
personal information from ... third parties, and guidelines for giving out
information"; 4.1: "not to divulge information except in circumstances allowed for").

Any caseworker logs a request for the data protection officer (who asked, from where,
when, about what, what they asked for). Only the data protection officer
(Can.MANAGE_PRIVACY) decides it: the lawful basis (UK GDPR Article 6, and where
relevant the DPA 2018 exemption), disclose in full, in part, or refuse, why, and what
was disclosed.

A request from the customer's representative is checked against the customer's
authority (customers.representatives) at the moment of the decision, for the matter
asked about: disclosing on the representative's authority when none is in force, or
one that does not cover the matter, is refused (RepresentativeWithoutAuthority, saying
why). The officer may still disclose on another lawful basis, chosen and explained.
Every decision is a read of the customer's record (customers.services)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.db.models import QuerySet

from caredesk.core.clock import Clock, system_clock
from caredesk.core.db import write_transaction
from caredesk.core.text import typed_text_check
from caredesk.customers.models import Customer, Matter, Representative
from caredesk.customers.representatives import AuthorityCheck, authority_check
from caredesk.customers.services import customer_access_record, refuse_if_merged
from caredesk.errors import CaredeskError, NotAllowed
from caredesk.privacy.models import (
    DisclosureDecision,
    DisclosureRequest,
    Exemption,
    LawfulBasis,
    RequesterKind,
)
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can, allowed

NAME_MAX = 200
TEXT_MAX = 5_000
REASON_MIN = 10  # "Refused." says nothing: a reason is a sentence


class DisclosureRefused(CaredeskError):
    """A request or a decision that cannot be recorded as given: a field missing or
    unknown, text that cannot be kept, a time in the future."""

    code = "disclosure_invalid"


class DisclosureAlreadyDecided(CaredeskError):
    """The request was decided already: a decision, once made, is the record."""

    code = "disclosure_already_decided"


class RepresentativeWithoutAuthority(CaredeskError):
    """Disclosure to a representative on their authority, when no authority covering
    the matter is in force: refuse, or choose and explain another lawful basis."""

    code = "disclosure_without_authority"


# What a person typed: trimmed, refused with the field named (core.text).
_text = partial(typed_text_check, error=DisclosureRefused, required=True)


@write_transaction()
def disclosure_request_log(
    *,
    customer: Customer,
    requester_kind: str,
    requester_name: str,
    requester_organisation: str = "",
    representative: Representative | None = None,
    matter: str,
    asked: str,
    received_at: datetime,
    by: StaffMember,
    clock: Clock = system_clock,
) -> DisclosureRequest:
    """Log a third party's request for the customer's information, for the data
    protection officer to decide. A request from a representative names which of the
    customer's representatives it is (`representative`), if they are one on record.

    Raises NotAllowed for someone who does not take casework or manage privacy,
    DisclosureRefused for a field missing or unknown, a representative of another
    customer, a time after now or text that cannot be kept; CustomerMerged for a merged
    record."""
    if not (allowed(by, Can.WORK_CASES) or allowed(by, Can.MANAGE_PRIVACY)):
        raise NotAllowed("Only caseworkers and the data protection officer log requests.")
    refuse_if_merged(customer)
    if requester_kind not in RequesterKind.values:
        raise DisclosureRefused(f"Not a kind of requester caredesk knows: {requester_kind}.")
    if matter not in Matter.values:
        raise DisclosureRefused(f"Not a matter caredesk knows: {matter}.")
    name = _text(requester_name, label="The name of the person asking", limit=NAME_MAX)
    organisation = _text(
        requester_organisation, label="Their organisation", limit=NAME_MAX, required=False
    )
    asked = _text(asked, label="What they asked for", limit=TEXT_MAX)
    if representative is not None:
        if representative.customer_id != customer.pk:
            raise DisclosureRefused("That representative is not this customer's.")
        if requester_kind != RequesterKind.REPRESENTATIVE:
            raise DisclosureRefused(
                "A request from one of the customer's representatives is from an advocate "
                "or representative: choose that kind of requester."
            )
    now = clock.now()
    if received_at > now:
        raise DisclosureRefused("The request cannot have been received in the future.")
    return DisclosureRequest.objects.create(
        customer=customer,
        requester_kind=requester_kind,
        requester_name=name,
        requester_organisation=organisation,
        representative=representative,
        matter=matter,
        asked=asked,
        received_at=received_at,
        logged_at=now,
        logged_by=by,
    )


def disclosure_authority(request: DisclosureRequest, *, at: datetime) -> AuthorityCheck | None:
    """For a request from a representative: whether the customer's authority covering
    the matter is in force at `at`, and why not. None for other requesters."""
    if request.requester_kind != RequesterKind.REPRESENTATIVE:
        return None
    return authority_check(
        customer=request.customer,
        representative=request.representative,
        at=at,
        matter=request.matter,
    )


@write_transaction()
def disclosure_decide(
    *,
    request: DisclosureRequest,
    decision: str,
    basis: str,
    exemption: str = "",
    reason: str,
    disclosed: str = "",
    by: StaffMember,
    clock: Clock = system_clock,
) -> DisclosureRequest:
    """The data protection officer's decision on a request: `decision` (full, part,
    refuse), the lawful `basis` and any DPA 2018 `exemption` relied on (a disclosure
    needs a basis; a refusal none), the `reason`, and what was `disclosed`. Logged as a
    read of the customer's record.

    Raises NotAllowed for anyone without Can.MANAGE_PRIVACY; DisclosureAlreadyDecided;
    RepresentativeWithoutAuthority for a disclosure on a representative's authority
    with none in force covering the matter now; DisclosureRefused for a missing or
    unknown basis, decision or text."""
    if not allowed(by, Can.MANAGE_PRIVACY):
        raise NotAllowed("Only the data protection officer decides what is disclosed.")
    row = (
        DisclosureRequest.objects.select_for_update(of=("self",))  # not the nullable join
        .select_related("customer", "representative")
        .get(pk=request.pk)
    )
    if row.decided_at is not None:
        raise DisclosureAlreadyDecided(
            f"This request was decided on {row.decided_at:%d %B %Y} by {row.decided_by}. "
            "The page now shows the decision."
        )
    if decision not in DisclosureDecision.values:
        raise DisclosureRefused(f"Not a decision caredesk knows: {decision}.")
    if basis and basis not in LawfulBasis.values:
        raise DisclosureRefused(f"Not a lawful basis caredesk knows: {basis}.")
    if exemption not in Exemption.values:
        raise DisclosureRefused(f"Not an exemption caredesk knows: {exemption}.")
    reason = _text(reason, label="The reason for your decision", limit=TEXT_MAX)
    if len(reason) < REASON_MIN:
        raise DisclosureRefused("Give the reason for the decision in a sentence.")
    disclosing = decision != DisclosureDecision.REFUSE
    disclosed = _text(disclosed, label="What was disclosed", limit=TEXT_MAX, required=disclosing)
    if not disclosing and disclosed:
        raise DisclosureRefused("The request is refused: nothing was disclosed.")
    if disclosing and not basis:
        raise DisclosureRefused("Choose the lawful basis for disclosing.")
    if basis == LawfulBasis.REPRESENTATIVE and row.requester_kind != RequesterKind.REPRESENTATIVE:
        raise DisclosureRefused(
            "The request is not from the customer's representative: choose another basis."
        )
    now = clock.now()
    if disclosing and basis == LawfulBasis.REPRESENTATIVE:
        row.representative = (
            Representative.objects.select_for_update().get(pk=row.representative_id)
            if row.representative_id
            else None
        )
        check = disclosure_authority(row, at=now)
        assert check is not None
        if not check.in_force:
            raise RepresentativeWithoutAuthority(
                f"Refused: {check.reason} Refuse the request, or choose another lawful basis "
                "and explain it."
            )
    row.decision, row.basis, row.exemption = decision, basis, exemption
    row.reason, row.disclosed = reason, disclosed
    row.decided_at, row.decided_by = now, by
    row.save()
    said = DisclosureDecision(decision).label.lower()
    customer_access_record(
        customers=[row.customer],
        by=by,
        what=f"disclosure request {row.pk} from {row.requester}: {said}",
        clock=clock,
    )
    return row


@dataclass(frozen=True)
class DisclosureLog:
    open: QuerySet[DisclosureRequest]
    decided: QuerySet[DisclosureRequest]


def disclosure_log(*, decided_shown: int = 100) -> DisclosureLog:
    """Open requests first (the oldest first: they have waited longest), then the
    latest decided."""
    rows = DisclosureRequest.objects.select_related("customer", "logged_by", "decided_by")
    return DisclosureLog(
        open=rows.filter(decided_at__isnull=True).order_by("received_at", "pk"),
        decided=rows.filter(decided_at__isnull=False).order_by("-decided_at", "-pk")[
            :decided_shown
        ],
    )


def customer_disclosures(customer: Customer) -> QuerySet[DisclosureRequest]:
    """The customer's requests, the latest first (the customer page lists them)."""
    return (
        DisclosureRequest.objects.filter(customer=customer)
        .select_related("decided_by")
        .order_by("-received_at", "-pk")
    )
