from __future__ import annotations

from typing import Any

from django import forms

from caredesk.documents.rendering import template_check


class LetterForm(forms.Form):
    draft = forms.CharField(
        label="What the letter says",
        help_text="Plain words and short sentences. Start with the answer. caredesk adds "
        "the address, date, reference, greeting and your signature.",
        widget=forms.Textarea(attrs={"rows": 16}),
        max_length=20_000,
    )


class TranslationRequestForm(forms.Form):
    language = forms.CharField(label="Language", max_length=60)


class TranslationReturnForm(forms.Form):
    file = forms.FileField(label="The translated letter")


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
