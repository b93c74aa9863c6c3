"""Forms of the pages for requests to correct or restrict a customer's data, and for
requests for information under STAIRs and the Freedom of Information Act (GOV.UK
patterns: each field's own message, each text field's limit told)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from caredesk.core.forms import TextLimits, date_field, radio_choice
from caredesk.customers.models import RestrictionGround
from caredesk.customers.restrictions import REASON_MAX, TOLD_HOW_MAX
from caredesk.privacy.information import REFUSED_UNDER_MAX, TEXT_MAX
from caredesk.privacy.models import AnswerHow, InformationDecision, ReviewOutcome, RightsOutcome
from caredesk.privacy.rights import SAID_MAX


def _box(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _how(label: str = "How was the answer sent?") -> forms.ChoiceField:
    return radio_choice(label, choose="how the answer was sent", choices=AnswerHow.choices)


# -- correcting and restricting ---------------------------------------------------------------


class RightsAnswerForm(TextLimits, forms.Form):
    """The answer to a request to correct or restrict: done, or refused with the reason."""

    outcome = radio_choice(
        "What is the answer?",
        choose="what the answer is",
    )
    said = forms.CharField(
        label="What did we tell them?",
        help_text="What we did, or why we will not do what they asked, as the answer says it.",
        widget=_box(),
        max_length=SAID_MAX,
        error_messages={"required": "Enter what we told them"},
    )
    told_of_ico = forms.BooleanField(
        label="The answer tells them they can complain to the Information Commissioner's "
        "Office (needed if we refuse)",
        required=False,
    )
    how = _how()

    def __init__(
        self,
        *args: Any,
        outcomes: Sequence[RightsOutcome] = (RightsOutcome.CORRECTED, RightsOutcome.REFUSED),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [(outcome.value, outcome.label) for outcome in outcomes]
        self.fields["outcome"].choices = choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == RightsOutcome.REFUSED and not data.get("told_of_ico"):
            self.add_error(
                "told_of_ico",
                "Tell them they can complain to the Information Commissioner's Office, "
                "then confirm that the answer says so",
            )
        return data


class RestrictForm(TextLimits, forms.Form):
    """Restrict the use of the customer's data (UK GDPR Article 18(1))."""

    ground = radio_choice(
        "Why is the use of their data restricted?",
        choose="why the use of their data is restricted",
        choices=RestrictionGround.choices,
    )
    reason = forms.CharField(
        label="What is restricted, and why?",
        help_text="For example: their address, while we check it with the council.",
        widget=_box(3),
        max_length=REASON_MAX,
        error_messages={"required": "Enter what is restricted and why"},
    )


class LiftForm(TextLimits, forms.Form):
    """Lift a restriction, once the customer has been told it will be (Article 18(3))."""

    told_before_lifting = forms.BooleanField(
        label="We told them that the restriction will be lifted, before lifting it",
        error_messages={"required": "Tell them first, then confirm that we did"},
    )
    told_on = date_field(
        "When were they told?", what="the day they were told", example="2026-06-03"
    )
    told_how = forms.CharField(
        label="How were they told?",
        help_text="For example: letter sent to their home.",
        max_length=TOLD_HOW_MAX,
        error_messages={"required": "Enter how they were told"},
    )
    reason = forms.CharField(
        label="Why is it lifted?",
        help_text="For example: we checked their address with the council; it was right.",
        widget=_box(3),
        max_length=REASON_MAX,
        error_messages={"required": "Enter why it is lifted"},
    )


# -- requests for information -------------------------------------------------------------------


class DecisionForm(TextLimits, forms.Form):
    """The decision on a request for information under STAIRs or the FOI Act."""

    decision = radio_choice(
        "What is the decision?",
        choose="the decision",
        choices=InformationDecision.choices,
    )
    given = forms.CharField(
        label="What did we give them?",
        help_text="The information given, and in what form: for example, a spreadsheet of "
        "repairs by estate for 2026.",
        widget=_box(3),
        max_length=TEXT_MAX,
        required=False,
    )
    refused_under = forms.CharField(
        label="Which exemption or exception? (if we refused any of it)",
        help_text="For example: section 40(2), personal information of others.",
        max_length=REFUSED_UNDER_MAX,
        required=False,
    )
    reason = forms.CharField(
        label="Why? (if we refused any of it, or do not hold it)",
        help_text="In plain words: the requester reads this.",
        widget=_box(3),
        max_length=TEXT_MAX,
        required=False,
    )
    how = _how("How was the decision sent?")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        decision = data.get("decision")
        gives = decision in (InformationDecision.GIVEN, InformationDecision.PART)
        if gives and not data.get("given", "").strip():
            self.add_error("given", "Enter what we gave them")
        if (
            decision
            and decision != InformationDecision.GIVEN
            and not data.get("reason", "").strip()
        ):
            self.add_error("reason", "Enter why, in plain words")
        return data


class ReviewAskForm(TextLimits, forms.Form):
    """The requester asks for the decision to be reviewed."""

    asked_on = date_field(
        "When did they ask for a review?", what="the day they asked", example="2026-06-03"
    )
    grounds = forms.CharField(
        label="Why do they ask?",
        help_text="In their words, or a summary of them.",
        widget=_box(3),
        max_length=TEXT_MAX,
        error_messages={"required": "Enter why they ask for a review"},
    )


class ReviewForm(TextLimits, forms.Form):
    """The outcome of the review."""

    outcome = radio_choice(
        "What is the outcome of the review?",
        choose="the outcome of the review",
        choices=ReviewOutcome.choices,
    )
    given = forms.CharField(
        label="What did we then give them? (if overturned)",
        widget=_box(3),
        max_length=TEXT_MAX,
        required=False,
    )
    reason = forms.CharField(
        label="Why does the decision stand, or why was it changed?",
        help_text="In plain words: the requester reads this.",
        widget=_box(3),
        max_length=TEXT_MAX,
        error_messages={"required": "Enter why"},
    )
    how = _how("How was the outcome sent?")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == ReviewOutcome.OVERTURNED and not data.get("given", "").strip():
            self.add_error("given", "Enter what we then gave them")
        return data
