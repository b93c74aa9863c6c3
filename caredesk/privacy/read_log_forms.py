"""The read log page's forms: the filters (a GET form), and the note on an alert of
unusual reading looked into."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from caredesk.core.forms import TextLimits, date_field
from caredesk.privacy.reading_alerts import NOTE_MAX
from caredesk.staff.models import StaffMember
from caredesk.standards.calendar import FIRST_YEAR, LAST_YEAR

CUSTOMER_MAX = 100


def _shown(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


class ReadLogForm(TextLimits, forms.Form):
    """Which reads to show: every field may be left empty (everyone, all time)."""

    customer = forms.CharField(
        label="Customer",
        help_text="Their name, phone number, postcode, customer number, housing reference "
        "or a case reference.",
        max_length=CUSTOMER_MAX,
        required=False,
    )
    staff = forms.ModelChoiceField(
        label="Member of staff",
        queryset=StaffMember.objects.order_by("first_name", "last_name", "pk"),
        required=False,
        empty_label="Anyone",
        error_messages={"invalid_choice": "Choose a member of staff from the list"},
    )
    from_day = date_field(
        "From", what="the first day", example="2025-06-02", required=False, help_text=""
    )
    to_day = date_field(
        "To",
        what="the last day",
        example="2025-06-13",
        required=False,
        help_text="Reads on this day are included.",
    )

    def _day(self, name: str, what: str) -> date | None:
        day: date | None = self.cleaned_data.get(name)
        if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise forms.ValidationError(
                f"Enter {what} between {FIRST_YEAR} and {LAST_YEAR}", code="out_of_range"
            )
        return day

    def clean_from_day(self) -> date | None:
        return self._day("from_day", "the first day")

    def clean_to_day(self) -> date | None:
        return self._day("to_day", "the last day")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("from_day"), data.get("to_day")
        if first is not None and last is not None and last < first:
            self.add_error(
                "to_day",
                f"The last day must be the same as or after the first day ({_shown(first)})",
            )
        return data


class ReadingAlertForm(TextLimits, forms.Form):
    """What the data protection officer found when they looked into an alert."""

    note = forms.CharField(
        label="What did you find?",
        help_text="For example: they were covering the Repairs team's phones that day. "
        "Do not name customers here.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=NOTE_MAX,
        error_messages={"required": "Enter what you found"},
    )
