"""Real files for tests: PDFs written byte by byte (so a test says exactly what is in
one) and images saved by Pillow."""

from __future__ import annotations

import io

from PIL import Image


def pdf(*extra: bytes, catalog: bytes = b"", page: bytes = b"", pages: bool = True) -> bytes:
    """A PDF with one blank page (or none); `extra` are objects 4, 5 ...; `catalog` and
    `page` add entries to those dictionaries."""
    kids = b"/Kids [3 0 R] /Count 1" if pages else b"/Kids [] /Count 0"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>",
        b"<< /Type /Pages " + kids + b" >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] " + page + b" >>",
        *extra,
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


PLAIN_PDF = pdf()
JAVASCRIPT_PDF = pdf(catalog=b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>")


def image(kind: str, size: tuple[int, int] = (40, 30), frames: int = 1) -> bytes:
    out = io.BytesIO()
    pictures = [Image.new("RGB", size, (index * 40, 90, 200)) for index in range(frames)]
    extra = {"save_all": True, "append_images": pictures[1:]} if frames > 1 else {}
    pictures[0].save(out, format=kind, **extra)
    return out.getvalue()
