"""The call figures page's form: which dates, grouped how. Anything may arrive in a query
string; the form turns it into a selection or into messages next to the fields."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.http import QueryDict

from caredesk.standards.calendar import FIRST_YEAR, LAST_YEAR
from caredesk.telephony.figures import Period, Split

LONGEST_SPAN_DAYS = 732  # two years, leap day included
DEFAULT_SPAN_DAYS = 28  # the last 4 weeks, today included

PERIOD_CHOICES = [
    (Period.DAY.value, "Day"),
    (Period.WEEK.value, "Week (Monday to Sunday)"),
    (Period.MONTH.value, "Month"),
]
SPLIT_CHOICES = [
    (Split.ALL.value, "All lines together"),
    (Split.LINE.value, "Each line"),
    (Split.TEAM.value, "Each team"),
]


class _DateField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def __init__(self, *, which: str, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", ["%Y-%m-%d", "%d/%m/%Y"])
        kwargs.setdefault(
            "error_messages",
            {
                "required": f"Enter the {which} day.",
                "invalid": f"Enter the {which} day as a date, for example 2025-06-02.",
            },
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> date | None:
        try:
            return super().to_python(value)
        except OverflowError:  # a year beyond 9999
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None

    def validate(self, value: Any) -> None:
        super().validate(value)
        if isinstance(value, date) and not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise forms.ValidationError(
                f"Choose a date from {FIRST_YEAR} to {LAST_YEAR}.", code="out_of_range"
            )


class FiguresForm(forms.Form):
    start = _DateField(which="first", label="From", help_text="The first day, in UK time.")
    end = _DateField(which="last", label="To", help_text="The last day, included.")
    period = forms.ChoiceField(
        label="Group by",
        choices=PERIOD_CHOICES,
        error_messages={
            "required": "Choose whether to group the figures by day, week or month",
            "invalid_choice": "Choose day, week or month.",
        },
    )
    split = forms.ChoiceField(
        label="Lines",
        choices=SPLIT_CHOICES,
        error_messages={
            "required": "Choose which lines to show",
            "invalid_choice": "Choose all lines together, each line or each team.",
        },
    )

    @classmethod
    def from_query(cls, query: QueryDict, *, today: date) -> FiguresForm:
        """Bound to the query string; what it leaves out is the default (the last 4 weeks,
        by day, all lines together)."""
        data = {
            "start": (today - timedelta(days=DEFAULT_SPAN_DAYS - 1)).isoformat(),
            "end": today.isoformat(),
            "period": Period.DAY.value,
            "split": Split.ALL.value,
        }
        for name in data:
            if name in query:
                data[name] = query.get(name, "")
        return cls(data)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                self.add_error("end", "The last day must be the same as or after the first.")
            elif (end - start).days + 1 > LONGEST_SPAN_DAYS:
                self.add_error("end", "Choose at most two years at a time.")
        return cleaned

    def selection(self) -> dict[str, Any]:
        """The selector's arguments (call after is_valid())."""
        data = self.cleaned_data
        return {
            "start": data["start"],
            "end": data["end"],
            "period": Period(data["period"]),
            "split": Split(data["split"]),
        }
