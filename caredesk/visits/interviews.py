"""Interviews and meetings, written up, and the actions agreed at them.

Halton's policy: at all interviews "notes are to be taken and records kept with a
written account of issues raised, as well as any recommendations made, any action to be
taken and/or timescales agreed with the customer"; "suitable venues ... ensuring that
any discussions of a sensitive nature cannot be overheard"; an interpreter "for those
whose first language is not English".

An interview is a contact on its case (at the office or at home). Each action agreed
is owned by a member of staff and due on the date agreed: where the policy has a
standard that starts when an action is agreed (Halton's `interview_action`), it is a
deadline of the case like any other, due at the close of the day agreed (the engine
takes the date as a revised date given at the start: cases.timing), so it is in the
owner's queue, warned of and escalated; doing it meets the deadline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from caredesk.cases import rules
from caredesk.cases.locks import case_lock
from caredesk.cases.models import Case, Channel, Direction
from caredesk.cases.services import contact_log
from caredesk.cases.task_deadlines import deadline_start, task_done
from caredesk.core.clock import Clock, read_once
from caredesk.core.db import write_transaction
from caredesk.core.office_time import close_of_business
from caredesk.errors import CaredeskError, NotAllowed
from caredesk.staff.models import Office, StaffMember
from caredesk.staff.permissions import Can, allowed
from caredesk.standards import Policy
from caredesk.visits.models import Appointment, Interview, InterviewAction


class InterviewError(CaredeskError):
    """An interview or action that cannot be recorded as given."""

    code = "interview_invalid"


@dataclass(frozen=True)
class ActionAgreed:
    what: str
    owner: StaffMember
    due_on: date


@dataclass(frozen=True)
class Where:
    """Where the interview was: an office (and its room), or the customer's home."""

    office: Office | None = None
    at_home: bool = False
    room: str = ""
    private_room: bool = False


def _words(text: str) -> str:
    return " ".join(text.split())


@write_transaction()
def interview_record(
    *,
    case: Case,
    held_at: datetime,
    where: Where,
    officers: Sequence[StaffMember],
    issues: str,
    by: StaffMember,
    policy: Policy,
    clock: Clock,
    recommendations: str = "",
    timescales: str = "",
    actions: Sequence[ActionAgreed] = (),
    customer_attended: bool = True,
    others_present: str = "",
    interpreter_language: str = "",
    appointment: Appointment | None = None,
) -> Interview:
    """Write up an interview on `case`: a contact at the time it was held, and each action
    agreed, with its deadline where the policy has the standard."""
    if not allowed(by, Can.WORK_CASES):
        raise NotAllowed("Only staff who take casework can write up interviews.")
    clock = read_once(clock)
    now = clock.now()
    issues = issues.strip()
    if not issues:
        raise InterviewError("Enter the issues raised.")
    if held_at > now:
        raise InterviewError("An interview is written up after it is held: check the time.")
    if not where.at_home and where.office is None:
        raise InterviewError("Say where the interview was: an office, or the customer's home.")
    if not officers:
        raise InterviewError("Say who from the landlord was there.")
    for action in actions:
        if not _words(action.what):
            raise InterviewError("Say what each action agreed is.")
        if action.due_on < now.astimezone(policy.working_calendar.zone).date():
            raise InterviewError(f"The date agreed for “{_words(action.what)}” has passed.")
    case_lock(case=case, now=now, policy=policy)
    channel = Channel.HOME_VISIT if where.at_home else Channel.VISIT
    interview = Interview.objects.create(
        case=case,
        appointment=appointment,
        held_at=held_at,
        office=None if where.at_home else where.office,
        at_home=where.at_home,
        room=_words(where.room)[:120],
        private_room=where.private_room,
        customer_attended=customer_attended,
        others_present=_words(others_present)[:300],
        interpreter_language=_words(interpreter_language)[:60],
        issues=issues,
        recommendations=recommendations.strip(),
        timescales=timescales.strip(),
        recorded_by=by,
        recorded_at=now,
    )
    interview.officers.set(officers)
    contact_log(
        case=case,
        channel=channel,
        direction=Direction.INBOUND,
        by=by,
        summary=f"Interview: {_words(issues)[:200]}",
        at=held_at,
        policy=policy,
        clock=clock,
    )
    standards = rules.standards_starting(
        policy=policy, kind=case.kind, channel=channel, events=rules.events_on_action_agreed()
    )
    for agreed in actions:
        row = InterviewAction.objects.create(
            interview=interview,
            what=_words(agreed.what)[:300],
            owner=agreed.owner,
            due_on=agreed.due_on,
        )
        for standard in standards:
            row.deadline = deadline_start(
                case=case,
                standard_key=standard.key,
                at=now,
                by=by,
                policy=policy,
                clock=clock,
                assigned_to=agreed.owner,
                agreed_due_at=max(close_of_business(agreed.due_on, policy), now),
            )
            row.save(update_fields=["deadline"])
    return interview


@write_transaction()
def interview_action_done(
    *, action: InterviewAction, by: StaffMember, policy: Policy, clock: Clock
) -> InterviewAction:
    """The action is done: its deadline is met."""
    if not allowed(by, Can.WORK_CASES):
        raise NotAllowed("Only staff who take casework can mark actions done.")
    done = task_done(action, by=by, policy=policy, clock=read_once(clock))
    if done is None:
        raise InterviewError(f"“{action.what}” was already done.")
    return done
