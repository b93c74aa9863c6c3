"""A customer's data, gathered from every app and packed for them (subject access).

`customer_data_gather` reads every row about the customer through the apps' declarations
(customers.holdings), in the order of the apps; `export_zip_write` packs it as the
customer receives it, in one ZIP:

- `index.html` and `index.pdf` (tagged PDF/UA-1, in large print when the customer needs
  it): what is in the ZIP, part by part, with the number of records, the files, and what
  was withheld and why;
- `parts/NN-name.html`: each part in full, readable in any browser;
- `data.json`: all of it, as data, for another system;
- `files/`: the emails as they came (.eml), their attachments, the letters and scans, the
  documents as sent, photos of hazards.

A reviewer may withhold an item (another person's data, legal privilege): it is left
out of every part and listed in the index with the reason. Reading the customer's data
for an export is a read of their record, and is logged as one.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from caredesk.core.store import store_get
from caredesk.customers.holdings import Holding, RowWords, holdings, related_words, row_words
from caredesk.customers.models import AccessibleFormat, Customer
from caredesk.documents.formats.pdf import STANDARD_PT, tagged_pdf

LARGE_PRINT_PT = 18


@dataclass(frozen=True)
class ItemKey:
    """One row of one holding: what a reviewer withholds."""

    holding: str  # "mail.inboundemail"
    pk: int


@dataclass(frozen=True)
class ExportFile:
    sha256: str
    path: str  # inside the ZIP: "files/07-emails-you-sent-us/1234-letter.pdf"


@dataclass(frozen=True)
class ExportItem:
    key: ItemKey
    words: RowWords
    files: tuple[ExportFile, ...] = ()

    def shown(self) -> list[tuple[str, str]]:
        """Each field as a person reads it: "Received at", "2026-06-22T13:00:00+00:00"."""
        return [(_label(name), _text(value)) for name, value in self.words.items()]


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _text(value: Any) -> str:
    if value is None or value == "":
        return "None"
    if value is True or value is False:
        return "Yes" if value else "No"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, indent=1)
    return str(value)


@dataclass
class ExportPart:
    number: int
    holding: Holding
    items: list[ExportItem] = field(default_factory=list)
    withheld: list[tuple[ItemKey, str]] = field(default_factory=list)

    @property
    def what(self) -> str:
        return self.holding.what

    @property
    def slug(self) -> str:
        words = re.sub(r"[^a-z0-9]+", "-", self.holding.what.lower()).strip("-")[:50]
        return f"{self.number:02d}-{words}"

    @property
    def files(self) -> list[ExportFile]:
        return [file for item in self.items for file in item.files]


def _file_name(text: str) -> str:
    """A name safe in a ZIP on any system: no folders, no control characters."""
    name = re.sub(r"[\x00-\x1f\x7f/\\:*?\"<>|]+", "_", text).strip(" .")
    return name[:120] or "file"


def _files(part_slug: str, holding: Holding, row: Any) -> tuple[ExportFile, ...]:
    found = []
    for stored in holding.files:
        sha = getattr(row, stored.sha)
        if not sha:
            continue
        named = getattr(row, stored.name) if stored.name else ""
        name = _file_name(named or f"{holding.model._meta.model_name}{stored.suffix}")
        found.append(ExportFile(sha, f"files/{part_slug}/{row.pk}-{name}"))
    return tuple(found)


def customer_data_gather(
    *, customer: Customer, withheld: Mapping[ItemKey, str] | None = None
) -> list[ExportPart]:
    """Everything held about the customer, part by part (one part per holding with any
    rows, numbered as the customer sees them), less what a reviewer withheld (each
    listed in its part with the reason)."""
    withheld = withheld or {}
    found = [(holding, list(holding.rows(customer))) for holding in holdings()]
    parts = []
    for number, (holding, rows) in enumerate([(h, r) for h, r in found if r], start=1):
        part = ExportPart(number, holding)
        related = related_words(holding, rows)  # one query a key, not one a row
        for row in rows:
            key = ItemKey(holding.key, row.pk)
            if key in withheld:
                part.withheld.append((key, withheld[key]))
            else:
                words = row_words(holding, row, related)
                part.items.append(ExportItem(key, words, _files(part.slug, holding, row)))
        parts.append(part)
    return parts


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _index_context(
    *, customer: Customer, parts: list[ExportPart], made_at: datetime, organisation: str
) -> dict[str, Any]:
    large = customer.accessible_format == AccessibleFormat.LARGE_PRINT
    return {
        "customer": customer,
        "parts": parts,
        "made_at": made_at,
        "organisation": organisation,
        "font_pt": LARGE_PRINT_PT if large else STANDARD_PT,
        "withheld_count": sum(len(part.withheld) for part in parts),
        "file_count": sum(len(part.files) for part in parts),
    }


def export_zip_write(
    *,
    customer: Customer,
    parts: list[ExportPart],
    made_at: datetime,
    organisation: str,
    into: IO[bytes] | Path,
) -> int:
    """Pack the parts into a ZIP (a file or a path); returns the number of files in it."""
    context = _index_context(
        customer=customer, parts=parts, made_at=made_at, organisation=organisation
    )
    index_html = render_to_string("privacy/export_index.html", context | {"printing": False})
    index_pdf = tagged_pdf(
        render_to_string("privacy/export_index.html", context | {"printing": True})
    )
    written = 0
    with zipfile.ZipFile(into, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("index.html", index_html)
        archive.writestr("index.pdf", index_pdf)
        for part in parts:
            shown = context | {"part": part, "records": records_html(part)}
            archive.writestr(
                f"parts/{part.slug}.html", render_to_string("privacy/export_part.html", shown)
            )
        # Not indented: only the C encoder is fast (2.6 s for 13,000 records with indent=1,
        # benchmarks/privacy_export.py); another system reads it, and a person the parts.
        data = json.dumps(_data(customer, parts, made_at), default=_json_default)
        archive.writestr("data.json", data)
        written = 3 + len(parts)
        for part in parts:
            for file in part.files:
                archive.writestr(file.path, store_get(file.sha256))
                written += 1
    return written


def records_html(part: ExportPart) -> SafeString:
    """Each record of the part, with each of its fields and its files, as HTML: a heading
    and a description list a record. Drawn here rather than in the part's template: a
    customer with 500 cases has over 100,000 fields, and the template engine's loop over
    them was most of the time writing the ZIP took (benchmarks/privacy_export.py)."""
    drawn: list[str] = []
    for item in part.items:
        drawn.append(f"<h2>Record {item.key.pk}</h2>\n<dl>")
        drawn.extend(
            f"\n  <dt>{escape(label)}</dt><dd>{escape(text)}</dd>" for label, text in item.shown()
        )
        drawn.append("\n</dl>\n")
        if item.files:
            links = "".join(
                f'<li><a href="{escape(_href(file.path))}">{escape(file.path)}</a></li>'
                for file in item.files
            )
            drawn.append(f"<p>Files:</p><ul>{links}</ul>\n")
    return mark_safe("".join(drawn))  # every value in it is escaped above


def _href(path: str) -> str:
    """A file's address from its part's page (parts/ is one folder down)."""
    return "../" + quote(path, safe="/")


def _data(customer: Customer, parts: list[ExportPart], made_at: datetime) -> dict[str, Any]:
    return {
        "customer": customer.pk,
        "made_at": made_at.isoformat(),
        "parts": [
            {
                "part": part.number,
                "what": part.what,
                "records": [
                    {"id": item.key.pk, **item.words, "files": [f.path for f in item.files]}
                    for item in part.items
                ],
                "withheld": [{"id": key.pk, "why": why} for key, why in part.withheld],
            }
            for part in parts
        ],
    }
