"""A landlord's letter to a tenant, as data: what it says, not how it looks.

Every format (standard and large-print PDF, Braille, audio) renders the same `Letter`.
Plain Python: nothing here needs Django or a database.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass

# English month names, so dates never depend on the machine's locale.
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# Control characters and lone surrogates cannot be printed or spoken; Unicode's
# separators for lines and paragraphs become ordinary line breaks.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cs"})
_LINE_BREAKS = str.maketrans({"\r": "\n", "\u2028": "\n", "\u2029": "\n\n", "\t": " "})
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")
_BULLET = "- "


@dataclass(frozen=True)
class Signature:
    """Who is dealing with the case: every letter is signed by a named officer."""

    name: str
    post_title: str
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class Letter:
    """One letter. `body` is plain text: blank lines separate paragraphs, and lines that
    start with "- " make a bulleted list."""

    organisation_name: str
    organisation_address: tuple[str, ...]
    organisation_phone: str
    organisation_email: str
    recipient_name: str
    recipient_address: tuple[str, ...]
    date: datetime.date
    reference: str
    subject: str
    salutation: str
    body: str
    signature: Signature
    language: str = "en-GB"  # BCP 47, e.g. "en-GB" or "cy-GB"
    closing: str = "Yours sincerely,"


@dataclass(frozen=True)
class Paragraph:
    lines: tuple[str, ...]


@dataclass(frozen=True)
class BulletList:
    items: tuple[str, ...]


Block = Paragraph | BulletList


def check_signed(letter: Letter) -> None:
    """Raise ValueError unless the letter names the officer dealing with it and their post."""
    missing = [
        label
        for label, value in (
            ("name", letter.signature.name),
            ("post title", letter.signature.post_title),
        )
        if not clean_line(value)
    ]
    if missing:
        raise ValueError(
            f"The letter must be signed: the signature has no {' and no '.join(missing)}."
        )


def clean_text(text: str) -> str:
    """`text` without control characters; line breaks are kept, as plain newlines."""
    text = text.replace("\r\n", "\n").translate(_LINE_BREAKS)
    return "".join(
        char
        for char in text
        if char == "\n" or unicodedata.category(char) not in _DROPPED_CATEGORIES
    )


def clean_line(text: str) -> str:
    """`text` as one line: control characters dropped, runs of spaces made single."""
    return " ".join(clean_text(text).split())


def long_date(date: datetime.date) -> str:
    """The date as a British letter writes it: "23 November 2026"."""
    return f"{date.day} {_MONTHS[date.month - 1]} {date.year}"


def month_year(date: datetime.date) -> str:
    """The month of a date, as reports name it: "June 2025"."""
    return f"{_MONTHS[date.month - 1]} {date.year}"


def long_day(date: datetime.date) -> str:
    """The day in full, for a date promised in a letter: "Monday 23 November 2026"."""
    return f"{_WEEKDAYS[date.weekday()]} {long_date(date)}"


def body_blocks(body: str) -> tuple[Block, ...]:
    """The body as paragraphs and bulleted lists, in order.

    A blank line ends a paragraph. A line starting "- " is a list item; an indented line
    straight after one continues that item. Any other line break is kept inside the
    paragraph.
    """
    blocks: list[Block] = []
    for chunk in _BLANK_LINE.split(clean_text(body)):
        lines: list[str] = []
        items: list[str] = []
        for raw in chunk.split("\n"):
            line = " ".join(raw.split())
            if not line:
                continue
            if line.startswith(_BULLET):
                if lines:
                    blocks.append(Paragraph(tuple(lines)))
                    lines = []
                items.append(line[len(_BULLET) :])
            elif items and raw[:1].isspace():
                items[-1] = f"{items[-1]} {line}"
            else:
                if items:
                    blocks.append(BulletList(tuple(items)))
                    items = []
                lines.append(line)
        if lines:
            blocks.append(Paragraph(tuple(lines)))
        if items:
            blocks.append(BulletList(tuple(items)))
    return tuple(blocks)


def letter_text(letter: Letter) -> str:
    """The whole letter as plain text, in reading order: for Braille and audio, which
    have no layout, and for anyone who cannot open the PDF."""
    parts = [
        "\n".join([letter.organisation_name, *letter.organisation_address]),
        "\n".join(
            line
            for line in (
                f"Phone: {letter.organisation_phone}" if letter.organisation_phone else "",
                f"Email: {letter.organisation_email}" if letter.organisation_email else "",
            )
            if line
        ),
        "\n".join([letter.recipient_name, *letter.recipient_address]),
        long_date(letter.date),
        f"Reference: {letter.reference}" if letter.reference else "",
        letter.subject,
        letter.salutation,
        clean_text(letter.body).strip(),
        letter.closing,
        "\n".join(
            line
            for line in (
                letter.signature.name,
                letter.signature.post_title,
                f"Phone: {letter.signature.phone}" if letter.signature.phone else "",
                f"Email: {letter.signature.email}" if letter.signature.email else "",
            )
            if line
        ),
    ]
    return "\n\n".join(clean_text(part).strip() for part in parts if part.strip())
