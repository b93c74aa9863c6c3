"""Files people send, read through: PDFs parsed for what could run, images decoded."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import ImageFile
from pypdf import PdfWriter

from caredesk.core.file_checks import (
    CheckedFile,
    FileRefused,
    file_check,
    file_extension,
    file_problem,
)
from caredesk.core.tests.files import image, pdf

PLAIN = pdf()
JAVASCRIPT = "This PDF contains JavaScript, which could harm the computer that opens it."


def refusal(data: bytes, **options: object) -> str:
    with pytest.raises(FileRefused) as refused:
        file_check(data, **options)  # type: ignore[arg-type]
    return refused.value.message


def test_a_plain_pdf_passes_with_its_pages():
    assert file_check(PLAIN) == CheckedFile("application/pdf", 1)


def test_a_pdf_written_by_pypdf_passes():
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    assert file_check(out.getvalue()).pages == 2


@pytest.mark.parametrize(
    ("where", "says"),
    [
        # JavaScript run as the file opens
        ({"catalog": b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"}, JAVASCRIPT),
        # ... with its name written in hex escapes, as attackers do
        ({"catalog": b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>"}, JAVASCRIPT),
        # ... in the document's names tree, two objects away
        (
            {
                "catalog": b"/Names << /JavaScript 4 0 R >>",
                "extra": [b"<< /Names [(a) 5 0 R] >>", b"<< /S /JavaScript /JS (x) >>"],
            },
            JAVASCRIPT,
        ),
        # ... as a stream
        (
            {
                "catalog": b"/OpenAction << /S /JavaScript /JS 4 0 R >>",
                "extra": [b"<< /Length 5 >>\nstream\nx=1;\nendstream"],
            },
            JAVASCRIPT,
        ),
        # the action's kind behind a reference
        ({"catalog": b"/OpenAction << /S 4 0 R >>", "extra": [b"/JavaScript"]}, JAVASCRIPT),
        # additional actions on a page
        (
            {"page": b"/AA << /O << /S /GoTo /D [3 0 R /Fit] >> >>"},
            "This PDF has actions that run by themselves",
        ),
        # a link that starts a program
        (
            {
                "page": b"/Annots [4 0 R]",
                "extra": [
                    b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] "
                    b"/A << /S /Launch /F (cmd.exe) >> >>"
                ],
            },
            "This PDF can start other programs",
        ),
        # files inside it
        (
            {
                "catalog": b"/Names << /EmbeddedFiles << /Names [(a.exe) 4 0 R] >> >>",
                "extra": [b"<< /Type /Filespec /F (a.exe) /EF << /F 5 0 R >> >>", b"<< >>"],
            },
            "This PDF has other files hidden inside it",
        ),
        (
            {
                "page": b"/Annots [4 0 R]",
                "extra": [b"<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 9 9] >>"],
            },
            "This PDF has other files hidden inside it",
        ),
        # an XFA form
        ({"catalog": b"/AcroForm << /Fields [] /XFA (x) >>"}, "This PDF is an XFA form"),
        # JavaScript in an object nothing points to (a viewer repairing the file may find it)
        ({"extra": [b"<< /S /JavaScript /JS (x) >>"]}, JAVASCRIPT),
    ],
)
def test_a_pdf_that_could_run_or_hide_something_is_refused_with_the_reason(where, says):
    data = pdf(
        *where.get("extra", []), catalog=where.get("catalog", b""), page=where.get("page", b"")
    )
    assert says in refusal(data)


def test_a_link_to_a_web_page_is_not_refused():
    link = (
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /URI /URI (https://x.org) >> >>"
    )
    assert file_check(pdf(link, page=b"/Annots [4 0 R]")).pages == 1


def test_the_reason_names_the_file_and_says_what_to_do_next():
    data = pdf(catalog=b"/OpenAction << /S /JavaScript /JS (x) >>")
    message = refusal(data, name="scan.pdf", next_step="Scan the letter again as a plain PDF.")
    assert message == f"scan.pdf: {JAVASCRIPT} Scan the letter again as a plain PDF."


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"%PDF-1.7 po polsku", "This file does not open as a PDF"),
        (PLAIN[: len(PLAIN) // 2], "This file does not open as a PDF"),
        (pdf(pages=False), "This PDF has no pages"),
    ],
)
def test_a_pdf_that_does_not_open_or_is_empty_is_refused(data, says):
    assert says in refusal(data)


def test_a_pdf_locked_with_a_password_is_refused_but_one_locked_for_printing_only_passes():
    def encrypted(user: str) -> bytes:
        writer = PdfWriter()
        writer.add_blank_page(200, 200)
        writer.encrypt(user_password=user, owner_password="owner", algorithm="AES-128")
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    assert "locked with a password" in refusal(encrypted("secret"))
    assert file_check(encrypted("")).pages == 1


# -- images -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "content_type"),
    [
        ("PNG", "image/png"),
        ("JPEG", "image/jpeg"),
        ("GIF", "image/gif"),
        ("TIFF", "image/tiff"),
        ("WEBP", "image/webp"),
    ],
)
def test_each_kind_of_image_is_decoded_and_known_by_its_bytes(kind, content_type):
    assert file_check(image(kind)) == CheckedFile(content_type, 1)


def test_every_page_of_a_tiff_is_decoded():
    assert file_check(image("TIFF", frames=3)).pages == 3


def test_an_image_over_the_pixel_cap_is_refused_naming_its_size(settings):
    settings.CAREDESK_UPLOAD_MAX_PIXELS = 1_000
    assert "This image is 40 by 30 pixels, too large to open safely" in refusal(image("PNG"))
    assert file_check(image("PNG"), max_pixels=1_200).pages == 1


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def test_a_decompression_bomb_is_refused_before_it_is_decoded():
    # given: a PNG of 60 bytes that says it is 100,000 by 100,000 pixels
    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    data = (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 1000))
        + _png_chunk(b"IEND", b"")
    )
    assert "too large to open safely" in refusal(data)


@pytest.mark.parametrize("kind", ["PNG", "JPEG", "GIF", "TIFF", "WEBP"])
@pytest.mark.parametrize("loads_truncated", [False, True])
def test_a_cut_short_image_is_refused_even_where_pillow_is_told_to_load_them(
    monkeypatch, kind, loads_truncated
):
    # WeasyPrint, once imported, sets ImageFile.LOAD_TRUNCATED_IMAGES for the whole process
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", loads_truncated)
    data = image(kind, size=(400, 400))
    refusal(data[: len(data) * 2 // 3])
    assert ImageFile.LOAD_TRUNCATED_IMAGES is loads_truncated  # put back as it was


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04 a Word document",
        b"%!PS-Adobe-3.0 EPSF-3.0\n",  # Pillow could open it, with Ghostscript: never tried
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b"BM" + b"\x00" * 60,  # a bitmap: an image, but not one caredesk takes
        b"",
    ],
)
def test_anything_else_is_refused_as_not_a_pdf_or_an_image(data):
    assert "This file is not a PDF or an image (PNG, JPEG, GIF, TIFF or WebP)." in refusal(data)


def test_file_problem_says_why_or_nothing():
    assert file_problem(PLAIN) == ""
    assert file_problem(b"hello") == (
        "This file is not a PDF or an image (PNG, JPEG, GIF, TIFF or WebP)."
    )


def test_the_extension_of_each_kind():
    kinds = ["application/pdf", "image/jpeg", "image/png", "image/tiff", "image/webp"]
    assert [file_extension(kind) for kind in kinds] == ["pdf", "jpg", "png", "tiff", "webp"]


# -- whatever the bytes: passed or refused, never anything else ---------------------------


def passed_or_refused(data: bytes) -> None:
    try:
        checked = file_check(data, max_pixels=2_000_000)
    except FileRefused as refused:
        reason = refused.reason
    else:
        reason = ""
        assert checked.content_type in {
            "application/pdf",
            "image/png",
            "image/jpeg",
            "image/gif",
            "image/tiff",
            "image/webp",
        }
    assert reason == "" or reason.endswith(".")


@given(st.binary(max_size=4_000))
def test_any_bytes_are_passed_or_refused(data):
    passed_or_refused(data)


STARTS = [b"%PDF-1.7\n", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF89a", b"II*\x00", b"MM\x00*"]


@given(st.sampled_from(STARTS), st.binary(max_size=4_000))
def test_any_bytes_after_a_pdf_or_image_start_are_passed_or_refused(start, rest):
    passed_or_refused(start + rest)


SAMPLES = [
    PLAIN,
    pdf(catalog=b"/OpenAction << /S /JavaScript /JS (x) >>"),
    image("PNG"),
    image("JPEG"),
    image("GIF", frames=2),
    image("TIFF", frames=2),
    image("WEBP"),
]


@given(st.sampled_from(SAMPLES), st.data())
def test_a_real_file_damaged_anywhere_is_passed_or_refused(sample, data):
    damaged = bytearray(sample)
    for _ in range(data.draw(st.integers(1, 8))):
        where = data.draw(st.integers(0, len(damaged) - 1))
        damaged[where] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(1, len(damaged)))
    passed_or_refused(bytes(damaged[:cut]))


def test_a_pdf_with_javascript_never_passes_however_its_end_is_cut():
    # the cross-reference table and trailer damaged: pypdf rebuilds them, as viewers do
    data = pdf(catalog=b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>")
    for cut in range(data.index(b"endobj") + 6, len(data) + 1):
        with pytest.raises(FileRefused):
            file_check(data[:cut])
