"""The performance pages' forms. Anything may arrive in a query string; the forms turn
it into a selection or into messages next to the fields."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.http import QueryDict

from caredesk.core.forms import TextLimits
from caredesk.reporting.indicators import Behind, Split
from caredesk.standards.calendar import FIRST_YEAR, LAST_YEAR

SPLIT_CHOICES = [(split.value, split.label) for split in Split]


def previous_month(today: date) -> date:
    first = today.replace(day=1)
    return (
        first.replace(year=first.year - 1, month=12)
        if first.month == 1
        else first.replace(month=first.month - 1)
    )


class MonthField(forms.Field):
    widget = forms.TextInput(attrs={"type": "month", "inputmode": "numeric"})
    default_error_messages = {
        "required": "Enter the month.",
        "invalid": "Enter the month as a year and month, for example 2025-06.",
    }

    def to_python(self, value: Any) -> date | None:
        if value in (None, ""):
            return None
        try:
            year, month = (int(part) for part in str(value).strip().split("-"))
            found = date(year, month, 1)
        except (TypeError, ValueError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not FIRST_YEAR <= found.year <= LAST_YEAR:
            raise forms.ValidationError(
                f"Choose a month from {FIRST_YEAR} to {LAST_YEAR}.", code="out_of_range"
            )
        return found

    def prepare_value(self, value: Any) -> Any:
        return f"{value:%Y-%m}" if isinstance(value, date) else value


class DashboardForm(forms.Form):
    month = MonthField(label="Month", help_text="For example 2025-06.")
    split = forms.ChoiceField(
        label="Split by",
        choices=SPLIT_CHOICES,
        error_messages={
            "required": "Choose how to split the figures",
            "invalid_choice": "Choose how to split the figures from the list.",
        },
    )

    @classmethod
    def from_query(cls, query: QueryDict, *, today: date) -> DashboardForm:
        """Bound to the query string; by default, last month for everyone."""
        data = {"month": f"{previous_month(today):%Y-%m}", "split": Split.ALL.value}
        data.update({name: str(query.get(name)) for name in data if query.get(name)})
        return cls(data)


class ReturnsForm(forms.Form):
    """Which TSM year (1 April to 31 March) to count, by the year it ends in."""

    year = forms.TypedChoiceField(
        label="Year ending 31 March",
        coerce=int,
        error_messages={
            "required": "Choose the year",
            "invalid_choice": "Choose a year from the list.",
        },
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["year"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (year, f"1 April {year - 1} to 31 March {year}") for year in reversed(years)
        ]

    @classmethod
    def from_query(cls, query: QueryDict, *, years: list[int], default: int) -> ReturnsForm:
        return cls({"year": str(query.get("year") or default)}, years=years)


class BehindForm(TextLimits, forms.Form):
    """Which figure's records to list: as the dashboard's links give them."""

    standard = forms.CharField(label="The standard", max_length=60, required=False)
    first = forms.DateField(
        input_formats=["%Y-%m-%d"], error_messages={"required": "Say the first day to list"}
    )
    last = forms.DateField(
        input_formats=["%Y-%m-%d"], error_messages={"required": "Say the last day to list"}
    )
    split = forms.ChoiceField(
        choices=SPLIT_CHOICES, error_messages={"required": "Say how the figures were split"}
    )
    value = forms.CharField(label="The group", max_length=60, required=False)
    behind = forms.ChoiceField(
        choices=[(b.value, b.value) for b in Behind] + [("cases", "cases")],
        error_messages={"required": "Say which records to list"},
    )

    def __init__(self, data: QueryDict, *, standard_keys: set[str]) -> None:
        super().__init__(data)
        self.standard_keys = standard_keys

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("first"), data.get("last")
        for day in (first, last):
            if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
                raise forms.ValidationError(f"Choose days from {FIRST_YEAR} to {LAST_YEAR}.")
        if first and last and last < first:
            raise forms.ValidationError("The last day is before the first.")
        if data.get("behind") != "cases":
            if not data.get("standard"):
                raise forms.ValidationError("Say which standard's figures to list.")
            if data["standard"] not in self.standard_keys:
                raise forms.ValidationError(
                    f"This policy has no standard '{data['standard']}' on cases."
                )
        return data


class BoardMonthForm(forms.Form):
    month = MonthField(label="Month", help_text="For example 2025-06.")

    @classmethod
    def from_query(cls, query: QueryDict, *, today: date) -> BoardMonthForm:
        return cls({"month": str(query.get("month") or f"{previous_month(today):%Y-%m}")})


class CommentaryForm(TextLimits, forms.Form):
    month = MonthField(widget=forms.HiddenInput)
    text = forms.CharField(
        label="Commentary for the Board",
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=(
            "What the figures do not say: why a standard was missed, what is being done, "
            "what went well. Printed in the board pack as you write it. Leave it empty to "
            "take it out."
        ),
        error_messages={"max_length": "Keep the commentary to 10,000 characters, about two pages."},
    )


class ScrutinyForm(DashboardForm):
    """The dashboard's choices, without officers: the panel looks at services, not people."""

    split = forms.ChoiceField(
        label="Split by",
        choices=[(s.value, s.label) for s in Split if s is not Split.OFFICER],
        error_messages={
            "required": "Choose how to split the figures",
            "invalid_choice": "Choose how to split the figures from the list.",
        },
    )
