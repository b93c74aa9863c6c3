"""Giving cases to an officer from a queue: "Assign to me" on one row, or several rows
at once to one officer.

Each case is its own transaction, under its own lock (`services.case_assign` takes it),
so one case that cannot be given (closed meanwhile, say) costs the others nothing: it
is reported with who closed it and when, and the rest go through.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from caredesk.cases import services
from caredesk.cases.locks import case_assignee_require, case_lock, case_status_require
from caredesk.cases.models import Case, CaseStatus
from caredesk.core.clock import Clock, system_clock
from caredesk.core.db import write_transaction
from caredesk.errors import CaredeskError
from caredesk.staff.models import StaffMember
from caredesk.standards import Policy

MOST_AT_ONCE = 200
STILL_OPEN = (CaseStatus.OPEN, CaseStatus.WAITING_FOR_CUSTOMER)
NOT_SHOWN = -1  # `was_with` when the page did not say whom it showed the case with


@dataclass
class Reassigned:
    given: list[str] = field(default_factory=list)  # references
    covered: list[tuple[str, str]] = field(default_factory=list)  # reference, who covers
    refused: list[tuple[str, str]] = field(default_factory=list)  # reference, why


def case_give(
    *,
    case: Case,
    officer: StaffMember,
    by: StaffMember,
    was_with: int | None = NOT_SHOWN,
    policy: Policy | None = None,
    clock: Clock = system_clock,
) -> Case:
    """Give one case to an officer, if it is still open: refused, naming who closed or
    resolved it and when, if not. `was_with`: whom the page the officer chose from
    showed it with (None: nobody); if it has been given to someone else since, that is
    refused too (case_changed_meanwhile), naming who gave it to whom and when, so a
    colleague's case is never taken unseen."""
    now = clock.now()
    with write_transaction():
        case_lock(case=case, now=now, policy=policy)
        case_status_require(
            case=case, statuses=STILL_OPEN, action="give it to someone", now=now, policy=policy
        )
        if was_with != NOT_SHOWN and case.assigned_to_id != officer.pk:
            case_assignee_require(case=case, was_with=was_with, now=now, policy=policy)
        return services.case_assign(case=case, officer=officer, by=by, policy=policy, clock=clock)


def cases_give(
    *,
    references: Sequence[str],
    officer: StaffMember,
    by: StaffMember,
    shown_with: Mapping[str, int | None] | None = None,
    policy: Policy | None = None,
    clock: Clock = system_clock,
) -> Reassigned:
    """Give each case to the officer, one transaction each, in the order given.
    `shown_with`: whom the page showed each case with, by reference (None: nobody); a
    case given to someone else since is refused. A reference missing from it counts as
    shown with nobody."""
    result = Reassigned()
    unique = list(dict.fromkeys(reference.strip().upper() for reference in references))
    found = {case.reference: case for case in Case.objects.filter(reference__in=unique)}
    for reference in unique[:MOST_AT_ONCE]:
        case = found.get(reference)
        if case is None:
            result.refused.append((reference, "There is no case with this reference."))
            continue
        try:
            was_with = NOT_SHOWN if shown_with is None else shown_with.get(reference)
            case_give(
                case=case,
                officer=officer,
                by=by,
                was_with=was_with,
                policy=policy,
                clock=clock,
            )
        except CaredeskError as refusal:
            result.refused.append((reference, refusal.message))
            continue
        if case.assigned_to_id != officer.pk:
            result.covered.append((reference, str(case.assigned_to)))
        else:
            result.given.append(reference)
    for reference in unique[MOST_AT_ONCE:]:
        result.refused.append(
            (reference, f"No more than {MOST_AT_ONCE} cases can be given at once.")
        )
    return result
