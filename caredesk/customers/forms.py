"""Forms on the customer page."""

from __future__ import annotations

from typing import Any

from django import forms

from caredesk.customers.equality import ANSWERS, QUESTIONS, Answers, Characteristic

NOT_ASKED = ("", "Not asked")
AGREES = "yes"


class EqualityForm(forms.Form):
    """The customer's equality monitoring answers, each "Not asked" until chosen, and
    whether they agree to us keeping them (required: never assumed)."""

    consent = forms.ChoiceField(
        label="Does the customer agree to us keeping their answers for equality monitoring?",
        choices=[
            (AGREES, "Yes, they agree"),
            ("no", "No, they do not agree: keep no answers"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the customer agrees to us keeping the answers."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for characteristic in Characteristic:
            self.fields[characteristic.value] = forms.ChoiceField(
                label=characteristic.label,
                help_text=QUESTIONS[characteristic],
                choices=[NOT_ASKED, *ANSWERS[characteristic].choices],
                required=False,
                initial="",
                error_messages={"invalid_choice": "Choose an answer from the list."},
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("consent") == "no" and self.answers():
            raise forms.ValidationError(
                "The customer has not agreed, so we cannot keep their answers. Set each "
                "answer back to Not asked, or ask them again."
            )
        if data.get("consent") == AGREES and not self.answers():
            raise forms.ValidationError(
                "Choose at least one answer (Prefer not to say counts), or record that the "
                "customer did not agree."
            )
        return data

    def answers(self) -> Answers:
        data = getattr(self, "cleaned_data", {})
        return {c.value: data[c.value] for c in Characteristic if data.get(c.value)}

    @property
    def consent_given(self) -> bool:
        return bool(self.cleaned_data.get("consent") == AGREES)

    def answer_fields(self) -> list[forms.BoundField]:
        return [self[c.value] for c in Characteristic]
