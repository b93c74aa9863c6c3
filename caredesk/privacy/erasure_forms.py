"""Forms of the erasure request and retention pages (GOV.UK patterns: each field's own
message, each text field's limit told)."""

from __future__ import annotations

from django import forms

from caredesk.core.forms import TextLimits
from caredesk.privacy.erasure import REASON_MAX, ToldHow


class EraseForm(forms.Form):
    """Erase the customer's personal data, having told them it will be done."""

    told_how = forms.ChoiceField(
        label="How was the customer told their data will be erased?",
        help_text="Tell them first: their address and phone number are erased too.",
        choices=ToldHow.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the customer was told"},
    )
    sure = forms.BooleanField(
        label="I understand this cannot be undone",
        error_messages={"required": "Confirm you understand this cannot be undone"},
    )


class RefuseErasureForm(TextLimits, forms.Form):
    """Refuse an erasure request, with the reason the customer was given."""

    reason = forms.CharField(
        label="Why will their data not be erased?",
        help_text="The customer reads this. For example: you are our tenant, and we need "
        "your details to manage your tenancy.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=REASON_MAX,
        error_messages={"required": "Enter why their data will not be erased"},
    )
    told_how = forms.ChoiceField(
        label="How was the customer told?",
        help_text="Tell them too that they may complain to the Information Commissioner's Office.",
        choices=ToldHow.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the customer was told"},
    )
