from __future__ import annotations

from typing import Any

from django import forms

from caredesk.core.uploads import LimitedFileField
from caredesk.documents.rendering import template_check
from caredesk.documents.selectors import TRANSLATION_FILE_HINT


class TranslationRequestForm(forms.Form):
    language = forms.CharField(label="Language", max_length=60)


class TranslationReturnForm(forms.Form):
    """The translator's file (checked through by `services.translation_file_check`)."""

    file = LimitedFileField(
        label="The translated letter",
        limit="CAREDESK_TRANSLATION_MAX_BYTES",
        hint=TRANSLATION_FILE_HINT,
        error_messages={"required": "Choose the translated letter's file."},
    )


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
