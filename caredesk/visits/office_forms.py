"""The office pages' forms: what visitors are told, the weekly hours, a closure."""

from __future__ import annotations

from datetime import time
from typing import Any

from django import forms

from caredesk.core.forms import TextLimits, date_field
from caredesk.visits.models import OfficeKind, Weekday
from caredesk.visits.offices import SLUG_LIMIT, OfficeHoursError, hours_read

HOURS_LIMIT = 200


class OfficeDetailsForm(TextLimits, forms.Form):
    """What visitors are told about the office, on its public page and poster."""

    kind = forms.ChoiceField(
        label="What kind of office is it?",
        choices=OfficeKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what kind of office it is"},
    )
    slug = forms.CharField(
        label="Its public page's address",
        max_length=SLUG_LIMIT,
        help_text="The end of the page's address, /offices/…/: lower-case letters, numbers "
        "and hyphens, for example halton-lea.",
        error_messages={"required": "Enter the end of its public page's address"},
    )
    emergency_phone = forms.CharField(
        label="Emergency number, for when the office is closed",
        max_length=40,
        required=False,
        help_text="Shown on the public page and the poster.",
    )
    how_to_book = forms.CharField(
        label="How to make an appointment",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="In a sentence or two, for example: Phone 0151 510 5000 or ask at reception.",
    )
    step_free = forms.BooleanField(label="Step-free access", required=False)
    hearing_loop = forms.BooleanField(label="A hearing loop", required=False)
    private_room = forms.BooleanField(label="A private room to talk in", required=False)
    access_notes = forms.CharField(
        label="More about access",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, where the accessible entrance is, or parking for blue badges.",
    )


def _day_field(day: Weekday) -> forms.CharField:
    return forms.CharField(
        label=day.label,
        max_length=HOURS_LIMIT,
        required=False,
        help_text=f"Leave it empty if the office is closed on {day.label}s.",
    )


class OfficeHoursForm(TextLimits, forms.Form):
    """The week's hours, a field a day, as the policy files write them."""

    monday = _day_field(Weekday.MONDAY)
    tuesday = _day_field(Weekday.TUESDAY)
    wednesday = _day_field(Weekday.WEDNESDAY)
    thursday = _day_field(Weekday.THURSDAY)
    friday = _day_field(Weekday.FRIDAY)
    saturday = _day_field(Weekday.SATURDAY)
    sunday = _day_field(Weekday.SUNDAY)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for day in Weekday:
            name = _name(day)
            if name not in data:
                continue  # refused already (too long)
            try:
                data[name] = hours_read(data[name], day=day.label)
            except OfficeHoursError as error:
                self.add_error(name, error.message)
        return data

    def week(self) -> dict[int, tuple[tuple[time, time], ...]]:
        """The hours read, by weekday (0: Monday); days left empty are closed."""
        return {day.value: self.cleaned_data[_name(day)] for day in Weekday}

    @staticmethod
    def initial_from(entered: dict[int, str]) -> dict[str, str]:
        """The form's initial values from `week_as_entered`."""
        return {_name(Weekday(day)): text for day, text in entered.items()}


def _name(day: Weekday) -> str:
    return day.label.lower()


class ClosureForm(TextLimits, forms.Form):
    """Days the office is closed besides bank holidays."""

    first_day = date_field(
        "First day closed", what="the first day the office is closed", example="2025-12-24"
    )
    last_day = date_field(
        "Last day closed", what="the last day the office is closed", example="2026-01-02"
    )
    reason = forms.CharField(
        label="Why is it closed?",
        max_length=200,
        required=False,
        help_text="Shown on the public page and the poster, for example: Staff training.",
    )
