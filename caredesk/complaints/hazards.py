"""Hazards in customers' homes under Awaab's Law (The Hazards in Social Housing
(Prescribed Requirements) (England) Regulations 2025, in force 27 October 2025).

Any contact on any case (a call, an email, a letter, a visit, a complaint) can be
recorded as the report of a hazard. The clock starts when we became aware: the time of
the contact that told us. The Regulations' timescales are the policy's standards, each a
deadline of its own (`HazardStep`), started by clock events as the steps happen:

- an emergency hazard: investigated and made safe within 24 hours
  (`emergency_hazard_reported` → `hazard_made_safe`);
- a significant hazard: investigated within 10 working days
  (`significant_hazard_reported` → `hazard_investigated`); once the investigation ends,
  the written summary to the tenant within 3 working days, the safety work begun within
  5, and further work begun within 5, or (a holding reply: a revised date within the
  policy's limit) within 12 weeks.

A hazard Awaab's Law does not cover yet (a type whose phase has not begun) is recorded
and dealt with, untimed. The repairs system is told of each hazard and each step as it
starts (complaints.hazard_webhooks) and can say when work began (the API).
"""

from __future__ import annotations

from datetime import datetime
from functools import partial

from django.conf import settings

from caredesk.cases import events, rules
from caredesk.cases.locks import case_lock
from caredesk.cases.models import Case, Contact
from caredesk.cases.task_deadlines import deadline_end, deadline_meet, deadline_start
from caredesk.complaints.hazard_webhooks import webhook_queue
from caredesk.complaints.models import (
    AccessOutcome,
    Hazard,
    HazardAccessAttempt,
    HazardEvidence,
    HazardSeverity,
    HazardStep,
)
from caredesk.core.clock import Clock, read_once
from caredesk.core.db import write_transaction
from caredesk.core.file_checks import FileRefused, upload_check
from caredesk.core.store import store_put
from caredesk.core.text import storable_text, typed_text_check
from caredesk.errors import CaredeskError, NotAllowed
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can, allowed
from caredesk.standards import Policy
from caredesk.standards.policy import ClockEvent
from caredesk.standards.policy_complaints import HazardType

MAX_TEXT = 5000
# The steps done by saying so (the others happen as the investigation is recorded).
STEPS_DONE_BY_SAYING = {
    "hazard_emergency_made_safe": "made safe",
    "hazard_summary_sent": "written summary sent to the tenant",
    "hazard_safety_work_begun": "safety work begun",
    "hazard_further_work_begun": "further work begun",
}


class HazardError(CaredeskError):
    """A hazard, or a step of one, that cannot be recorded as asked."""

    code = "hazard_invalid"


def hazard_type_get(policy: Policy, key: str) -> HazardType:
    for hazard_type in policy.hazards.types:
        if hazard_type.key == key:
            return hazard_type
    raise HazardError("Choose the kind of hazard from the list.")


def is_covered(policy: Policy, hazard_type: HazardType, severity: str, aware_at: datetime) -> bool:
    """Whether Awaab's Law times this hazard: its type's phase had begun when we became
    aware, or it is an emergency and the policy says emergencies of every type are
    covered from the first phase."""
    day = aware_at.astimezone(policy.working_calendar.zone).date()
    if severity == HazardSeverity.EMERGENCY and policy.hazards.emergency_any_type:
        first = min((t.phase_from for t in policy.hazards.types), default=hazard_type.phase_from)
        return day >= first
    return day >= hazard_type.phase_from


# What a person typed: trimmed, refused with the field named (core.text).
_text = partial(typed_text_check, error=HazardError, limit=MAX_TEXT, required=True)


def _note(hazard: Hazard, by: StaffMember | None, at: datetime, step: str, text: str) -> None:
    events.record(
        events.hazard_step_recorded(case=hazard.case, by=by, at=at, step=step, text=text[:4000])
    )


def _steps_start(
    hazard: Hazard, fired: ClockEvent, at: datetime, by: StaffMember, policy: Policy, clock: Clock
) -> list[HazardStep]:
    """A step for each standard `fired` starts (none if the law does not cover it)."""
    if not hazard.covered:
        return []
    case = hazard.case
    started = []
    for standard in rules.standards_starting(
        policy=policy, kind=case.kind, channel=case.channel, events={fired}
    ):
        step = HazardStep.objects.create(hazard=hazard, standard_key=standard.key)
        step.deadline = deadline_start(
            case=case,
            standard_key=standard.key,
            at=at,
            by=by,
            policy=policy,
            clock=clock,
            assigned_to=case.assigned_to or by,
        )
        step.save(update_fields=["deadline"])
        started.append(step)
        webhook_queue(hazard, "hazard.step_started", now=clock.now(), step=step)
    return started


@write_transaction()
def hazard_report(
    *,
    case: Case,
    hazard_type: str,
    severity: str,
    description: str,
    by: StaffMember,
    policy: Policy,
    clock: Clock,
    where: str = "",
    contact: Contact | None = None,
) -> Hazard:
    """Record the report of a hazard on `case`, told us by `contact` (the case's latest
    contact from the customer if none is given): its steps' clocks start then."""
    if not allowed(by, Can.WORK_CASES):
        raise NotAllowed("Only staff who take casework can record hazards.")
    kind = hazard_type_get(policy, hazard_type)
    if severity not in HazardSeverity.values:
        raise HazardError("Say whether it is an emergency or a significant hazard.")
    said = _text(description, label="What the hazard is")
    clock = read_once(clock)
    now = clock.now()
    case_lock(case=case, now=now, policy=policy)
    if contact is None:
        contact = case.contacts.filter(direction="inbound").order_by("-at", "-pk").first()
    elif contact.case_id != case.pk:
        raise HazardError("Choose a contact on this case: the one that told us.")
    aware_at = contact.at if contact is not None else case.received_at
    hazard = Hazard.objects.create(
        case=case,
        contact=contact,
        hazard_type=kind.key,
        severity=severity,
        where=_text(where, label="Where in the home it is", required=False)[:200],
        description=said,
        aware_at=aware_at,
        reported_by=by,
        reported_at=now,
        covered=is_covered(policy, kind, severity, aware_at),
    )
    webhook_queue(hazard, "hazard.reported", now=now)
    fired = (
        ClockEvent.EMERGENCY_HAZARD_REPORTED
        if severity == HazardSeverity.EMERGENCY
        else ClockEvent.SIGNIFICANT_HAZARD_REPORTED
    )
    started = _steps_start(hazard, fired, aware_at, by, policy, clock)
    timed = "" if hazard.covered else " Awaab's Law does not cover it yet: its steps are not timed."
    _note(
        hazard,
        by,
        now,
        "reported",
        f"{kind.name} ({HazardSeverity(severity).label.split(':')[0].lower()}) reported"
        f"{f' in {hazard.where}' if hazard.where else ''}: {said}. "
        f"{len(started)} step{'s' if len(started) != 1 else ''} timed.{timed}",
    )
    return hazard


def _locked(hazard: Hazard, policy: Policy, now: datetime) -> Hazard:
    case_lock(case=hazard.case, now=now, policy=policy)
    return Hazard.objects.select_related("case").get(pk=hazard.pk)


def _meet(
    step: HazardStep, at: datetime, by: StaffMember | None, policy: Policy, clock: Clock
) -> None:
    if step.deadline is not None:  # deadline_meet leaves a finished one as it is
        deadline_meet(deadline=step.deadline, at=at, by=by, policy=policy, clock=clock)


@write_transaction()
def hazard_investigated(
    *,
    hazard: Hazard,
    findings: str,
    significant: bool,
    by: StaffMember,
    policy: Policy,
    clock: Clock,
    at: datetime | None = None,
) -> Hazard:
    """The investigation is concluded (at `at`, now if not said): who, what was found, and
    whether there is a significant risk of harm. Its deadline is met, and if there is,
    the next steps start: the written summary, the safety work, further work."""
    if not allowed(by, Can.WORK_CASES):
        raise NotAllowed("Only staff who take casework can record investigations.")
    clock = read_once(clock)
    now = clock.now()
    hazard = _locked(hazard, policy, now)
    if hazard.investigated_at is not None:
        raise HazardError("The investigation is recorded already.")
    if hazard.closed_at is not None:
        raise HazardError("This hazard is closed.")
    at = at or now
    if at > now or at < hazard.aware_at:
        raise HazardError("The investigation ended between the report and now.")
    hazard.findings = _text(findings, label="What the investigation found")
    hazard.investigated_at, hazard.investigated_by, hazard.significant = at, by, significant
    hazard.save(update_fields=["findings", "investigated_at", "investigated_by", "significant"])
    for step in hazard.steps.select_related("deadline").filter(standard_key="hazard_investigated"):
        step.done_at, step.done_by, step.done_source = at, by, "desk"
        step.save(update_fields=["done_at", "done_by", "done_source"])
        _meet(step, at, by, policy, clock)
    started = []
    if significant:
        started = _steps_start(hazard, ClockEvent.HAZARD_INVESTIGATED, at, by, policy, clock)
    risk = "a significant risk of harm" if significant else "no significant risk of harm"
    _note(
        hazard,
        by,
        now,
        "investigated",
        f"Investigation concluded: {risk}. {hazard.findings}"
        + (f" {len(started)} more steps timed." if started else ""),
    )
    return hazard


@write_transaction()
def hazard_step_done(
    *,
    step: HazardStep,
    by: StaffMember | None,
    policy: Policy,
    clock: Clock,
    at: datetime | None = None,
    note: str = "",
    source: str = "desk",
) -> HazardStep:
    """A step is done (made safe, the summary sent, work begun): at `at`, now if not
    said; `by` None and `source` "repairs system" when the repairs system says so."""
    if by is not None and not allowed(by, Can.WORK_CASES):
        raise NotAllowed("Only staff who take casework can record a hazard's steps.")
    if step.standard_key not in STEPS_DONE_BY_SAYING:
        raise HazardError("Record the investigation with what it found.")
    clock = read_once(clock)
    now = clock.now()
    hazard = _locked(step.hazard, policy, now)
    current = HazardStep.objects.select_related("deadline").get(pk=step.pk)
    if current.done_at is not None:
        raise HazardError(f"This step was recorded as done already ({current.done_at:%d %B %Y}).")
    at = at or now
    if at > now or at < hazard.aware_at:
        raise HazardError("Give a time between the report of the hazard and now.")
    current.done_at, current.done_by, current.done_source = at, by, source
    current.note = _text(note, label="The note", required=False)
    current.save(update_fields=["done_at", "done_by", "done_source", "note"])
    _meet(current, at, by, policy, clock)
    what = STEPS_DONE_BY_SAYING[current.standard_key]
    _note(
        hazard,
        by,
        now,
        "step_done",
        f"Hazard: {what} ({source}).{f' {current.note}' if current.note else ''}",
    )
    return current


@write_transaction()
def hazard_access_attempt(
    *,
    hazard: Hazard,
    at: datetime,
    outcome: str,
    by: StaffMember,
    policy: Policy,
    clock: Clock,
    note: str = "",
) -> HazardAccessAttempt:
    """An attempt to get into the home, and what happened."""
    if not allowed(by, Can.WORK_CASES):
        raise NotAllowed("Only staff who take casework can record access attempts.")
    if outcome not in AccessOutcome.values:
        raise HazardError("Say what happened when we tried to get in.")
    now = clock.now()
    if at > now or at < hazard.aware_at:
        raise HazardError("Give a time between the report of the hazard and now.")
    hazard = _locked(hazard, policy, now)
    attempt = HazardAccessAttempt.objects.create(
        hazard=hazard,
        at=at,
        outcome=outcome,
        note=_text(note, label="The note", required=False),
        recorded_by=by,
    )
    _note(hazard, by, now, "access", f"Access attempt: {attempt.get_outcome_display().lower()}.")
    return attempt


@write_transaction()
def hazard_decant_offered(
    *, hazard: Hazard, details: str, by: StaffMember, policy: Policy, clock: Clock
) -> Hazard:
    """Alternative accommodation offered while the home is made safe: what, and its
    answer."""
    if not allowed(by, Can.WORK_CASES):
        raise NotAllowed("Only staff who take casework can record a decant.")
    now = clock.now()
    hazard = _locked(hazard, policy, now)
    hazard.decant_details = _text(details, label="What was offered and what the household said")
    hazard.decant_offered_at = now
    hazard.save(update_fields=["decant_details", "decant_offered_at"])
    _note(hazard, by, now, "decant", f"Alternative accommodation offered: {hazard.decant_details}")
    return hazard


@write_transaction()
def hazard_close(
    *, hazard: Hazard, reason: str, by: StaffMember, policy: Policy, clock: Clock
) -> Hazard:
    """Close the hazard (dealt with, or no hazard found): its steps not yet done end."""
    if not allowed(by, Can.WORK_CASES):
        raise NotAllowed("Only staff who take casework can close a hazard.")
    now = clock.now()
    hazard = _locked(hazard, policy, now)
    if hazard.closed_at is not None:
        raise HazardError("This hazard is closed already.")
    hazard.closed_reason = _text(reason, label="Why it is closed")
    hazard.closed_at = now
    hazard.save(update_fields=["closed_reason", "closed_at"])
    for step in hazard.steps.select_related("deadline").filter(done_at__isnull=True):
        if step.deadline is not None:  # deadline_end leaves a finished one as it is
            deadline_end(
                deadline=step.deadline,
                at=now,
                by=by,
                reason=f"Hazard closed: {hazard.closed_reason}",
                policy=policy,
                clock=clock,
            )
    _note(hazard, by, now, "closed", f"Hazard closed: {hazard.closed_reason}")
    return hazard


@write_transaction()
def hazard_evidence_add(
    *,
    hazard: Hazard,
    data: bytes,
    file_name: str,
    by: StaffMember,
    policy: Policy,
    clock: Clock,
) -> HazardEvidence:
    """Keep a photograph or document of the hazard: a PDF or an image, read through to
    know what it is (never by its name), in the file store."""
    if not allowed(by, Can.WORK_CASES):
        raise NotAllowed("Only staff who take casework can add evidence.")
    name = storable_text(file_name).strip()[:200] or "evidence"
    try:
        checked = upload_check(
            data,
            name=name,
            limit=settings.CAREDESK_SCAN_MAX_BYTES,
            what="The file",
            next_step="Send a photograph (JPEG or PNG) or a PDF.",
            too_large="Send a smaller photograph.",
        )
    except FileRefused as refused:
        raise HazardError(refused.message) from None
    now = clock.now()
    hazard = _locked(hazard, policy, now)
    evidence = HazardEvidence.objects.create(
        hazard=hazard,
        sha256=store_put(data),
        file_name=name,
        content_type=checked.content_type,
        size=len(data),
        added_by=by,
        added_at=now,
    )
    _note(hazard, by, now, "evidence", f"Evidence added: {name}.")
    return evidence
