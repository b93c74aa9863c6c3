"""Forms of the data protection officer's pages (GOV.UK patterns: each field's own
message, each text field's limit told)."""

from __future__ import annotations

from typing import Any

from django import forms

from caredesk.core.forms import TextLimits
from caredesk.privacy.models import SentHow
from caredesk.privacy.subject_access import REASON_MAX


class WithholdForm(TextLimits, forms.Form):
    """Leave one record out of a subject access export, with the reason."""

    holding = forms.ChoiceField(
        label="Which part is the record in?",
        error_messages={
            "required": "Choose the part the record is in",
            "invalid_choice": "Choose the part the record is in from the list",
        },
    )
    record_id = forms.IntegerField(
        label="Record number",
        help_text="As the part's page shows it: “Record 1234”.",
        min_value=1,
        error_messages={
            "required": "Enter the record number",
            "invalid": "Enter the record number in figures, like 1234",
            "min_value": "Enter the record number in figures, like 1234",
        },
    )
    reason = forms.CharField(
        label="Why is it left out?",
        help_text="The customer reads this. For example: it is about another person, who "
        "has not agreed to it being shared.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=REASON_MAX,
        error_messages={"required": "Enter why the record is left out"},
    )

    def __init__(self, *args: Any, parts: list[tuple[str, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices = [("", "Choose a part"), *(parts or [])]
        self.fields["holding"].choices = choices  # type: ignore[attr-defined]


class SentForm(forms.Form):
    """How the customer was given their information."""

    how = forms.ChoiceField(
        label="How was it sent?",
        choices=SentHow.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how it was sent"},
    )
