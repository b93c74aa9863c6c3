from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.db.models import QuerySet

from caredesk.core.forms import TEXT_LIMIT, TextLimits, date_field
from caredesk.staff.models import AbsenceKind, StaffMember
from caredesk.staff.permissions import Can
from caredesk.staff.selectors import staff_absences_managed_list, staff_with_capability_list


def _choices(people: QuerySet[StaffMember], blank: str) -> list[tuple[str, str]]:
    return [("", blank)] + [(str(p.pk), str(p)) for p in people.order_by("first_name", "last_name")]


class AbsenceForm(TextLimits, forms.Form):
    staff = forms.ChoiceField(
        label="Who is away", error_messages={"required": "Choose who is away"}
    )
    kind = forms.ChoiceField(
        label="Why",
        choices=AbsenceKind.choices,
        error_messages={"required": "Choose why they are away"},
    )
    first_day = date_field("First day away", what="the first day away", example="2025-06-02")
    last_day = date_field("Last day away", what="the last day away", example="2025-06-13")
    cover = forms.ChoiceField(
        label="Who takes their new work",
        required=False,
        help_text="Leave empty for their line manager.",
    )
    out_of_office_message = forms.CharField(
        label="Out-of-office message",
        required=False,
        max_length=TEXT_LIMIT,
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


class IdCardForm(TextLimits, forms.Form):
    """The identity card a member of staff shows on home visits."""

    id_card_number = forms.CharField(
        label="Identity card number",
        max_length=40,
        required=False,
        help_text="As printed on the card. Leave empty if they have none.",
    )
    id_card_expires = date_field(
        "Identity card expires",
        what="the day the identity card expires",
        example="2027-03-31",
        required=False,
        help_text="Home visits after this day are flagged, so the card is renewed first.",
    )


class CodeForm(TextLimits, forms.Form):
    """The second step of signing in: a code from the app, or a recovery code."""

    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The 6-digit code your authenticator app shows now, or one of your "
        "recovery codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "spellcheck": "false", "autofocus": True}
        ),
        error_messages={"required": "Enter the code from your authenticator app"},
    )


class AppCodeForm(TextLimits, forms.Form):
    """Setting up two-factor sign-in: the code the app shows, to prove it has the key."""

    code = forms.CharField(
        label="Code from the app",
        max_length=12,
        help_text="The 6-digit code your authenticator app shows, for example 123456.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
    )


class OwnPasswordChangeForm(PasswordChangeForm):
    """Django's own, in plainer words."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Your current password"
        self.fields["new_password1"].label = "New password"
        self.fields["new_password1"].help_text = (
            "At least 12 characters. Not a common password, not all numbers, and not "
            "like your name or username. Three or four random words work well."
        )
        self.fields["new_password2"].label = "New password again"
        self.error_messages["password_incorrect"] = (
            "Your current password is not right. Enter it again."
        )
        self.error_messages["password_mismatch"] = "The two new passwords are not the same."
        self.fields["old_password"].error_messages["required"] = "Enter your current password"
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].error_messages["required"] = "Enter the new password again"
