"""Representatives: someone a customer has authorised to act for them (an advocate, a
family member, a solicitor, their councillor or MP, a support worker), for everything or
for the matters named, given in writing, verbally, online, or by a power of attorney or
a court order; from when, until when (optional), and its revocation.

When an authority is in force (the one rule, `authority_in_force`): from `starts_at`
(inclusive) up to, NOT including, `ends_at` and `revoked_at`. The desk asks for dates:
"from 1 June" is from the start of 1 June and "until 30 June" means to the end of 30
June, office time (Europe/London), so `ends_at` is the start of 1 July: on 30 June at
23:59:59 the authority is in force, at midnight it is not. A revocation takes effect
when it is recorded.

Every change is on the record's history (a CustomerEvent, in words)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.utils import timezone

from caredesk.core.clock import Clock, system_clock
from caredesk.core.db import write_transaction
from caredesk.core.text import typed_text_check
from caredesk.customers.models import (
    AuthorityGiven,
    Customer,
    Matter,
    Representative,
    RepresentativeKind,
)
from caredesk.customers.services import customer_note_change, refuse_if_merged
from caredesk.errors import CaredeskError
from caredesk.staff.models import StaffMember

NAME_MAX = 200
RELATIONSHIP_MAX = 200
EVIDENCE_MAX = 500
HISTORY_PREFIX = "representative:"


class RepresentativeRefused(CaredeskError):
    """A representative's authority that cannot be recorded as given: no name, an
    unknown kind, way or matter, nothing covered, an end before its start, or text that
    cannot be kept."""

    code = "representative_invalid"


class RepresentativeNotInForce(CaredeskError):
    """The authority was revoked already, or is not this customer's."""

    code = "representative_already_revoked"


def authority_in_force(
    *, starts_at: datetime, ends_at: datetime | None, revoked_at: datetime | None, at: datetime
) -> bool:
    """The rule: in force from `starts_at` (inclusive) until `ends_at` and `revoked_at`
    (both exclusive; None: no end)."""
    return (
        starts_at <= at
        and (ends_at is None or at < ends_at)
        and (revoked_at is None or at < revoked_at)
    )


def covers(representative: Representative, matter: str | None) -> bool:
    """Whether the authority covers `matter` (None: it is asked about nothing in
    particular, so only an authority for everything covers it)."""
    if representative.covers_everything:
        return True
    return matter is not None and matter != Matter.OTHER and matter in representative.matters


def representative_authority(
    *,
    customer: Customer,
    representative: Representative,
    at: datetime,
    matter: str | None = None,
) -> Representative | None:
    """`representative` if it is `customer`'s, its authority is in force at `at`, and
    (when a `matter` is named) it covers that matter; otherwise None."""
    if representative.customer_id != customer.pk:
        return None
    if not authority_in_force(
        starts_at=representative.starts_at,
        ends_at=representative.ends_at,
        revoked_at=representative.revoked_at,
        at=at,
    ):
        return None
    if matter is not None and not covers(representative, matter):
        return None
    return representative


@dataclass(frozen=True)
class AuthorityCheck:
    """Whether a representative may be told about a matter at a time, and why not."""

    representative: Representative | None
    in_force: bool
    reason: str


def authority_check(
    *,
    customer: Customer,
    representative: Representative | None,
    at: datetime,
    matter: str | None,
) -> AuthorityCheck:
    """`representative_authority`, with the reason in words when there is none."""
    if representative is None or representative.customer_id != customer.pk:
        return AuthorityCheck(
            representative,
            False,
            f"{customer.name} has not authorised this person to act for them: no "
            "authority is recorded on their record.",
        )
    who = representative.name
    if representative_authority(
        customer=customer, representative=representative, at=at, matter=matter
    ):
        return AuthorityCheck(representative, True, f"{who} has {customer.name}'s authority.")
    if at < representative.starts_at:
        why = f"{who}'s authority starts on {_day(representative.starts_at)}."
    elif representative.revoked_at is not None and representative.revoked_at <= at:
        why = f"{who}'s authority was revoked on {_day(representative.revoked_at)}."
    elif representative.ends_at is not None and representative.ends_at <= at:
        why = f"{who}'s authority ended at the end of {_last_day(representative.ends_at)}."
    else:
        asked = Matter(matter).label.lower() if matter in Matter.values else "this matter"
        why = f"{who}'s authority covers {matters_words(representative)}, not {asked}."
    return AuthorityCheck(representative, False, why)


def _day(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%-d %B %Y}"


def _last_day(ends_at: datetime) -> str:
    """The last day an authority ending at `ends_at` (exclusive) was in force: one
    ending at midnight was last in force the day before."""
    return f"{timezone.localtime(ends_at - timedelta(microseconds=1)):%-d %B %Y}"


def matters_words(representative: Representative) -> str:
    if representative.covers_everything:
        return "everything"
    chosen = set(representative.matters)
    return "; ".join(str(label).lower() for value, label in Matter.choices if value in chosen)


def representative_words(representative: Representative) -> str:
    who = representative.name
    relationship = representative.relationship or RepresentativeKind(representative.kind).label
    said = (
        f"{who} ({relationship}), for {matters_words(representative)}, "
        f"{AuthorityGiven(representative.given_how).label[0].lower()}"
        f"{AuthorityGiven(representative.given_how).label[1:]}, "
        f"from {_day(representative.starts_at)}"
    )
    if representative.ends_at is not None:
        said += f" until {_last_day(representative.ends_at)}"
    return f"{said} (evidence: {representative.evidence})" if representative.evidence else said


def representatives_of(customer: Customer) -> list[Representative]:
    """Every representative the customer has authorised, the latest first."""
    return list(
        customer.representatives.select_related("recorded_by", "revoked_by").order_by(
            "-starts_at", "-pk"
        )
    )


def representatives_in_force(customer: Customer, *, at: datetime) -> list[Representative]:
    return [
        r
        for r in representatives_of(customer)
        if representative_authority(customer=customer, representative=r, at=at)
    ]


# What a person typed: trimmed, refused with the field named (core.text).
_text = partial(typed_text_check, error=RepresentativeRefused, required=False)


def _history(representative: Representative, words: str, *, by: StaffMember, at: datetime) -> None:
    customer_note_change(
        customer_id=representative.customer_id,
        name=f"{HISTORY_PREFIX}{representative.pk}",
        before=None,
        after=words,
        by=by,
        at=at,
    )


@write_transaction()
def representative_record(
    *,
    customer: Customer,
    name: str,
    kind: str,
    relationship: str = "",
    covers_everything: bool,
    matters: Iterable[str] = (),
    given_how: str,
    starts_at: datetime,
    ends_at: datetime | None = None,
    evidence: str = "",
    by: StaffMember,
    clock: Clock = system_clock,
) -> Representative:
    """Record that the customer authorised `name` to act for them: for everything, or
    for `matters` (Matter values), `given_how`, in force from `starts_at` until
    `ends_at` (exclusive; None: until revoked).

    Raises RepresentativeRefused for no name, an unknown kind, way or matter, nothing
    covered (or both everything and matters), an end not after the start, or text that
    cannot be kept; CustomerMerged for a merged record."""
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    refuse_if_merged(locked)
    name = _text(name, label="The representative's name", limit=NAME_MAX, required=True)
    relationship = _text(relationship, label="Their relationship", limit=RELATIONSHIP_MAX)
    evidence = _text(evidence, label="The evidence", limit=EVIDENCE_MAX)
    if kind not in RepresentativeKind.values:
        raise RepresentativeRefused(f"Not a kind of representative caredesk knows: {kind}.")
    if given_how not in AuthorityGiven.values:
        raise RepresentativeRefused(f"Not a way of giving authority caredesk knows: {given_how}.")
    wanted = sorted(set(matters))
    unknown = [m for m in wanted if m not in Matter.values or m == Matter.OTHER]
    if unknown:
        raise RepresentativeRefused(f"Not a matter caredesk knows: {', '.join(unknown)}.")
    if covers_everything and wanted:
        raise RepresentativeRefused("Choose everything, or the matters it covers: not both.")
    if not covers_everything and not wanted:
        raise RepresentativeRefused("Say what the authority covers: everything, or the matters.")
    if ends_at is not None and ends_at <= starts_at:
        raise RepresentativeRefused("The authority must end after it starts.")
    now = clock.now()
    representative = Representative.objects.create(
        customer=locked,
        name=name,
        kind=kind,
        relationship=relationship,
        covers_everything=covers_everything,
        matters=wanted,
        given_how=given_how,
        starts_at=starts_at,
        ends_at=ends_at,
        evidence=evidence,
        recorded_at=now,
        recorded_by=by,
    )
    _history(representative, f"authorised: {representative_words(representative)}", by=by, at=now)
    return representative


@write_transaction()
def representative_revoke(
    *,
    representative: Representative,
    customer: Customer,
    evidence: str = "",
    by: StaffMember,
    clock: Clock = system_clock,
) -> Representative:
    """Record that the customer revoked the authority, now. Raises
    RepresentativeNotInForce if it was revoked already or is not the customer's,
    RepresentativeRefused for text that cannot be kept, CustomerMerged for a merged
    record."""
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    refuse_if_merged(locked)
    row = (
        Representative.objects.select_for_update()
        .filter(pk=representative.pk, customer=locked)
        .first()
    )
    if row is None or row.revoked_at is not None:
        raise RepresentativeNotInForce(
            "That authority was revoked already, or is not this customer's. The page now "
            "shows it as it is."
        )
    evidence = _text(evidence, label="The evidence", limit=EVIDENCE_MAX)
    now = clock.now()
    row.revoked_at, row.revoked_by, row.revocation_evidence = now, by, evidence
    row.save()
    said = f"authority of {row.name} revoked on {_day(now)}"
    _history(row, f"{said} (evidence: {evidence})" if evidence else said, by=by, at=now)
    return row
