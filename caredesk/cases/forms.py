"""Desk forms. They parse and check input; the services do the work."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django import forms

from caredesk.cases.complaint_offers import Unhappy
from caredesk.cases.holding_dates import revised_date_checked, revision_bounds
from caredesk.cases.models import (
    CaseKind,
    CaseStatus,
    Channel,
    ComplaintOutcome,
    Deadline,
    PauseReason,
)
from caredesk.core.forms import TEXT_LIMIT, TextLimits
from caredesk.core.office_time import OfficeTimeField, parse_received
from caredesk.errors import CaredeskError, DurationError
from caredesk.staff.models import Absence, StaffMember
from caredesk.staff.permissions import Can
from caredesk.staff.selectors import (
    caseworkers_list,
    staff_choices_with_absences_list,
)
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
    people = caseworkers_list()
    choices = [("", "Choose a person")]
    for person in people.only("pk", "first_name", "last_name", "username", "post_title"):
        choices.append((str(person.pk), _person_label(person, away.get(person.pk))))
    return choices


def _person_label(person: StaffMember, absence: Absence | None) -> str:
    label = person.get_full_name() or person.username
    if person.post_title:
        label += f", {person.post_title}"
    if absence is not None:
        label += f" (away until {absence.last_day:%-d %B}"
        label += f": goes to {absence.cover})" if absence.cover else ")"
    return label


class LogContactForm(TextLimits, forms.Form):
    """One form for every channel; `ChannelForm` decides which questions it asks."""

    kind = forms.ChoiceField(
        label="What is it about?",
        choices=CaseKind.choices,
        error_messages={"required": "Choose what it is about"},
    )
    subject = forms.CharField(
        label="Subject",
        max_length=200,
        error_messages={"required": "Enter the subject: what it is about, in a few words"},
    )
    description = forms.CharField(
        label="What they said or asked",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=TEXT_LIMIT,
    )
    received_at = OfficeTimeField(
        help_text="UK time.",
        error_messages={"required": "Enter the date and time it came in"},
    )
    resolved_at_first_contact = forms.BooleanField(required=False)
    unhappy = forms.ChoiceField(
        label="Is the customer unhappy with our service? (optional)",
        help_text="If they are, offer to take it as a complaint, and say what they chose. "
        "A complaint is opened about this, and this stays open.",
        choices=[("", "No"), *Unhappy.choices],
        widget=forms.RadioSelect,
        required=False,
    )
    message_for = forms.ChoiceField(
        label="Who is the message for?",
        required=False,
        error_messages={"required": "Choose who the message is for"},
    )
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


class ContactOnCaseForm(TextLimits, forms.Form):
    channel = forms.ChoiceField(
        label="How",
        choices=Channel.choices,
        error_messages={"required": "Choose how the contact was made"},
    )
    direction = forms.ChoiceField(
        label="Direction",
        choices=[("inbound", "From the customer"), ("outbound", "To the customer")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether it was from or to the customer"},
    )
    summary = forms.CharField(
        label="Summary",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_LIMIT,
        error_messages={"required": "Enter a summary of the contact"},
    )
    unhappy = forms.ChoiceField(
        label="Is the customer unhappy with our service? (optional)",
        help_text="If they are, offer to take it as a complaint, and say what they chose. "
        "A complaint is opened about this, and this stays open.",
        choices=[("", "No"), *Unhappy.choices],
        widget=forms.RadioSelect,
        required=False,
    )


class NoteForm(TextLimits, forms.Form):
    text = forms.CharField(
        label="Note",
        help_text="Only staff see notes. To tell a colleague, write @ and their username "
        "or first.last name, for example @olu.adeyemi.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_LIMIT,
        error_messages={"required": "Enter the note"},
    )


class AssignForm(TextLimits, forms.Form):
    officer = forms.ChoiceField(
        label="Give the case to", error_messages={"required": "Choose who to give the case to"}
    )

    def __init__(
        self,
        *args: Any,
        away: Mapping[int, Absence] | None = None,
        choices: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        """`choices`: the people, already read (the case page: assign_choices)."""
        super().__init__(*args, **kwargs)
        self.fields["officer"].choices = choices or staff_choices(away)  # type: ignore[attr-defined]


def assign_choices(*, on: date, policy: Policy) -> list[tuple[str, str]]:
    """staff_choices for the day `on`, the people and their absences read in one query."""
    choices = [("", "Choose a person")]
    for person, absence in staff_choices_with_absences_list(
        capability=Can.WORK_CASES, on=on, policy=policy
    ):
        choices.append((str(person.pk), _person_label(person, absence)))
    return choices


class RespondForm(TextLimits, forms.Form):
    channel = forms.ChoiceField(
        label="Sent by",
        choices=Channel.choices,
        initial=Channel.LETTER,
        error_messages={"required": "Choose how the response was sent"},
    )
    summary = forms.CharField(
        label="What the response said",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXT_LIMIT,
        error_messages={"required": "Enter what the response said"},
    )


# The reason goes to the customer word for word, in a short letter or email.
HOLDING_REASON_LIMIT = 2_000


class HoldingReplyForm(TextLimits, forms.Form):
    """Halton: a holding reply gives the reason for the delay and a revised date."""

    deadline = forms.ChoiceField(
        label="Which deadline",
        error_messages={"required": "Choose which deadline the holding reply is for"},
    )
    reason = forms.CharField(
        label="The reason for the delay",
        help_text="The customer gets this, word for word, with the new date: by email, "
        "or by letter if there is no address or they prefer letters.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=HOLDING_REASON_LIMIT,
        error_messages={"required": "Enter the reason for the delay"},
    )
    revised_by = forms.CharField(
        label="New response date",
        help_text="A date and time (2025-07-01T17:00) or a length of time (5 working days).",
        max_length=40,
        error_messages={"required": "Enter the new response date, or how long from now"},
    )

    def __init__(
        self,
        *args: Any,
        deadlines: list[Deadline],
        policy: Policy,
        now: datetime | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.policy = policy
        self.now = now  # given: the new date is checked against the policy's limits here
        self.deadlines = {str(d.pk): d for d in deadlines}
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

    def clean(self) -> dict[str, Any]:
        """The new date within the policy's bounds, said at the field (the service checks
        the same, so no other way in can send a date beyond them)."""
        data = super().clean() or {}
        deadline = self.deadlines.get(data.get("deadline", ""))
        revised = data.get("revised_by")
        if self.now is None or deadline is None or revised is None:
            return data
        bounds = revision_bounds(
            policy=self.policy,
            standard=self.policy.deadline_standard(deadline.standard_key),
            now=self.now,
            due=deadline.due_at,
            standard_due_at=deadline.standard_due_at,
        )
        try:
            data["revised_at"] = revised_date_checked(
                bounds=bounds, revised=revised, calendar=self.policy.working_calendar
            )
        except CaredeskError as error:
            self.add_error("revised_by", error.message)
        return data


class WaitForm(TextLimits, forms.Form):
    reason = forms.ChoiceField(
        label="Why",
        choices=PauseReason.choices,
        error_messages={"required": "Choose why the case is waiting"},
    )


class ComplaintStepForm(TextLimits, forms.Form):
    # Acknowledging is writing to the customer: the acknowledgement page (mail) sends it
    # and records the stage, so it is not a step of its own here.
    step = forms.ChoiceField(
        choices=[("escalate", "The customer asks for stage 2")],
        error_messages={
            "required": "Choose the complaint's next step",
            "invalid_choice": "Acknowledge a complaint by writing to the customer: "
            "choose “Acknowledge” on the case.",
        },
    )


class CallingCardForm(TextLimits, forms.Form):
    """A visit where nobody was in: when the officer called (the calling card says so)."""

    visited_at = forms.DateTimeField(
        label="When did you call?",
        help_text="The date and time, for example 2/6/2025 10:30.",
        input_formats=["%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={
            "required": "Enter when you called",
            "invalid": "Enter when you called as a date and time, for example 2/6/2025 10:30",
        },
    )


class FinishForm(TextLimits, forms.Form):
    """Resolve or close: what was done or decided, and for a complaint the decision.
    Sent twice: first to be asked to confirm (the deadlines that will end), then with
    `confirmed`."""

    status = forms.ChoiceField(
        choices=[(CaseStatus.RESOLVED, "Resolved"), (CaseStatus.CLOSED, "Closed")],
        error_messages={"required": "Choose whether the case is resolved or closed"},
    )
    outcome = forms.CharField(
        label="Outcome",
        help_text="What was done or decided, in a sentence or two.",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the outcome: what was done or decided"},
    )
    complaint_outcome = forms.ChoiceField(
        label="The decision on the complaint",
        choices=ComplaintOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the decision on the complaint"},
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, complaint: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not complaint:
            del self.fields["complaint_outcome"]


class ReopenForm(TextLimits, forms.Form):
    reason = forms.CharField(
        label="Why is the case being reopened?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the case is being reopened"},
    )


class MergeForm(TextLimits, forms.Form):
    """The duplicate to merge into this case, by reference; sent again with `confirmed`."""

    other = forms.CharField(
        label="Reference of the duplicate case",
        help_text="It is closed and everything on it moves to this case. "
        "For example, HHT-2025-000123.",
        max_length=20,
        error_messages={"required": "Enter the reference of the case to merge into this one"},
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean_other(self) -> str:
        return str(self.cleaned_data["other"]).strip().upper()
