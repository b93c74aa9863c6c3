from __future__ import annotations

from typing import Any

from django import forms

from caredesk.cases.models import Case
from caredesk.mail.letters_register import MAX_SCAN_BYTES
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can
from caredesk.staff.selectors import staff_with_capability_list


class LetterLogForm(forms.Form):
    """Log a letter on receipt: who it is from, when it came, its scan, where it goes."""

    sender = forms.CharField(label="Who is it from?", max_length=200)
    sender_address = forms.CharField(
        label="Their address", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    subject = forms.CharField(label="What is it about?", max_length=200, required=False)
    received_at = forms.DateTimeField(
        label="When did it arrive?",
        help_text="The date and time it came in, for example 2/6/2025 09:30. "
        "A new case's deadlines run from here.",
        input_formats=["%d/%m/%Y %H:%M", "%d/%m/%Y", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    reference = forms.CharField(
        label="Case reference, if it is about a case already",
        max_length=20,
        required=False,
        help_text="Leave empty to open a new case.",
    )
    route_to = forms.ModelChoiceField(
        label="Pass it to",
        queryset=StaffMember.objects.none(),
        required=False,
        empty_label="Nobody yet: the team's queue",
    )
    scan = forms.FileField(
        label="The scan (PDF, PNG, JPEG or TIFF)",
        required=False,
        help_text="Up to 25 MB.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["route_to"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = staff_with_capability_list(capability=Can.WORK_CASES).order_by(
            "first_name", "last_name"
        )

    def clean_scan(self) -> Any:
        scan = self.cleaned_data["scan"]
        if scan and scan.size > MAX_SCAN_BYTES:
            raise forms.ValidationError("The scan is larger than 25 MB: scan it again smaller.")
        return scan

    def clean_reference(self) -> Case | None:
        reference = self.cleaned_data["reference"].strip().upper()
        if not reference:
            return None
        case = Case.objects.filter(reference=reference).first()
        if case is None:
            raise forms.ValidationError(f"There is no case {reference}.")
        return case


class ReplyForm(forms.Form):
    draft = forms.CharField(
        label="What your reply says",
        help_text="Plain words and short sentences. Start with the answer. caredesk adds "
        "the greeting, the reference and your signature (and, on a letter, the address "
        "and date).",
        widget=forms.Textarea(attrs={"rows": 16}),
        max_length=20_000,
    )
    medium = forms.ChoiceField(
        label="Send it as",
        choices=[("letter", "A letter"), ("email", "An email")],
        widget=forms.RadioSelect,
        initial="letter",
    )

    def __init__(self, *args: Any, email_to: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["medium"]
        assert isinstance(field, forms.ChoiceField)
        if email_to:
            field.choices = [("letter", "A letter"), ("email", f"An email to {email_to}")]
        else:
            field.choices = [("letter", "A letter")]
            field.help_text = "There is no email address for this customer."
