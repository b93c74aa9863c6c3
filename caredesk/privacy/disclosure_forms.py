"""The disclosure log's forms: a request logged from the customer page, and the data
protection officer's decision (privacy.disclosure_views)."""

from __future__ import annotations

from typing import Any

from django import forms

from caredesk.core.forms import TextLimits, date_field, radio_choice
from caredesk.customers.models import Customer, Matter, Representative
from caredesk.privacy import disclosures
from caredesk.privacy.models import DisclosureDecision, Exemption, LawfulBasis, RequesterKind

NOT_ONE = ""


class DisclosureRequestForm(TextLimits, forms.Form):
    requester_kind = radio_choice(
        "Who is asking?",
        choose="who is asking",
        choices=RequesterKind.choices,
    )
    representative = forms.ChoiceField(
        label="Which of the customer's representatives? (if they are one on record)",
        required=False,
        error_messages={"invalid_choice": "Choose one of the customer's representatives"},
    )
    requester_name = forms.CharField(
        label="Their name",
        max_length=disclosures.NAME_MAX,
        error_messages={"required": "Enter the name of the person asking"},
    )
    requester_organisation = forms.CharField(
        label="Their organisation (optional)",
        help_text="For example: Cheshire Police; Halton Borough Council.",
        max_length=disclosures.NAME_MAX,
        required=False,
    )
    matter = forms.ChoiceField(
        label="What is it about?",
        choices=Matter.choices,
        error_messages={
            "required": "Choose what the request is about",
            "invalid_choice": "Choose what the request is about from the list",
        },
    )
    asked = forms.CharField(
        label="What did they ask for?",
        help_text="In their words, and any reference they gave (a crime number).",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=disclosures.TEXT_MAX,
        error_messages={"required": "Enter what they asked for"},
    )
    received_on = date_field(
        "When did the request arrive?", what="the date the request arrived", example="2026-06-03"
    )

    def __init__(self, *args: Any, customer: Customer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.representatives = {
            str(r.pk): r for r in customer.representatives.order_by("-starts_at", "-pk")
        }
        field = self.fields["representative"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(NOT_ONE, "None of them")] + [
            (pk, f"{r.name} ({r.relationship or r.get_kind_display()})")
            for pk, r in self.representatives.items()
        ]

    def chosen_representative(self) -> Representative | None:
        return self.representatives.get(self.cleaned_data.get("representative") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("representative")
            and data.get("requester_kind") != RequesterKind.REPRESENTATIVE
        ):
            self.add_error(
                "requester_kind",
                "A request from one of the customer's representatives is from an advocate or "
                "representative: choose that",
            )
        return data


class DisclosureDecisionForm(TextLimits, forms.Form):
    decision = forms.ChoiceField(
        label="What is your decision?",
        choices=DisclosureDecision.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether to disclose in full, in part, or refuse",
            "invalid_choice": "Choose a decision from the list",
        },
    )
    basis = forms.ChoiceField(
        label="The lawful basis for disclosing (UK GDPR Article 6)",
        help_text="Not needed if you refuse.",
        choices=[("", "Choose a basis"), *LawfulBasis.choices],
        required=False,
        error_messages={"invalid_choice": "Choose a lawful basis from the list"},
    )
    exemption = forms.ChoiceField(
        label="The Data Protection Act 2018 exemption relied on, where relevant",
        choices=Exemption.choices,
        required=False,
        error_messages={"invalid_choice": "Choose an exemption from the list"},
    )
    reason = forms.CharField(
        label="Why?",
        help_text="The reason for the decision. If you disclose to a representative on "
        "another basis than their authority, explain it here.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=disclosures.TEXT_MAX,
        error_messages={"required": "Enter the reason for your decision"},
    )
    disclosed = forms.CharField(
        label="What was disclosed",
        help_text="Leave blank if you refuse.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=disclosures.TEXT_MAX,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        decision = data.get("decision")
        if decision and decision != DisclosureDecision.REFUSE:
            if not data.get("basis"):
                self.add_error("basis", "Choose the lawful basis for disclosing")
            if not (data.get("disclosed") or "").strip():
                self.add_error("disclosed", "Enter what was disclosed")
        if decision == DisclosureDecision.REFUSE and (data.get("disclosed") or "").strip():
            self.add_error("disclosed", "You are refusing: leave what was disclosed blank")
        return data
