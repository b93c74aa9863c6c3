from __future__ import annotations

from typing import Any

from django import forms

from caredesk.core.forms import TEXT_LIMIT, TextLimits
from caredesk.core.uploads import LimitedFileField
from caredesk.documents.rendering import template_check
from caredesk.documents.selectors import TRANSLATION_FILE_HINT
from caredesk.documents.snippets import snippet_check

# A template's wording: a long letter is some 5,000 characters.
TEMPLATE_LIMIT = 20_000


class TranslationRequestForm(TextLimits, forms.Form):
    language = forms.CharField(
        label="Language",
        max_length=60,
        error_messages={"required": "Enter the language to translate the letter into"},
    )


class TranslationReturnForm(forms.Form):
    """The translator's file (checked through by `services.translation_file_check`)."""

    file = LimitedFileField(
        label="The translated letter",
        limit="CAREDESK_TRANSLATION_MAX_BYTES",
        hint=TRANSLATION_FILE_HINT,
        error_messages={"required": "Choose the translated letter's file."},
    )


class TemplateForm(TextLimits, forms.Form):
    subject = forms.CharField(
        label="Subject",
        max_length=300,
        error_messages={"required": "Enter the subject of the letter or email"},
    )
    body = forms.CharField(
        label="Wording",
        max_length=TEMPLATE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 18}),
        error_messages={"required": "Enter the wording of the letter or email"},
    )

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


class SnippetForm(TextLimits, forms.Form):
    title = forms.CharField(
        label="Title",
        help_text="Officers choose the snippet by it.",
        max_length=120,
        error_messages={"required": "Enter a title"},
    )
    text = forms.CharField(
        label="Text",
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=TEXT_LIMIT,
        error_messages={"required": "Enter the text of the snippet"},
    )

    def clean_text(self) -> str:
        text = str(self.cleaned_data["text"])
        for problem in snippet_check(text):
            raise forms.ValidationError(problem)
        return text
