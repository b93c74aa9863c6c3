"""The case rules, in one place: which clocks start, stop and pause, on which events.

Pure functions over plain values (a policy, a case's kind and channel, the standards of
its unfinished deadlines); nothing here reads or writes the database. The services
(one case at a time, `cases.services`) and the bulk drafts (`cases.drafts`: the calls
import's callbacks, the demo) both ask these functions what to do, then write what
they are told, each in its own way. So neither can drift from the other.

A standard's clock starts on one event and stops on another (the policy file's `starts`
and `stops`, DESIGN.md glossary). An action fires a set of events:

- `events_on_receipt`: a case arriving (received; a complaint, a message, an
  unresolved call as well);
- `RESPONSE_EVENTS`: a full response, which also contacts the customer;
- `events_on_contact`: any contact we make with the customer;
- `events_on_acknowledgement`, `events_on_escalation`: a complaint's stages;
- `events_on_review_request`, `events_on_review_decision`: a request for information's
  review (STAIRs, FOI).

`clock_changes` then says which unfinished deadlines are met and which standards start.
Reopening a case (`reopen_restarts`) and merging two (`merge_duplicates`) have their
own rules, below.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from caredesk.cases.models import CaseKind, CaseStatus, Channel, Direction
from caredesk.staff.permissions import Can
from caredesk.standards import Policy
from caredesk.standards.policy import CaseKind as PolicyCaseKind
from caredesk.standards.policy import Channel as PolicyChannel
from caredesk.standards.policy import ClockEvent, DeadlineStandard
from caredesk.standards.policy import PauseReason as PolicyPauseReason

OPEN_STATUSES = (CaseStatus.OPEN, CaseStatus.WAITING_FOR_CUSTOMER)

RESPONSE_EVENTS = frozenset({ClockEvent.RESPONSE_SENT, ClockEvent.CUSTOMER_CONTACTED})

_ACKNOWLEDGED = {1: ClockEvent.STAGE_1_ACKNOWLEDGED, 2: ClockEvent.STAGE_2_ACKNOWLEDGED}
_REQUESTED = {2: ClockEvent.STAGE_2_REQUESTED}


# -- events -------------------------------------------------------------------------------


def events_on_receipt(
    *, kind: str, channel: str, resolved_at_first_contact: bool
) -> frozenset[ClockEvent]:
    """The clock events a new case fires when it is received. A case dealt with at
    first contact also fires the response's (RESPONSE_EVENTS), at the same moment."""
    events = {ClockEvent.RECEIVED}
    if kind == CaseKind.COMPLAINT:
        events.add(ClockEvent.COMPLAINT_RECEIVED)
    if kind == CaseKind.MESSAGE or channel in (Channel.VOICEMAIL, Channel.MESSAGE):
        events.add(ClockEvent.MESSAGE_LEFT)
    if channel == Channel.PHONE and not resolved_at_first_contact:
        events.add(ClockEvent.CALL_ENDED_UNRESOLVED)
    return frozenset(events)


def events_on_contact(*, direction: str) -> frozenset[ClockEvent]:
    """Contact we make meets a callback standard; contact from the customer fires none."""
    if direction == Direction.OUTBOUND:
        return frozenset({ClockEvent.CUSTOMER_CONTACTED})
    return frozenset()


def events_on_acknowledgement(*, stage: int) -> frozenset[ClockEvent] | None:
    """A complaint acknowledged at `stage`; None if the complaint has no such stage."""
    event = _ACKNOWLEDGED.get(stage)
    return frozenset({event}) if event is not None else None


def events_on_escalation(*, stage: int) -> frozenset[ClockEvent] | None:
    """The customer asks for the complaint's `stage`; None if there is no such stage."""
    event = _REQUESTED.get(stage)
    return frozenset({event}) if event is not None else None


def events_on_arrival(*, has_appointment: bool, appointment_only: bool) -> frozenset[ClockEvent]:
    """A visitor arriving at an office. With an appointment, the appointment's clock too
    (it runs from the appointment time, or arrival if later). At an office open by
    appointment only, a visitor without one fires none: they are asked to arrange one,
    and no standard of waiting applies to them."""
    if appointment_only and not has_appointment:
        return frozenset()
    events = {ClockEvent.VISITOR_ARRIVED}
    if has_appointment:
        events.add(ClockEvent.APPOINTMENT_TIME)
    return frozenset(events)


def events_on_appointment_change() -> frozenset[ClockEvent]:
    """We cancel or move an appointment: the customer is owed word of it, and an apology."""
    return frozenset({ClockEvent.APPOINTMENT_CHANGED})


def events_on_no_access() -> frozenset[ClockEvent]:
    """A home visit where nobody was in: the card is left, and the customer is owed a call."""
    return frozenset({ClockEvent.VISIT_NO_ACCESS})


def events_on_action_agreed() -> frozenset[ClockEvent]:
    """An action agreed with the customer at an interview: owed by the date agreed."""
    return frozenset({ClockEvent.ACTION_AGREED})


def events_on_promise(*, remedy: bool) -> frozenset[ClockEvent]:
    """A complaint's response promises a remedy, or an action still to do: owed by the
    date promised."""
    return frozenset({ClockEvent.REMEDY_AGREED if remedy else ClockEvent.ACTION_PROMISED})


def events_on_breach_decision() -> frozenset[ClockEvent]:
    """A personal data breach reported to the ICO, or the decision not to report it
    recorded: the 72 hours of UK GDPR Article 33(1) are met (late, if after them)."""
    return frozenset({ClockEvent.BREACH_DECIDED})


# The requests for information a requester may ask to have reviewed (the decision
# looked at again, by someone who did not make it): Freedom of Information and STAIRs.
REVIEWABLE_KINDS = (CaseKind.FOI_REQUEST, CaseKind.STAIRS_REQUEST)


def events_on_review_request(*, kind: str) -> frozenset[ClockEvent] | None:
    """The requester asks for the decision on their request for information to be
    reviewed: the review's clock starts. None for a kind of case that has no review."""
    if kind not in REVIEWABLE_KINDS:
        return None
    return frozenset({ClockEvent.REVIEW_REQUESTED})


def events_on_review_decision() -> frozenset[ClockEvent]:
    """The review's outcome is sent to the requester (a response as well, which fires
    RESPONSE_EVENTS): it meets the review's deadline, which no other reply can."""
    return frozenset({ClockEvent.REVIEW_DECIDED})


def standards_starting(
    *, policy: Policy, kind: str, channel: str, events: Iterable[ClockEvent]
) -> tuple[DeadlineStandard, ...]:
    """The standards `events` start on a contact of `channel` on a case of `kind`, each
    to be a deadline of its own (a visitor's wait), in policy order."""
    events = frozenset(events)
    return tuple(
        standard
        for standard in policy.deadline_standards()
        if starts(standard, kind=kind, channel=channel, events=events)
    )


# -- clocks ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Running:
    """An unfinished deadline, as the rules see it: something to name it by, its standard."""

    ref: Hashable
    standard_key: str


@dataclass(frozen=True)
class ClockChanges:
    meet: tuple[Hashable, ...]  # the refs of the unfinished deadlines now met
    start: tuple[DeadlineStandard, ...]  # the standards whose clocks start, in policy order


def clock_changes(
    *,
    policy: Policy,
    kind: str,
    channel: str,
    running: Sequence[Running],
    events: Iterable[ClockEvent],
) -> ClockChanges:
    """What `events` do to a case of `kind` and `channel` whose unfinished deadlines are
    `running`. Each running deadline whose standard stops on one of the events is met.
    Then each standard that starts on one of them and applies to the case starts,
    unless a deadline of it is still running (one at a time per standard: a second letter
    does not start a second reply deadline while the first is owed)."""
    events = frozenset(events)
    meet = tuple(
        deadline.ref
        for deadline in running
        if policy.deadline_standard(deadline.standard_key).stops in events
    )
    met = set(meet)
    running_keys = {deadline.standard_key for deadline in running if deadline.ref not in met}
    start = tuple(
        standard
        for standard in policy.deadline_standards()
        if standard.key not in running_keys
        and starts(standard, kind=kind, channel=channel, events=events)
    )
    return ClockChanges(meet=meet, start=start)


def starts(
    standard: DeadlineStandard, *, kind: str, channel: str, events: Iterable[ClockEvent]
) -> bool:
    """Whether `events` start the standard's clock on a case of `kind` and `channel`."""
    return standard.starts in events and standard.applies_to(
        channel=PolicyChannel(channel), kind=PolicyCaseKind(kind)
    )


def clocks_to_pause(
    *, policy: Policy, open_deadlines: Sequence[Running], reason: str
) -> tuple[Hashable, ...]:
    """The open deadlines whose standard may stop its clock for `reason`."""
    why = PolicyPauseReason(reason)
    return tuple(
        deadline.ref
        for deadline in open_deadlines
        if why in policy.deadline_standard(deadline.standard_key).pause_reasons
    )


# Who may own (be given) a case of a kind the caseworkers do not deal with: a personal
# data breach is the data protection officer's, who does not take casework (WORK_CASES)
# and is not given it for this; nor is a breach given to a caseworker, who could not
# decide it.
OWNED_BY: dict[str, Can] = {CaseKind.PERSONAL_DATA_BREACH: Can.MANAGE_PRIVACY}


def owner_capability(*, kind: str) -> Can:
    """The capability a case of `kind` asks of whoever it is given to."""
    return OWNED_BY.get(kind, Can.WORK_CASES)


# A personal data breach ends only by the data protection officer's decision, on its own
# page (privacy.breaches: reported to the ICO or decided not to, then closed): its case
# is not resolved, closed, reopened or merged from the case page, nor by the API.
ENDED_ON_ITS_OWN_PAGE = frozenset({CaseKind.PERSONAL_DATA_BREACH})


def ended_on_its_own_page(*, kind: str) -> bool:
    """Whether a case of `kind` is ended only on its own page (a breach), never by the
    case page's resolve, close, reopen or merge."""
    return kind in ENDED_ON_ITS_OWN_PAGE


def ends_with_case(*, outlives_case: bool) -> bool:
    """Whether an unfinished deadline ends unmet when its case is resolved or closed (a
    task's own deadline, a translation say, is still owed)."""
    return not outlives_case


# -- the case's status ----------------------------------------------------------------------------


def status_on_receipt(*, resolved_at_first_contact: bool) -> CaseStatus:
    return CaseStatus.RESOLVED if resolved_at_first_contact else CaseStatus.OPEN


# Which statuses each action may start from.
MAY_RESPOND = OPEN_STATUSES
MAY_WAIT = (CaseStatus.OPEN,)
MAY_RESUME = (CaseStatus.WAITING_FOR_CUSTOMER,)


MAY_REOPEN = (CaseStatus.RESOLVED, CaseStatus.CLOSED)


def may_finish_from(status: str) -> tuple[CaseStatus, ...]:
    """A case is resolved while open; a resolved case may still be closed."""
    if CaseStatus(status) == CaseStatus.CLOSED:
        return (*OPEN_STATUSES, CaseStatus.RESOLVED)
    return OPEN_STATUSES


# -- reopening and merging ----------------------------------------------------------------------


@dataclass(frozen=True)
class Started:
    """A deadline the case has had (met, ended or still running): its standard, its start."""

    standard_key: str
    starts_at: datetime


def reopen_restarts(
    *,
    policy: Policy,
    kind: str,
    channel: str,
    history: Sequence[Started],
    running_keys: Iterable[str],
) -> tuple[DeadlineStandard, ...]:
    """The standards whose clocks start again when a resolved or closed case is reopened.

    Only the promise the case was last given is owed again: of the standards the policy
    marks `restarts_on_reopen` that apply to the case, the one (or ones, started at the
    same moment) of the case's latest deadline among them; so a complaint reopened after
    its stage 2 response owes a stage 2 response, not a stage 1 one as well. None whose
    deadline is still running (one at a time per standard), and none the case never had.
    """
    restartable = {
        standard.key: standard
        for standard in policy.deadline_standards()
        if standard.restarts_on_reopen
        and standard.applies_to(channel=PolicyChannel(channel), kind=PolicyCaseKind(kind))
    }
    had = [started for started in history if started.standard_key in restartable]
    if not had:
        return ()
    latest = max(started.starts_at for started in had)
    running = set(running_keys)
    keys = {s.standard_key for s in had if s.starts_at == latest} - running
    return tuple(standard for key, standard in restartable.items() if key in keys)


def merge_duplicates(
    *, kept_running_keys: Iterable[str], merged_running: Sequence[Running]
) -> tuple[Hashable, ...]:
    """When a case is merged into another: the merged case's unfinished deadlines that
    end there and then, because the kept case already owes the same standard (one at a
    time per standard, as `clock_changes`). The others move to the kept case as they are.
    A task's own deadlines (a translation of each letter) are never duplicates: callers
    pass only the deadlines that end with their case."""
    kept = set(kept_running_keys)
    return tuple(deadline.ref for deadline in merged_running if deadline.standard_key in kept)
