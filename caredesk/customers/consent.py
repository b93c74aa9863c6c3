"""A customer's consents: what they agreed to, how and when, and its withdrawal.

Stonewall Housing's policy (3.5.3) says the landlord "must gain consent, preferably
written, from those individuals about whom it keeps personal information". Each consent
is one row: the purpose (from a list the landlord and the customer both understand, or
"something else" in words), how it was given (in writing, verbally, online), when, who
recorded it and the evidence ("signed form scanned to the case"). Withdrawing it keeps
the row, with when and how it was withdrawn and who recorded that: history, never lost.

A purpose has at most one current consent per customer (for "something else", one per
thing named): recording another while one is current is refused, so the page says to
withdraw the old one first (a unique constraint holds it against two at once too).
Every change is on the record's history (a CustomerEvent, in words, as the household's
vulnerabilities are)."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone

from caredesk.core.clock import Clock, system_clock
from caredesk.core.db import write_transaction
from caredesk.core.text import typed_text_check
from caredesk.customers.models import (
    Consent,
    ConsentEnd,
    ConsentHow,
    ConsentPurpose,
    Customer,
)
from caredesk.customers.services import customer_note_change, refuse_if_merged
from caredesk.errors import CaredeskError
from caredesk.staff.models import StaffMember

DETAILS_MAX = 300
EVIDENCE_MAX = 500
HISTORY_PREFIX = "consent:"


class ConsentRefused(CaredeskError):
    """A consent that cannot be recorded as given: an unknown purpose or way, a time in
    the future, "something else" not said, or text that cannot be kept."""

    code = "consent_invalid"


class ConsentAlreadyCurrent(CaredeskError):
    """The customer already has a current consent for this purpose: withdraw it first."""

    code = "consent_already_current"


class ConsentNotCurrent(CaredeskError):
    """The consent was already withdrawn, or is not this customer's."""

    code = "consent_not_current"


def _day(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%-d %B %Y}"


def consent_given_words(consent: Consent) -> str:
    how = ConsentHow(consent.given_how).label.lower()
    said = f"given {how} on {_day(consent.given_at)}"
    return f"{said} (evidence: {consent.evidence})" if consent.evidence else said


def consent_withdrawn_words(consent: Consent) -> str:
    assert consent.withdrawn_at is not None
    how = ConsentEnd(consent.withdrawn_how).label
    said = f"{how[0].lower()}{how[1:]} on {_day(consent.withdrawn_at)}"
    return (
        f"{said} (evidence: {consent.withdrawal_evidence})" if consent.withdrawal_evidence else said
    )


# What a person typed: trimmed, refused with the field named (core.text).
_text = partial(typed_text_check, error=ConsentRefused, required=False)


def _history(consent: Consent, words: str, *, by: StaffMember, at: datetime) -> None:
    customer_note_change(
        customer_id=consent.customer_id,
        name=f"{HISTORY_PREFIX}{consent.purpose}",
        before=None,
        after=f"{consent.purpose_words}: {words}",
        by=by,
        at=at,
    )


def consents_current(customer: Customer) -> list[Consent]:
    """The customer's current consents, in the order of the list of purposes."""
    order = {value: place for place, value in enumerate(ConsentPurpose.values)}
    current = list(
        customer.consents.filter(withdrawn_at__isnull=True).select_related("recorded_by")
    )
    return sorted(current, key=lambda c: (order[c.purpose], c.details.lower()))


def consents_withdrawn(customer: Customer) -> list[Consent]:
    """The customer's withdrawn consents, the latest withdrawal first."""
    return list(
        customer.consents.filter(withdrawn_at__isnull=False)
        .select_related("recorded_by", "withdrawal_recorded_by")
        .order_by("-withdrawn_at", "-pk")
    )


@write_transaction()
def consent_record(
    *,
    customer: Customer,
    purpose: str,
    details: str = "",
    given_how: str,
    given_at: datetime,
    evidence: str = "",
    by: StaffMember,
    clock: Clock = system_clock,
) -> Consent:
    """Record that the customer agreed to `purpose` (`details`: the partner agencies
    named, or what "something else" is), `given_how`, at `given_at`, with `evidence`.

    Raises ConsentRefused for an unknown purpose or way, a time after now, "something
    else" with nothing said, or text that cannot be kept; ConsentAlreadyCurrent if the
    customer has a current consent for the purpose; CustomerMerged for a merged record."""
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    refuse_if_merged(locked)
    if purpose not in ConsentPurpose.values:
        raise ConsentRefused(f"Not a purpose caredesk knows: {purpose}.")
    if given_how not in ConsentHow.values:
        raise ConsentRefused(f"Not a way of giving consent caredesk knows: {given_how}.")
    details = _text(details, label="What they agreed to", limit=DETAILS_MAX)
    evidence = _text(evidence, label="The evidence", limit=EVIDENCE_MAX)
    if purpose == ConsentPurpose.OTHER and not details:
        raise ConsentRefused("Say what the customer agreed to.")
    if purpose == ConsentPurpose.PARTNER_SHARING and not details:
        raise ConsentRefused("Name the partner agencies the customer agreed we can share with.")
    now = clock.now()
    if given_at > now:
        raise ConsentRefused("The consent cannot have been given in the future.")
    current = locked.consents.filter(withdrawn_at__isnull=True, purpose=purpose)
    if purpose == ConsentPurpose.OTHER:
        current = current.filter(details__iexact=details)
    already = current.first()
    if already is not None:
        raise ConsentAlreadyCurrent(
            f"{locked.name} already has a current consent to {already.purpose_words.lower()}, "
            f"{consent_given_words(already)}. Withdraw it first to record a new one."
        )
    consent = Consent(
        customer=locked,
        purpose=purpose,
        details=details,
        given_how=given_how,
        given_at=given_at,
        evidence=evidence,
        recorded_at=now,
        recorded_by=by,
    )
    try:
        with transaction.atomic():
            consent.save()
    except IntegrityError:
        raise ConsentAlreadyCurrent(
            f"{locked.name} already has a current consent for this. Withdraw it first."
        ) from None
    _history(consent, consent_given_words(consent), by=by, at=now)
    return consent


@write_transaction()
def consent_withdraw(
    *,
    consent: Consent,
    customer: Customer,
    withdrawn_how: str,
    withdrawn_at: datetime,
    evidence: str = "",
    by: StaffMember,
    clock: Clock = system_clock,
) -> Consent:
    """Record that the customer withdrew `consent` (theirs, still current), `withdrawn_how`,
    at `withdrawn_at` (not before it was given, not after now), with `evidence`.

    Raises ConsentNotCurrent if it is withdrawn already or not the customer's,
    ConsentRefused for an unknown way, a time out of order or text that cannot be kept,
    and CustomerMerged for a merged record."""
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    refuse_if_merged(locked)
    row = Consent.objects.select_for_update().filter(pk=consent.pk, customer=locked).first()
    if row is None or row.withdrawn_at is not None:
        raise ConsentNotCurrent(
            "That consent is not current: it was withdrawn already, or is not this "
            "customer's. The page now shows it as it is."
        )
    if withdrawn_how not in (ConsentEnd.WRITTEN, ConsentEnd.VERBAL, ConsentEnd.ONLINE):
        raise ConsentRefused(f"Not a way of withdrawing consent caredesk knows: {withdrawn_how}.")
    evidence = _text(evidence, label="The evidence", limit=EVIDENCE_MAX)
    now = clock.now()
    if withdrawn_at > now:
        raise ConsentRefused("The consent cannot have been withdrawn in the future.")
    if withdrawn_at < row.given_at:
        raise ConsentRefused(
            f"The consent was given on {_day(row.given_at)}: it cannot have been withdrawn "
            "before that."
        )
    row.withdrawn_at, row.withdrawn_how, row.withdrawal_evidence = (
        withdrawn_at,
        withdrawn_how,
        evidence,
    )
    row.withdrawal_recorded_at, row.withdrawal_recorded_by = now, by
    row.save()
    _history(row, consent_withdrawn_words(row), by=by, at=now)
    return row


def consents_before_merge(kept: Customer, merged: Customer, by: StaffMember, at: datetime) -> None:
    """Before a merge moves the merged record's consents to the record kept: where both
    have a current consent for one purpose, the one given later stays current and the
    other becomes history, replaced (ConsentEnd.SUPERSEDED), so the kept record still
    has one current consent per purpose. Registered from CustomersConfig.ready()."""
    theirs = list(merged.consents.select_for_update().filter(withdrawn_at__isnull=True))
    mine = {
        (c.purpose, c.details.lower() if c.purpose == ConsentPurpose.OTHER else ""): c
        for c in kept.consents.select_for_update().filter(withdrawn_at__isnull=True)
    }
    for consent in theirs:
        other = mine.get(
            (consent.purpose, consent.details.lower() if consent.purpose == "other" else "")
        )
        if other is None:
            continue
        older = min((consent, other), key=lambda c: (c.given_at, c.pk))
        older.withdrawn_at, older.withdrawn_how = at, ConsentEnd.SUPERSEDED
        older.withdrawal_recorded_at, older.withdrawal_recorded_by = at, by
        older.save()
