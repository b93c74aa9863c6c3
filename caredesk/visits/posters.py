"""An office's poster: its hours, the closures ahead, the emergency number and how to
make an appointment, on one A4 sheet to put up at the door (Halton: offices "have opening
hours clearly displayed"), as a tagged PDF (PDF/UA-1) in standard or large print.

It reads the same notice as the office's public page (`visits.notices`), and is printed
by the documents app's machinery, as letters are (`documents.formats.pdf`), in clear
print (documents/clear_print.css).
"""

from __future__ import annotations

from datetime import datetime

from django.template.loader import render_to_string
from django.utils.text import slugify

from caredesk.documents.formats.pdf import print_size, tagged_pdf
from caredesk.documents.letters import long_date
from caredesk.visits.notices import CLOSURES_AHEAD_DAYS, OfficeNotice

TEMPLATE = "visits/poster.html"


def office_poster_html(notice: OfficeNotice, *, printed: datetime, font_pt: int) -> str:
    return render_to_string(
        TEMPLATE,
        {
            "notice": notice,
            "font_pt": font_pt,
            "printed": long_date(printed.date()),
            "months_ahead": round(CLOSURES_AHEAD_DAYS / 30.5),
        },
    )


def office_poster_pdf(
    notice: OfficeNotice, *, printed: datetime, large_print: bool = False, large_print_pt: int = 16
) -> bytes:
    """The poster as a tagged PDF: 12 pt text, or `large_print_pt` when `large_print`.
    `printed` is the local time it is made: the closures it lists run from that day."""
    font_pt = print_size(large_print=large_print, large_print_pt=large_print_pt)
    return tagged_pdf(office_poster_html(notice, printed=printed, font_pt=font_pt))


def office_poster_file_name(notice: OfficeNotice, *, large_print: bool) -> str:
    stem = slugify(notice.name) or "office"
    return f"{stem}-poster{'-large-print' if large_print else ''}.pdf"
