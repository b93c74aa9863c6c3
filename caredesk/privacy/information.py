"""Requests for information under STAIRs (the Social Tenant Access to Information
Requirements, for housing associations from 1 April 2027) and the Freedom of Information
Act, as the data protection officer deals with them. Each is a case with the policy's
deadline from the engine (`stairs_request`, `foi_request`; a policy without the standard
sets none).

1. The decision: the information given (what, and in what form), or refused with the
   reason (the exemption or exception relied on, and why in plain words), or not held.
   Sending it is the response on the case, which meets the request's deadline.
2. The review: the requester may ask for the decision to be looked at again. Asking
   starts the review's own deadline (`information_review`, cases.information_clock), and
   its outcome (upheld, or overturned with what was then given), decided by someone other
   than the first decision-maker, meets it.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from caredesk.cases.information_clock import review_decision_fire, review_request_fire
from caredesk.cases.models import Case, CaseKind
from caredesk.cases.rules import REVIEWABLE_KINDS
from caredesk.cases.services import response_send
from caredesk.core.active_policy import active_policy
from caredesk.core.clock import Clock
from caredesk.core.db import write_transaction
from caredesk.core.text import typed_text_check
from caredesk.errors import CaredeskError, NotAllowed
from caredesk.privacy.models import (
    AnswerHow,
    InformationDecision,
    InformationRequest,
    ReviewOutcome,
)
from caredesk.privacy.rights import ANSWER_CHANNEL
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can, allowed

TEXT_MAX = 5000
REFUSED_UNDER_MAX = 200
KINDS = REVIEWABLE_KINDS
# What a decision that gives less than was asked must tell the requester (a refusal
# notice: FOI section 17(7)).
REVIEW_RIGHT = (
    "If you are unhappy with this decision, you can ask us to review it: reply to this "
    "letter or email, saying why. Someone who did not make the decision will look at it again."
)
# What a review that leaves them without what they asked must tell them (FOI section 50).
AFTER_REVIEW = (
    "If you are still unhappy, you can complain to the Information Commissioner's Office: "
    "ico.org.uk/make-a-complaint, or phone 0303 123 1113."
)


class InformationRequestError(CaredeskError):
    """A request for information (STAIRs, FOI) that cannot be decided or reviewed as
    asked: not such a request, decided or reviewed already, a refusal with no reason, or
    a review by the person who made the first decision."""

    code = "information_request_invalid"


def _dpo(by: StaffMember) -> None:
    if not allowed(by, Can.MANAGE_PRIVACY):
        raise NotAllowed("Only the data protection officer deals with requests for information.")


def _text(value: str, *, name: str, longest: int = TEXT_MAX, required: str = "") -> str:
    return typed_text_check(
        value, label=name, error=InformationRequestError, limit=longest, required=required
    )


def _how(how: str) -> AnswerHow:
    if how not in AnswerHow.values:
        raise InformationRequestError("Say how the answer was sent.")
    return AnswerHow(how)


def information_request_of(case: Case) -> InformationRequest:
    """The request's record, made on first use. Refused for a case of another kind."""
    if case.kind not in KINDS:
        raise InformationRequestError(
            f"{case.reference} is not a request for information under STAIRs or the "
            "Freedom of Information Act."
        )
    found, _ = InformationRequest.objects.get_or_create(case=case)
    return found


def _locked(request: InformationRequest) -> InformationRequest:
    return InformationRequest.objects.select_for_update().get(pk=request.pk)


def _name(person: StaffMember | None) -> str:
    if person is None:
        return "someone"
    return person.get_full_name() or person.username


@write_transaction()
def information_decide(
    *,
    request: InformationRequest,
    decision: str,
    given: str,
    refused_under: str,
    reason: str,
    how: str,
    by: StaffMember,
    clock: Clock,
) -> InformationRequest:
    """Record the decision sent to the requester: the information `given`, or refused
    (`refused_under` the exemption or exception, and the `reason`), or not held; and `how`
    it went. It is the response on the case, which meets the request's deadline."""
    _dpo(by)
    request = _locked(request)
    if request.decided_at is not None:
        raise InformationRequestError("The decision has been sent already.")
    if decision not in InformationDecision.values:
        raise InformationRequestError("Choose the decision.")
    decision = InformationDecision(decision)
    gives = decision in (InformationDecision.GIVEN, InformationDecision.PART)
    given = _text(
        given,
        name="What was given",
        required="Say what information was given, and in what form." if gives else "",
    )
    reason = _text(
        reason,
        name="The reason",
        required="" if decision == InformationDecision.GIVEN else "Say why, in plain words.",
    )
    refused_under = _text(
        refused_under, name="The exemption or exception", longest=REFUSED_UNDER_MAX
    )
    answer = _how(how)
    said = str(decision.label) + (f": {given}" if given else "") + (f" {reason}" if reason else "")
    response_send(
        case=request.case,
        channel=ANSWER_CHANNEL[answer],
        summary=said,
        by=by,
        policy=active_policy(),
        clock=clock,
    )
    request.decision, request.given, request.reason = decision, given, reason
    request.refused_under = refused_under if decision != InformationDecision.GIVEN else ""
    request.how, request.decided_at, request.decided_by = answer, clock.now(), by
    request.save()
    return request


@write_transaction()
def review_ask(
    *,
    request: InformationRequest,
    asked_at: datetime,
    grounds: str,
    by: StaffMember,
    clock: Clock,
) -> InformationRequest:
    """The requester asked, at `asked_at`, for the decision to be reviewed (`grounds`,
    why, in their words): the review's deadline starts then."""
    _dpo(by)
    request = _locked(request)
    if request.decided_at is None:
        raise InformationRequestError("Send the decision first: a review looks at it again.")
    if request.review_asked_at is not None:
        raise InformationRequestError("A review has been asked for already.")
    now = clock.now()
    if asked_at > now:
        raise InformationRequestError("The day they asked must be today or in the past.")
    if timezone.localtime(asked_at).date() < timezone.localtime(request.decided_at).date():
        raise InformationRequestError(
            "The day they asked is before the decision was sent: check the day."
        )
    asked_at = max(asked_at, request.decided_at)  # the day of the decision: after it
    grounds = _text(grounds, name="Why they ask", required="Say why they ask for a review.")
    review_request_fire(
        case=request.case,
        at=asked_at,
        text=f"Review of the decision asked for: {grounds}",
        by=by,
        policy=active_policy(),
        clock=clock,
    )
    request.review_asked_at, request.review_grounds = asked_at, grounds
    request.review_logged_by = by
    request.save()
    return request


def may_review(request: InformationRequest, person: StaffMember) -> bool:
    """Whether `person` may decide the review: anyone who manages privacy but the person
    who made the first decision."""
    return allowed(person, Can.MANAGE_PRIVACY) and person.pk != request.decided_by_id


@write_transaction()
def review_decide(
    *,
    request: InformationRequest,
    outcome: str,
    given: str,
    reason: str,
    how: str,
    by: StaffMember,
    clock: Clock,
) -> InformationRequest:
    """Record the review's outcome sent to the requester: upheld (the decision stands, and
    why), or overturned with what was then `given`; and `how` it went. Decided by someone
    other than the first decision-maker. It meets the review's deadline."""
    _dpo(by)
    request = _locked(request)
    if request.review_asked_at is None:
        raise InformationRequestError("No review has been asked for.")
    if request.reviewed_at is not None:
        raise InformationRequestError("The review has been decided already.")
    if not may_review(request, by):
        raise InformationRequestError(
            f"{_name(by)} made the first decision, so someone else who deals with requests "
            "for information must decide the review."
        )
    if outcome not in ReviewOutcome.values:
        raise InformationRequestError("Choose the outcome of the review.")
    overturned = outcome == ReviewOutcome.OVERTURNED
    given = _text(
        given,
        name="What was then given",
        required="Say what information was then given." if overturned else "",
    )
    reason = _text(
        reason,
        name="The reason",
        required="Say why the decision was changed." if overturned else "Say why it stands.",
    )
    answer = _how(how)
    review_decision_fire(
        case=request.case,
        channel=ANSWER_CHANNEL[answer],
        summary=f"Review: {ReviewOutcome(outcome).label}. {reason}",
        by=by,
        policy=active_policy(),
        clock=clock,
    )
    request.review_outcome, request.review_given = outcome, given
    request.review_reason, request.review_how = reason, answer
    request.reviewed_at, request.reviewed_by = clock.now(), by
    request.save()
    return request


def kind_words(case: Case) -> str:
    """ "STAIRs request" or "Freedom of Information request", for headings."""
    return (
        "STAIRs request"
        if case.kind == CaseKind.STAIRS_REQUEST
        else ("Freedom of Information request")
    )
