"""The case's events: one typed function per kind, and one typed reader.

Every change to a case is a `CaseEvent` row (DESIGN.md 5.4): the timeline and the audit
trail are the same rows. Nothing outside this module makes one: services, the bulk
drafts and the worker's sweeps call the functions below, which build the row (unsaved),
and `record` or `record_all` write them. `event_read` turns a row back into the typed
details of its kind, for the timeline and for rules that look back (a complaint's
stage).

The stored shape (`kind` and the JSON `data`) is the one the API has always shown, so
old rows read as new ones do.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from caredesk.cases.models import Case, CaseEvent, CaseStatus, EventKind
from caredesk.staff.models import StaffMember

# -- the details of each kind -----------------------------------------------------------


@dataclass(frozen=True)
class CaseOpened:
    kind: str
    channel: str


@dataclass(frozen=True)
class Assigned:
    to: int | None
    previous: int | None
    asked_for: int | None = None  # who was asked for, when their cover took it instead
    reason: str = ""  # "away" then


@dataclass(frozen=True)
class NoteAdded:
    text: str


@dataclass(frozen=True)
class ContactRecorded:
    channel: str
    direction: str


@dataclass(frozen=True)
class ComplaintAcknowledged:
    stage: int


@dataclass(frozen=True)
class ComplaintStep:
    """A step of the complaints procedure (caredesk.complaints), in words."""

    step: str  # "defined", "handler", "refused", "extended"...
    stage: int | None
    text: str


@dataclass(frozen=True)
class HazardNoted:
    """A step of dealing with a hazard in the home (caredesk.complaints.hazards), in words."""

    step: str  # "reported", "investigated", "step_done", "access", "decant", "closed"
    text: str


@dataclass(frozen=True)
class BreachNoted:
    """A step of dealing with a personal data breach (caredesk.privacy.breaches), in words."""

    step: str  # "reported", "assessed", "decided", "people_told", "closed"
    text: str


@dataclass(frozen=True)
class RequestNoted:
    """A step of a request about information (caredesk.privacy), in words."""

    step: str  # "decided", "review_requested", "reviewed", "answered", "restricted", "lifted"
    text: str


@dataclass(frozen=True)
class HoldingReplySent:
    standard: str
    reason: str
    revised_due_at: str


@dataclass(frozen=True)
class ResponseSent:
    channel: str


@dataclass(frozen=True)
class Escalated:
    """To the line manager (a missed deadline, an urgent message) or, for a complaint,
    to stage 2 at the customer's request."""

    reason: str  # "deadline_missed", "urgent" or "complaint_stage"
    stage: int | None = None
    standard: str = ""
    due_at: str = ""
    to: tuple[int, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class StatusChanged:
    status: str
    reason: str = ""
    paused: tuple[str, ...] = ()
    outcome: str = ""  # resolved or closed: what was done or decided
    complaint_outcome: str = ""  # a complaint's decision (ComplaintOutcome)
    ended: tuple[str, ...] = ()  # resolved or closed: the standards whose deadlines ended


@dataclass(frozen=True)
class NoteWithMentions:
    """A note; `mentioned`, the @names in it that named a colleague (each was told), and
    `unknown`, those that named nobody."""

    text: str
    mentioned: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()
    shared: tuple[str, ...] = ()  # first.last names more than one colleague has


@dataclass(frozen=True)
class Reopened:
    reason: str
    restarted: tuple[str, ...] = ()  # the standards whose clocks started again


@dataclass(frozen=True)
class Merged:
    """Two cases became one. On the case kept, `other` is the case merged into it; on the
    case merged (closed), `other` is the case kept. `ended`: the merged case's deadlines
    that ended because the kept case already owed the same standard."""

    other: str  # the other case's reference
    kept: bool
    ended: tuple[str, ...] = ()


@dataclass(frozen=True)
class DeadlineStarted:
    standard: str
    due_at: str | None


@dataclass(frozen=True)
class DeadlineMet:
    standard: str
    met_at: str


@dataclass(frozen=True)
class DeadlineEnded:
    """One deadline ended without being met, on its own (a visitor who left before being
    seen); a case finished or merged says which of its deadlines ended itself."""

    standard: str
    ended_at: str
    reason: str


@dataclass(frozen=True)
class CustomerMerged:
    """Two records of the case's customer were merged: `merged` into `kept` (their ids;
    no names, so erasing the customer leaves nothing here)."""

    merged: int | None
    kept: int | None


@dataclass(frozen=True)
class DeadlineWarned:
    standard: str
    due_at: str
    to: tuple[int, ...]


Details = (
    CaseOpened
    | Assigned
    | NoteAdded
    | ContactRecorded
    | ComplaintAcknowledged
    | ComplaintStep
    | HazardNoted
    | BreachNoted
    | RequestNoted
    | HoldingReplySent
    | ResponseSent
    | Escalated
    | StatusChanged
    | DeadlineStarted
    | DeadlineMet
    | DeadlineEnded
    | DeadlineWarned
    | NoteWithMentions
    | Reopened
    | Merged
    | CustomerMerged
)


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


# -- reading them -----------------------------------------------------------------------------


def event_read(event: CaseEvent) -> Details:
    """The typed details of a stored event. Keys an older row lacks read as empty."""
    data: dict[str, Any] = event.data if isinstance(event.data, dict) else {}
    kind = EventKind(event.kind)
    if kind == EventKind.CREATED:
        return CaseOpened(kind=str(data.get("kind", "")), channel=str(data.get("channel", "")))
    if kind in (EventKind.ASSIGNED, EventKind.REASSIGNED):
        return Assigned(
            to=_int(data.get("to")),
            previous=_int(data.get("from")),
            asked_for=_int(data.get("asked_for")),
            reason=str(data.get("reason", "")),
        )
    if kind == EventKind.NOTE:
        if "mentioned" in data or "unknown" in data:
            return NoteWithMentions(
                text=str(data.get("text", "")),
                mentioned=_strs(data.get("mentioned")),
                unknown=_strs(data.get("unknown")),
                shared=_strs(data.get("shared")),
            )
        return NoteAdded(text=str(data.get("text", "")))
    if kind == EventKind.REOPENED:
        return Reopened(reason=str(data.get("reason", "")), restarted=_strs(data.get("restarted")))
    if kind == EventKind.MERGED:
        return Merged(
            other=str(data.get("other", "")),
            kept=data.get("kept") is True,
            ended=_strs(data.get("ended")),
        )
    if kind == EventKind.CONTACT:
        if "acknowledged_stage" in data:
            return ComplaintAcknowledged(stage=_int(data["acknowledged_stage"]) or 0)
        return ContactRecorded(
            channel=str(data.get("channel", "")), direction=str(data.get("direction", ""))
        )
    if kind == EventKind.COMPLAINT:
        return ComplaintStep(
            step=str(data.get("step", "")),
            stage=_int(data.get("stage")),
            text=str(data.get("text", "")),
        )
    if kind == EventKind.HAZARD:
        return HazardNoted(step=str(data.get("step", "")), text=str(data.get("text", "")))
    if kind == EventKind.BREACH:
        return BreachNoted(step=str(data.get("step", "")), text=str(data.get("text", "")))
    if kind == EventKind.REQUEST:
        return RequestNoted(step=str(data.get("step", "")), text=str(data.get("text", "")))
    if kind == EventKind.HOLDING_REPLY:
        return HoldingReplySent(
            standard=str(data.get("standard", "")),
            reason=str(data.get("reason", "")),
            revised_due_at=str(data.get("revised_due_at", "")),
        )
    if kind == EventKind.RESPONSE:
        return ResponseSent(channel=str(data.get("channel", "")))
    if kind == EventKind.ESCALATION:
        stage = _int(data.get("stage"))
        return Escalated(
            reason=str(data.get("reason", "complaint_stage" if stage else "")),
            stage=stage,
            standard=str(data.get("standard", "")),
            due_at=str(data.get("due_at", "")),
            to=_ints(data.get("to")),
            note=str(data.get("note", "")),
        )
    if kind == EventKind.STATUS_CHANGED:
        paused = data.get("paused")
        return StatusChanged(
            status=str(data.get("status", "")),
            reason=str(data.get("reason", "")),
            paused=tuple(str(key) for key in paused) if isinstance(paused, list) else (),
            outcome=str(data.get("outcome", "")),
            complaint_outcome=str(data.get("complaint_outcome", "")),
            ended=_strs(data.get("ended")),
        )
    if kind == EventKind.DEADLINE_STARTED:
        due = data.get("due_at")
        return DeadlineStarted(standard=str(data.get("standard", "")), due_at=due and str(due))
    if kind == EventKind.CUSTOMER_MERGED:
        return CustomerMerged(merged=_int(data.get("merged")), kept=_int(data.get("kept")))
    if kind == EventKind.DEADLINE_ENDED:
        return DeadlineEnded(
            standard=str(data.get("standard", "")),
            ended_at=str(data.get("ended_at", "")),
            reason=str(data.get("reason", "")),
        )
    if kind == EventKind.DEADLINE_MET:
        return DeadlineMet(
            standard=str(data.get("standard", "")), met_at=str(data.get("met_at", ""))
        )
    return DeadlineWarned(
        standard=str(data.get("standard", "")),
        due_at=str(data.get("due_at", "")),
        to=_ints(data.get("to")),
    )


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _ints(value: object) -> tuple[int, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(item for item in value if isinstance(item, int) and not isinstance(item, bool))


def _strs(value: object) -> tuple[str, ...]:
    return tuple(str(item) for item in value) if isinstance(value, list) else ()
