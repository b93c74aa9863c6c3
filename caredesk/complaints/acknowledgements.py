"""Acknowledging a complaint is writing to the customer.

The case page's "Acknowledge at stage 1" (or 2) opens a page like the reply page: the
acknowledgement's words (the acknowledgement letter template, filled in for the case)
for the officer to edit, sent as an email or a letter as the customer prefers, checked
before it goes (mail.checking) and sent only from the check page. Sending it records the
acknowledgement at that stage (cases.services.complaint_acknowledge, which starts the
stage's response deadline) in the same transaction: one never happens without the other.

A stage is defined before it is acknowledged (complaints.definitions): the words start
with the complaint as we defined it, point by point, what the customer wants, and the
date the full response is due by, so the customer can tell us if we have misunderstood.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from caredesk.cases.locks import case_lock
from caredesk.cases.models import Case
from caredesk.cases.selectors import complaint_next_step_get
from caredesk.cases.services import complaint_acknowledge
from caredesk.complaints.definitions import stage_defined
from caredesk.complaints.models import Complaint
from caredesk.core.clock import Clock, read_once
from caredesk.core.db import write_transaction
from caredesk.documents.letters import long_day
from caredesk.documents.models import CaseLetter, DocumentKind, Medium
from caredesk.documents.rendering import document_render
from caredesk.documents.values import case_values
from caredesk.errors import CaredeskError, NotAllowed
from caredesk.mail.checking import reply_values
from caredesk.mail.models import OutboundEmail
from caredesk.mail.replies import email_or_letter_send
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can, allowed
from caredesk.standards import Policy, due_at

KIND = DocumentKind.COMPLAINT_ACKNOWLEDGEMENT
_STAGES = {"acknowledge_1": 1, "acknowledge_2": 2}


class AcknowledgementError(CaredeskError):
    """A complaint acknowledgement that cannot be sent as asked."""

    code = "acknowledgement_invalid"


def acknowledgement_stage(case: Case) -> int | None:
    """The stage the complaint is waiting to be acknowledged at; None if it is not."""
    return _STAGES.get(complaint_next_step_get(case=case) or "")


def acknowledgement_start(
    case: Case, policy: Policy, by: StaffMember, *, stage: int, now: datetime
) -> str:
    """The words the officer starts from: the acknowledgement letter template, filled in
    for the case and the complaint as defined at `stage`, signed by `by` (the greeting
    and sign-off are added around it)."""
    values = case_values(case, policy, officer=by) | {
        "complaint": complaint_values(case, policy, stage=stage, now=now)
    }
    return document_render(DocumentKind.ACKNOWLEDGEMENT, Medium.LETTER, values).body


def complaint_values(case: Case, policy: Policy, *, stage: int, now: datetime) -> dict[str, Any]:
    """The complaint as a template sees it: the stage, its points as defined, what the
    customer wants, and when the stage's response is due if it is acknowledged `now`."""
    complaint = Complaint.objects.filter(case=case).first()
    points = list(complaint.points.filter(stage=stage)) if complaint else []
    response = policy.deadline_standard(f"complaint_stage_{stage}_response")
    due = due_at(now, response.target, policy.working_calendar)
    return {
        "stage": stage,
        "points": [point.text for point in points],
        "outcome_wanted": complaint.outcome_wanted if complaint else "",
        "response_by": long_day(due.astimezone(policy.working_calendar.zone).date()),
    }


@write_transaction()
def complaint_acknowledgement_send(
    *,
    case: Case,
    stage: int,
    draft: str,
    by_email: bool,
    by: StaffMember,
    policy: Policy,
    clock: Clock,
) -> OutboundEmail | CaseLetter:
    """Send the customer the acknowledgement of their complaint at `stage`, by email or
    as a letter, in `by`'s name, and record the complaint acknowledged at that stage."""
    if not allowed(by, Can.WORK_CASES):
        raise NotAllowed("Only staff who take casework can acknowledge complaints.")
    if not draft.strip():
        raise AcknowledgementError("The acknowledgement has no text: write what it should say.")
    clock = read_once(clock)
    case_lock(case=case, now=clock.now(), policy=policy)  # one change to the case at a time
    if acknowledgement_stage(case) != stage:
        raise AcknowledgementError(
            f"This complaint is not waiting to be acknowledged at stage {stage}."
        )
    if not stage_defined(Complaint.objects.filter(case=case).first(), stage):
        raise AcknowledgementError(
            f"Define the complaint at stage {stage} before you acknowledge it: the "
            "acknowledgement tells the customer what we understand it to be about."
        )
    values = reply_values(case, policy, by, draft)  # the officer's words, framed
    sent = email_or_letter_send(
        case, KIND, values, by_email=by_email, by=by, policy=policy, clock=clock
    )
    complaint_acknowledge(case=case, stage=stage, by=by, policy=policy, clock=clock)
    return sent
