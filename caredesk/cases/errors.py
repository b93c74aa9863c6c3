"""What can go wrong when working a case: one class, and one stable code, per failure.

The API answers each with its `code` (`application/problem+json`), the CLI prints it,
and docs/errors.md lists them all (made from the code: `caredesk errors`).
"""

from __future__ import annotations

from caredesk.errors import CaredeskError


class CaseError(CaredeskError):
    """A case, contact or deadline change that cannot be made (the family)."""

    code = "case_invalid"


class ReceivedInFuture(CaseError):
    """A case received later than now."""

    code = "case_received_in_future"


class NotACaseworker(CaseError):
    """A case given to someone whose roles do not take casework."""

    code = "case_assignee_takes_no_casework"


class EmptyNote(CaseError):
    """A note with no text."""

    code = "note_empty"


class NotAComplaint(CaseError):
    """A complaint's step (acknowledge a stage, go to stage 2) asked of another kind of case."""

    code = "case_not_a_complaint"


class NotABreach(CaseError):
    """A breach's decision (to report it to the ICO or not) recorded on a case that is not
    a personal data breach."""

    code = "case_not_a_breach"


class NotReviewable(CaseError):
    """A review asked for, or decided, on a case that is not a request for information
    (STAIRs or Freedom of Information)."""

    code = "case_not_reviewable"


class BreachEndedOnItsPage(CaseError):
    """Resolving, closing, reopening or merging a personal data breach's case as any
    other case: only the data protection officer ends a breach, on the breach's page,
    once it is reported to the ICO or decided not to report."""

    code = "case_breach_ended_on_its_page"


class UnknownStage(CaseError):
    """A complaint stage other than 1 or 2."""

    code = "complaint_stage_unknown"


class HoldingReplyNotAllowed(CaseError):
    """A holding reply for a standard whose policy allows none."""

    code = "holding_reply_not_allowed"


class HoldingReplyWithoutReason(CaseError):
    """A holding reply that does not tell the customer why."""

    code = "holding_reply_reason_missing"


class HoldingReplyTooLate(CaseError):
    """A revised date beyond the standard's longest extension."""

    code = "holding_reply_beyond_extension"


class ExtensionAfterDue(CaseError):
    """An extension asked for once the response is already due, for a standard that
    allows one only before (a complaint's response)."""

    code = "extension_after_due"


class HoldingReplyTooEarly(CaseError):
    """A revised date that is not after now and after the date the customer already has."""

    code = "holding_reply_date_too_early"


class DeadlineEnded(CaseError):
    """A change to a deadline that is already met or ended."""

    code = "deadline_ended"


class NoUnfinishedDeadline(CaseError):
    """A change to a standard's deadline on a case that has none running."""

    code = "deadline_not_running"


class CaseStatusForbids(CaseError):
    """An action the case's status does not allow (responding to a closed case, say).
    The message says who put the case in that status, and when."""

    code = "case_status_forbids"


class CaseChanged(CaseError):
    """An action chosen on a page that no longer shows the case as it is: someone has
    since resolved, closed, paused or restarted it, given it to someone else, recorded a
    response, sent a holding reply or moved a complaint on. The message says who, what
    and when."""

    code = "case_changed_meanwhile"


class UnknownFinish(CaseError):
    """A case finished as something other than resolved or closed."""

    code = "case_finish_unknown"


class ReopenWithoutReason(CaseError):
    """A case is reopened without saying why."""

    code = "case_reopen_reason_missing"


class CaseMergedAway(CaseError):
    """The case was merged into another: work goes on there."""

    code = "case_merged_away"


class MergeRefused(CaseError):
    """Two cases cannot be merged (the same case, one already merged, two customers)."""

    code = "case_merge_refused"


class UnknownComplaintChoice(CaseError):
    """An answer to "do they want to make a complaint?" that is not one of its choices."""

    code = "complaint_choice_unknown"


class RaisedFromItself(CaseError):
    """A case said to be about itself."""

    code = "raised_from_itself"
