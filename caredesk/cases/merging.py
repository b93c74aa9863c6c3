"""Merging two cases about the same matter into one.

The officer on the case to keep names the duplicate. Its contacts, deadlines and events
move to the kept case, and so does whatever other apps keep about it (emails, letters,
documents: `_other_rows_move`), except the notices already given and the search index.
The duplicate is closed with a pointer to the kept one
(`Case.merged_into`), and both get a MERGED event.

Deadlines: both sets are kept (met and ended ones as they were, for the figures), but
the kept case owes each standard once. An unfinished deadline of the duplicate for a
standard the kept case is already running ends there and then, unmet, and the merge
event names it (`rules.merge_duplicates`); the duplicate's other unfinished deadlines
move on, to the kept case's officer, and any clock stopped on it runs again. A task's
own deadline (a translation) always moves.

Refused: a case merged into itself; either case already merged; a kept case that is
resolved or closed (reopen it first, so that what moves into it is worked); and cases of
two different customers. Those are never merged, even on confirmation: a case holds a
customer's personal data, and one case about two people would show each the other's
(and a subject access request would disclose it). If they are one person with two
records, merge the customer records first.

Both cases are locked, the lower id first, so two merges of the same pair in opposite
directions take turns rather than deadlock.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Model

from caredesk.cases import errors, events, rules
from caredesk.cases.locks import case_lock, case_status_require
from caredesk.cases.models import (
    UNFINISHED,
    Case,
    CaseStatus,
    Contact,
    Deadline,
    DeadlinePause,
    DeadlineStatus,
)
from caredesk.cases.services import OPEN_STATUSES, _refresh
from caredesk.core.active_policy import active_policy
from caredesk.core.clock import Clock, system_clock
from caredesk.core.db import write_transaction
from caredesk.staff.models import StaffMember
from caredesk.standards import Policy

# Contacts, deadlines and events are moved above, each in its own way.
MOVED_ABOVE = frozenset({"cases.Contact", "cases.Deadline", "cases.CaseEvent"})
# What points at a case and stays with the duplicate, as apps above cases register it
# (stays_with_duplicate_register): notices already given about it, search rows.
_stays_with_duplicate: set[str] = set()


def stays_with_duplicate_register(model: type[Model]) -> None:
    """Rows of `model` that point at a case stay with the duplicate when it is merged:
    the app's own record of the case as it was (a notice given about it, one per kind,
    case and person; the search index's rows, which its own triggers keep). Everything
    else that points at a case moves to the one kept. Call from AppConfig.ready()."""
    _stays_with_duplicate.add(model._meta.label)


@dataclass(frozen=True)
class Merged:
    kept: Case
    merged: Case
    ended: tuple[str, ...]  # standards of the duplicate's deadlines ended as duplicates


def merge_refusal(*, kept: Case, merged: Case) -> str:
    """Why the two cases cannot be merged, as they are now; empty if they can."""
    if kept.pk == merged.pk:
        return "You cannot merge a case into itself."
    for case in (kept, merged):
        if case.merged_into_id is not None:
            return f"{case.reference} has already been merged into another case."
    for case in (kept, merged):
        if rules.ended_on_its_own_page(kind=case.kind):
            return (
                f"{case.reference} is a personal data breach, so it cannot be merged with "
                "another case. Only the data protection officer can close it, on the "
                "breach's page."
            )
    if kept.status not in OPEN_STATUSES:
        return (
            f"{kept.reference} is {CaseStatus(kept.status).label.lower()}, so nothing can be "
            "merged into it. Reopen it first."
        )
    if kept.customer_id and merged.customer_id and kept.customer_id != merged.customer_id:
        return (
            f"{kept.reference} and {merged.reference} are about different customers, so "
            "they cannot be merged. If they are the same person, merge their customer "
            "records first."
        )
    return ""


@write_transaction()
def case_merge(
    *,
    kept: Case,
    merged: Case,
    by: StaffMember,
    seen: int | None = None,
    policy: Policy | None = None,
    clock: Clock = system_clock,
) -> Merged:
    """Merge `merged` into `kept`. `seen`: the last event of `kept` its page showed."""
    policy = policy or active_policy()
    now = clock.now()
    for case in sorted((kept, merged), key=lambda c: c.pk):
        case_lock(case=case, now=now, seen=seen if case is kept else None, policy=policy)
    refusal = merge_refusal(kept=kept, merged=merged)
    if refusal:
        raise errors.MergeRefused(refusal)
    case_status_require(
        case=kept, statuses=OPEN_STATUSES, action="merge a case into it", now=now, policy=policy
    )
    kept_running = kept.deadlines.filter(status__in=UNFINISHED, outlives_case=False)
    moving = list(merged.deadlines.filter(status__in=UNFINISHED))
    duplicates = set(
        rules.merge_duplicates(
            kept_running_keys=kept_running.values_list("standard_key", flat=True),
            merged_running=[
                rules.Running(d.pk, d.standard_key) for d in moving if not d.outlives_case
            ],
        )
    )
    DeadlinePause.objects.filter(deadline__case=merged, ends_at__isnull=True).update(ends_at=now)
    Deadline.objects.filter(pk__in=duplicates).update(
        status=DeadlineStatus.ENDED_UNMET, ended_at=now
    )
    for deadline in moving:
        if deadline.pk in duplicates:
            continue
        deadline.case = kept
        deadline.assigned_to_id = kept.assigned_to_id
        deadline.team_id = kept.team_id
        if deadline.status == DeadlineStatus.PAUSED:
            deadline.status = DeadlineStatus.OPEN
        _refresh(deadline, policy)  # any stopped clock runs again, later by the time paused
    Deadline.objects.filter(case=merged).update(case=kept)  # met and ended ones, as they were
    Contact.objects.filter(case=merged).update(case=kept)
    events.events_move(from_case=merged, to_case=kept)
    _other_rows_move(merged=merged, kept=kept)
    ended = tuple(d.standard_key for d in moving if d.pk in duplicates)
    if kept.customer_id is None and merged.customer_id is not None:
        kept.customer_id = merged.customer_id
        kept.save(update_fields=["customer"])
    merged.status = CaseStatus.CLOSED
    merged.merged_into = kept
    merged.outcome = f"Merged into {kept.reference}."
    merged.save(update_fields=["status", "merged_into", "outcome"])
    events.record_all(
        [
            events.case_merged(
                case=kept, by=by, at=now, other=merged.reference, kept=True, ended=ended
            ),
            events.case_merged(case=merged, by=by, at=now, other=kept.reference, kept=False),
        ]
    )
    return Merged(kept=kept, merged=merged, ended=ended)


def _other_rows_move(*, merged: Case, kept: Case) -> None:
    """Move to the kept case every other row that points at the duplicate, whichever app
    keeps it (mail's emails and letters, documents' letters and translations, cases merged
    into the duplicate before), without naming them: cases is below those apps, so walks
    the relations, as customers.merging does."""
    for relation in Case._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete and relation.one_to_many):
            continue
        model = relation.related_model
        if not isinstance(model, type) or not issubclass(model, Model):
            continue
        if model._meta.label in _stays_with_duplicate | MOVED_ABOVE:
            continue
        field = relation.field.name  # type: ignore[union-attr]
        model._default_manager.filter(**{field: merged}).exclude(pk=merged.pk).update(
            **{field: kept}
        )
