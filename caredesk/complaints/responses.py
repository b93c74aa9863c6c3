"""A complaint's response at stage 1 or 2, made from its decisions.

The Code (Complaint Handling Code 2024, 6.7 and 6.17) says what a response must give:
the stage; the complaint as defined; the decision on each point, with reasons; any
remedy, and by when; any outstanding actions, and by when; and how to take it further
(stage 2, then the Housing Ombudsman). So the officer does not write it freehand: they
give a decision and reasons for each point defined at the stage, the remedies and
actions promised, and the root cause, and may add more words. The response is filled in
from those (the complaint_response template), checked as it will go, and refused if any
part is missing, including from an edited template.

Sending it is the stage's response (its deadline is met), keeps the decisions, makes
each remedy and action a deadline of its owner (the policy's complaint_remedy and
complaint_action standards, due at close of business on the date promised, and kept
after the case is finished), and resolves the case with the overall decision.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from caredesk.cases import events, rules
from caredesk.cases.locks import case_lock
from caredesk.cases.models import Case, CaseKind, CaseStatus, Channel, ComplaintOutcome
from caredesk.cases.selectors import complaint_next_step_get
from caredesk.cases.services import case_finish, response_send
from caredesk.cases.task_deadlines import deadline_start
from caredesk.complaints.definitions import complaint_of, current_stage
from caredesk.complaints.models import (
    Complaint,
    ComplaintPoint,
    ComplaintPromise,
    PromiseKind,
)
from caredesk.core.clock import Clock, read_once
from caredesk.core.db import write_transaction
from caredesk.core.office_time import close_of_business
from caredesk.core.text import has_unstorable, unstorable_reason
from caredesk.documents.letters import long_day
from caredesk.documents.models import CaseLetter, DocumentKind, Medium
from caredesk.documents.ombudsman import ombudsman_values
from caredesk.documents.rendering import document_render
from caredesk.documents.services import letter_send
from caredesk.errors import CaredeskError, NotAllowed
from caredesk.mail.checking import reply_values
from caredesk.mail.models import OutboundEmail
from caredesk.mail.replies import customer_email_send
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can, allowed
from caredesk.standards import Policy

KIND = DocumentKind.COMPLAINT_RESPONSE
MAX_PROMISES = 20


class ResponseError(CaredeskError):
    """A complaint response that cannot be sent as asked."""

    code = "complaint_response_invalid"


@dataclass(frozen=True)
class Decision:
    number: int  # the point's number at its stage
    decision: str  # ComplaintOutcome
    reasons: str


@dataclass(frozen=True)
class Promise:
    kind: str  # PromiseKind
    what: str
    owner: StaffMember
    due_on: date


@dataclass(frozen=True)
class ResponseDraft:
    """What the officer decided, for the stage being answered."""

    decisions: Sequence[Decision]
    promises: Sequence[Promise] = ()
    root_cause: str = ""
    more: str = ""  # anything else they want to say, in their own words


def stage_to_answer(case: Case) -> int | None:
    """The stage waiting for its response: acknowledged, with points not yet decided.
    None if there is none (not acknowledged yet, or answered)."""
    if case.kind != CaseKind.COMPLAINT:
        return None
    step = complaint_next_step_get(case=case)
    if step in ("acknowledge_1", "acknowledge_2"):
        return None
    stage = current_stage(case)
    complaint = Complaint.objects.filter(case=case).first()
    if complaint is None or complaint.refused_at is not None:
        return None
    points = complaint.points.filter(stage=stage)
    return stage if points.filter(decision="").exists() else None


def overall(decisions: Sequence[Decision]) -> ComplaintOutcome:
    """Upheld if every point is, not upheld if none is, else partly upheld."""
    said = {decision.decision for decision in decisions}
    if said == {ComplaintOutcome.UPHELD}:
        return ComplaintOutcome.UPHELD
    if said == {ComplaintOutcome.NOT_UPHELD}:
        return ComplaintOutcome.NOT_UPHELD
    return ComplaintOutcome.PARTLY_UPHELD


def draft_problems(
    points: Sequence[ComplaintPoint], draft: ResponseDraft, policy: Policy, today: date
) -> list[str]:
    """Everything the response lacks, each said as the officer must put it right."""
    problems: list[str] = []
    typed = [d.reasons for d in draft.decisions] + [p.what for p in draft.promises] + [draft.more]
    problems += sorted({unstorable_reason(text) for text in typed if has_unstorable(text)})
    decided = {decision.number: decision for decision in draft.decisions}
    for point in points:
        decision = decided.get(point.number)
        if decision is None or decision.decision not in ComplaintOutcome.values:
            problems.append(f"Give a decision on point {point.number}.")
        elif not decision.reasons.strip():
            problems.append(f"Give the reasons for the decision on point {point.number}.")
    if len(draft.promises) > MAX_PROMISES:
        problems.append(f"A response makes at most {MAX_PROMISES} promises.")
    for number, promise in enumerate(draft.promises, start=1):
        what = PromiseKind(promise.kind).label.lower()
        if not promise.what.strip():
            problems.append(f"Say what {what} {number} is.")
        if promise.due_on < today:
            problems.append(f"The date for {what} {number} has passed: give a date from today.")
        if not allowed(promise.owner, Can.WORK_CASES):
            problems.append(
                f"{promise.owner} does not take casework, so cannot own {what} {number}."
            )
    causes = {cause.key for cause in policy.complaints.root_causes}
    if not draft.root_cause:
        problems.append("Choose the root cause: what went wrong, for the learning from complaints.")
    elif draft.root_cause not in causes:
        problems.append(f"“{draft.root_cause}” is not one of the policy's root causes.")
    return problems


def response_values(
    case: Case,
    complaint: Complaint,
    stage: int,
    draft: ResponseDraft,
    policy: Policy,
    by: StaffMember,
) -> dict[str, Any]:
    """What the complaint_response templates are given."""
    labels = dict(ComplaintOutcome.choices)
    points = {point.number: point for point in complaint.points.filter(stage=stage)}
    promised = [
        {
            "what": " ".join(promise.what.split()),
            "by": long_day(promise.due_on),
            "kind": promise.kind,
        }
        for promise in draft.promises
    ]
    return reply_values(case, policy, by, draft.more) | {
        "complaint": {
            "stage": stage,
            "outcome_wanted": complaint.outcome_wanted,
            "decisions": [
                {
                    "text": points[decision.number].text,
                    "decision": labels[decision.decision].lower(),
                    "reasons": " ".join(decision.reasons.split()),
                }
                for decision in sorted(draft.decisions, key=lambda d: d.number)
                if decision.number in points
            ],
            "outcome": labels[overall(draft.decisions)].lower(),
            "remedies": [p for p in promised if p["kind"] == PromiseKind.REMEDY],
            "actions": [p for p in promised if p["kind"] == PromiseKind.ACTION],
        },
        "ombudsman": ombudsman_values(policy),
    }


def missing_from(text: str, values: dict[str, Any]) -> list[str]:
    """What the Code requires that the filled-in response leaves out (an edited template
    can drop a part): each point's decision and reasons, each promise, the Ombudsman."""
    folded = " ".join(text.split()).casefold()
    complaint, ombudsman = values["complaint"], values["ombudsman"]
    missing = [
        f"the reasons for the decision on “{point['text'][:60]}”"
        for point in complaint["decisions"]
        if point["reasons"].casefold() not in folded
    ]
    missing += [
        f"“{promise['what'][:60]}”"
        for promise in complaint["remedies"] + complaint["actions"]
        if promise["what"].casefold() not in folded
    ]
    ways = [ombudsman[key] for key in ("phone", "website", "email") if ombudsman[key]]
    if ways and not any(way.casefold() in folded for way in ways):
        missing.append("how to contact the Housing Ombudsman")
    return missing


def response_render(values: dict[str, Any], *, by_email: bool) -> tuple[str, str]:
    """The response's subject and body as they will go; ResponseError if the template
    leaves out a part the Code requires."""
    rendered = document_render(KIND, Medium.EMAIL if by_email else Medium.LETTER, values)
    missing = missing_from(rendered.body, values)
    if missing:
        raise ResponseError(
            "The response template leaves out "
            + "; ".join(missing)
            + ". Ask an administrator to put it back in the template."
        )
    return rendered.subject, rendered.body


@write_transaction()
def complaint_response_send(
    *,
    case: Case,
    draft: ResponseDraft,
    by_email: bool,
    by: StaffMember,
    policy: Policy,
    clock: Clock,
) -> OutboundEmail | CaseLetter:
    """Send the stage's response, made from `draft`, and record what it decided and
    promised; the case is resolved with the overall decision."""
    if not allowed(by, Can.WORK_CASES):
        raise NotAllowed("Only staff who take casework can answer complaints.")
    clock = read_once(clock)
    now = clock.now()
    case_lock(case=case, now=now, policy=policy)
    stage = stage_to_answer(case)
    if stage is None:
        raise ResponseError("This complaint is not waiting for a response.")
    complaint = complaint_of(case, now=now)
    points = list(complaint.points.filter(stage=stage))
    today = now.astimezone(policy.working_calendar.zone).date()
    problems = draft_problems(points, draft, policy, today)
    if problems:
        raise ResponseError(" ".join(problems))
    values = response_values(case, complaint, stage, draft, policy, by)
    response_render(values, by_email=by_email)  # refused before anything is kept
    sent: OutboundEmail | CaseLetter
    if by_email:
        sent = customer_email_send(case, KIND, values, by=by, policy=policy, clock=clock)
        response_send(
            case=case,
            channel=Channel.EMAIL,
            summary=f"Email: {sent.subject}",
            by=by,
            policy=policy,
            clock=clock,
        )
    else:
        sent = letter_send(case, KIND, values, by=by, policy=policy, clock=clock)
    decided = {decision.number: decision for decision in draft.decisions}
    for point in points:
        point.decision = decided[point.number].decision
        point.reasons = decided[point.number].reasons.strip()
    ComplaintPoint.objects.bulk_update(points, ["decision", "reasons"])
    outcome = overall(draft.decisions)
    complaint.root_cause = draft.root_cause
    setattr(complaint, f"stage_{stage}_answered_at", now)
    setattr(complaint, f"stage_{stage}_outcome", outcome)
    complaint.save(
        update_fields=["root_cause", f"stage_{stage}_answered_at", f"stage_{stage}_outcome"]
    )
    _promises_keep(case, complaint, stage, draft.promises, by, policy, clock)
    events.record(
        events.complaint_step_recorded(
            case=case,
            by=by,
            at=now,
            step="responded",
            stage=stage,
            text=f"Stage {stage} response sent: {outcome.label.lower()}. "
            f"{len(draft.promises)} promise{'s' if len(draft.promises) != 1 else ''} made.",
        )
    )
    case_finish(
        case=case,
        status=CaseStatus.RESOLVED,
        by=by,
        outcome=f"Stage {stage} response sent",
        complaint_outcome=outcome,
        clock=clock,
    )
    return sent


def _promises_keep(
    case: Case,
    complaint: Complaint,
    stage: int,
    promises: Sequence[Promise],
    by: StaffMember,
    policy: Policy,
    clock: Clock,
) -> None:
    now = clock.now()
    for promise in promises:
        row = ComplaintPromise.objects.create(
            complaint=complaint,
            stage=stage,
            kind=promise.kind,
            what=" ".join(promise.what.split())[:500],
            owner=promise.owner,
            due_on=promise.due_on,
        )
        standards = rules.standards_starting(
            policy=policy,
            kind=case.kind,
            channel=case.channel,
            events=rules.events_on_promise(remedy=promise.kind == PromiseKind.REMEDY),
        )
        for standard in standards:  # none: a policy without the standard keeps it untimed
            row.deadline = deadline_start(
                case=case,
                standard_key=standard.key,
                at=now,
                by=by,
                policy=policy,
                clock=clock,
                assigned_to=promise.owner,
                agreed_due_at=max(close_of_business(promise.due_on, policy), now),
            )
        row.save(update_fields=["deadline"])
