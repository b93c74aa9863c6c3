"""Desk forms. They parse and check input; the services do the work."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django import forms

from caredesk.cases.models import CaseKind, CaseStatus, Channel, Deadline, PauseReason
from caredesk.core.office_time import OfficeTimeField, parse_received
from caredesk.errors import CaredeskError, DurationError
from caredesk.staff.models import Absence, StaffMember
from caredesk.staff.permissions import Can
from caredesk.staff.selectors import staff_with_capability_list
from caredesk.standards import Duration, Policy, parse_duration
from caredesk.standards.policy import Rule


@dataclass(frozen=True)
class ChannelForm:
    """How the log form reads for one channel: its words and which fields it asks for."""

    channel: Channel
    heading: str
    received_label: str
    asks_resolved: bool = False  # phone and visits: sorted out there and then?
    asks_message_for: bool = False  # messages: who is it for, and is it urgent?


CHANNEL_FORMS = {
    form.channel: form
    for form in (
        ChannelForm(Channel.PHONE, "Phone call", "When the call came in", asks_resolved=True),
        ChannelForm(
            Channel.MESSAGE, "Message taken", "When the message was taken", asks_message_for=True
        ),
        ChannelForm(
            Channel.VOICEMAIL, "Voicemail", "When the voicemail was left", asks_message_for=True
        ),
        ChannelForm(Channel.LETTER, "Letter received", "Date stamped on receipt"),
        ChannelForm(Channel.EMAIL, "Email", "When the email arrived"),
        ChannelForm(Channel.WEB, "Web form", "When the form was sent"),
        ChannelForm(Channel.VISIT, "Office visit", "When they arrived", asks_resolved=True),
        ChannelForm(Channel.HOME_VISIT, "Home visit", "When the visit took place"),
    )
}


def staff_choices(away: Mapping[int, Absence] | None = None) -> list[tuple[str, str]]:
    """Everyone who can take work; those away say so, and who has their work meanwhile,
    so a caller can be told (Stonewall 2.8)."""
    away = away or {}
    people = staff_with_capability_list(capability=Can.WORK_CASES).order_by(
        "first_name", "last_name"
    )
    choices = [("", "Choose a person")]
    for person in people.only("pk", "first_name", "last_name", "username", "post_title"):
        label = person.get_full_name() or person.username
        if person.post_title:
            label += f", {person.post_title}"
        if (absence := away.get(person.pk)) is not None:
            label += f" (away until {absence.last_day:%-d %B}"
            label += f": goes to {absence.cover})" if absence.cover else ")"
        choices.append((str(person.pk), label))
    return choices


class LogContactForm(forms.Form):
    """One form for every channel; `ChannelForm` decides which questions it asks."""

    kind = forms.ChoiceField(label="What is it about?", choices=CaseKind.choices)
    subject = forms.CharField(label="Subject", max_length=200)
    description = forms.CharField(
        label="What they said or asked", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    received_at = OfficeTimeField(help_text="UK time.")
    resolved_at_first_contact = forms.BooleanField(required=False)
    message_for = forms.ChoiceField(label="Who is the message for?", required=False)
    urgent = forms.BooleanField(
        label="Urgent: pass it to their line manager now",
        required=False,
        help_text="Use this when the matter cannot wait for the officer to call back.",
    )
    assign_to = forms.ChoiceField(
        label="Who will deal with it?",
        required=False,
        help_text="Leave empty to deal with it yourself.",
    )

    def __init__(
        self,
        *args: Any,
        channel_form: ChannelForm,
        policy: Policy,
        away: Mapping[int, Absence] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.channel_form = channel_form
        self.policy = policy
        self.fields["received_at"].label = channel_form.received_label
        people = staff_choices(away)
        self.fields["assign_to"].choices = people  # type: ignore[attr-defined]
        self.fields["message_for"].choices = people  # type: ignore[attr-defined]
        if channel_form.asks_resolved:
            self.fields["resolved_at_first_contact"].label = (
                "Sorted out during the call"
                if channel_form.channel == Channel.PHONE
                else "Sorted out during the visit"
            )
        else:
            del self.fields["resolved_at_first_contact"]
        if channel_form.asks_message_for:
            del self.fields["assign_to"]
            self.fields["message_for"].required = True
            self.fields["kind"].initial = CaseKind.MESSAGE
            if not policy.has_rule(Rule.URGENT_MESSAGES_TO_LINE_MANAGER):
                # The policy makes no promise to pass urgent messages on: just mark it.
                self.fields["urgent"].label = "Urgent"
                self.fields["urgent"].help_text = "It shows as urgent wherever the case is listed."
        else:
            del self.fields["message_for"]
            del self.fields["urgent"]

    def clean_received_at(self) -> datetime:
        moment: datetime = self.cleaned_data["received_at"]
        try:
            return parse_received(moment.isoformat(), self.policy)
        except CaredeskError as error:
            raise forms.ValidationError(error.message) from None

    def chosen_staff(self, field: str) -> StaffMember | None:
        value = self.cleaned_data.get(field)
        return StaffMember.objects.get(pk=value) if value else None


class ContactOnCaseForm(forms.Form):
    channel = forms.ChoiceField(label="How", choices=Channel.choices)
    direction = forms.ChoiceField(
        label="Direction",
        choices=[("inbound", "From the customer"), ("outbound", "To the customer")],
        widget=forms.RadioSelect,
    )
    summary = forms.CharField(label="Summary", widget=forms.Textarea(attrs={"rows": 3}))


class NoteForm(forms.Form):
    text = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 3}))


class AssignForm(forms.Form):
    officer = forms.ChoiceField(label="Give the case to")

    def __init__(
        self, *args: Any, away: Mapping[int, Absence] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officer"].choices = staff_choices(away)  # type: ignore[attr-defined]


class RespondForm(forms.Form):
    channel = forms.ChoiceField(label="Sent by", choices=Channel.choices, initial=Channel.LETTER)
    summary = forms.CharField(
        label="What the response said", widget=forms.Textarea(attrs={"rows": 4})
    )


class HoldingReplyForm(forms.Form):
    """Halton: a holding reply gives the reason for the delay and a revised date."""

    deadline = forms.ChoiceField(label="Which deadline")
    reason = forms.CharField(
        label="The reason for the delay",
        help_text="The customer gets this, word for word, with the new date: by email, "
        "or by letter if there is no address or they prefer letters.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    revised_by = forms.CharField(
        label="New response date",
        help_text="A date and time (2025-07-01T17:00) or a length of time (5 working days).",
    )

    def __init__(
        self, *args: Any, deadlines: list[Deadline], policy: Policy, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.policy = policy
        self.fields["deadline"].choices = [  # type: ignore[attr-defined]
            (str(d.pk), policy.standard(d.standard_key).name) for d in deadlines
        ]

    def clean_revised_by(self) -> datetime | Duration:
        text: str = self.cleaned_data["revised_by"].strip()
        if text[:1].isdigit() and ("-" in text[:5] or "T" in text):
            try:
                return parse_received(text, self.policy)
            except CaredeskError as error:
                raise forms.ValidationError(error.message) from None
        try:
            return parse_duration(text)
        except DurationError as error:
            raise forms.ValidationError(error.message) from None


class WaitForm(forms.Form):
    reason = forms.ChoiceField(label="Why", choices=PauseReason.choices)


class ComplaintStepForm(forms.Form):
    step = forms.ChoiceField(
        choices=[
            ("acknowledge_1", "Acknowledge at stage 1"),
            ("escalate", "The customer asks for stage 2"),
            ("acknowledge_2", "Acknowledge at stage 2"),
        ]
    )


class FinishForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(CaseStatus.RESOLVED, "Resolved"), (CaseStatus.CLOSED, "Closed")]
    )


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search",
        help_text="A case reference, a name, a postcode, a phone number or an email address.",
        max_length=200,
    )
