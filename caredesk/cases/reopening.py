"""Reopening a resolved or closed case.

The customer comes back: the matter was not sorted out after all. The case is open
again, with the officer's reason on its timeline; which promises it owes again is the
policy's (each standard's `restarts_on_reopen`, decided by `cases.rules.reopen_restarts`),
and their due times come from the engine, counted from the moment it is reopened. A
case merged into another is never reopened: its matter lives on in the case it was
merged into.
"""

from __future__ import annotations

from caredesk.cases import errors, events, rules
from caredesk.cases.locks import case_breach_refuse, case_lock, case_status_require
from caredesk.cases.models import UNFINISHED, Case, CaseStatus
from caredesk.cases.services import _start
from caredesk.core.active_policy import active_policy
from caredesk.core.clock import Clock, system_clock
from caredesk.core.db import write_transaction
from caredesk.staff.models import StaffMember
from caredesk.standards import Policy


@write_transaction()
def case_reopen(
    *,
    case: Case,
    reason: str,
    by: StaffMember,
    seen: int | None = None,
    policy: Policy | None = None,
    clock: Clock = system_clock,
) -> list[str]:
    """Open a resolved or closed case again, for `reason`; returns the keys of the
    standards whose clocks started again."""
    case_breach_refuse(case=case, action="reopen it")
    reason = reason.strip()
    if not reason:
        raise errors.ReopenWithoutReason("Say why the case is being reopened.")
    policy = policy or active_policy()
    now = clock.now()
    case_lock(case=case, now=now, seen=seen, policy=policy)
    if case.merged_into_id is not None:
        kept = Case.objects.only("reference").get(pk=case.merged_into_id)
        raise errors.CaseMergedAway(
            f"This case was merged into {kept.reference}, so you cannot reopen it: "
            f"work on {kept.reference} instead."
        )
    case_status_require(
        case=case, statuses=rules.MAY_REOPEN, action="reopen it", now=now, policy=policy
    )
    deadlines = list(case.deadlines.values_list("standard_key", "starts_at", "status"))
    restart = rules.reopen_restarts(
        policy=policy,
        kind=case.kind,
        channel=case.channel,
        history=[rules.Started(key, starts_at) for key, starts_at, _ in deadlines],
        running_keys=[key for key, _, status in deadlines if status in UNFINISHED],
    )
    case.status = CaseStatus.OPEN
    case.save(update_fields=["status"])
    restarted = [standard.key for standard in restart]
    events.record(
        events.case_reopened(case=case, by=by, at=now, reason=reason, restarted=restarted)
    )
    for key in restarted:
        _start(case, key, at=now, by=by, policy=policy, now=now)
    return restarted
