"""A letter as an accessible, tagged PDF (PDF/UA-1), in standard or large print.

The letter is rendered to HTML with Django's template engine, which escapes every value,
then printed by WeasyPrint. WeasyPrint's "pdf/ua-1" variant tags the PDF: it builds the
structure tree from the HTML's headings, paragraphs and lists, marks the file as tagged,
sets the document language from <html lang>, the title from <title> (shown in the
viewer's title bar), embeds the fonts and writes the PDF/UA identification into the XMP
metadata. Layout follows RNIB's clear print guidance: see letter.css.
"""

from __future__ import annotations

import re
from typing import Any

from django.template.loader import render_to_string
from weasyprint import HTML  # type: ignore[import-untyped]
from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

from caredesk.documents.letters import (
    Block,
    BulletList,
    Letter,
    body_blocks,
    check_signed,
    clean_line,
    long_date,
)

STANDARD_PT = 12
LARGE_PRINT_MIN_PT = 16  # RNIB: large print is 16 pt or more
LARGE_PRINT_MAX_PT = 48  # beyond this a reference or an email address no longer fits a line
PDF_VARIANT = "pdf/ua-1"
TEMPLATE = "documents/letter.html"

# A BCP 47 language tag, loosely: "en", "en-GB", "cy-GB", "zh-Hant-HK".
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")


def letter_pdf(letter: Letter, *, large_print: bool = False, large_print_pt: int = 16) -> bytes:
    """The letter as a tagged PDF/UA-1 file: 12 pt, or `large_print_pt` when `large_print`.

    Raises ValueError if the letter is not signed (no officer's name or post title), has no
    subject, its language is not a language tag, or the large print size is under 16 pt or
    over 48 pt.
    """
    check_signed(letter)
    if not clean_line(letter.subject):
        raise ValueError("The letter must have a subject: it is the PDF's title and heading.")
    if not _LANGUAGE_TAG.fullmatch(letter.language):
        raise ValueError(f"{letter.language!r} is not a language tag such as 'en-GB'.")
    font_pt = print_size(large_print=large_print, large_print_pt=large_print_pt)
    return tagged_pdf(letter_html(letter, font_pt=font_pt))


def print_size(*, large_print: bool, large_print_pt: int) -> int:
    """The size of the text in points: 12, or `large_print_pt` when `large_print` (letters,
    office posters). ValueError if the large print size is under 16 pt or over 48 pt."""
    if not LARGE_PRINT_MIN_PT <= large_print_pt <= LARGE_PRINT_MAX_PT:
        raise ValueError(
            f"Large print must be {LARGE_PRINT_MIN_PT} to {LARGE_PRINT_MAX_PT} pt, "
            f"not {large_print_pt} pt."
        )
    return large_print_pt if large_print else STANDARD_PT


def tagged_pdf(html: str) -> bytes:
    """HTML printed as a tagged PDF/UA-1 (letters, the board pack, equality reports,
    office posters).

    Nothing is fetched: the documents have no images, links or outside style sheets, and
    a fetcher that allows no protocol keeps it that way whatever the text says."""
    document = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=()))
    pdf: bytes = document.write_pdf(pdf_variant=PDF_VARIANT)
    return pdf


def letter_html(letter: Letter, *, font_pt: int = STANDARD_PT) -> str:
    """The HTML that letter_pdf prints, with the text at `font_pt` points."""
    return render_to_string(TEMPLATE, _context(letter, font_pt))


def letter_context(letter: Letter) -> dict[str, Any]:
    """What the printed letter shows, part by part: for a page that shows it before it is
    sent (documents/letter_preview.html lays it out as letter.html does)."""
    return _context(letter, STANDARD_PT)


def _context(letter: Letter, font_pt: int) -> dict[str, Any]:
    signature = letter.signature
    # The officer's own phone and email, or else the organisation's: the tenant must
    # always be able to reach whoever is dealing with the case.
    phone = clean_line(signature.phone) or clean_line(letter.organisation_phone)
    email = clean_line(signature.email) or clean_line(letter.organisation_email)
    return {
        "font_pt": font_pt,
        "language": letter.language,
        "organisation_name": clean_line(letter.organisation_name),
        "organisation_address": _lines(*letter.organisation_address),
        "organisation_contact": _lines(
            *_contact(clean_line(letter.organisation_phone), clean_line(letter.organisation_email))
        ),
        "recipient": _lines(letter.recipient_name, *letter.recipient_address),
        "date": long_date(letter.date),
        "reference": clean_line(letter.reference),
        "subject": clean_line(letter.subject),
        "salutation": clean_line(letter.salutation),
        "blocks": [_block(block) for block in body_blocks(letter.body)],
        "closing": clean_line(letter.closing),
        "signature_name": clean_line(signature.name),
        "signature_details": _lines(signature.post_title, *_contact(phone, email)),
    }


def _lines(*lines: str) -> str:
    """Non-empty lines, one a line: the template shows them with `white-space: pre-line`."""
    return "\n".join(line for line in map(clean_line, lines) if line)


def _contact(phone: str, email: str) -> list[str]:
    return [f"{label}: {value}" for label, value in (("Phone", phone), ("Email", email)) if value]


def _block(block: Block) -> dict[str, Any]:
    if isinstance(block, BulletList):
        return {"is_list": True, "items": block.items}
    return {"is_list": False, "text": "\n".join(block.lines)}
