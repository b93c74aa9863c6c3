"""A personal data breach's clock: the 72 hours (UK GDPR Article 33(1)) to report it to
the ICO, or to record the decision not to. The breach itself is the privacy app's
(`caredesk.privacy.breaches`); which standard stops on the decision is `cases.rules`'."""

from __future__ import annotations

from datetime import datetime

from caredesk.cases import errors, rules
from caredesk.cases.locks import case_lock
from caredesk.cases.models import Case, CaseKind, CaseStatus
from caredesk.cases.services import _finish, _fire
from caredesk.core.clock import Clock
from caredesk.core.db import write_transaction
from caredesk.errors import NotAllowed
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can, allowed
from caredesk.standards import Policy


@write_transaction()
def breach_decision_fire(
    *, case: Case, at: datetime, by: StaffMember, policy: Policy, clock: Clock
) -> None:
    """The breach on `case` was reported to the ICO, or the decision not to report it
    was made, at `at`: the deadlines that stop on that decision are met then (late, if
    after their due time, as any other)."""
    if case.kind != CaseKind.PERSONAL_DATA_BREACH:
        raise errors.NotABreach("Only a personal data breach is reported to the ICO.")
    now = clock.now()
    case_lock(case=case, now=now, policy=policy)
    _fire(case, rules.events_on_breach_decision(), at=at, by=by, policy=policy, now=now)


@write_transaction()
def breach_case_close(*, case: Case, outcome: str, by: StaffMember, clock: Clock) -> list[str]:
    """Close the case of a breach the data protection officer has closed (privacy's
    `breach_close`): the one way a breach's case ends (`case_finish` refuses it).
    Returns the keys of the deadlines that ended unmet with it."""
    if case.kind != CaseKind.PERSONAL_DATA_BREACH:
        raise errors.NotABreach("Only a personal data breach is closed this way.")
    if not allowed(by, Can.MANAGE_PRIVACY):
        raise NotAllowed("Only the data protection officer can close a data breach.")
    return _finish(case=case, status=CaseStatus.CLOSED, by=by, outcome=outcome, clock=clock)
