"""A request for information's review (STAIRs, Freedom of Information): the requester asks
for the decision to be looked at again, which starts the review's clock (the policies'
`information_review`), and the review's outcome sent to them, which meets it. The
requests and their decisions are the privacy app's (`caredesk.privacy.information`);
which standards start and stop on these events is `cases.rules`'."""

from __future__ import annotations

from datetime import datetime

from caredesk.cases import errors, events, rules
from caredesk.cases.locks import case_lock
from caredesk.cases.models import Case, CaseStatus, Contact
from caredesk.cases.services import _fire, response_send
from caredesk.core.clock import Clock
from caredesk.core.db import write_transaction
from caredesk.staff.models import StaffMember
from caredesk.standards import Policy


@write_transaction()
def review_request_fire(
    *, case: Case, at: datetime, text: str, by: StaffMember, policy: Policy, clock: Clock
) -> None:
    """The requester asked, at `at`, for the decision on `case` to be reviewed (`text`
    says so on the timeline): the review's clock starts then. A resolved or closed case
    is open again, as a complaint is when stage 2 is asked for."""
    fired = rules.events_on_review_request(kind=case.kind)
    if fired is None:
        raise errors.NotReviewable(
            f"{case.reference} is not a request for information: it has no review."
        )
    now = clock.now()
    case_lock(case=case, now=now, policy=policy)
    if case.status not in rules.OPEN_STATUSES:
        case.status = CaseStatus.OPEN
        case.save(update_fields=["status"])
    events.record(
        events.request_step_recorded(case=case, by=by, at=now, step="review_requested", text=text)
    )
    _fire(case, fired, at=at, by=by, policy=policy, now=now)


@write_transaction()
def review_decision_fire(
    *,
    case: Case,
    channel: str,
    summary: str,
    by: StaffMember,
    policy: Policy,
    clock: Clock,
) -> Contact:
    """The review's outcome was sent to the requester by `channel`: the response on the
    case (a contact, as any other), which meets the review's deadline."""
    if rules.events_on_review_request(kind=case.kind) is None:
        raise errors.NotReviewable(
            f"{case.reference} is not a request for information: it has no review."
        )
    contact = response_send(
        case=case, channel=channel, summary=summary, by=by, policy=policy, clock=clock
    )
    _fire(
        case,
        rules.events_on_review_decision(),
        at=contact.at,
        by=by,
        policy=policy,
        now=clock.now(),
    )
    return contact
