"""The case's events: one typed function per kind, and one typed reader.

Every change to a case is a `CaseEvent` row (DESIGN.md 5.4): the timeline and the audit
trail are the same rows. Nothing outside this module makes one: services, the bulk
drafts and the worker's sweeps call the functions below, which build the row (unsaved),
and `record` or `record_all` write them. `cases.event_reading.event_read` turns a row
back into the typed details of its kind.

The stored shape (`kind` and the JSON `data`) is the one the API has always shown, so
old rows read as new ones do.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from caredesk.cases.models import Case, CaseEvent, CaseStatus, EventKind
from caredesk.staff.models import StaffMember

# -- building them -------------------------------------------------------------------------


def _new(
    case: Case, what: EventKind, by: StaffMember | None, at: datetime, /, **data: Any
) -> CaseEvent:
    return CaseEvent(case=case, kind=what, actor=by, at=at, data=data)


def case_opened(
    *, case: Case, by: StaffMember | None, at: datetime, kind: str, channel: str
) -> CaseEvent:
    return _new(case, EventKind.CREATED, by, at, kind=str(kind), channel=str(channel))


def case_assigned(
    *,
    case: Case,
    by: StaffMember | None,
    at: datetime,
    to: StaffMember,
    previous: int | None,
    asked_for: StaffMember | None = None,
) -> CaseEvent:
    """Given to `to`; `asked_for`, when that was someone else who is away."""
    kind = EventKind.REASSIGNED if previous is not None else EventKind.ASSIGNED
    data: dict[str, Any] = {"to": to.pk, "from": previous}
    if asked_for is not None and asked_for.pk != to.pk:
        data |= {"asked_for": asked_for.pk, "reason": "away"}
    return _new(case, kind, by, at, **data)


def note_added(*, case: Case, by: StaffMember | None, at: datetime, text: str) -> CaseEvent:
    return _new(case, EventKind.NOTE, by, at, text=text)


def contact_recorded(
    *, case: Case, by: StaffMember | None, at: datetime, channel: str, direction: str
) -> CaseEvent:
    return _new(case, EventKind.CONTACT, by, at, channel=channel, direction=direction)


def complaint_acknowledged(
    *, case: Case, by: StaffMember | None, at: datetime, stage: int
) -> CaseEvent:
    return _new(case, EventKind.CONTACT, by, at, acknowledged_stage=stage)


def complaint_escalated(
    *, case: Case, by: StaffMember | None, at: datetime, stage: int
) -> CaseEvent:
    """The customer asks for the complaint's next stage."""
    return _new(case, EventKind.ESCALATION, by, at, stage=stage)


def complaint_step_recorded(
    *, case: Case, by: StaffMember | None, at: datetime, step: str, stage: int | None, text: str
) -> CaseEvent:
    """A step of the complaints procedure, said in `text` for the timeline."""
    return _new(case, EventKind.COMPLAINT, by, at, step=step, stage=stage, text=text)


def hazard_step_recorded(
    *, case: Case, by: StaffMember | None, at: datetime, step: str, text: str
) -> CaseEvent:
    """A step of dealing with a hazard in the home, said in `text` for the timeline."""
    return _new(case, EventKind.HAZARD, by, at, step=step, text=text)


def breach_step_recorded(
    *, case: Case, by: StaffMember | None, at: datetime, step: str, text: str
) -> CaseEvent:
    """A step of dealing with a personal data breach, said in `text` for the timeline."""
    return _new(case, EventKind.BREACH, by, at, step=step, text=text)


def request_step_recorded(
    *, case: Case, by: StaffMember | None, at: datetime, step: str, text: str
) -> CaseEvent:
    """A step of dealing with a request about information, said in `text`."""
    return _new(case, EventKind.REQUEST, by, at, step=step, text=text)


def holding_reply_sent(
    *,
    case: Case,
    by: StaffMember | None,
    at: datetime,
    standard: str,
    reason: str,
    revised_due_at: datetime,
) -> CaseEvent:
    return _new(
        case,
        EventKind.HOLDING_REPLY,
        by,
        at,
        standard=standard,
        reason=reason,
        revised_due_at=revised_due_at.isoformat(),
    )


def response_sent(*, case: Case, by: StaffMember | None, at: datetime, channel: str) -> CaseEvent:
    return _new(case, EventKind.RESPONSE, by, at, channel=channel)


def case_paused(
    *, case: Case, by: StaffMember | None, at: datetime, reason: str, paused: Sequence[str]
) -> CaseEvent:
    """Waiting for the customer: `paused`, the standards whose clocks stopped."""
    status = CaseStatus.WAITING_FOR_CUSTOMER.value
    return _new(
        case, EventKind.STATUS_CHANGED, by, at, status=status, reason=reason, paused=list(paused)
    )


def case_resumed(*, case: Case, by: StaffMember | None, at: datetime) -> CaseEvent:
    return _new(case, EventKind.STATUS_CHANGED, by, at, status=CaseStatus.OPEN.value)


def case_finished(
    *,
    case: Case,
    by: StaffMember | None,
    at: datetime,
    status: str,
    outcome: str = "",
    complaint_outcome: str = "",
    ended: Sequence[str] = (),
) -> CaseEvent:
    """Resolved or closed, with what was done or decided (older rows have no outcome)."""
    data: dict[str, Any] = {"status": CaseStatus(status).value}
    if outcome:
        data["outcome"] = outcome
    if complaint_outcome:
        data["complaint_outcome"] = complaint_outcome
    if ended:
        data["ended"] = list(ended)
    return _new(case, EventKind.STATUS_CHANGED, by, at, **data)


def note_with_mentions(
    *,
    case: Case,
    by: StaffMember | None,
    at: datetime,
    text: str,
    mentioned: Sequence[str],
    unknown: Sequence[str],
    shared: Sequence[str] = (),
) -> CaseEvent:
    """A note naming colleagues with @name (cases.mentions)."""
    return _new(
        case,
        EventKind.NOTE,
        by,
        at,
        text=text,
        mentioned=list(mentioned),
        unknown=list(unknown),
        shared=list(shared),
    )


def case_reopened(
    *, case: Case, by: StaffMember | None, at: datetime, reason: str, restarted: Sequence[str]
) -> CaseEvent:
    return _new(case, EventKind.REOPENED, by, at, reason=reason, restarted=list(restarted))


def case_merged(
    *,
    case: Case,
    by: StaffMember | None,
    at: datetime,
    other: str,
    kept: bool,
    ended: Sequence[str] = (),
) -> CaseEvent:
    return _new(case, EventKind.MERGED, by, at, other=other, kept=kept, ended=list(ended))


def customer_merged(
    *, case: Case, by: StaffMember | None, at: datetime, merged: int, kept: int
) -> CaseEvent:
    return _new(case, EventKind.CUSTOMER_MERGED, by, at, merged=merged, kept=kept)


def deadline_started(
    *, case: Case, by: StaffMember | None, at: datetime, standard: str, due_at: datetime | None
) -> CaseEvent:
    due = due_at.isoformat() if due_at is not None else None
    return _new(case, EventKind.DEADLINE_STARTED, by, at, standard=standard, due_at=due)


def deadline_met(
    *, case: Case, by: StaffMember | None, at: datetime, standard: str, met_at: datetime
) -> CaseEvent:
    return _new(case, EventKind.DEADLINE_MET, by, at, standard=standard, met_at=met_at.isoformat())


def deadline_ended(
    *,
    case: Case,
    by: StaffMember | None,
    at: datetime,
    standard: str,
    ended_at: datetime,
    reason: str,
) -> CaseEvent:
    return _new(
        case,
        EventKind.DEADLINE_ENDED,
        by,
        at,
        standard=standard,
        ended_at=ended_at.isoformat(),
        reason=reason,
    )


def deadline_warned(
    *, case: Case, at: datetime, standard: str, due_at: datetime, to: Sequence[int]
) -> CaseEvent:
    """The worker warned the officer that a deadline is near."""
    return _new(
        case,
        EventKind.DEADLINE_WARNING,
        None,
        at,
        standard=standard,
        due_at=due_at.isoformat(),
        to=list(to),
    )


def deadline_escalated(
    *, case: Case, at: datetime, standard: str, due_at: datetime, to: Sequence[int]
) -> CaseEvent:
    """The worker told the line managers `to` that a deadline was missed."""
    return _new(
        case,
        EventKind.ESCALATION,
        None,
        at,
        reason="deadline_missed",
        standard=standard,
        due_at=due_at.isoformat(),
        to=list(to),
        **_nobody_told(to),
    )


def urgent_escalated(*, case: Case, at: datetime, to: Sequence[int]) -> CaseEvent:
    """The worker passed an urgent message to the line managers `to`."""
    return _new(
        case, EventKind.ESCALATION, None, at, reason="urgent", to=list(to), **_nobody_told(to)
    )


def _nobody_told(to: Sequence[int]) -> dict[str, str]:
    return {} if to else {"note": "There is no line manager to tell."}


# -- writing them ----------------------------------------------------------------------------


def record(event: CaseEvent) -> CaseEvent:
    event.save(force_insert=True)
    return event


def record_all(events: Iterable[CaseEvent]) -> list[CaseEvent]:
    return CaseEvent.objects.bulk_create(list(events))


def events_move(*, from_case: Case, to_case: Case) -> int:
    """A merge: the merged case's events become the kept case's (cases.merging)."""
    return CaseEvent.objects.filter(case=from_case).update(case=to_case)
