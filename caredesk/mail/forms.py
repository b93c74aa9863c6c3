from __future__ import annotations

from typing import Any

from django import forms

from caredesk.cases.models import Case
from caredesk.core.file_checks import ACCEPT
from caredesk.core.forms import TextLimits
from caredesk.core.uploads import LimitedFileField
from caredesk.customers.models import ContactChannel, Customer
from caredesk.customers.picking import customer_chosen_field
from caredesk.errors import CaredeskError
from caredesk.mail.letters_register import CheckedScan, scan_check
from caredesk.staff.selectors import caseworkers_list


class LetterLogForm(TextLimits, forms.Form):
    """Log a letter on receipt: who it is from, when it came, its scan, where it goes."""

    sender = forms.CharField(
        label="Who is it from?",
        max_length=200,
        error_messages={"required": "Enter who the letter is from"},
    )
    sender_address = forms.CharField(
        label="Their address",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1_000,
    )
    subject = forms.CharField(label="What is it about?", max_length=200, required=False)
    received_at = forms.DateTimeField(
        label="When did it arrive?",
        help_text="The date and time it came in, for example 2/6/2025 09:30. "
        "A new case's deadlines run from here.",
        input_formats=["%d/%m/%Y %H:%M", "%d/%m/%Y", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={"required": "Enter when the letter arrived"},
    )
    reference = forms.CharField(
        label="Case reference, if it is about a case already",
        max_length=20,
        required=False,
        help_text="Leave empty to open a new case.",
    )
    route_to = forms.ModelChoiceField(
        label="Pass it to",
        queryset=caseworkers_list(),
        required=False,
        empty_label="Nobody yet: the team's queue",
    )
    scan = LimitedFileField(
        label="The scan (a PDF or an image: PNG, JPEG, GIF, TIFF or WebP)",
        required=False,
        limit="CAREDESK_SCAN_MAX_BYTES",
        hint="A PDF with no forms or scripts in it, or a picture of each page.",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    # Chosen above the form (search, or a new record), so carried here unseen.
    customer = customer_chosen_field()

    def clean_scan(self) -> CheckedScan | None:
        """The scan read through (caredesk.core.file_checks), so that a PDF that could run
        code, or a file that is not a scan, is refused next to the field. What the check
        made of it is the cleaned value, for `letter_log`: it is read through once."""
        scan = self.cleaned_data["scan"]
        if not scan:
            return None
        try:
            return scan_check(scan.read(), name=scan.name or "")
        except CaredeskError as error:
            raise forms.ValidationError(error.message) from None

    def clean_reference(self) -> Case | None:
        reference = self.cleaned_data["reference"].strip().upper()
        if not reference:
            return None
        case = Case.objects.filter(reference=reference).first()
        if case is None:
            raise forms.ValidationError(f"There is no case {reference}.")
        return case


class ReplyForm(TextLimits, forms.Form):
    draft = forms.CharField(
        label="What your reply says",
        help_text="Plain words and short sentences. Start with the answer. caredesk adds "
        "the greeting (Dear …), the reference and the sign-off with your signature (and, "
        "on a letter, the address and date): do not type them.",
        widget=forms.Textarea(attrs={"rows": 16}),
        max_length=20_000,
        error_messages={"required": "Enter what your reply says"},
    )
    medium = forms.ChoiceField(
        label="Send it as",
        choices=[("letter", "A letter"), ("email", "An email")],
        widget=forms.RadioSelect,
        initial="letter",
        error_messages={"required": "Choose whether to send a letter or an email"},
    )

    def __init__(
        self, *args: Any, email_to: str, customer: Customer | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["medium"]
        assert isinstance(field, forms.ChoiceField)
        if email_to:
            field.choices = [("letter", "A letter"), ("email", f"An email to {email_to}")]
            # The customer's preferred channel, where it is one a reply can go by.
            if customer is not None and customer.preferred_channel == ContactChannel.EMAIL:
                field.initial = "email"
        else:
            field.choices = [("letter", "A letter")]
            field.help_text = "There is no email address for this customer."
