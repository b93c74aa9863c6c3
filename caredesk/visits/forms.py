"""The reception page's forms: a visitor arrives; a visitor is seen; a visitor goes."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django import forms

from caredesk.cases.models import Case
from caredesk.core.forms import TextLimits, date_field, text_limits_explain
from caredesk.customers.picking import customer_chosen_field
from caredesk.staff.models import Office, StaffMember
from caredesk.staff.selectors import caseworkers_list
from caredesk.visits.models import AppointmentKind, AppointmentStatus, HomeVisitWhy, VisitStatus

TIME_FORMATS = ["%H:%M", "%H.%M", "%H%M", "%I:%M%p", "%I.%M%p", "%I%p", "%I:%M %p", "%I %p"]


class VisitorArrivesForm(TextLimits, forms.Form):
    """A visitor at the desk: who they are, what about, and what they ask for."""

    visitor_name = forms.CharField(
        label="Visitor's name",
        max_length=200,
        required=False,
        help_text="As they give it. Leave it empty if you chose the customer above.",
    )
    reason = forms.CharField(label="What have they come about?", max_length=200, required=False)
    reference = forms.CharField(
        label="Case reference, if it is about a case already",
        max_length=20,
        required=False,
        help_text="Leave empty to open a new case.",
    )
    appointment_time = forms.TimeField(
        label="Appointment time today, if they have one",
        required=False,
        input_formats=TIME_FORMATS,
        help_text="For example, 10:30 or 2pm.",
        error_messages={"invalid": "Enter the appointment time like 10:30 or 2pm"},
    )
    appointment_with = forms.ModelChoiceField(
        label="Appointment with",
        queryset=caseworkers_list(),
        required=False,
        empty_label="Anyone: no one in particular",
    )
    private_room = forms.BooleanField(label="They ask for a private room", required=False)
    forms_help = forms.BooleanField(label="They ask for help filling in a form", required=False)
    interpreter_language = forms.CharField(
        label="Interpreter needed: which language?",
        max_length=60,
        required=False,
        help_text="Leave empty if they do not need one.",
    )
    customer = customer_chosen_field()

    def clean_reference(self) -> Case | None:
        reference = self.cleaned_data["reference"].strip().upper()
        if not reference:
            return None
        case = Case.objects.filter(reference=reference).first()
        if case is None:
            raise forms.ValidationError(f"There is no case {reference}: check the reference")
        return case

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("visitor_name", "").strip() and data.get("customer") is None:
            self.add_error("visitor_name", "Enter the visitor's name")
        if data.get("appointment_with") and data.get("appointment_time") is None:
            self.add_error("appointment_time", "Enter the appointment time")
        return data

    def appointment_at(self, today: datetime) -> datetime | None:
        """The appointment, today, in the organisation's time zone (`today` is local)."""
        at: time | None = self.cleaned_data.get("appointment_time")
        if at is None:
            return None
        return datetime.combine(today.date(), at, tzinfo=today.tzinfo)


class VisitorSeenForm(TextLimits, forms.Form):
    """The visitor is seen: what they were given of what they asked for."""

    private_room_given = forms.BooleanField(label="They had a private room", required=False)
    forms_help_given = forms.BooleanField(label="We helped with the form", required=False)
    interpreter_given = forms.BooleanField(label="An interpreter was there", required=False)
    exception = forms.CharField(
        label="Why see them without an appointment?",
        max_length=300,
        required=False,
        help_text="This office is open by appointment only.",
    )


class VisitorGoneForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (VisitStatus.ASKED_TO_BOOK.value, VisitStatus.ASKED_TO_BOOK.label),
            (VisitStatus.LEFT.value, VisitStatus.LEFT.label),
        ],
        error_messages={"required": "Say whether they were asked to book or left"},
    )


class BookingForm(TextLimits, forms.Form):
    """What the appointment needs, asked before the free times are shown (a GET form)."""

    kind = forms.ChoiceField(
        label="Where",
        choices=AppointmentKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the office or a home visit"},
    )
    office = forms.ModelChoiceField(
        label="Which office",
        queryset=Office.objects.order_by("name"),
        required=False,
        empty_label="Choose an office",
    )
    minutes = forms.TypedChoiceField(
        label="How long",
        choices=[(30, "30 minutes"), (60, "1 hour"), (90, "1 hour 30 minutes")],
        coerce=int,
        initial=30,
        error_messages={"required": "Choose how long the appointment is"},
    )
    officer = forms.ModelChoiceField(
        label="With a particular officer, if the customer asks",
        queryset=caseworkers_list(),
        required=False,
        empty_label="Anyone suitable",
    )
    same_sex_as = forms.ChoiceField(
        label="The customer asks for an interviewer of the same sex",
        choices=[("", "No"), ("woman", "Yes: a woman"), ("man", "Yes: a man")],
        required=False,
    )
    home_visit_why = forms.ChoiceField(
        label="Why a home visit",
        choices=[("", "Choose a reason"), *HomeVisitWhy.choices],
        required=False,
    )
    interpreter_language = forms.CharField(
        label="Interpreter needed: which language?",
        max_length=60,
        required=False,
        help_text="Leave empty if they do not need one.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == AppointmentKind.OFFICE and data.get("office") is None:
            self.add_error("office", "Choose the office")
        if data.get("kind") == AppointmentKind.HOME_VISIT and not data.get("home_visit_why"):
            self.add_error("home_visit_why", "Say why the customer needs a home visit")
        return data


class CancelForm(TextLimits, forms.Form):
    reason = forms.CharField(
        label="Why is it cancelled?",
        max_length=300,
        help_text="The customer is told this, with an apology.",
        error_messages={"required": "Enter why the appointment is cancelled"},
    )
    told_now = forms.BooleanField(
        label="I have phoned the customer, told them and apologised", required=False
    )


class OutcomeForm(TextLimits, forms.Form):
    status = forms.ChoiceField(
        label="What happened",
        widget=forms.RadioSelect,
        choices=[
            (AppointmentStatus.KEPT.value, AppointmentStatus.KEPT.label),
            (AppointmentStatus.MISSED.value, AppointmentStatus.MISSED.label),
            (
                AppointmentStatus.NO_ACCESS.value,
                "Home visit: nobody was in (a calling card is left)",
            ),
        ],
        error_messages={"required": "Choose what happened"},
    )
    summary = forms.CharField(
        label="What was discussed (if it was kept)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, home_visit: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.home_visit = home_visit
        if home_visit:  # asked of every home visit, kept or nobody in
            self.fields["id_shown"] = forms.TypedChoiceField(
                label="Did you show your identity card?",
                choices=[("yes", "Yes"), ("no", "No")],
                widget=forms.RadioSelect,
                coerce=lambda value: value == "yes",
                empty_value=None,
                required=False,
                help_text="If it was kept, or if nobody was in.",
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        shown_asked = data.get("status") in (AppointmentStatus.KEPT, AppointmentStatus.NO_ACCESS)
        if self.home_visit and shown_asked and data.get("id_shown") is None:
            self.add_error("id_shown", "Say whether you showed your identity card")
        if not shown_asked:
            data["id_shown"] = None
        return data


class MoveForm(TextLimits, forms.Form):
    reason = forms.CharField(
        label="Why is it moving?",
        max_length=300,
        error_messages={"required": "Enter why the appointment is moving"},
    )
    ours = forms.BooleanField(
        label="We are moving it (not the customer): they are owed an apology",
        required=False,
    )
    told_now = forms.BooleanField(
        label="I have phoned the customer, told them and apologised", required=False
    )


ACTIONS_SHOWN = 3  # action rows the write-up form starts with; leave the rest empty
ACTIONS_MOST = 20  # "Add another action" adds rows up to this


class InterviewForm(TextLimits, forms.Form):
    """Writing up an interview (Halton, "Interviews and Meetings")."""

    held_at = forms.DateTimeField(
        label="When was it held?",
        help_text="For example 22/6/2026 14:00.",
        input_formats=["%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={
            "required": "Enter when the interview was held",
            "invalid": "Enter when it was held like 22/6/2026 14:00",
        },
    )
    at_home = forms.TypedChoiceField(
        label="Where was it?",
        choices=[("0", "At an office"), ("1", "At the customer's home")],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose an office or the customer's home"},
    )
    office = forms.ModelChoiceField(
        label="Which office",
        queryset=Office.objects.order_by("name"),
        required=False,
        empty_label="Choose an office",
    )
    room = forms.CharField(label="Room", max_length=120, required=False)
    private_room = forms.BooleanField(
        label="Nobody could overhear (a private room)", required=False
    )
    officers = forms.ModelMultipleChoiceField(
        label="Who was there from us",
        queryset=caseworkers_list(),
        error_messages={"required": "Choose who was there from us"},
    )
    customer_attended = forms.BooleanField(label="The customer was there", required=False)
    others_present = forms.CharField(
        label="Anyone else there",
        max_length=300,
        required=False,
        help_text="An advocate, a family member, a support worker.",
    )
    interpreter_language = forms.CharField(
        label="Interpreter: which language?", max_length=60, required=False
    )
    issues = forms.CharField(
        label="Issues raised",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the issues raised"},
    )
    recommendations = forms.CharField(
        label="Recommendations made",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    timescales = forms.CharField(
        label="Timescales agreed with the customer",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, actions_shown: int = ACTIONS_SHOWN, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actions_shown = max(ACTIONS_SHOWN, min(actions_shown, ACTIONS_MOST))
        for number in range(1, self.actions_shown + 1):
            self.fields[f"action_{number}"] = forms.CharField(
                label=f"Action {number} agreed", max_length=300, required=False
            )
            self.fields[f"action_{number}_owner"] = forms.ModelChoiceField(
                label=f"Who does action {number}",
                queryset=caseworkers_list(),
                required=False,
                empty_label="Choose a person",
            )
            self.fields[f"action_{number}_due"] = date_field(
                f"Action {number} done by",
                what=f"the date action {number} is to be done by",
                example="2026-07-03",
                required=False,
            )
        text_limits_explain(self.fields)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("at_home") is False and data.get("office") is None:
            self.add_error("office", "Choose the office")
        for number in range(1, self.actions_shown + 1):
            what, owner, due = (
                data.get(f"action_{number}"),
                data.get(f"action_{number}_owner"),
                data.get(f"action_{number}_due"),
            )
            if what and owner is None:
                self.add_error(f"action_{number}_owner", f"Choose who does action {number}")
            if what and due is None:
                self.add_error(
                    f"action_{number}_due", f"Enter the date action {number} is to be done by"
                )
            if not what and (owner or due):
                self.add_error(f"action_{number}", f"Say what action {number} is")
        return data

    def actions(self) -> list[tuple[str, StaffMember, Any]]:
        data = self.cleaned_data
        return [
            (data[f"action_{n}"], data[f"action_{n}_owner"], data[f"action_{n}_due"])
            for n in range(1, self.actions_shown + 1)
            if data.get(f"action_{n}")
        ]
