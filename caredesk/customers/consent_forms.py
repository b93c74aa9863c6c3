"""The customer page's forms for consents and representatives (customers.consent_views).

Dates are office dates (Europe/London): a consent given "on 3 June" is recorded at the
start of that day, unless it is today (then now); an authority "until 30 June" ends at
the start of 1 July (customers.representatives: the end is exclusive)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.utils import timezone

from caredesk.core.forms import TextLimits, date_field, radio_choice
from caredesk.customers import consent, representatives
from caredesk.customers.models import (
    AuthorityGiven,
    ConsentEnd,
    ConsentHow,
    ConsentPurpose,
    Matter,
    RepresentativeKind,
)

EVERYTHING = "everything"
NAMED = "named"


def day_start(day: date) -> datetime:
    """The start of `day`, office time."""
    return datetime.combine(day, time(), tzinfo=timezone.get_default_timezone())


def moment_on(day: date, now: datetime) -> datetime:
    """When something told as happening on `day` happened: now if `day` is today, else
    the start of the day."""
    return now if day == timezone.localtime(now).date() else day_start(day)


class ConsentForm(TextLimits, forms.Form):
    purpose = radio_choice(
        "What did the customer agree to?",
        choose="what the customer agreed to",
        choices=ConsentPurpose.choices,
    )
    details = forms.CharField(
        label="Which partner agencies, or what else (if that is what they agreed to)",
        max_length=consent.DETAILS_MAX,
        required=False,
    )
    given_how = radio_choice(
        "How did they agree?",
        choose="how the customer agreed",
        help_text="Written consent is best: Stonewall Housing's policy asks for it where we can.",
        choices=ConsentHow.choices,
    )
    given_on = date_field("When did they agree?", what="the date they agreed", example="2026-06-03")
    evidence = forms.CharField(
        label="Evidence (optional)",
        help_text="For example: signed form scanned to the case.",
        max_length=consent.EVIDENCE_MAX,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        purpose = data.get("purpose")
        if (
            purpose in (ConsentPurpose.OTHER, ConsentPurpose.PARTNER_SHARING)
            and not (data.get("details") or "").strip()
        ):
            self.add_error(
                "details",
                "Say what the customer agreed to"
                if purpose == ConsentPurpose.OTHER
                else "Name the partner agencies the customer agreed we can share with",
            )
        return data


class ConsentWithdrawForm(TextLimits, forms.Form):
    withdrawn_how = radio_choice(
        "How did they withdraw it?",
        choose="how the customer withdrew their consent",
        choices=[(c.value, c.label) for c in ConsentEnd if c != ConsentEnd.SUPERSEDED],
    )
    withdrawn_on = date_field(
        "When did they withdraw it?", what="the date they withdrew it", example="2026-06-03"
    )
    evidence = forms.CharField(
        label="Evidence (optional)",
        help_text="For example: email of 3 June filed to the case.",
        max_length=consent.EVIDENCE_MAX,
        required=False,
    )


class RepresentativeForm(TextLimits, forms.Form):
    name = forms.CharField(
        label="Their name",
        max_length=representatives.NAME_MAX,
        error_messages={"required": "Enter the representative's name"},
    )
    kind = radio_choice(
        "Who are they?",
        choose="who the representative is",
        choices=RepresentativeKind.choices,
    )
    relationship = forms.CharField(
        label="Relationship or organisation (optional)",
        help_text="For example: daughter; Halton Citizens Advice.",
        max_length=representatives.RELATIONSHIP_MAX,
        required=False,
    )
    scope = forms.ChoiceField(
        label="What may they deal with for the customer?",
        choices=[(EVERYTHING, "Everything"), (NAMED, "Only the matters chosen below")],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether the authority covers everything or only some matters",
            "invalid_choice": "Choose everything, or only the matters chosen",
        },
    )
    matters = forms.MultipleChoiceField(
        label="The matters it covers",
        choices=[(m.value, m.label) for m in Matter if m != Matter.OTHER],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Choose the matters from the list"},
    )
    given_how = radio_choice(
        "How was the authority given?",
        choose="how the authority was given",
        choices=AuthorityGiven.choices,
    )
    starts_on = date_field("In force from", what="the date it starts", example="2026-06-01")
    ends_on = date_field(
        "Until (optional)",
        what="the last day it is in force",
        example="2026-12-31",
        required=False,
        help_text="The last day it is in force: it ends at the end of that day. "
        "Leave blank if it lasts until the customer revokes it.",
    )
    evidence = forms.CharField(
        label="Evidence (optional)",
        help_text="For example: signed authority form scanned to the case.",
        max_length=representatives.EVIDENCE_MAX,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("scope") == NAMED and not data.get("matters"):
            self.add_error("matters", "Choose at least one matter the authority covers")
        if data.get("scope") == EVERYTHING and data.get("matters"):
            self.add_error("matters", "Untick the matters: the authority covers everything")
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "The last day must be the same as or after the first")
        return data

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        ends = data.get("ends_on")
        return {
            "name": data["name"],
            "kind": data["kind"],
            "relationship": data["relationship"],
            "covers_everything": data["scope"] == EVERYTHING,
            "matters": data["matters"],
            "given_how": data["given_how"],
            "starts_at": day_start(data["starts_on"]),
            "ends_at": day_start(ends + timedelta(days=1)) if ends else None,
            "evidence": data["evidence"],
        }


class RevokeForm(TextLimits, forms.Form):
    evidence = forms.CharField(
        label="Evidence (optional)",
        help_text="For example: the customer phoned to say so.",
        max_length=representatives.EVIDENCE_MAX,
        required=False,
    )
