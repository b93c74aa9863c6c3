from __future__ import annotations

from typing import Any

from django import forms

from caredesk.documents.rendering import template_check
from caredesk.documents.services import MAX_TRANSLATION_BYTES


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


class TranslationRequestForm(forms.Form):
    language = forms.CharField(label="Language", max_length=60)


class TranslationReturnForm(forms.Form):
    file = forms.FileField(label="The translated letter")

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_TRANSLATION_BYTES:
            raise forms.ValidationError("The file is larger than 50 MB.")
        return upload


class TemplateForm(forms.Form):
    subject = forms.CharField(label="Subject", max_length=300)
    body = forms.CharField(label="Wording", widget=forms.Textarea(attrs={"rows": 18}))

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        if "subject" in cleaned and "body" in cleaned:
            subject, body = str(cleaned["subject"]), str(cleaned["body"])
            for problem in template_check(self.kind, subject, body):
                self.add_error(None, problem)
        return cleaned
