"""The hazard pages' forms (complaints.hazard_views)."""

from __future__ import annotations

from typing import Any

from django import forms

from caredesk.cases.models import Case, Contact, Direction
from caredesk.complaints.models import AccessOutcome, HazardSeverity
from caredesk.core.file_checks import ACCEPT
from caredesk.core.forms import TextLimits
from caredesk.core.office_time import OfficeTimeField
from caredesk.core.uploads import LimitedFileField
from caredesk.standards import Policy


class HazardReportForm(TextLimits, forms.Form):
    hazard_type = forms.ChoiceField(
        label="What kind of hazard is it?",
        error_messages={"required": "Choose the kind of hazard"},
    )
    severity = forms.ChoiceField(
        label="How serious is it?",
        help_text="An emergency must be made safe within 24 hours.",
        choices=HazardSeverity.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether it is an emergency or a significant hazard"},
    )
    description = forms.CharField(
        label="What is the hazard?",
        help_text="What the customer told us, and who in the household it affects "
        "(a baby, someone with asthma, an older person).",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": "Write what the hazard is"},
    )
    where = forms.CharField(label="Where in the home? (optional)", max_length=200, required=False)
    contact = forms.ChoiceField(
        label="Which contact told us?",
        help_text="The clock starts when we were told.",
        error_messages={"required": "Choose the contact that told us"},
    )

    def __init__(self, *args: Any, policy: Policy, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        zone = policy.working_calendar.zone
        field = self.fields["hazard_type"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Choose a kind")] + [(t.key, t.name) for t in policy.hazards.types]
        contacts = case.contacts.filter(direction=Direction.INBOUND).order_by("-at", "-pk")[:20]
        self.contacts = {str(contact.pk): contact for contact in contacts}
        choice = self.fields["contact"]
        assert isinstance(choice, forms.ChoiceField)
        choice.choices = [
            (pk, f"{c.get_channel_display()}, {c.at.astimezone(zone):%d %B %Y, %H:%M}")
            for pk, c in self.contacts.items()
        ]
        if self.contacts:
            choice.initial = next(iter(self.contacts))

    def chosen_contact(self) -> Contact | None:
        return self.contacts.get(self.cleaned_data.get("contact", ""))


class InvestigationForm(TextLimits, forms.Form):
    findings = forms.CharField(
        label="What did the investigation find?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": "Write what the investigation found"},
    )
    significant = forms.TypedChoiceField(
        label="Is there a significant risk of harm?",
        choices=[("1", "Yes: the summary and the work are now timed"), ("0", "No")],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether there is a significant risk of harm"},
    )
    ended_at = OfficeTimeField(
        label="When did the investigation end?",
        help_text="UK time.",
        error_messages={"required": "Enter when the investigation ended"},
    )


class StepDoneForm(TextLimits, forms.Form):
    done_at = OfficeTimeField(
        label="When?", help_text="UK time.", error_messages={"required": "Enter when"}
    )
    note = forms.CharField(label="Note (optional)", max_length=2000, required=False)


class AccessForm(TextLimits, forms.Form):
    at = OfficeTimeField(
        label="When did we try?", help_text="UK time.", error_messages={"required": "Enter when"}
    )
    outcome = forms.ChoiceField(
        label="What happened?",
        choices=AccessOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say what happened"},
    )
    note = forms.CharField(label="Note (optional)", max_length=2000, required=False)


class DecantForm(TextLimits, forms.Form):
    details = forms.CharField(
        label="What was offered, and what did the household say?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": "Write what was offered and what they said"},
    )


class EvidenceForm(forms.Form):
    file = LimitedFileField(
        label="Photograph or document",
        limit="CAREDESK_SCAN_MAX_BYTES",
        hint="A JPEG, PNG or PDF.",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        error_messages={"required": "Choose the photograph or document"},
    )


class CloseForm(TextLimits, forms.Form):
    reason = forms.CharField(
        label="Why is it closed?",
        help_text="The steps not done yet end.",
        max_length=2000,
        error_messages={"required": "Write why it is closed"},
    )
