"""The written summary of an interview, sent to the customer (Halton, "Interviews and
Meetings": the customer is told in writing what was raised, recommended and agreed).

It is filled in from the write-up, so it says what the record says: the issues raised,
the recommendations, each action with who does it and by when, and the timescales
agreed. The officer sees it as it will go (the check page) and sends it from there,
signed in their name.

It goes in the customer's format and language: a customer whose record asks for large
print, Braille, audio or a language other than English gets a letter (documents makes
its formats and asks for its translation, as for every letter), and an email is not
offered as the way to send it, since an email is made in neither. Otherwise it goes the
way their appointments are told (visits.telling). It is sent once; the interview keeps
when, by whom and how.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from caredesk.core.clock import Clock, FixedClock, read_once
from caredesk.customers.models import Customer
from caredesk.documents.checking import formats_sentence
from caredesk.documents.emailing import CustomerEmail
from caredesk.documents.formats.pdf import letter_context
from caredesk.documents.letters import letter_text, long_day
from caredesk.documents.models import DocumentKind, Medium
from caredesk.documents.rendering import document_render, signed_check
from caredesk.documents.services import customer_formats, letter_preview, letter_send
from caredesk.documents.values import address_lines, case_values, signatory_of
from caredesk.errors import CaredeskError, NotAllowed
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can, allowed
from caredesk.standards import Policy
from caredesk.visits.models import Interview
from caredesk.visits.telling import EMAIL, LETTER, customer_email_record, telling_channel

KIND = DocumentKind.INTERVIEW_SUMMARY


class SummaryError(CaredeskError):
    """An interview summary that cannot be sent as asked."""

    code = "interview_summary_invalid"


# -- how it goes ------------------------------------------------------------------------


def needs_beyond_email(customer: Customer | None) -> str:
    """ "Also sent in Braille and translated into Polish." when the customer's record
    asks for a format or language an email is not made in; else ""."""
    if customer is None:
        return ""
    return formats_sentence(customer_formats(customer), customer.language.strip())


def _needs_words(customer: Customer) -> str:
    """ "Jo Jones needs letters in Braille and translated into Polish"."""
    needs = needs_beyond_email(customer).removeprefix("Also sent ").rstrip(".")
    return f"{customer.name} needs letters {needs}"


def summary_media(customer: Customer | None) -> list[str]:
    """The ways the summary can go, the one to use first: a letter first (and only) for
    a customer whose format or language an email cannot meet; else as their appointments
    are told, then the other way if their record has it."""
    if customer is None:
        return []
    has_address = bool(address_lines(customer.address, customer.postcode))
    if needs_beyond_email(customer):
        return [LETTER] if has_address else []
    first = telling_channel(customer)
    media = [first] if first else []
    other = LETTER if first == EMAIL else EMAIL
    if (other == LETTER and has_address) or (other == EMAIL and customer.email):
        media.append(other)
    return media


def not_sendable_reason(interview: Interview) -> str:
    """Why the summary cannot be sent at all ("" if it can), as the page says it."""
    customer = interview.case.customer
    if customer is None:
        return "The case has no customer to send a summary to."
    if summary_media(customer):
        return ""
    if needs_beyond_email(customer):
        return (
            f"{_needs_words(customer)}, and there is no postal address on their record. "
            "Add their address first."
        )
    return "There is no postal address or email on the customer's record. Add one first."


# -- what it says -----------------------------------------------------------------------


def summary_values(interview: Interview, policy: Policy, *, by: StaffMember) -> dict[str, Any]:
    """What the summary templates are given: the case's values, signed by `by`, and the
    write-up's, as plain words."""
    zone = policy.working_calendar.zone
    office = interview.office
    if interview.at_home:
        place = "at your home"
    else:
        place = f"at {office.name}" if office is not None else ""
    values = case_values(interview.case, policy, officer=by)
    values["interview"] = {
        "date": long_day(interview.held_at.astimezone(zone).date()),
        "place": place,
        "officers": ", ".join(
            officer.get_full_name() or str(officer) for officer in interview.officers.all()
        ),
        "interpreter": interview.interpreter_language,
        "issues": interview.issues.strip(),
        "recommendations": interview.recommendations.strip(),
        "timescales": interview.timescales.strip(),
        "actions": [
            {
                "what": " ".join(action.what.split()).rstrip("."),
                "owner": action.owner.get_full_name() or str(action.owner),
                "by": long_day(action.due_on),
            }
            for action in interview.actions.select_related("owner")
        ],
    }
    return values


@dataclass(frozen=True)
class SummaryShown:
    """The summary as it will go: an email (to, subject, body) or a printed letter."""

    medium: str
    to: str  # the email address, or the letter's recipient and address on lines
    subject: str
    body: str  # the email's text ("" for a letter)
    letter: dict[str, Any] | None  # the printed letter's parts (documents.formats.pdf)
    also_made: str  # "Also sent in Braille." or ""


def summary_preview(
    *, interview: Interview, medium: str, by: StaffMember, policy: Policy, clock: Clock
) -> SummaryShown:
    """Render the summary as `interview_summary_send` would, keeping nothing. Refused as
    the send would be: unsigned, or a way of sending the customer cannot have."""
    customer = _medium_check(interview, medium)
    values = summary_values(interview, policy, by=by)
    if medium == EMAIL:
        rendered = document_render(KIND, Medium.EMAIL, values)
        signed_check(rendered.body, signatory_of(by))
        return SummaryShown(EMAIL, customer.email, rendered.subject, rendered.body, None, "")
    letter = letter_preview(interview.case, KIND, values, by=by, policy=policy, at=clock.now())
    signed_check(letter_text(letter), signatory_of(by))
    context = letter_context(letter)
    return SummaryShown(
        LETTER,
        context["recipient"],
        letter.subject,
        "",
        context,
        formats_sentence(customer_formats(customer), customer.language.strip()),
    )


def _medium_check(interview: Interview, medium: str) -> Customer:
    reason = not_sendable_reason(interview)
    if reason:
        raise SummaryError(reason)
    customer = interview.case.customer
    assert customer is not None, "not_sendable_reason's condition"
    if medium not in summary_media(customer):
        if medium == EMAIL and needs_beyond_email(customer):
            raise SummaryError(
                f"{_needs_words(customer)}: an email is not made that way. Send a letter."
            )
        raise SummaryError(
            "There is no email address on the customer's record."
            if medium == EMAIL
            else "There is no postal address on the customer's record."
        )
    return customer


# -- sending ----------------------------------------------------------------------------


@transaction.atomic
def interview_summary_send(
    *, interview: Interview, medium: str, by: StaffMember, policy: Policy, clock: Clock
) -> Interview:
    """Send the summary to the customer in `by`'s name, by `medium`, and keep on the
    interview that it went. Sent once: a second send is refused."""
    if not allowed(by, Can.WORK_CASES):
        raise NotAllowed("Only staff who take casework can write to customers.")
    clock = read_once(clock)
    now = clock.now()
    interview = (
        Interview.objects.select_for_update(of=("self",))
        .select_related("case__customer", "office")
        .get(pk=interview.pk)
    )
    if interview.summary_sent_at is not None:
        raise SummaryError("The summary of this interview has been sent already.")
    customer = _medium_check(interview, medium)
    values = summary_values(interview, policy, by=by)
    case = interview.case
    if medium == LETTER:
        letter_send(case, KIND, values, by=by, policy=policy, clock=FixedClock(now))
    else:
        rendered = document_render(KIND, Medium.EMAIL, values)
        signed_check(rendered.body, signatory_of(by))
        email = CustomerEmail(
            case=case,
            kind=KIND,
            to=customer.email,
            subject=rendered.subject,
            body=rendered.body,
            created_at=now,
        )
        customer_email_record(case, email, by=by, policy=policy)
    interview.summary_sent_at = now
    interview.summary_sent_by = by
    interview.summary_sent_as = medium
    interview.save(update_fields=["summary_sent_at", "summary_sent_by", "summary_sent_as"])
    return interview
