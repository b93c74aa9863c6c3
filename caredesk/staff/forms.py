from __future__ import annotations

from typing import Any

from django import forms

from caredesk.staff.models import AbsenceKind, StaffMember

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _people(blank: str) -> list[tuple[str, str]]:
    people = StaffMember.objects.filter(is_active=True).order_by("first_name", "last_name")
    return [("", blank)] + [(str(p.pk), str(p)) for p in people]


class AbsenceForm(forms.Form):
    staff = forms.ChoiceField(label="Who is away")
    kind = forms.ChoiceField(label="Why", choices=AbsenceKind.choices)
    first_day = forms.DateField(label="First day away", widget=DATE)
    last_day = forms.DateField(label="Last day away", widget=DATE)
    cover = forms.ChoiceField(
        label="Who takes their new work",
        required=False,
        help_text="Leave empty for their line manager.",
    )
    out_of_office_message = forms.CharField(
        label="Out-of-office message",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Sent in reply to emails while they are away. Give another way to get help.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].choices = _people("Choose a person")  # type: ignore[attr-defined]
        self.fields["cover"].choices = _people("Their line manager")  # type: ignore[attr-defined]

    def person(self, field: str) -> StaffMember | None:
        value = self.cleaned_data.get(field)
        return StaffMember.objects.get(pk=value) if value else None
