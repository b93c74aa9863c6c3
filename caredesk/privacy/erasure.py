"""Erasing a customer: their personal data cleared from every app and from the file
store, through what each app declares it holds (customers.holdings), keeping the rows
the figures count (cases, deadlines, calls, visits) without the person.

- `erasure_holds`: what stops a customer being erased (legal holds): a tenancy or
  lease, a case still open (an open complaint is one), a promise still owed.
- `customers_erase`: the erasure itself, for one customer (a request) or thousands at
  once (the retention schedule, privacy.retention). Every personal field of every row
  any holding finds is cleared (`erased_value`), each row found before any is cleared
  (an attachment is found through its email's sender, who is being cleared). Rows are
  kept: the daily roll-ups and every count stay as they were.
- `erasure_carry_out`: an erasure request as the data protection officer deals with it.
- The store's files that only the erased rows named are removed once the erasure has
  committed (core.store.store_remove); one that is shared with someone else's row stays.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat

from caredesk.cases.models import UNFINISHED, Case, CaseKind, CaseStatus, Channel, Deadline
from caredesk.cases.services import case_finish, response_send
from caredesk.core.active_policy import active_policy
from caredesk.core.clock import Clock
from caredesk.core.db import write_transaction
from caredesk.core.store import store_remove
from caredesk.core.text import typed_text_check
from caredesk.customers.holdings import Holding, holdings, merged_into, store_fields
from caredesk.customers.models import (
    Customer,
    CustomerEvent,
    CustomerEventKind,
    CustomerEventSource,
    CustomerType,
)
from caredesk.errors import CaredeskError, NotAllowed
from caredesk.privacy.models import Erasure, ErasureBasis
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can, allowed

# Customers we need to know while their tenancy or lease lasts.
TENANCIES = (
    CustomerType.TENANT,
    CustomerType.LEASEHOLDER,
    CustomerType.SHARED_OWNER,
    CustomerType.LICENSEE,
)
FINISHED = (CaseStatus.RESOLVED, CaseStatus.CLOSED)
CHUNK = 1000  # rows updated at a time (SQLite allows some 32,000 values in a statement)
ERASED = "erased-"  # a value that must stay unique: "erased-" and the row's id


class ErasureError(CaredeskError):
    """An erasure that cannot go ahead: a legal hold, or a request not ready for it."""

    code = "erasure_refused"


class NotErasable(CaredeskError):
    """A field declared personal that erasure cannot clear (a number or a date that
    cannot be empty): the declaration, or the field, must change."""

    code = "personal_field_not_erasable"


@dataclass(frozen=True)
class Hold:
    """A reason the customer's data must be kept for now, in plain words."""

    why: str
    case: Case | None = None


@dataclass(frozen=True)
class Erased:
    """What an erasure cleared: rows of each kind (by model label) and files removed
    from the store once it committed (filled in then)."""

    rows: dict[str, int]
    files: list[str]


def _unique(model: type[models.Model], name: str) -> bool:
    field = model._meta.get_field(name)
    if getattr(field, "unique", False):
        return True
    together = [set(fields) for fields in model._meta.unique_together]
    constrained = [
        set(constraint.fields)
        for constraint in model._meta.constraints
        if isinstance(constraint, models.UniqueConstraint)
    ]
    return any(name in fields for fields in together + constrained)


def erased_value(model: type[models.Model], name: str) -> Any:
    """What a personal field holds once erased: empty text, an empty list or mapping,
    no bytes, or nothing; for a field that must stay unique, "erased-" and the row's id."""
    field = model._meta.get_field(name)
    if isinstance(field, models.CharField | models.TextField):
        if _unique(model, name):
            if isinstance(field, models.CharField) and (field.max_length or 0) < 27:
                raise NotErasable(f"{model._meta.label}.{name} is unique and too short to erase.")
            return Concat(Value(ERASED), Cast("pk", models.CharField()))
        return None if field.null and not field.blank else ""
    if isinstance(field, models.JSONField):
        if field.has_default():
            return field.get_default()
        return None if field.null else {}
    if isinstance(field, models.BinaryField):
        return None if field.null else b""
    if getattr(field, "null", False):
        return None
    raise NotErasable(
        f"{model._meta.label}.{name} is declared personal but cannot be emptied: make it "
        "nullable, or say why it is not about the person."
    )


def _same_people(customer: Customer) -> list[int]:
    return [customer.pk, *merged_into([customer])]


def erasure_holds(customer: Customer, *, request: Case | None = None) -> list[Hold]:
    """What stops this customer being erased now (the erasure request itself aside)."""
    holds: list[Hold] = []
    if customer.customer_type in TENANCIES:
        kind = CustomerType(customer.customer_type).label.lower()
        holds.append(
            Hold(
                f"Their record says they are a {kind}: we need their details while the "
                "tenancy or lease lasts. When it ends, change their record, then erase."
            )
        )
    people = _same_people(customer)
    others = Case.objects.filter(customer__in=people)
    if request is not None:
        others = others.exclude(pk=request.pk)
    for case in others.exclude(status__in=FINISHED).order_by("received_at"):
        holds.append(Hold(f"{case.get_kind_display()} {case.reference} is still open.", case))
    owed = (
        Deadline.objects.filter(case__in=others.filter(status__in=FINISHED))
        .filter(status__in=UNFINISHED)
        .select_related("case")
        .order_by("due_at")
    )
    for deadline in owed:
        holds.append(
            Hold(
                f"A promise made on {deadline.case.reference} is still owed "
                f"({deadline.standard_key.replace('_', ' ')}).",
                deadline.case,
            )
        )
    return holds


def held_customers() -> Q:
    """The customers `erasure_holds` would hold, as a filter (for the retention sweep)."""
    open_case = Case.objects.filter(customer=OuterRef("pk")).exclude(status__in=FINISHED)
    owed = Deadline.objects.filter(case__customer=OuterRef("pk"), status__in=UNFINISHED)
    return Q(customer_type__in=TENANCIES) | Q(Exists(open_case)) | Q(Exists(owed))


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _found_otherwise(customers: Sequence[Customer]) -> dict[str, list[int]]:
    """The rows found other than by a path (emails by the sender's address, calls by
    the number), found before anything is cleared: an attachment is found through its
    email's sender, whose address goes first."""
    found = {}
    for holding in holdings():
        if holding.found_otherwise:
            rows = holding.model._default_manager.filter(holding.also(customers))
            found[holding.key] = list(rows.values_list("pk", flat=True))
    return found


def rows_clear(holding: Holding, rows: QuerySet[Any]) -> tuple[int, set[str]]:
    """Clear the personal fields of these rows of a holding, in one statement: how many,
    and the store's files they named (removed if nothing else names them)."""
    files: set[str] = set()
    for name in [stored.sha for stored in holding.files] + list(holding.in_store):
        files |= set(rows.exclude(**{name: ""}).values_list(name, flat=True))
    clearing = {name: erased_value(holding.model, name) for name in holding.personal}
    cleared = rows.update(**clearing) if clearing else rows.count()
    return cleared, files


def files_unused(candidates: set[str]) -> set[str]:
    """Those of these store files that no row names any more."""
    unused = set(candidates)
    for model, name in store_fields():
        if not unused:
            break
        named = model._default_manager.filter(**{f"{name}__in": sorted(unused)})
        unused -= set(named.values_list(name, flat=True))
    return unused


def files_remove_after_commit(
    candidates: set[str], erased: Erased, *, customer: Customer | None = None
) -> None:
    """Once the erasure has committed, remove the files nobody else's row names; and,
    for one customer's erasure, count them on its record. A retention chunk's files are
    not counted per customer: one file may be several of theirs at once."""
    unused = files_unused(candidates)

    def remove() -> None:
        removed = store_remove(sorted(unused), unused_for=settings.CAREDESK_STORE_UNUSED_FOR)
        erased.files.extend(removed)
        if customer is not None and removed:
            Erasure.objects.filter(customer=customer).update(files_removed=len(removed))

    transaction.on_commit(remove)


def customers_erase(
    customers: Sequence[Customer],
    *,
    at: datetime,
    basis: str,
    by: StaffMember | None = None,
    request: Case | None = None,
) -> Erased:
    """Erase these customers (and the records merged into theirs), in the caller's
    transaction. Nothing here checks holds: the caller has (`erasure_holds`,
    `held_customers`)."""
    rows: Counter[str] = Counter()
    files: set[str] = set()
    people = [c.pk for c in customers] + merged_into(customers)
    otherwise = _found_otherwise(customers)
    for holding in holdings():
        manager = holding.model._default_manager
        by_path = Q(**{f"{holding.path}__in": people}) if holding.path else Q(pk__in=[])
        found = [manager.filter(by_path)]  # one statement: no path is cleared
        found += [
            manager.filter(pk__in=chunk).exclude(by_path)
            for chunk in _chunks(otherwise.get(holding.key, []))
        ]
        for some in found:
            cleared, named = rows_clear(holding, some)
            rows[holding.key] += cleared
            files |= named
    Customer.objects.filter(pk__in=people).update(erased_at=at)
    source = CustomerEventSource.RETENTION if basis == ErasureBasis.RETENTION else "desk"
    CustomerEvent.objects.bulk_create(
        CustomerEvent(customer=c, kind=CustomerEventKind.ERASED, source=source, at=at, by=by)
        for c in customers
    )
    erased = Erased(rows=dict(rows), files=[])
    Erasure.objects.bulk_create(
        Erasure(
            customer=c,
            at=at,
            basis=basis,
            by=by,
            request=request,
            rows=erased.rows if len(customers) == 1 else {},
        )
        for c in customers
    )
    files_remove_after_commit(files, erased, customer=customers[0] if len(customers) == 1 else None)
    return erased


# -- An erasure request, as the data protection officer deals with it -----------------


class ToldHow(models.TextChoices):
    LETTER = "letter", "By letter"
    EMAIL = "email", "By email"
    PHONE = "phone", "By phone"
    IN_PERSON = "in_person", "In person"


TOLD_CHANNEL = {
    ToldHow.LETTER: Channel.LETTER,
    ToldHow.EMAIL: Channel.EMAIL,
    ToldHow.PHONE: Channel.PHONE,
    ToldHow.IN_PERSON: Channel.VISIT,
}


def _dpo(by: StaffMember) -> None:
    if not allowed(by, Can.MANAGE_PRIVACY):
        raise NotAllowed("Only the data protection officer erases a customer's data.")


def erasure_request_customer(case: Case) -> Customer:
    """The customer an erasure request is about. Refused for another kind of case, or
    one that names nobody."""
    if case.kind != CaseKind.ERASURE_REQUEST:
        raise ErasureError(f"{case.reference} is not a request to erase personal data.")
    if case.customer is None:
        raise ErasureError(f"{case.reference} names no customer: say who is asking first.")
    return case.customer


@write_transaction()
def erasure_carry_out(*, request: Case, told_how: str, by: StaffMember, clock: Clock) -> Erased:
    """Erase the customer an erasure request is about, having told them it will be
    done (their address goes with the rest): the response, which meets the request's
    deadline. Refused, with every reason, while a legal hold stands."""
    _dpo(by)
    customer = erasure_request_customer(Case.objects.select_for_update().get(pk=request.pk))
    if customer.erased_at is not None:
        raise ErasureError("Their data has been erased already.")
    if told_how not in ToldHow.values:
        raise ErasureError("Say how the customer was told their data will be erased.")
    holds = erasure_holds(customer, request=request)
    if holds:
        raise ErasureError(
            "Their data cannot be erased yet: " + " ".join(hold.why for hold in holds)
        )
    now = clock.now()
    response_send(
        case=request,
        channel=TOLD_CHANNEL[ToldHow(told_how)],
        summary="Told their personal data will be erased.",
        by=by,
        policy=active_policy(),
        clock=clock,
    )
    case_finish(case=request, status=CaseStatus.RESOLVED, by=by, outcome="Erased.", clock=clock)
    return customers_erase([customer], at=now, basis=ErasureBasis.REQUEST, by=by, request=request)


REASON_MAX = 2000


@write_transaction()
def erasure_refuse(
    *, request: Case, reason: str, told_how: str, by: StaffMember, clock: Clock
) -> None:
    """Refuse an erasure request (a legal hold, or an exemption), having told the
    customer why and that they may complain to the Information Commissioner: the
    response, which meets the request's deadline."""
    _dpo(by)
    customer = erasure_request_customer(Case.objects.select_for_update().get(pk=request.pk))
    if customer.erased_at is not None:
        raise ErasureError("Their data has been erased already.")
    reason = typed_text_check(
        reason,
        label="Why their data will not be erased",
        error=ErasureError,
        limit=REASON_MAX,
        required=True,
    )
    if told_how not in ToldHow.values:
        raise ErasureError("Say how the customer was told.")
    response_send(
        case=request,
        channel=TOLD_CHANNEL[ToldHow(told_how)],
        summary="Told their personal data will not be erased, why, and that they may "
        "complain to the Information Commissioner's Office.",
        by=by,
        policy=active_policy(),
        clock=clock,
    )
    case_finish(
        case=request,
        status=CaseStatus.RESOLVED,
        by=by,
        outcome=f"Not erased: {reason}",
        clock=clock,
    )
