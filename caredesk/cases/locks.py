"""Two people, one case: changes to a case take turns, and a stale one is refused.

Every change to a case (the services, intake joining a thread, the worker's sweeps)
first takes the case's row lock (`case_lock`: `SELECT ... FOR NO KEY UPDATE`), always
before any of its deadlines, and reads the case again under it. Two officers pressing
buttons on one case at the same moment so take turns: the second sees what the first
did, and is refused if that no longer allows what they asked ("This case was resolved
by Olu Adeyemi at 10:42, so you cannot record a response"), never half-applied over
it, and never deadlocked against it. (NO KEY UPDATE, not UPDATE: adding an event or a
contact to a case only needs the case's key to stay, so it does not wait for the lock.)
SQLite has no row locks and ignores `select_for_update`: there the lock is the
transaction itself, which must be `core.db.write_transaction` (BEGIN IMMEDIATE: the
database's write lock, taken before the case is read), so changes to any case take
turns, the second waiting for the first instead of failing "database is locked".

An action chosen on a page that no longer shows the case as it is is refused too: the
page sends `seen`, the last event it showed, and an action is refused if since then
someone resolved, closed, paused or restarted the case, gave it to someone else,
recorded a response, sent a holding reply (a new due date) or moved a complaint on,
acknowledging or escalating it (`CHANGES`): what the officer chose from. Notes, other
contacts and the worker's warnings are not such changes (docs/architecture.md): a
complaint's acknowledgement is stored as a contact, so contacts are among `CHANGES`'s
kinds, but `_change_told` passes over every contact that is not one.

The refusal names who made the change and when, in the policy's time zone, from the
case's events (`cases.events`).
"""

from __future__ import annotations

from datetime import datetime

from caredesk.cases import errors, event_reading, rules
from caredesk.cases.models import Case, CaseEvent, CaseStatus, EventKind
from caredesk.core.active_policy import active_policy
from caredesk.staff.models import StaffMember
from caredesk.standards import Policy

# The kinds of event that may change what an officer chooses an action from; of these,
# `_change_told` keeps only the events that did (a contact only if it acknowledged a
# complaint, an escalation only if it asked for a stage).
CHANGES = (
    EventKind.STATUS_CHANGED,
    EventKind.ASSIGNED,
    EventKind.REASSIGNED,
    EventKind.RESPONSE,
    EventKind.HOLDING_REPLY,
    EventKind.ESCALATION,
    EventKind.CONTACT,  # a complaint's acknowledgement is stored as a contact
    EventKind.REOPENED,
    EventKind.MERGED,
)


def case_lock(
    *, case: Case, now: datetime, seen: int | None = None, policy: Policy | None = None
) -> None:
    """Take the case's row lock until the transaction ends, and read the case again
    under it (`case` is refreshed in place). Call it inside the transaction, before
    reading or writing any of the case's deadlines.

    `seen`: the last event of the case the officer's page showed. If someone has since
    changed what the action was chosen from, CaseChanged says who, what and when."""
    case.refresh_from_db(from_queryset=Case.objects.select_for_update(no_key=True))
    if seen is None:
        return
    later = case.events.filter(pk__gt=seen, kind__in=CHANGES).select_related("actor")
    for event in later.order_by("-pk"):
        told = _change_told(event, now=now, policy=policy)
        if told:
            raise errors.CaseChanged(f"{told}. Check the case before you try again.")


def case_status_require(
    *,
    case: Case,
    statuses: tuple[CaseStatus, ...],
    action: str,
    now: datetime,
    policy: Policy | None = None,
) -> None:
    """Refuse `action` (words after "you cannot") unless the case is in one of
    `statuses`, saying who put it in the status it is in, and when."""
    if case.status in statuses:
        return
    refusal = f"This case is {CaseStatus(case.status).label.lower()}"
    latest = _status_event(case)
    if latest is not None:
        refusal = _change_told(latest, now=now, policy=policy) or refusal
    raise errors.CaseStatusForbids(f"{refusal}, so you cannot {action}.")


def case_breach_refuse(*, case: Case, action: str) -> None:
    """Refuse `action` (resolve, close, reopen: words after "you cannot") on a personal
    data breach's case: only the data protection officer's decision, on the breach's
    page, ends it (`cases.rules.ended_on_its_own_page`; `breach_clock.breach_case_close`)."""
    if rules.ended_on_its_own_page(kind=case.kind):
        raise errors.BreachEndedOnItsPage(
            f"{case.reference} is a personal data breach, so you cannot {action} here. "
            "Only the data protection officer can close it, on the breach's page, once "
            "they have reported it to the ICO or decided not to."
        )


def case_assignee_require(
    *, case: Case, was_with: int | None, now: datetime, policy: Policy | None = None
) -> None:
    """Refuse, as CaseChanged, an action chosen on a page that showed the case with
    `was_with` (a member of staff's id, or None for nobody) when it is now with someone
    else: "This case was given to Tia Teammate by Olu Adeyemi at 10:42." Call it under
    `case_lock`."""
    if case.assigned_to_id == was_with:
        return
    given = case.events.filter(kind__in=(EventKind.ASSIGNED, EventKind.REASSIGNED))
    latest = given.select_related("actor").order_by("-pk").first()
    told = _change_told(latest, now=now, policy=policy) if latest is not None else ""
    if not told:
        told = f"This case is now with {case.assigned_to or 'nobody'}"
    raise errors.CaseChanged(f"{told}. Check the case before you try again.")


def _status_event(case: Case) -> CaseEvent | None:
    """The event that put the case in its status, if an event did (a case sorted out
    at first contact was opened resolved)."""
    setting = case.events.filter(
        kind__in=(EventKind.STATUS_CHANGED, EventKind.ESCALATION, EventKind.MERGED)
    )
    for event in setting.select_related("actor").order_by("-pk"):
        details = event_reading.event_read(event)
        if isinstance(details, event_reading.StatusChanged):
            return event if details.status == case.status else None
        if isinstance(details, event_reading.Escalated) and details.stage:
            return event if case.status == CaseStatus.OPEN else None
        if isinstance(details, event_reading.Merged) and not details.kept:
            return event
    return None


def _change_told(event: CaseEvent, *, now: datetime, policy: Policy | None) -> str:
    """What the event changed, who did it and when, as the start of a sentence; empty
    if it changed nothing an action is chosen from."""
    details = event_reading.event_read(event)
    what = ""
    if isinstance(details, event_reading.StatusChanged):
        what = {
            CaseStatus.RESOLVED: "This case was resolved",
            CaseStatus.CLOSED: "This case was closed",
            CaseStatus.WAITING_FOR_CUSTOMER: "This case was marked as waiting for the customer",
            CaseStatus.OPEN: "The clocks on this case were restarted",
        }.get(CaseStatus(details.status), "")
    elif isinstance(details, event_reading.Assigned):
        taker = StaffMember.objects.filter(pk=details.to).first() if details.to else None
        what = f"This case was given to {taker or 'someone else'}"
    elif isinstance(details, event_reading.ResponseSent):
        what = "A response to this case was recorded"
    elif isinstance(details, event_reading.Escalated) and details.stage:
        what = f"Stage {details.stage} of this complaint was asked for"
    elif isinstance(details, event_reading.ComplaintAcknowledged):
        what = f"This complaint was acknowledged at stage {details.stage}"
    elif isinstance(details, event_reading.HoldingReplySent):
        what = "A holding reply giving a new response date was sent"
    elif isinstance(details, event_reading.Reopened):
        what = "This case was reopened"
    elif isinstance(details, event_reading.Merged):
        what = (
            f"Case {details.other} was merged into this case"
            if details.kept
            else f"This case was merged into {details.other}"
        )
    if not what:
        return ""
    who = f"by {event.actor}" if event.actor is not None else "automatically"
    return f"{what} {who} {_when(event.at, now=now, policy=policy)}"


def _when(at: datetime, *, now: datetime, policy: Policy | None) -> str:
    """'at 10:42' today, 'at 10:42 on 3 June 2025' another day, in the policy's zone."""
    zone = (policy or active_policy()).working_calendar.zone
    local = at.astimezone(zone)
    if local.date() == now.astimezone(zone).date():
        return f"at {local:%H:%M}"
    return f"at {local:%H:%M} on {local.day} {local:%B %Y}"
