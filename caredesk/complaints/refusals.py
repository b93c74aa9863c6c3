"""Declining a complaint: the Code lets a landlord decline to take a complaint through
its procedure only for the reasons it lists (the policy's `[complaints] exclusions`), and
asks that the customer is told the reason and their right to take it to the Housing
Ombudsman (Complaint Handling Code 2024, section 2, Exclusions).

The officer chooses the reason, then writes to the customer on the reply page's shape
(mail's writing_page: checked as it will go, sent from the check page), starting from
words that say the reason and how to reach the Ombudsman; it cannot be sent if it no
longer says how to reach them. Sending it keeps the refusal on the complaint and closes
the case: its deadlines end (refused complaints are counted by reason, not as answered).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from caredesk.cases import events
from caredesk.cases.locks import case_lock
from caredesk.cases.models import Case, CaseKind, CaseStatus, EventKind
from caredesk.cases.services import case_finish
from caredesk.complaints.definitions import complaint_of
from caredesk.core.clock import Clock, read_once
from caredesk.core.db import write_transaction
from caredesk.documents.models import CaseLetter, DocumentKind
from caredesk.documents.ombudsman import ombudsman_problem
from caredesk.documents.values import case_values
from caredesk.errors import CaredeskError, NotAllowed
from caredesk.mail.checking import reply_values
from caredesk.mail.models import OutboundEmail
from caredesk.mail.replies import email_or_letter_send
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can, allowed
from caredesk.standards import Policy

if TYPE_CHECKING:
    from caredesk.standards.policy_complaints import Exclusion

KIND = DocumentKind.COMPLAINT_REFUSAL


class RefusalError(CaredeskError):
    """A complaint that cannot be declined as asked."""

    code = "complaint_refusal_invalid"


def exclusion_get(policy: Policy, key: str) -> Exclusion:
    for exclusion in policy.complaints.exclusions:
        if exclusion.key == key:
            return exclusion
    raise RefusalError("Choose one of the reasons the Complaint Handling Code allows.")


def may_refuse(case: Case) -> str:
    """Why the complaint cannot be declined now ("" if it can)."""
    if case.kind != CaseKind.COMPLAINT:
        return "Only a complaint is declined."
    if case.status in (CaseStatus.RESOLVED, CaseStatus.CLOSED):
        return "This complaint is finished."
    if case.events.filter(kind=EventKind.RESPONSE).exists():
        return "This complaint has been answered: it can no longer be declined."
    if complaint_of(case, now=case.received_at).refused_at is not None:
        return "This complaint has been declined already."
    return ""


def ombudsman_lines(policy: Policy) -> list[str]:
    """How to reach the Ombudsman, as lines for a letter."""
    ombudsman = policy.complaints.ombudsman
    return [
        line
        for line in (
            ombudsman.name,
            f"Phone: {ombudsman.phone}" if ombudsman.phone else "",
            f"Email: {ombudsman.email}" if ombudsman.email else "",
            f"Website: {ombudsman.website}" if ombudsman.website else "",
            f"Post: {', '.join(ombudsman.address)}" if ombudsman.address else "",
        )
        if line
    ]


def refusal_start(case: Case, policy: Policy, by: StaffMember, exclusion: Exclusion) -> str:
    """The words the officer starts from (the greeting and sign-off are added round them)."""
    values = case_values(case, policy, officer=by)
    return "\n".join(
        [
            f"Thank you for your complaint about “{case.subject}”, which we received on "
            f"{values['case']['received']}.",
            "",
            "We have decided not to take it through our complaints procedure. This is "
            f"because: {exclusion.name}.",
            "",
            "[Explain the decision in your own words, and what the customer can do instead.]",
            "",
            "If you disagree with this decision, you can ask the Housing Ombudsman to look "
            "at it. You can contact them at:",
            *ombudsman_lines(policy),
        ]
    )


@write_transaction()
def complaint_refuse(
    *,
    case: Case,
    reason: str,
    draft: str,
    by_email: bool,
    by: StaffMember,
    policy: Policy,
    clock: Clock,
) -> OutboundEmail | CaseLetter:
    """Tell the customer the complaint is declined and why, keep the refusal, and close
    the case."""
    if not allowed(by, Can.WORK_CASES):
        raise NotAllowed("Only staff who take casework can decline complaints.")
    exclusion = exclusion_get(policy, reason)
    if not draft.strip():
        raise RefusalError("The letter has no text: write what it should say.")
    if "[Explain the decision" in draft:
        raise RefusalError("Explain the decision in your own words where the letter says to.")
    problem = ombudsman_problem(draft, policy)
    if problem:
        raise RefusalError(f"The letter cannot be sent. {problem}")
    clock = read_once(clock)
    now = clock.now()
    case_lock(case=case, now=now, policy=policy)
    refused = may_refuse(case)
    if refused:
        raise RefusalError(refused)
    values = reply_values(case, policy, by, draft)
    sent = email_or_letter_send(
        case, KIND, values, by_email=by_email, by=by, policy=policy, clock=clock
    )
    complaint = complaint_of(case, now=now)
    complaint.refused_at = now
    complaint.refused_by = by
    complaint.refusal_reason = exclusion.key
    complaint.refusal_explanation = draft.strip()
    complaint.save(
        update_fields=["refused_at", "refused_by", "refusal_reason", "refusal_explanation"]
    )
    events.record(
        events.complaint_step_recorded(
            case=case,
            by=by,
            at=now,
            step="refused",
            stage=1,
            text=f"Not accepted as a complaint: {exclusion.name}. The customer was told of "
            "their right to go to the Housing Ombudsman.",
        )
    )
    case_finish(
        case=case,
        status=CaseStatus.CLOSED,
        by=by,
        outcome=f"Not accepted as a complaint: {exclusion.name}",
        clock=clock,
    )
    return sent
