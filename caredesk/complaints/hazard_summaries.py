"""The written summary of a hazard's investigation, sent to the tenant (Awaab's Law: within
3 working days of the investigation ending).

It says what the record says: what we were told and when, what the investigation found,
whether there is a significant risk, and what we will do next by when (the steps'
due times). Shown on the hazard's page as it will go and sent from there, signed by the
officer, in the tenant's format and language: a letter when their record asks for large
print, Braille, audio or a translation (documents makes the formats and asks for the
translation), else an email if they prefer email and have an address, else a letter.
Sending it records the summary step as done.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from caredesk.cases.models import Case
from caredesk.complaints.hazards import HazardError, hazard_step_done
from caredesk.complaints.models import Hazard, HazardStep
from caredesk.core.clock import Clock, read_once
from caredesk.core.db import write_transaction
from caredesk.customers.models import ContactChannel, Customer
from caredesk.documents.letters import letter_text, long_day
from caredesk.documents.models import CaseLetter, DocumentKind, Medium
from caredesk.documents.rendering import document_render, signed_check
from caredesk.documents.services import letter_preview
from caredesk.documents.values import address_lines, case_values, signatory_of
from caredesk.errors import NotAllowed
from caredesk.mail.models import OutboundEmail
from caredesk.mail.replies import email_or_letter_send
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can, allowed
from caredesk.standards import Policy
from caredesk.visits.interview_summaries import needs_beyond_email

KIND = DocumentKind.HAZARD_SUMMARY
SUMMARY_STEP = "hazard_summary_sent"
NEXT_WORDS = {
    "hazard_safety_work_begun": "begin the work to make your home safe",
    "hazard_further_work_begun": "begin the work to stop it coming back",
}


def summary_by_email(customer: Customer | None) -> bool:
    """Email only to a customer who prefers it, has an address, and needs no format or
    language an email is not made in."""
    if customer is None or not customer.email or needs_beyond_email(customer):
        return False
    return customer.preferred_channel == ContactChannel.EMAIL


def summary_problem(hazard: Hazard) -> str:
    """Why the summary cannot be sent now ("" if it can)."""
    customer = hazard.case.customer
    if hazard.investigated_at is None:
        return "Record the investigation first: the summary says what it found."
    if customer is None:
        return "The case has no customer to write to."
    if not summary_by_email(customer) and not address_lines(customer.address, customer.postcode):
        return "There is no postal address on the customer's record. Add it first."
    if hazard.steps.filter(standard_key=SUMMARY_STEP, done_at__isnull=False).exists():
        return "The summary has been sent."
    return ""


def summary_values(hazard: Hazard, policy: Policy, *, by: StaffMember) -> dict[str, Any]:
    zone = policy.working_calendar.zone
    names = {t.key: t.name for t in policy.hazards.types}
    steps = hazard.steps.select_related("deadline").filter(standard_key__in=NEXT_WORDS)
    assert hazard.investigated_at is not None, "summary_problem's condition"
    return case_values(hazard.case, policy, officer=by) | {
        "hazard": {
            "kind": names.get(hazard.hazard_type, hazard.hazard_type),
            "where": hazard.where,
            "told": long_day(hazard.aware_at.astimezone(zone).date()),
            "investigated": long_day(hazard.investigated_at.astimezone(zone).date()),
            "found": hazard.findings,
            "significant": "yes" if hazard.significant else "",
            "next": [
                {
                    "what": NEXT_WORDS[step.standard_key],
                    "by": long_day(step.deadline.due_at.astimezone(zone).date()),
                }
                for step in steps
                if step.done_at is None and step.deadline is not None and step.deadline.due_at
            ],
        }
    }


@dataclass(frozen=True)
class SummaryShown:
    by_email: bool
    to: str
    subject: str
    text: str  # the email's body, or the letter as plain text


def summary_preview(
    *, hazard: Hazard, by: StaffMember, policy: Policy, clock: Clock
) -> SummaryShown:
    """The summary as `hazard_summary_send` would send it, keeping nothing."""
    case: Case = hazard.case
    values = summary_values(hazard, policy, by=by)
    customer = case.customer
    assert customer is not None, "summary_problem's condition"
    if summary_by_email(customer):
        rendered = document_render(KIND, Medium.EMAIL, values)
        signed_check(rendered.body, signatory_of(by))
        return SummaryShown(True, customer.email, rendered.subject, rendered.body)
    letter = letter_preview(case, KIND, values, by=by, policy=policy, at=clock.now())
    text = letter_text(letter)
    signed_check(text, signatory_of(by))
    return SummaryShown(False, customer.name, letter.subject, text)


@write_transaction()
def hazard_summary_send(
    *, hazard: Hazard, by: StaffMember, policy: Policy, clock: Clock
) -> OutboundEmail | CaseLetter:
    """Send the tenant the written summary, and record the summary step done."""
    if not allowed(by, Can.WORK_CASES):
        raise NotAllowed("Only staff who take casework can write to tenants.")
    clock = read_once(clock)
    hazard = Hazard.objects.select_related("case__customer").get(pk=hazard.pk)
    problem = summary_problem(hazard)
    if problem:
        raise HazardError(problem)
    values = summary_values(hazard, policy, by=by)
    sent = email_or_letter_send(
        hazard.case,
        KIND,
        values,
        by_email=summary_by_email(hazard.case.customer),
        by=by,
        policy=policy,
        clock=clock,
    )
    step = HazardStep.objects.filter(hazard=hazard, standard_key=SUMMARY_STEP).first()
    if step is not None:
        hazard_step_done(
            step=step, by=by, policy=policy, clock=clock, note=f"Sent: {sent.subject}"[:2000]
        )
    return sent
