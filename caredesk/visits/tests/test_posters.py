"""An office's poster (visits.posters): a tagged PDF/UA-1 in standard and large print,
saying what the public page says, made quickly, and downloaded from both pages.

The PDF is read back with pypdf as letters' are (documents/tests/test_pdf.py)."""

from __future__ import annotations

import io
import time as timer
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
from django.urls import reverse
from pypdf import PdfReader

from caredesk.conftest import People, SettableClock, StaffClient
from caredesk.core.clock import system_clock
from caredesk.documents.tests.test_pdf import (
    PDF_UA_NAMESPACE,
    catalog,
    reading_order,
    runs,
    structure_tags,
)
from caredesk.staff.models import Office
from caredesk.standards import load_policy
from caredesk.visits.models import OfficeDetails
from caredesk.visits.notices import office_notice
from caredesk.visits.posters import office_poster_pdf
from caredesk.visits.tests.factories import office_published

HALTON = load_policy("halton")
NOW = datetime(2025, 6, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def details(people: People) -> OfficeDetails:
    return office_published(Office.objects.get(name="Runcorn"))


def poster(details: OfficeDetails, *, large_print: bool = False) -> PdfReader:
    notice = office_notice(details=details, policy=HALTON, now=NOW)
    pdf = office_poster_pdf(notice, printed=NOW, large_print=large_print, large_print_pt=16)
    return PdfReader(io.BytesIO(pdf))


def test_the_poster_is_a_tagged_pdf_ua_1_titled_for_the_office(details: OfficeDetails) -> None:
    reader = poster(details)
    root = catalog(reader)

    assert root["/MarkInfo"]["/Marked"].value is True
    assert root["/StructTreeRoot"]["/Type"] == "/StructTreeRoot"
    assert root["/Lang"] == "en-GB"
    assert reader.metadata is not None
    assert reader.metadata.title == "Runcorn: opening hours"
    xmp = ET.fromstring(root["/Metadata"].get_object().get_data())
    assert "1" in [element.get(f"{{{PDF_UA_NAMESPACE}}}part") for element in xmp.iter()]
    tags = structure_tags(reader)
    assert tags.count("/H1") == 1
    assert {"/H2", "/Table", "/TH", "/TD", "/L", "/LI", "/P"} <= set(tags)
    assert len(reader.pages) == 1


def test_the_poster_reads_in_order_what_a_visitor_needs(details: OfficeDetails) -> None:
    order = " | ".join(reading_order(poster(details)))

    expected = [
        "Runcorn",
        "Office, Halton Housing Trust",
        "Opening hours",
        "Monday to Friday",
        "9:30am to 1pm and 2pm to 5:30pm",
        "Saturday and Sunday",
        "Wednesday 9 July 2025",
        "Training",
        "Monday 25 August 2025",
        "When the office is closed",
        "0800 100 2000",
        "Appointments",
        "You can come in without an appointment",
        "To make an appointment: Phone 0151 510 5000 or ask at reception.",
        "printed on 20 June 2025",
    ]
    positions = [order.find(text) for text in expected]
    assert -1 not in positions, [text for text in expected if text not in order]
    assert positions == sorted(positions)


def test_large_print_is_larger(details: OfficeDetails) -> None:
    def smallest(reader: PdfReader) -> float:
        return min(run.size for page in range(len(reader.pages)) for run in runs(reader, page))

    standard, large = smallest(poster(details)), smallest(poster(details, large_print=True))

    assert standard == pytest.approx(12, abs=0.1)
    assert large == pytest.approx(16, abs=0.1)


def test_the_poster_is_made_in_under_2_seconds(details: OfficeDetails) -> None:
    poster(details)  # fonts loaded once per process
    started = timer.perf_counter()
    poster(details, large_print=True)
    assert timer.perf_counter() - started < 2


def test_at_an_office_by_appointment_only_the_poster_says_so(details: OfficeDetails) -> None:
    notice = office_notice(details=details, policy=load_policy("stonewall"), now=NOW)
    pdf = office_poster_pdf(notice, printed=NOW)
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Visits are by appointment only." in text
    assert "Stonewall Housing" in text


def test_the_poster_is_downloaded_from_the_public_page_and_the_desk(
    client: StaffClient,
    people: People,
    details: OfficeDetails,
    clock: SettableClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(system_clock, "now", clock.now)

    public = client.get(reverse("offices:poster", args=["runcorn"]) + "?print=large")
    client.force_login(people.administrator)
    desk = client.get(reverse("visits:office_poster", args=[details.pk]))
    client.force_login(people.officer)
    refused = client.get(reverse("visits:office_poster", args=[details.pk]))

    assert public.status_code == 200
    assert public["Content-Type"] == "application/pdf"
    assert public["Content-Disposition"] == 'inline; filename="runcorn-poster-large-print.pdf"'
    assert public.content.startswith(b"%PDF-")
    assert desk.status_code == 200
    assert desk["Content-Disposition"] == 'inline; filename="runcorn-poster.pdf"'
    assert refused.status_code == 403
