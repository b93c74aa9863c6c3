from __future__ import annotations

from typing import Any

from django import forms

from caredesk.documents.rendering import template_check
from caredesk.documents.services import MAX_TRANSLATION_BYTES


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
