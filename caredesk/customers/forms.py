"""Forms of the customer pages: a customer's details, their equality answers, their
household's vulnerabilities."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator

from caredesk.core.forms import TextLimits, text_limits_explain
from caredesk.customers.answering import OpenRequest
from caredesk.customers.details_check import (
    DetailRefused,
    address_checked,
    phone_checked,
    postcode_checked,
    uprn_checked,
)
from caredesk.customers.equality import ANSWERS, QUESTIONS, Answers, Characteristic
from caredesk.customers.models import Customer, Vulnerability
from caredesk.customers.services import DETAIL_FIELDS
from caredesk.customers.vulnerabilities import NOTES_MAX

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


class VulnerabilitiesForm(TextLimits, forms.Form):
    """Who in the household is more at risk from a hazard in the home: ticked from the
    list, with anything else in the notes. Nothing ticked and no notes removes the record."""

    kinds = forms.MultipleChoiceField(
        label="Is anyone in the household in one of these groups?",
        help_text="Select all that apply. Ask only what the customer is happy to tell us.",
        choices=Vulnerability.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Choose from the list."},
    )
    notes = forms.CharField(
        label="Anything else that puts them at more risk (optional)",
        help_text="For example: a new baby due in March; uses a wheelchair indoors.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=NOTES_MAX,
        required=False,
    )


# -- a customer's details -----------------------------------------------------------------

ADDRESS_MAX = 500
CONFIRM_NEW = "confirm_new"
ANSWERS_REQUEST = "answers"  # the field: the request to correct their data a change answers

# The sections of the form, each a fieldset with its legend.
DETAIL_SECTIONS = (
    ("Who they are", ("customer_type", "title", "first_name", "last_name", "organisation")),
    ("How to reach them", ("phone", "email")),
    ("Address", ("address", "postcode", "uprn")),
    ("Housing management system", ("external_reference",)),
    (
        "Needs and preferences",
        (
            "preferred_channel",
            "preferred_times",
            "language",
            "accessible_format",
            "interpreter_needed",
            "home_visits_needed",
            "home_visit_reason",
            "same_sex_interviewer",
        ),
    ),
)

_LABELS = {
    "customer_type": "What kind of customer are they?",
    "title": "Title (optional)",
    "first_name": "First name (optional)",
    "last_name": "Last name",
    "organisation": "Organisation (optional)",
    "phone": "Phone number (optional)",
    "email": "Email address (optional)",
    "address": "Address lines (optional)",
    "postcode": "Postcode (optional)",
    "uprn": "UPRN (optional)",
    "external_reference": "Reference in the housing management system (optional)",
    "preferred_channel": "How do they prefer us to contact them? (optional)",
    "preferred_times": "Best times to contact them (optional)",
    "language": "Language, if not English (optional)",
    "accessible_format": "What format do they need information in?",
    "interpreter_needed": "They need an interpreter",
    "home_visits_needed": "They need home visits",
    "home_visit_reason": "Why do they need home visits?",
    "same_sex_interviewer": "They prefer an interviewer of the same sex",
}
_HINTS = {
    "title": "For example Ms, Mr, Mx or Dr.",
    "last_name": "Or leave it empty and give the organisation's name.",
    "phone": "For example 01632 960 001 or 07700 900 982. Add +44 or another country code "
    "for an international number.",
    "email": "For example name@example.com.",
    "address": "One line of the address on each line, without the postcode.",
    "postcode": "For example WA7 1AB.",
    "uprn": "The property's Unique Property Reference Number: up to 12 digits.",
    "external_reference": "Their reference in the housing management system, so that its "
    "imports match this record.",
    "preferred_times": "For example: mornings before 11, not Fridays.",
    "language": "For example Polish or British Sign Language.",
    "home_visit_reason": "Only if they need home visits.",
}
_REQUIRED = {"customer_type", "accessible_format"}
POSTCODE_WANTED = "Enter a postcode in the right format, like WA7 1AB"
PHONE_WANTED = "Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"
UPRN_WANTED = "Enter a UPRN of up to 12 digits, like 100012345678, or leave it empty"


def _checked(check: Callable[[str], str], value: str, wanted: str) -> str:
    try:
        return check(value)
    except DetailRefused:
        raise forms.ValidationError(wanted) from None


class CustomerForm(TextLimits, forms.ModelForm):  # type: ignore[type-arg]
    """Every detail of a customer's record, GOV.UK style: each text field says its
    longest (a box for lines of text in TextLimits' words), and each problem is named at
    its field."""

    class Meta:
        model = Customer
        fields = DETAIL_FIELDS

    def __init__(self, *args: Any, requests: Sequence[OpenRequest] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.requests = list(requests)
        # Typed with spaces ("1000 1234 5678", " wa7  1ab"): the length is checked after.
        for name in ("postcode", "uprn"):
            self.fields[name] = forms.CharField(max_length=30, required=False)
        address = self.fields["address"]
        assert isinstance(address, forms.CharField)
        address.max_length = ADDRESS_MAX
        address.widget = forms.Textarea(attrs={"rows": 4, "maxlength": ADDRESS_MAX})
        address.validators.append(MaxLengthValidator(ADDRESS_MAX))
        for name, field in self.fields.items():
            field.label = _LABELS[name]
            field.required = name in _REQUIRED
            hint = _HINTS.get(name, "")
            longest = getattr(field, "max_length", None)
            if longest and name not in ("postcode", "uprn", "address"):
                hint = f"{hint} Up to {longest} characters.".strip()
            field.help_text = hint
            field.error_messages["max_length"] = (
                f"{_LABELS[name].removesuffix(' (optional)')} must be {longest} characters or fewer"
            )
            if isinstance(field, forms.TypedChoiceField | forms.ChoiceField):
                field.error_messages["invalid_choice"] = "Choose one of the options"
        self.fields["customer_type"].error_messages["required"] = "Choose what kind of customer"
        self.fields["accessible_format"].error_messages["required"] = "Choose a format"
        self.fields["email"].error_messages["invalid"] = (
            "Enter an email address in the right format, like name@example.com"
        )
        for name in ("preferred_channel", "home_visit_reason"):
            choice = self.fields[name]
            assert isinstance(choice, forms.ChoiceField)
            choice.choices = [("", "Not known"), *list(choice.choices)[1:]]  # type: ignore[arg-type]
        text_limits_explain(self.fields)  # again: the address got its limit above
        if self.requests:  # the customer asked us to correct their data
            self.fields[ANSWERS_REQUEST] = forms.ChoiceField(
                label="Does this change answer their request to correct their details?",
                help_text="The request then lists the change, for the data protection "
                "officer's answer to them.",
                choices=[
                    *(
                        (found.reference, f"This change answers request {found.reference}")
                        for found in self.requests
                    ),
                    ("", "No: it answers no request"),
                ],
                widget=forms.RadioSelect,
                required=False,
                error_messages={"invalid_choice": "Choose a request from the list, or No"},
            )

    # The checks are the import's and the API's (customers.details_check), so a value
    # refused by one is refused by all; the desk words them as GOV.UK asks.
    def clean_postcode(self) -> str:
        return _checked(postcode_checked, self.cleaned_data["postcode"].strip(), POSTCODE_WANTED)

    def clean_phone(self) -> str:
        return _checked(phone_checked, self.cleaned_data["phone"], PHONE_WANTED)

    def clean_uprn(self) -> str:
        return _checked(uprn_checked, re.sub(r"\s", "", self.cleaned_data["uprn"]), UPRN_WANTED)

    def clean_address(self) -> str:
        try:
            return address_checked([self.cleaned_data["address"]])
        except DetailRefused as refused:
            raise forms.ValidationError(f"The address {refused}") from None

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"]
        return email.strip()

    def clean_external_reference(self) -> str:
        reference: str = self.cleaned_data["external_reference"].strip()
        if reference:
            holder = (
                Customer.objects.filter(external_reference=reference)
                .exclude(pk=self.instance.pk)
                .first()
            )
            if holder is not None:
                raise forms.ValidationError(
                    f"{holder.name} (customer {holder.pk}) already has the reference "
                    f"{reference}: check you have the right person"
                )
        return reference

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("last_name", "").strip() and not data.get("organisation", "").strip():
            self.add_error("last_name", "Enter their last name, or an organisation's name")
        if data.get("home_visit_reason") and not data.get("home_visits_needed"):
            self.add_error(
                "home_visit_reason",
                "Tick that they need home visits, or set the reason back to Not known",
            )
        if data.get("home_visits_needed") and not data.get("home_visit_reason"):
            self.add_error("home_visit_reason", "Choose why they need home visits")
        return data

    def _post_clean(self) -> None:
        # The services check the record as a whole; here only the fields, so that a
        # problem is said once, at its field, in the words above.
        pass

    def sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        shown = [(legend, [self[name] for name in names]) for legend, names in DETAIL_SECTIONS]
        if ANSWERS_REQUEST in self.fields:
            shown.append(("Their request to correct their details", [self[ANSWERS_REQUEST]]))
        return shown

    def answers(self) -> str:
        """The reference of the request the change answers ("" for none)."""
        return str(self.cleaned_data.get(ANSWERS_REQUEST) or "")

    def details(self) -> dict[str, Any]:
        """The details as the services take them."""
        return {name: self.cleaned_data[name] for name in DETAIL_FIELDS}


def customer_initial_from_sender(
    *, name: str, address: str = "", email: str = ""
) -> dict[str, str]:
    """What a new customer's form starts with, from a letter's sender or an email's From:
    "Ms Jo Jones" gives title, first and last names; a last line that is a postcode is
    the postcode."""
    words = " ".join(name.split()).split(" ") if name.strip() else []
    initial: dict[str, str] = {}
    if words and words[0].rstrip(".").lower() in TITLES:
        initial["title"] = words.pop(0).rstrip(".")
    if words:
        initial["last_name"] = words.pop()[:100]
    if words:
        initial["first_name"] = " ".join(words)[:100]
    lines = [line.strip(" ,") for line in address.splitlines() if line.strip(" ,")]
    if lines:
        try:
            initial["postcode"] = postcode_checked(lines[-1])
        except DetailRefused:
            pass
        else:
            lines.pop()
    if lines:
        initial["address"] = "\n".join(lines)[:ADDRESS_MAX]
    if email:
        initial["email"] = email.strip()[:254]
    return initial


TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "rev", "sir", "lady"}
