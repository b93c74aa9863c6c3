"""The breach pages' forms (privacy.breach_views)."""

from __future__ import annotations

from typing import Any

from django import forms

from caredesk.core.forms import TextLimits
from caredesk.core.office_time import OfficeTimeField
from caredesk.privacy.models import (
    Breach,
    BreachData,
    BreachLikelihood,
    BreachRisk,
    BreachSeverity,
)

LONG = 5000
YES_NO = [("1", "Yes"), ("0", "No")]


def _yes(value: str) -> bool:
    return value == "1"


def _box(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class BreachReportForm(TextLimits, forms.Form):
    """Anyone on the staff: tell the data protection officer of a suspected breach."""

    became_aware_at = OfficeTimeField(
        label="When did you, or anyone else here, first become aware of it?",
        help_text="UK time. The 72 hours to tell the ICO run from then, so give the "
        "earliest time anyone here knew. Not later than now.",
        error_messages={
            "required": "Enter when you, or anyone else here, first became aware of it",
            "invalid": "Enter when you, or anyone else here, first became aware of it, as a "
            "date and time",
        },
    )
    what_happened = forms.CharField(
        label="What happened?",
        help_text="For example: a letter sent to the wrong address, an email to the wrong "
        "person, a lost laptop or papers. Say whose data it was if you know.",
        widget=_box(),
        max_length=LONG,
        error_messages={"required": "Write what happened"},
    )
    how_discovered = forms.CharField(
        label="How did it come to light? (optional)",
        widget=_box(2),
        max_length=2000,
        required=False,
    )


class BreachAssessForm(TextLimits, forms.Form):
    """The data protection officer's record of the breach and the risk it carries."""

    what_happened = forms.CharField(
        label="What happened?",
        widget=_box(),
        max_length=LONG,
        error_messages={"required": "Write what happened"},
    )
    how_discovered = forms.CharField(
        label="How did it come to light? (optional)",
        widget=_box(2),
        max_length=2000,
        required=False,
    )
    data_categories = forms.MultipleChoiceField(
        label="What kinds of personal data were affected?",
        help_text="Choose all that apply.",
        choices=BreachData.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose the kinds of personal data affected"},
    )
    data_affected = forms.CharField(
        label="Which personal data, exactly?",
        widget=_box(3),
        max_length=LONG,
        error_messages={"required": "Write which personal data were affected"},
    )
    people_affected_count = forms.IntegerField(
        label="How many people are affected? (leave empty if not known yet)",
        min_value=0,
        required=False,
        error_messages={
            "invalid": "Enter the number of people affected as a whole number",
            "min_value": "Enter the number of people affected as 0 or more",
        },
    )
    people_affected = forms.CharField(
        label="Who are they?",
        help_text="Tenants, applicants, staff, children, people at risk...",
        widget=_box(2),
        max_length=2000,
        error_messages={"required": "Write who is affected"},
    )
    risk_likelihood = forms.ChoiceField(
        label="How likely is harm to them?",
        choices=BreachLikelihood.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say how likely harm to them is"},
    )
    risk_severity = forms.ChoiceField(
        label="How severe would the harm be?",
        choices=BreachSeverity.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say how severe the harm would be"},
    )
    risk = forms.ChoiceField(
        label="What is the risk to people's rights and freedoms?",
        help_text="A risk: the ICO must be told. A high risk: the people affected must be "
        "told too, without undue delay.",
        choices=BreachRisk.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say what the risk to people's rights and freedoms is"},
    )
    risk_reasoning = forms.CharField(
        label="Why? The reasons for the assessment",
        widget=_box(),
        max_length=LONG,
        error_messages={"required": "Write the reasons for the assessment"},
    )
    containment = forms.CharField(
        label="What has been done to contain it and put it right? (optional)",
        widget=_box(3),
        max_length=LONG,
        required=False,
    )

    def __init__(self, *args: Any, breach: Breach, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:  # as recorded so far
            for name in self.fields:
                value = getattr(breach, name, None)
                if value not in (None, "", []):
                    self.initial.setdefault(name, value)


class BreachDecisionForm(TextLimits, forms.Form):
    """Reported to the ICO, or not, and when: the 72 hours are met then."""

    report = forms.TypedChoiceField(
        label="Was it reported to the ICO?",
        choices=[("1", "Yes, it was reported to the ICO"), ("0", "No: we decided not to")],
        coerce=_yes,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether it was reported to the ICO"},
    )
    at = OfficeTimeField(
        label="When was it reported, or the decision made?",
        help_text="UK time.",
        error_messages={
            "required": "Enter when it was reported or decided",
            "invalid": "Enter when it was reported or decided as a date and time",
        },
    )
    ico_reference = forms.CharField(
        label="The ICO's reference (optional)", max_length=50, required=False
    )
    reason = forms.CharField(
        label="If not reported: why not?",
        help_text="Why it is unlikely to result in a risk to people's rights and freedoms.",
        widget=_box(3),
        max_length=LONG,
        required=False,
    )
    delay_reason = forms.CharField(
        label="If after the 72 hours: the reasons for the delay",
        widget=_box(3),
        max_length=LONG,
        required=False,
    )


class PeopleToldForm(TextLimits, forms.Form):
    """Article 34: whether the people affected were told, when and how, or why not."""

    told = forms.TypedChoiceField(
        label="Were the people affected told?",
        choices=YES_NO,
        coerce=_yes,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the people affected were told"},
    )
    at = OfficeTimeField(
        label="If they were: when?",
        help_text="UK time.",
        required=False,
        error_messages={"invalid": "Enter when they were told as a date and time"},
    )
    how = forms.CharField(label="If they were: how?", max_length=2000, required=False)
    reason = forms.CharField(
        label="If not: why not?",
        help_text="The data was unintelligible to anyone who saw it; the risk has been "
        "removed; or telling each person would take disproportionate effort, and a public "
        "notice was given instead.",
        widget=_box(3),
        max_length=LONG,
        required=False,
    )


class BreachCloseForm(TextLimits, forms.Form):
    note = forms.CharField(
        label="What was learned, and what changes? (optional)",
        widget=_box(3),
        max_length=LONG,
        required=False,
    )
