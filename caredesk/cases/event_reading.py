"""A case's events read back: the typed details of each kind, and `event_read`, which
turns a stored `CaseEvent` row into them, for the timeline and for rules that look back
(a complaint's stage, whether a case was merged). `cases.events` writes the rows.

Keys an older row lacks read as empty, so old rows read as new ones do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from caredesk.cases.models import CaseEvent, EventKind

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
