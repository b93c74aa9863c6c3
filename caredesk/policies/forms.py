from __future__ import annotations

from typing import Any

from django import forms

from caredesk.core.forms import TextLimits
from caredesk.core.office_time import OfficeTimeField
from caredesk.errors import DurationError
from caredesk.standards import Policy, parse_duration


class DueTimeForm(TextLimits, forms.Form):
    """'When is it due?': a standard or a duration, and when it was received."""

    standard = forms.ChoiceField(label="Standard", required=False)
    duration = forms.CharField(
        label="Or a duration",
        required=False,
        max_length=100,
        help_text="For example: 10 working days, 24 hours, 1 month.",
    )
    received = OfficeTimeField(
        label="Received",
        help_text="Office time (UK time, with the clock changes).",
        error_messages={"required": "Enter when it was received"},
    )

    def __init__(self, *args: Any, policy: Policy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "Choose a standard")] + [
            (s.key, s.name) for s in policy.deadline_standards()
        ]
        self.fields["standard"].choices = choices  # type: ignore[attr-defined]

    def clean_duration(self) -> str:
        text: str = self.cleaned_data["duration"].strip()
        if text:
            try:
                parse_duration(text)
            except DurationError as error:
                raise forms.ValidationError(error.message) from None
        return text

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        if cleaned.get("standard") and cleaned.get("duration"):
            self.add_error("standard", "Choose a standard or type a duration, not both.")
        elif not cleaned.get("standard") and not cleaned.get("duration"):
            self.add_error("standard", "Choose a standard or type a duration.")
        return cleaned
