from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from caredesk.staff.models import AbsenceKind, StaffMember
from caredesk.staff.permissions import Can
from caredesk.staff.selectors import staff_absences_managed_list, staff_with_capability_list

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _choices(people: QuerySet[StaffMember], blank: str) -> list[tuple[str, str]]:
    return [("", blank)] + [(str(p.pk), str(p)) for p in people.order_by("first_name", "last_name")]


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

    def __init__(self, *args: Any, by: StaffMember, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].choices = _choices(  # type: ignore[attr-defined]
            staff_absences_managed_list(by=by), "Choose a person"
        )
        self.fields["cover"].choices = _choices(  # type: ignore[attr-defined]
            staff_with_capability_list(capability=Can.WORK_CASES), "Their line manager"
        )

    def person(self, field: str) -> StaffMember | None:
        value = self.cleaned_data.get(field)
        return StaffMember.objects.get(pk=value) if value else None
