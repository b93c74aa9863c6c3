"""Letters as tagged PDF/UA-1 files, in standard and large print.

The PDFs are read back with pypdf: the catalogue, the XMP metadata, the structure tree (the
order a screen reader follows), the marked text on each page and the size it is drawn at.
"""

import dataclasses
import datetime
import io
import math
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from caredesk.documents.formats.pdf import letter_pdf
from caredesk.documents.letters import (
    BulletList,
    Letter,
    Paragraph,
    Signature,
    body_blocks,
    clean_line,
    clean_text,
    long_date,
)

REFERENCE = "HHT-2026-000123"
SUBJECT = "Your report of damp in your bedroom"
BODY = """Thank you for telling us about the damp in your bedroom on 10 November.

A surveyor will visit on 2 December between 9am and 1pm. Please make sure:
- someone aged 18 or over is at home
- we can reach the bedroom wall

If you cannot be in, call me before the visit and we will find another time."""

LETTER = Letter(
    organisation_name="Harbour Homes Trust",
    organisation_address=("1 Quay Street", "Bristol", "BS1 4AA"),
    organisation_phone="0300 123 4567",
    organisation_email="help@harbourhomes.example",
    recipient_name="Ms Aisha Jones",
    recipient_address=("Flat 3, 12 Mill Lane", "Bristol", "BS2 9XY"),
    date=datetime.date(2026, 11, 23),
    reference=REFERENCE,
    subject=SUBJECT,
    salutation="Dear Ms Jones,",
    body=BODY,
    signature=Signature(
        name="Sam Patel",
        post_title="Repairs Officer",
        phone="0300 123 4500",
        email="sam.patel@harbourhomes.example",
    ),
)

PDF_UA_NAMESPACE = "http://www.aiim.org/pdfua/ns/id/"


def letter(**changes) -> Letter:
    return dataclasses.replace(LETTER, **changes)


@pytest.fixture(scope="module")
def standard() -> PdfReader:
    return PdfReader(io.BytesIO(letter_pdf(LETTER)))


@pytest.fixture(scope="module")
def large_print() -> PdfReader:
    return PdfReader(io.BytesIO(letter_pdf(LETTER, large_print=True)))


# Reading the PDF back


@dataclasses.dataclass
class Run:
    """A run of text as drawn on a page: its marked-content id and its size in points."""

    mcid: int | None
    text: str
    size: float


def runs(reader: PdfReader, page_index: int) -> list[Run]:
    found: list[Run] = []
    current: list[int | None] = [None]

    def before(operator, operands, cm, tm):
        if operator == b"BDC" and isinstance(operands[1], DictionaryObject):
            current[0] = operands[1].get("/MCID")
        elif operator == b"EMC":
            current[0] = None

    def text(chunk, cm, tm, font, font_size):
        if chunk.strip():
            # The font size in user space: the Tf size scaled by the text and page matrices.
            c = tm[2] * cm[0] + tm[3] * cm[2]
            d = tm[2] * cm[1] + tm[3] * cm[3]
            found.append(Run(current[0], chunk, round(font_size * math.hypot(c, d), 2)))

    reader.pages[page_index].extract_text(visitor_operand_before=before, visitor_text=text)
    return found


def catalog(reader: PdfReader) -> Any:
    return reader.trailer["/Root"]


def kids(element: Any) -> list[Any]:
    """A structure element's children: marked-content ids (ints) and elements."""
    found: Any = element.get("/K")
    found = [] if found is None else found.get_object()
    return [
        kid if isinstance(kid, int) else kid.get_object()
        for kid in (found if isinstance(found, ArrayObject) else [found])
    ]


def reading_order(reader: PdfReader) -> list[str]:
    """The text in the order of the structure tree, which is what assistive technology reads."""
    pages: list[Any] = list(reader.pages)
    page_of = {page.indirect_reference.idnum: i for i, page in enumerate(pages)}
    texts: dict[tuple[int | None, int | None], str] = {
        (i, run.mcid): run.text
        for i in range(len(reader.pages))
        for run in runs(reader, i)
        if run.mcid is not None
    }
    ordered: list[str] = []

    def walk(element: Any, page: int | None) -> None:
        if "/Pg" in element:
            page = page_of[element.raw_get("/Pg").idnum]
        for kid in kids(element):
            if isinstance(kid, int):
                ordered.append(texts[(page, kid)])
            else:
                walk(kid, page)

    walk(catalog(reader)["/StructTreeRoot"], None)
    return ordered


def structure_tags(reader: PdfReader) -> list[str]:
    tags: list[str] = []

    def walk(element: Any) -> None:
        tags.append(str(element.get("/S", "")))
        for kid in kids(element):
            if not isinstance(kid, int):
                walk(kid)

    walk(catalog(reader)["/StructTreeRoot"])
    return tags


def page_text(reader: PdfReader, page_index: int) -> str:
    return reader.pages[page_index].extract_text()


def in_order(texts: list[str], *wanted: str) -> bool:
    """Whether each wanted string starts a text somewhere after the one before it."""
    position = 0
    for item in wanted:
        matches = [i for i in range(position, len(texts)) if texts[i].startswith(item)]
        if not matches:
            return False
        position = matches[0] + 1
    return True


# PDF/UA


def test_the_pdf_is_tagged_and_identifies_itself_as_pdf_ua_1(standard):
    root = catalog(standard)
    assert standard.pdf_header == "%PDF-1.7"
    assert root["/MarkInfo"]["/Marked"].value is True
    assert root["/StructTreeRoot"]["/Type"] == "/StructTreeRoot"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert root["/Lang"] == "en-GB"
    assert standard.metadata.title == SUBJECT

    xmp = ET.fromstring(root["/Metadata"].get_object().get_data())
    parts = [element.get(f"{{{PDF_UA_NAMESPACE}}}part") for element in xmp.iter()]
    assert "1" in parts
    titles = [element.text for element in xmp.iter("{http://purl.org/dc/elements/1.1/}title")]
    assert titles == [None]  # dc:title holds an rdf:Alt…
    assert SUBJECT in {element.text for element in xmp.iter()}  # …whose entry is the subject


def test_the_document_language_is_the_letter_s(standard):
    welsh = PdfReader(io.BytesIO(letter_pdf(letter(language="cy-GB"))))
    assert catalog(welsh)["/Lang"] == "cy-GB"


def test_a_language_that_is_not_a_language_tag_is_refused():
    with pytest.raises(ValueError, match="language tag"):
        letter_pdf(letter(language='en" onload="x'))


def test_the_structure_has_a_heading_paragraphs_and_a_list(standard):
    tags = structure_tags(standard)
    assert tags.count("/H1") == 1
    assert {"/Document", "/P", "/L", "/LI", "/Lbl", "/LBody"} <= set(tags)
    order = reading_order(standard)
    assert order[order.index(SUBJECT) - 1].startswith(REFERENCE)


def test_the_fonts_are_embedded_and_upright_dejavu_sans(standard, large_print):
    for reader in (standard, large_print):
        for page in reader.pages:
            for font in page["/Resources"]["/Font"].values():
                font = font.get_object()
                descendant = font["/DescendantFonts"][0].get_object()
                descriptor = descendant["/FontDescriptor"]
                assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor)
                name = str(font["/BaseFont"]).split("+")[-1]
                assert name in {"DejaVu-Sans", "DejaVu-Sans-Bold"}  # no oblique: no italics


# Reading order and content


def test_the_text_is_read_in_the_letter_s_order(standard):
    expected = (
        "Harbour Homes Trust",
        "Ms Aisha Jones",
        "Date: 23 November 2026",
        REFERENCE,
        SUBJECT,
        "Dear Ms Jones,",
        "Thank you for telling us",
        "A surveyor will visit",
        "someone aged 18 or over",
        "we can reach the bedroom wall",
        "If you cannot be in",
        "Yours sincerely,",
        "Sam Patel",
        "Repairs Officer",
        "Phone: 0300 123 4500",
        "Email: sam.patel@harbourhomes.example",
    )
    assert in_order(reading_order(standard), *expected)
    drawn = [run.text for run in runs(standard, 0)]
    assert in_order(drawn, *expected)


def test_the_running_footer_is_kept_out_of_the_reading_order(standard):
    # WeasyPrint marks the content of page margins but leaves it out of the structure tree,
    # so a screen reader meets the reference once, not on every page.
    assert f"Reference {REFERENCE} · page 1 of 1" in page_text(standard, 0)
    assert sum(REFERENCE in text for text in reading_order(standard)) == 1


def test_html_in_the_text_is_shown_as_written():
    body = 'Call us <b>today</b> & ask for "Repairs" <script>alert(1)</script>'
    reader = PdfReader(io.BytesIO(letter_pdf(letter(body=body, recipient_name="Ms <i>Jones</i>"))))
    text = page_text(reader, 0)
    assert body in text
    assert "Ms <i>Jones</i>" in text


def test_control_characters_are_dropped():
    reader = PdfReader(io.BytesIO(letter_pdf(letter(body="Rent\x00 is\x1b due\x07 now."))))
    assert "Rent is due now." in page_text(reader, 0)


def test_the_officer_can_be_reached_through_the_organisation_if_they_have_no_direct_line():
    signed = letter(signature=Signature(name="Sam Patel", post_title="Repairs Officer"))
    order = reading_order(PdfReader(io.BytesIO(letter_pdf(signed))))
    assert in_order(
        order,
        "Sam Patel",
        "Repairs Officer",
        "Phone: 0300 123 4567",
        "Email: help@harbourhomes.example",
    )


@pytest.mark.parametrize(
    ("name", "post_title", "missing"),
    [
        ("", "Repairs Officer", "name"),
        ("Sam Patel", "  ", "post title"),
        ("\x00", "\n", "name and no post title"),
    ],
)
def test_an_unsigned_letter_is_refused(name, post_title, missing):
    unsigned = letter(signature=Signature(name=name, post_title=post_title))
    with pytest.raises(ValueError, match=f"no {missing}"):
        letter_pdf(unsigned)


def test_a_letter_without_a_subject_is_refused():
    # PDF/UA needs a title, and the subject is the title.
    with pytest.raises(ValueError, match="must have a subject"):
        letter_pdf(letter(subject=" \x00 "))


# Print sizes and pages


def body_sizes(reader: PdfReader) -> dict[str, float]:
    return {run.text: run.size for run in runs(reader, 0) if run.mcid is not None}


def test_standard_print_is_12_pt(standard):
    sizes = body_sizes(standard)
    assert sizes["Dear Ms Jones,"] == 12
    assert min(sizes.values()) == 12
    assert sizes[SUBJECT] > 12


def test_large_print_is_16_pt(large_print):
    sizes = body_sizes(large_print)
    assert sizes["Dear Ms Jones,"] == 16
    assert min(sizes.values()) == 16
    footer = [run for run in runs(large_print, 0) if run.text.startswith("Reference")]
    assert [run.size for run in footer] == [16]


def test_large_print_can_be_larger():
    reader = PdfReader(io.BytesIO(letter_pdf(LETTER, large_print=True, large_print_pt=20)))
    assert min(body_sizes(reader).values()) == 20


@pytest.mark.parametrize("size", [12, 15, 49])
def test_large_print_outside_16_to_48_pt_is_refused(size):
    with pytest.raises(ValueError, match="Large print must be 16 to 48 pt"):
        letter_pdf(LETTER, large_print=True, large_print_pt=size)


def test_a_long_letter_shows_the_reference_and_page_number_on_every_page():
    body = "\n\n".join(
        f"Paragraph {n}. We will repair the window, the door and the damp in the bedroom."
        for n in range(1, 46)
    )
    reader = PdfReader(io.BytesIO(letter_pdf(letter(body=body))))
    pages = len(reader.pages)
    assert pages >= 3
    for number in range(1, pages + 1):
        assert f"Reference {REFERENCE} · page {number} of {pages}" in page_text(reader, number - 1)
    order = reading_order(reader)
    assert in_order(order, "Paragraph 1.", "Paragraph 45.", "Yours sincerely,", "Sam Patel")


def test_a_letter_without_a_reference_still_numbers_its_pages():
    reader = PdfReader(io.BytesIO(letter_pdf(letter(reference=""))))
    text = page_text(reader, 0)
    assert "Page 1 of 1" in text
    assert "reference" not in text.lower()


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.text(max_size=300), name=st.text(max_size=40))
def test_any_text_renders(body, name):
    pdf = letter_pdf(letter(body=body, recipient_name=name))
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 1
    assert catalog(reader)["/MarkInfo"]["/Marked"].value is True


# The letter as data


def test_the_date_is_written_in_full():
    assert long_date(datetime.date(2026, 11, 23)) == "23 November 2026"
    assert long_date(datetime.date(2027, 1, 5)) == "5 January 2027"


def test_the_body_is_paragraphs_and_bulleted_lists():
    body = (
        "First line\nsecond line\n\n"
        "Please bring:\n- your tenancy\n  agreement\n- proof of\tincome\n"
        "and nothing else.\r\n  \r\nLast."
    )
    assert body_blocks(body) == (
        Paragraph(("First line", "second line")),
        Paragraph(("Please bring:",)),
        BulletList(("your tenancy agreement", "proof of income")),
        Paragraph(("and nothing else.",)),
        Paragraph(("Last.",)),
    )
    assert body_blocks("\n\n \n") == ()
    assert body_blocks("- ") == (Paragraph(("-",)),)


def test_control_characters_go_but_line_breaks_stay():
    assert clean_text("a\x00b\r\nc\u2028d\te\ud800") == "ab\nc\nd e"
    assert clean_line("  Ms\n Aisha\x1b  Jones ") == "Ms Aisha Jones"
