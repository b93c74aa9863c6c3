"""Merging two records of one customer: everything that points at the record merged
moves to the record kept, and the merged record stays as a tombstone pointing there.

What points at a customer is found from Django's own list of relations
(`Customer._meta`), never by naming other apps' models: customers sits below cases, mail
and telephony, and a relation someone adds later moves too without a change here. Only
the merged record's own history stays with it (its events and the log of who read it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import models

from caredesk.core.clock import Clock
from caredesk.core.db import write_transaction
from caredesk.customers.models import (
    Customer,
    CustomerAccess,
    CustomerEvent,
    CustomerEventKind,
    CustomerEventSource,
)
from caredesk.customers.services import DETAIL_FIELDS, customer_kept, restricted
from caredesk.errors import CaredeskError, NotAllowed
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can, allowed

# (model, field): relations that are the merged record's own history, and stay with it.
STAYS_WITH_RECORD = {
    (CustomerEvent, "customer"),
    (CustomerEvent, "other"),
    (CustomerAccess, "customer"),
}
# A blank detail of the record kept is filled from the merged record; these never are
# (the kind of customer is never blank; a reason for home visits only goes with them).
NOT_FILLED = {"customer_type", "home_visit_reason"}


# Told of each merge before anything moves (in its transaction): apps above customers
# record it on what of theirs moves (cases: an event on each case of the merged record).
MergeListener = Callable[[Customer, Customer, StaffMember, datetime], None]
_listeners: list[MergeListener] = []


def customer_merge_listener_register(listener: MergeListener) -> None:
    """`listener(kept, merged, by, at)` is called for every merge, in its transaction,
    before the merged record's rows move. Call from AppConfig.ready()."""
    if listener not in _listeners:
        _listeners.append(listener)


class MergeRefused(CaredeskError):
    """Two records that cannot be merged: the same record, or one already merged."""

    code = "customer_merge_refused"


@dataclass
class MergePlan:
    """What a merge would do: the rows that would move, by what they are, and the blank
    details of the record kept that the merged record would fill."""

    moves: dict[str, int] = field(default_factory=dict)
    fills: dict[str, dict[str, Any]] = field(default_factory=dict)
    kept_as_is: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class MergeDone:
    kept: Customer
    merged: Customer
    plan: MergePlan


def _relations() -> list[models.ForeignObjectRel]:
    """Every relation pointing at Customer, the hidden ones (related_name="+") too."""
    return [
        relation
        for relation in Customer._meta.get_fields(include_hidden=True)
        if isinstance(relation, models.ForeignObjectRel)
        and (relation.related_model, relation.field.name) not in STAYS_WITH_RECORD
    ]


def _model(relation: models.ForeignObjectRel) -> type[models.Model]:
    model = relation.related_model
    assert not isinstance(model, str)  # resolved once the apps are loaded
    return model


def _rows(relation: models.ForeignObjectRel, customer: Customer) -> models.QuerySet[Any]:
    return _model(relation)._base_manager.filter(**{relation.field.name: customer})


def _what(relation: models.ForeignObjectRel) -> str:
    meta = _model(relation)._meta
    return str(meta.verbose_name_plural if not relation.one_to_one else meta.verbose_name)


def _refuse(keep: Customer, merge: Customer) -> None:
    if keep.pk == merge.pk:
        raise MergeRefused("You cannot merge a record into itself: choose another record.")
    if merge.merged_into_id is not None:
        kept = customer_kept(merge)
        raise MergeRefused(
            f"{merge.name} (customer {merge.pk}) was already merged into {kept.name} "
            f"(customer {kept.pk}). There is nothing more to merge."
        )
    if keep.merged_into_id is not None:
        kept = customer_kept(keep)
        raise MergeRefused(
            f"{keep.name} (customer {keep.pk}) was merged into {kept.name} (customer "
            f"{kept.pk}): merge into that record instead."
        )
    for record in (keep, merge):
        if restricted(record):
            raise MergeRefused(
                f"Use of {record.name}'s data (customer {record.pk}) is restricted, so the "
                "records cannot be merged while the restriction is in force. Ask the data "
                "protection officer."
            )


def customer_merge_plan(*, keep: Customer, merge: Customer) -> MergePlan:
    """What merging `merge` into `keep` would move and fill (nothing is written).
    Raises `MergeRefused` if they cannot be merged."""
    _refuse(keep, merge)
    plan = MergePlan()
    for relation in _relations():
        rows = _rows(relation, merge)
        if relation.one_to_one:
            if rows.exists():
                if _rows(relation, keep).exists():
                    plan.kept_as_is.append(_what(relation))
                else:
                    plan.moves[_what(relation)] = 1
        else:
            count = rows.count()
            if count:
                plan.moves[_what(relation)] = count
    for name in DETAIL_FIELDS:
        if name in NOT_FILLED:
            continue
        mine, theirs = getattr(keep, name), getattr(merge, name)
        if mine == "" and theirs not in ("", None):
            plan.fills[name] = {"before": mine, "after": theirs}
    if keep.home_visits_needed and keep.home_visit_reason == "" and merge.home_visit_reason:
        plan.fills["home_visit_reason"] = {"before": "", "after": merge.home_visit_reason}
    return plan


@write_transaction()
def customer_merge(*, keep: Customer, merge: Customer, by: StaffMember, clock: Clock) -> MergeDone:
    """Merge `merge` into `keep`, in one transaction: every row pointing at `merge`
    (cases, and through them their contacts, emails, letters and calls; any other
    relation) moves to `keep`, except `merge`'s own events and read log. A one-to-one
    (the equality answers) moves only if `keep` has none. `keep`'s blank details take
    `merge`'s. `merge` becomes a tombstone pointing at `keep`; each gets an event.

    Raises `MergeRefused` for a record merged into itself, or one already merged, and
    `NotAllowed` for someone who does not take casework."""
    if not allowed(by, Can.WORK_CASES):
        raise NotAllowed("Only staff who take casework can merge customers' records.")
    # Both rows locked, in the order of their ids, so two merges never deadlock.
    locked = {
        customer.pk: customer
        for customer in Customer.objects.select_for_update()
        .filter(pk__in=[keep.pk, merge.pk])
        .order_by("pk")
    }
    keep, merge = locked[keep.pk], locked[merge.pk]
    plan = customer_merge_plan(keep=keep, merge=merge)
    now = clock.now()
    for listener in _listeners:
        listener(keep, merge, by, now)
    for relation in _relations():
        if relation.one_to_one and _what(relation) in plan.kept_as_is:
            continue
        _rows(relation, merge).update(**{relation.field.name: keep})
    tombstone_changes: dict[str, dict[str, Any]] = {
        "merged_into": {"before": None, "after": keep.pk}
    }
    if "external_reference" in plan.fills:
        # The reference is unique: it leaves the tombstone for the record kept.
        tombstone_changes["external_reference"] = {
            "before": merge.external_reference,
            "after": "",
        }
        merge.external_reference = ""
    merge.merged_into = keep
    merge.updated_at = now
    merge.save()
    for name, change in plan.fills.items():
        setattr(keep, name, change["after"])
    keep.updated_at = now
    keep.save()
    CustomerEvent.objects.bulk_create(
        [
            CustomerEvent(
                customer=merge,
                kind=CustomerEventKind.MERGED_INTO,
                source=CustomerEventSource.DESK,
                at=now,
                by=by,
                other=keep,
                changes=tombstone_changes,
            ),
            CustomerEvent(
                customer=keep,
                kind=CustomerEventKind.MERGED_FROM,
                source=CustomerEventSource.DESK,
                at=now,
                by=by,
                other=merge,
                changes=plan.fills,
            ),
        ]
    )
    return MergeDone(kept=keep, merged=merge, plan=plan)
