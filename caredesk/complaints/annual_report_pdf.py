"""The annual complaints performance and service improvement report as a tagged PDF
(PDF/UA-1), printed by the documents app's machinery as the board pack and office posters
are (`documents.formats.pdf.tagged_pdf`), in clear print (documents/clear_print.css). It
reads the same report as the pages (`complaints.annual_report.annual_report_read`), and
shows the same parts (complaints/annual_report_body.html)."""

from __future__ import annotations

from datetime import datetime

from django.template.loader import render_to_string

from caredesk.complaints.annual_report import AnnualReportRead
from caredesk.documents.formats.pdf import STANDARD_PT, tagged_pdf
from caredesk.documents.letters import long_date

TEMPLATE = "complaints/annual_report_print.html"


def annual_report_html(read: AnnualReportRead, *, organisation: str, printed: datetime) -> str:
    return render_to_string(
        TEMPLATE,
        {
            "read": read,
            "organisation": organisation,
            "printed": long_date(printed.date()),
            "font_pt": STANDARD_PT,
            "printing": True,
        },
    )


def annual_report_pdf(read: AnnualReportRead, *, organisation: str, printed: datetime) -> bytes:
    """The report as a tagged PDF; `printed` is the local time it is made."""
    return tagged_pdf(annual_report_html(read, organisation=organisation, printed=printed))


def annual_report_file_name(read: AnnualReportRead) -> str:
    draft = "" if read.published else "-draft"
    return f"complaints-annual-report-{read.year}-{read.year + 1}{draft}.pdf"
