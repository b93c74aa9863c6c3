"""The form for importing a call records file from the desk."""

from __future__ import annotations

from typing import Any

from django import forms

from caredesk.core.uploads import LimitedFileField
from caredesk.telephony.mapping import MappingError, load_mapping, shipped_mapping_names
from caredesk.telephony.uploads import ASTERISK, GENERIC, MAX_MAPPING_BYTES


def mapping_choices() -> list[tuple[str, str]]:
    """The shipped mappings, by the name each gives itself."""
    choices = []
    for key in shipped_mapping_names():
        try:
            label = load_mapping(key).name
        except MappingError:
            continue  # a broken shipped mapping is caught by its own test; never offered
        choices.append((key, label if label == key else f"{label} ({key})"))
    return choices


class CallFileForm(forms.Form):
    file = LimitedFileField(
        label="Call records file",
        limit="CAREDESK_CALLS_MAX_UPLOAD_BYTES",
        hint=(
            "The CSV file your phone system exported, or the same compressed with gzip "
            "(.csv.gz). Calls already imported are skipped, so a file that overlaps an "
            "earlier one is fine."
        ),
        error_messages={
            "required": "Choose the call records file to import.",
            "empty": "The file is empty. Choose the file the phone system exported.",
            "invalid": "No file was received. Choose the file again.",
        },
    )
    file_format = forms.ChoiceField(
        label="Which phone system made it?",
        choices=[
            (ASTERISK, "Asterisk (its Master.csv call records, with no heading row)"),
            (GENERIC, "Another phone system (a CSV file with a heading row, read by a mapping)"),
        ],
        initial=ASTERISK,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose which phone system made the file."},
    )
    mapping = forms.ChoiceField(
        label="Mapping",
        required=False,
        help_text=(
            "Only for another phone system: the mapping says which column holds what "
            "(Avaya, Mitel, 8x8, Teams...)."
        ),
    )
    mapping_file = LimitedFileField(
        label="Or upload a mapping file",
        required=False,
        limit=MAX_MAPPING_BYTES,
        hint=(
            "A small TOML file naming the file's columns, if none of the mappings above "
            "fits. Start from the generic mapping's file."
        ),
        error_messages={"empty": "The mapping file is empty."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "Choose a mapping"), *mapping_choices()]
        self.fields["mapping"].choices = choices  # type: ignore[attr-defined]
        self.fields["file"].widget.attrs["accept"] = ".csv,.gz,.txt,text/csv,application/gzip"
        self.fields["mapping_file"].widget.attrs["accept"] = ".toml,text/plain"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        generic = cleaned.get("file_format") == GENERIC
        chosen, uploaded = cleaned.get("mapping"), cleaned.get("mapping_file")
        if generic and not chosen and uploaded is None:
            self.add_error("mapping", "Choose the mapping for this file, or upload one.")
        elif generic and chosen and uploaded is not None:
            self.add_error("mapping", "Choose a mapping or upload one, not both.")
        elif not generic and (chosen or uploaded is not None):
            self.add_error(
                "mapping",
                "Asterisk files need no mapping: leave it empty, or choose 'Another phone system'.",
            )
        return cleaned
