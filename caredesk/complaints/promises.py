"""A promise made in a complaint's response (a remedy, an action still to do) kept: its
deadline is met. Promises outlive their case: the case may be resolved long before."""

from __future__ import annotations

from caredesk.cases.task_deadlines import task_done
from caredesk.complaints.models import ComplaintPromise
from caredesk.core.clock import Clock, read_once
from caredesk.core.db import write_transaction
from caredesk.errors import CaredeskError, NotAllowed
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can, allowed
from caredesk.standards import Policy


class PromiseError(CaredeskError):
    """A promise that cannot be marked done as asked."""

    code = "complaint_promise_invalid"


@write_transaction()
def promise_done(
    *, promise: ComplaintPromise, by: StaffMember, policy: Policy, clock: Clock
) -> ComplaintPromise:
    """The promise is kept: its deadline is met."""
    if not allowed(by, Can.WORK_CASES):
        raise NotAllowed("Only staff who take casework can mark promises kept.")
    done = task_done(promise, by=by, policy=policy, clock=read_once(clock))
    if done is None:
        raise PromiseError(f"“{promise.what}” was already done.")
    return done
