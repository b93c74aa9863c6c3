"""Calling cards: a visit where nobody was in.

Halton's policy: "Calling cards are to be left on any 'no access' visits, giving details
of who called and when and how to contact." The card is a letter of kind calling card
(its template says when we called; the officer's signature says who and how to reach
them), kept on the case with its printable formats, and the visit is recorded as a
contact by home visit at the time of the visit.

Here, below the channels, so that the case page's "Record a visit where nobody was in"
and, later, the home visits app call the same service.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from caredesk.cases.locks import case_lock
from caredesk.cases.models import Case, Channel
from caredesk.core.clock import Clock, read_once
from caredesk.core.db import write_transaction
from caredesk.documents.letters import long_day
from caredesk.documents.models import CaseLetter, DocumentKind
from caredesk.documents.services import Delivered, LetterError, letter_send
from caredesk.documents.values import case_values
from caredesk.errors import NotAllowed
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can, allowed
from caredesk.standards import Policy

LEFT = "Home visit: nobody was in, calling card left"


class VisitInFuture(LetterError):
    """A calling card for a visit that has not happened yet."""

    code = "visit_in_future"


def visit_time(at: datetime, policy: Policy) -> str:
    """The time of a visit as the card says it: 10:30am, 2pm."""
    local = at.astimezone(policy.working_calendar.zone)
    hour = local.hour % 12 or 12
    minutes = f":{local.minute:02d}" if local.minute else ""
    return f"{hour}{minutes}{'am' if local.hour < 12 else 'pm'}"


def calling_card_values(
    case: Case, policy: Policy, *, by: StaffMember, visited_at: datetime
) -> dict[str, Any]:
    """What the calling card template is given: the case's values and the visit's."""
    local = visited_at.astimezone(policy.working_calendar.zone)
    return case_values(case, policy, officer=by) | {
        "visit": {"date": long_day(local.date()), "time": visit_time(visited_at, policy)}
    }


@write_transaction()
def calling_card_leave(
    *, case: Case, visited_at: datetime, by: StaffMember, policy: Policy, clock: Clock
) -> CaseLetter:
    """Record that `by` called at the customer's home at `visited_at`, nobody was in,
    and a calling card was left: the card is kept on the case (its formats made by the
    worker), and the visit is a contact by home visit at that time."""
    if not allowed(by, Can.WORK_CASES):
        raise NotAllowed("Only staff who take casework can leave calling cards.")
    clock = read_once(clock)
    now = clock.now()
    if visited_at > now:
        raise VisitInFuture("The visit cannot be in the future: enter when you called.")
    case_lock(case=case, now=now, policy=policy)  # one change to the case at a time
    values = calling_card_values(case, policy, by=by, visited_at=visited_at)
    return letter_send(
        case,
        DocumentKind.CALLING_CARD,
        values,
        by=by,
        policy=policy,
        clock=clock,
        delivered=Delivered(Channel.HOME_VISIT, visited_at, LEFT),
    )
