"""Files that people send: checked all the way through before they are kept or shown.

A scan of a letter, a translator's file or an email's attachment may be anything its
sender made it: a PDF that runs JavaScript or starts a program when it is opened, a
file that carries other files inside it, an image of a few kilobytes that inflates to
gigabytes (a decompression bomb), or something else entirely with a PDF's name. Looking
at the first bytes says none of that. So:

- a **PDF** (its bytes begin ``%PDF-``) is parsed (pypdf), and every object in it is
  read: JavaScript (``/JS``, ``/JavaScript`` in the names tree or an action, an
  ``/OpenAction`` that runs it), additional actions (``/AA``: run when a page opens or a
  field is used), ``/Launch`` actions, embedded files and XFA forms are refused, as is
  a PDF that does not parse, is locked with a password, or has no pages;
- an **image** (PNG, JPEG, GIF, TIFF, WebP; no other decoder is tried) is decoded in
  full, frame by frame, after its size is checked against a pixel cap;
- **anything else** is refused: caredesk does not know how to check it.

`file_check` returns what the file is, or raises `FileRefused` with a reason in plain
English; nothing else escapes it, whatever the bytes (a property test says so). It knows
nothing of cases or letters: the caller adds what the person should do next.
`upload_check` is the same for a file someone uploads: refused too if it is empty or
over its size limit.
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from PIL import Image, ImageFile
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, PdfObject

from caredesk.core.uploads import size_problem
from caredesk.errors import CaredeskError

logger = logging.getLogger(__name__)

PDF = "application/pdf"
# Pillow's names for the image formats a scan may be, and no others (EPS, say, would
# run Ghostscript).
IMAGE_FORMATS = ("PNG", "JPEG", "GIF", "TIFF", "WEBP")
KINDS_TEXT = "a PDF or an image (PNG, JPEG, GIF, TIFF or WebP)"
# For a file input's `accept`: what a browser offers to choose (the check decides).
ACCEPT = "application/pdf,image/png,image/jpeg,image/gif,image/tiff,image/webp"
MAX_FRAMES = 1_000  # pages of a TIFF, frames of a GIF
MAX_PDF_OBJECTS = 2_000_000  # more than any scan has; a file with more is refused

# What a refused PDF has, after "This PDF ".
JAVASCRIPT = "contains JavaScript, which could harm the computer that opens it"
ACTIONS = (
    "has actions that run by themselves when it is opened or used, which could harm the "
    "computer that opens it"
)
LAUNCH = "can start other programs, which could harm the computer that opens it"
EMBEDDED = "has other files hidden inside it, which caredesk cannot check"
XFA = "is an XFA form, which can run code when it is opened"


class FileRefused(CaredeskError):
    """A file someone sent that caredesk will not keep or show: not a PDF or an image, one
    that does not open, one that can run code (JavaScript, launch actions), one with
    files hidden inside it, or an image too large to open safely."""

    code = "file_refused"

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason  # the sentence about the file, without the next step


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed: what its bytes are, whatever it was called."""

    content_type: str  # application/pdf, image/png ...
    pages: int  # pages of a PDF, frames of an image

    @property
    def extension(self) -> str:
        return file_extension(self.content_type)


def file_extension(content_type: str) -> str:
    """The usual file name ending for a type `file_check` passes ("pdf", "jpg", "tiff")."""
    return {"application/pdf": "pdf", "image/jpeg": "jpg"}.get(
        content_type, content_type.removeprefix("image/")
    )


def file_check(
    data: bytes, *, name: str = "", next_step: str = "", max_pixels: int | None = None
) -> CheckedFile:
    """What `data` is, if it is a PDF or an image that is safe to keep and show.

    Raises `FileRefused`: "`name`: This PDF contains JavaScript, ... `next_step`".
    `max_pixels` caps each image or frame (default: the CAREDESK_UPLOAD_MAX_PIXELS
    setting)."""
    cap = settings.CAREDESK_UPLOAD_MAX_PIXELS if max_pixels is None else max_pixels
    if data.startswith(b"%PDF-"):
        problem, checked = _pdf_check(data)
    else:
        problem, checked = _image_check(data, cap)
    if checked is not None:
        return checked
    message = " ".join(part for part in (f"{problem}.", next_step.strip()) if part)
    raise FileRefused(f"{name}: {message}" if name else message, reason=f"{problem}.")


def upload_check(
    data: bytes,
    *,
    name: str = "",
    limit: int,
    what: str = "The file",
    next_step: str = "",
    too_large: str = "",
) -> CheckedFile:
    """`file_check` for an upload, after its size: refused (`FileRefused`) if it is empty
    or larger than `limit` bytes (with `too_large`, what to do then, after the sizes),
    else as `file_check` refuses it (with `next_step`). `name`, or else `what`, says
    which file in the messages."""
    called = name or what
    if not data:
        problem = f"{called} is empty."
        raise FileRefused(problem, reason=problem)
    problem = size_problem(size=len(data), limit=limit, what=called)
    if problem:
        raise FileRefused(" ".join(part for part in (problem, too_large) if part), reason=problem)
    return file_check(data, name=name, next_step=next_step)


def file_problem(data: bytes, *, max_pixels: int | None = None) -> str:
    """Why `data` fails `file_check`, or "" if it passes."""
    try:
        file_check(data, max_pixels=max_pixels)
    except FileRefused as refused:
        return refused.reason
    return ""


# -- PDF --------------------------------------------------------------------------------


def _pdf_check(data: bytes) -> tuple[str, CheckedFile | None]:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return (
                "This PDF is locked with a password, so caredesk cannot check it. "
                "Ask for it again without the password",
                None,
            )
        danger = _pdf_danger(reader)
        pages = 0 if danger else len(reader.pages)
    except Exception as error:  # whatever pypdf raises, the file is refused
        logger.info("A PDF did not parse: %s: %.200s", type(error).__name__, error)
        return "This file does not open as a PDF: it may be damaged, or not a PDF at all", None
    if danger:
        return f"This PDF {danger}", None
    if not pages:
        return "This PDF has no pages", None
    return "", CheckedFile(PDF, pages)


def _pdf_danger(reader: PdfReader) -> str:
    """What in the PDF could run or hide something ("" if nothing): every object the
    document reaches, and every object its cross-reference tables list, is read."""
    pending: list[PdfObject] = [reader.trailer]
    for generation, numbers in reader.xref.items():
        pending.extend(IndirectObject(number, generation, reader) for number in numbers)
    pending.extend(IndirectObject(number, 0, reader) for number in reader.xref_objStm)
    seen: set[tuple[int, int]] = set()
    while pending:
        item = pending.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            if len(seen) > MAX_PDF_OBJECTS:
                return f"has more than {MAX_PDF_OBJECTS:,} objects, too many to check"
            item = item.get_object()  # type: ignore[assignment]
        if isinstance(item, DictionaryObject):  # streams' dictionaries included
            danger = _dictionary_danger(item)
            if danger:
                return danger
            pending.extend(dict.values(item))  # unresolved: references stay references
        elif isinstance(item, ArrayObject):
            pending.extend(list.__iter__(item))
    return ""


def _dictionary_danger(item: DictionaryObject) -> str:
    keys = set(dict.keys(item))
    if keys & {"/JS", "/JavaScript"}:
        return JAVASCRIPT
    if "/AA" in keys:
        return ACTIONS
    if "/XFA" in keys:
        return XFA
    if keys & {"/EmbeddedFiles", "/EmbeddedFile", "/EF"}:
        return EMBEDDED
    action = _name(item, "/S")
    if action == "/JavaScript":
        return JAVASCRIPT
    if action == "/Launch":
        return LAUNCH
    if action == "/GoToE" or _name(item, "/Type") == "/EmbeddedFile":
        return EMBEDDED
    if _name(item, "/Subtype") in ("/FileAttachment", "/EmbeddedFile"):
        return EMBEDDED
    return ""


def _name(item: DictionaryObject, key: str) -> object:
    """The value at `key`, followed if it is a reference to another object."""
    value = dict.get(item, key)
    return value.get_object() if isinstance(value, IndirectObject) else value


# -- images -----------------------------------------------------------------------------


@contextmanager
def _strict_decoding() -> Iterator[None]:
    """Pillow refusing a cut-short image, whatever the process set: WeasyPrint, once
    imported, tells Pillow to load truncated images (a module-wide switch), so it is put
    back as it was afterwards. One image check at a time, so two never unset it early."""
    with _STRICT:
        before = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = before


_STRICT = threading.Lock()


def _image_check(data: bytes, max_pixels: int) -> tuple[str, CheckedFile | None]:
    try:
        with _strict_decoding(), Image.open(io.BytesIO(data), formats=IMAGE_FORMATS) as image:
            kind = image.format or ""
            frames = int(getattr(image, "n_frames", 1))
            if frames > MAX_FRAMES:
                return (
                    f"This image has {frames:,} pages: caredesk takes at most {MAX_FRAMES:,}",
                    None,
                )
            for frame in range(frames):
                image.seek(frame)
                width, height = image.size
                if width * height > max_pixels:
                    return (
                        f"This image is {width:,} by {height:,} pixels, too large to open "
                        f"safely (the most is {max_pixels:,} pixels)",
                        None,
                    )
                image.load()
    except Image.DecompressionBombError:
        return "This image is too large to open safely", None
    except Exception as error:  # whatever Pillow raises, the file is refused
        if _looks_like_image(data):
            logger.info("An image did not decode: %s: %.200s", type(error).__name__, error)
            return "This image does not open: it may be damaged or cut short", None
        return f"This file is not {KINDS_TEXT}", None
    return "", CheckedFile(Image.MIME.get(kind, "application/octet-stream"), frames)


_IMAGE_STARTS = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",
    b"GIF87a",
    b"GIF89a",
    b"II*\x00",
    b"MM\x00*",
)


def _looks_like_image(data: bytes) -> bool:
    return data.startswith(_IMAGE_STARTS) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")
