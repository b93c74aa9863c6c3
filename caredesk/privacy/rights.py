"""A customer's requests to correct their data (UK GDPR Article 16, rectification) and to
restrict its use (Article 18), as the data protection officer deals with them. Each is a
case with its month from the engine (extended by a holding reply only before it is due,
stopped while proof of identity or clarification is awaited, from the case page).

- Correcting: the record is corrected through its own edit, the change naming the request
  (`customers.answering`: privacy tells customers which requests are open, and the edit
  records the reference on the change's event); the request's page lists the changes made
  under it. Something kept beside the record (a consent, the household's vulnerabilities)
  is corrected on its own form, unlinked.
- Restricting: the officer restricts the use of the customer's data
  (`customers.restrictions`, naming the request), and lifts it later, once the customer
  has been told.

The answer to the customer (done, or refused with the reason and their right to complain
to the ICO) is the response on the case, which meets the deadline."""

from __future__ import annotations

from datetime import datetime

from caredesk.cases import events
from caredesk.cases.models import Case, CaseKind, CaseStatus, Channel
from caredesk.cases.services import response_send
from caredesk.core.active_policy import active_policy
from caredesk.core.clock import Clock
from caredesk.core.db import write_transaction
from caredesk.core.text import typed_text_check
from caredesk.customers.answering import OpenRequest
from caredesk.customers.models import Customer, Restriction
from caredesk.customers.restrictions import (
    restriction_lift,
    restriction_start,
    restrictions_of_request,
)
from caredesk.errors import CaredeskError, NotAllowed
from caredesk.privacy.models import AnswerHow, RightsAnswer, RightsOutcome
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can, allowed

SAID_MAX = 5000
# What a customer is told when we do not do what they asked (UK GDPR Article 12(4)), in
# the words the subject access index uses.
ICO_COMPLAINT = (
    "If you are unhappy with how we have dealt with your request, you can complain to the "
    "Information Commissioner's Office: ico.org.uk/make-a-complaint, or phone 0303 123 1113. "
    "You can also ask a court to make us do what the law requires."
)
ANSWER_CHANNEL = {
    AnswerHow.EMAIL: Channel.EMAIL,
    AnswerHow.LETTER: Channel.LETTER,
    AnswerHow.IN_PERSON: Channel.VISIT,
}
# What each kind of request may be answered with, and what the answer says was done.
OUTCOMES = {
    CaseKind.RECTIFICATION_REQUEST: (RightsOutcome.CORRECTED, RightsOutcome.REFUSED),
    CaseKind.RESTRICTION_REQUEST: (RightsOutcome.RESTRICTED, RightsOutcome.REFUSED),
}
_OPEN = (CaseStatus.OPEN, CaseStatus.WAITING_FOR_CUSTOMER)


class RightsRequestError(CaredeskError):
    """A request to correct or restrict a customer's data that cannot be dealt with as
    asked: not such a request, no customer named, answered already, or an answer that
    leaves out what the customer must be told."""

    code = "rights_request_invalid"


def _dpo(by: StaffMember) -> None:
    if not allowed(by, Can.MANAGE_PRIVACY):
        raise NotAllowed("Only the data protection officer answers requests about personal data.")


def text_checked(value: str, *, name: str, longest: int, required: str = "") -> str:
    """`value` stripped; refused if it is required and empty, too long or not storable."""
    return typed_text_check(
        value, label=name, error=RightsRequestError, limit=longest, required=required
    )


def rights_request_customer(case: Case, *, kind: str) -> Customer:
    """The customer who made the request on `case`. Refused for a case of another kind,
    or one that names nobody."""
    if case.kind != kind:
        raise RightsRequestError(f"{case.reference} is not a {CaseKind(kind).label.lower()}.")
    if case.customer is None:
        raise RightsRequestError(
            f"{case.reference} names no customer: say who is asking on the case first."
        )
    return case.customer


def answer_of(case: Case) -> RightsAnswer | None:
    return RightsAnswer.objects.filter(case=case).select_related("answered_by").first()


def open_rectification_requests(customer: Customer) -> list[OpenRequest]:
    """The customer's open requests to correct their data, not yet answered, the oldest
    first: what a change to their record may answer (registered with
    `customers.answering` by the app's ready())."""
    found = Case.objects.filter(
        customer=customer,
        kind=CaseKind.RECTIFICATION_REQUEST,
        status__in=_OPEN,
        rights_answer__isnull=True,
    ).order_by("received_at", "pk")
    return [OpenRequest(case.reference, case.subject) for case in found]


@write_transaction()
def restriction_for_request(
    *, case: Case, ground: str, reason: str, by: StaffMember, clock: Clock
) -> Restriction:
    """Restrict the use of the customer's data in answer to their request on `case`."""
    _dpo(by)
    customer = rights_request_customer(case, kind=CaseKind.RESTRICTION_REQUEST)
    if answer_of(case) is not None:
        raise RightsRequestError("The request has been answered: it cannot change now.")
    restriction = restriction_start(
        customer=customer,
        ground=ground,
        reason=reason,
        by=by,
        clock=clock,
        request_reference=case.reference,
    )
    _step(case, "restricted", "Use of the customer's data restricted.", by=by, clock=clock)
    return restriction


@write_transaction()
def restriction_lift_for_request(
    *,
    case: Case,
    restriction: Restriction,
    told_at: datetime,
    told_how: str,
    told_before_lifting: bool,
    reason: str,
    by: StaffMember,
    clock: Clock,
) -> Restriction:
    """Lift a restriction started in answer to the request on `case`, once the customer
    has been told it will be (customers.restrictions.restriction_lift)."""
    _dpo(by)
    if restriction.request_reference != case.reference:
        raise RightsRequestError("That restriction was not started under this request.")
    lifted = restriction_lift(
        restriction=restriction,
        told_at=told_at,
        told_how=told_how,
        told_before_lifting=told_before_lifting,
        reason=reason,
        by=by,
        clock=clock,
    )
    _step(case, "lifted", "Restriction lifted, the customer told first.", by=by, clock=clock)
    return lifted


def _step(case: Case, step: str, text: str, *, by: StaffMember, clock: Clock) -> None:
    events.record(
        events.request_step_recorded(case=case, by=by, at=clock.now(), step=step, text=text)
    )


@write_transaction()
def rights_answer(
    *,
    case: Case,
    outcome: str,
    said: str,
    told_of_ico: bool,
    how: str,
    by: StaffMember,
    clock: Clock,
) -> RightsAnswer:
    """The answer sent to the customer: `outcome` (for a correction: corrected or
    refused; for a restriction: restricted or refused), what was done or why not
    (`said`), for a refusal that they were told they can complain to the ICO, and `how`
    it went. It is the response on the case, which meets the request's deadline."""
    _dpo(by)
    customer = rights_request_customer(case, kind=case.kind)
    allowed_outcomes = OUTCOMES.get(CaseKind(case.kind))
    if allowed_outcomes is None:
        raise RightsRequestError(f"{case.reference} is not a request to correct or restrict.")
    if answer_of(case) is not None:
        raise RightsRequestError("The request has been answered already.")
    if outcome not in allowed_outcomes:
        raise RightsRequestError("Choose what the answer is.")
    refused = outcome == RightsOutcome.REFUSED
    said = text_checked(
        said,
        name="What you told them",
        longest=SAID_MAX,
        required="Say why we will not do what they asked." if refused else "Say what we did.",
    )
    if refused and not told_of_ico:
        raise RightsRequestError(
            "Tell them they can complain to the Information Commissioner's Office, and "
            "confirm that the answer says so."
        )
    if outcome == RightsOutcome.RESTRICTED and not restrictions_of_request(case.reference):
        raise RightsRequestError(
            f"Restrict the use of {customer.name}'s data first, then tell them it is done."
        )
    if how not in AnswerHow.values:
        raise RightsRequestError("Say how the answer was sent.")
    response_send(
        case=case,
        channel=ANSWER_CHANNEL[AnswerHow(how)],
        summary=f"{RightsOutcome(outcome).label}: {said}",
        by=by,
        policy=active_policy(),
        clock=clock,
    )
    return RightsAnswer.objects.create(
        case=case,
        outcome=outcome,
        said=said,
        told_of_ico=told_of_ico,
        how=how,
        answered_at=clock.now(),
        answered_by=by,
    )
