"""What every form on the desk shares: limits that are told, not silently cut.

A form that mixes in TextLimits says, for each text field, how much it takes: the
browser stops at the limit (the HTML maxlength Django sets from max_length), a longer
value sent anyway is refused with a message naming the field and the limit ("Summary
must be 2,000 characters or fewer"), and a box for longer text (a textarea) says the limit
in its hint ("You can enter up to 10,000 characters."). core/tests/test_forms.py holds
every form in caredesk to this, and to a required message written for its field.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import pretty_name

# A sensible cap for free text a person types: a note, a reply, a summary of a call.
TEXT_LIMIT = 10_000


def too_long_message(label: str, limit: int) -> str:
    return f"{label} must be {limit:,} characters or fewer"


def limit_hint(limit: int) -> str:
    return f"You can enter up to {limit:,} characters."


def text_limits_explain(fields: dict[str, forms.Field]) -> None:
    """Give each text field with a max_length its message and, for a textarea, its hint."""
    for name, field in fields.items():
        if not isinstance(field, forms.CharField) or field.max_length is None:
            continue
        if field.widget.is_hidden:
            continue
        label = str(field.label) if field.label else pretty_name(name)
        field.error_messages.setdefault("max_length", too_long_message(label, field.max_length))
        if isinstance(field.widget, forms.Textarea):
            hint = limit_hint(field.max_length)
            if hint not in str(field.help_text):
                field.help_text = f"{field.help_text} {hint}".strip()


DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def date_field(label: str, *, what: str, example: str, **kwargs: Any) -> forms.DateField:
    """A date, with the browser's date picker, and messages that name it: "Enter `what`",
    "Enter `what` as a date, for example `example`" (2025-06-02)."""
    return forms.DateField(
        label=label,
        widget=DATE_INPUT,
        error_messages={
            "required": f"Enter {what}",
            "invalid": f"Enter {what} as a date, for example {example}",
        },
        **kwargs,
    )


def radio_choice(label: str, *, choose: str, **kwargs: Any) -> forms.ChoiceField:
    """One of a few choices, as radio buttons, with messages that name it: "Choose
    `choose`", and "Choose `choose` from the list" for a value not offered."""
    return forms.ChoiceField(
        label=label,
        widget=forms.RadioSelect,
        error_messages={
            "required": f"Choose {choose}",
            "invalid_choice": f"Choose {choose} from the list",
        },
        **kwargs,
    )


class TextLimits:
    """Mix into a form (first among its bases) to tell its text fields' limits."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        text_limits_explain(self.fields)
