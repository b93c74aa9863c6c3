"""Emails' attachments in the desk: each read through (caredesk.core.file_checks) before
the browser is let show it.

An attachment that passes (a PDF with nothing that runs, an image that decodes within
the pixel cap) can be viewed in the browser. Any other (a PDF with JavaScript, a file
that does not open, a Word document caredesk cannot check) is offered only as a
download, and the email's page says why.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TypeVar

from csp.constants import SELF
from django.conf import settings
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header

from caredesk.core.file_checks import CheckedFile, FileRefused, file_check
from caredesk.core.store import store_get, store_path
from caredesk.mail.models import EmailAttachment, InboundEmail, ReceivedLetter

MISSING = "The file is missing from the store."
R = TypeVar("R", bound=HttpResponseBase)


@dataclass(frozen=True)
class CheckedAttachment:
    attachment: EmailAttachment
    checked: CheckedFile | None  # None: download only
    problem: str  # why it is download only ("" if it may be viewed)


def attachment_check(*, attachment: EmailAttachment) -> CheckedAttachment:
    checked, problem = _stored_file_check(attachment.sha256, settings.CAREDESK_UPLOAD_MAX_PIXELS)
    return CheckedAttachment(attachment, checked, problem)


def email_attachments_checked(*, email: InboundEmail) -> list[CheckedAttachment]:
    return [attachment_check(attachment=each) for each in email.attachments.order_by("pk")]


def _stored_file_check(sha256: str, max_pixels: int) -> tuple[CheckedFile | None, str]:
    if not store_path(sha256).is_file():
        return None, MISSING  # not kept: it may be stored yet
    try:
        return _file_check_once(sha256, max_pixels)
    except OSError:  # gone since (a failure is not kept in the cache)
        return None, MISSING


@functools.lru_cache(maxsize=512)
def _file_check_once(sha256: str, max_pixels: int) -> tuple[CheckedFile | None, str]:
    """The check of a stored file, made once a process: the same digest is the same bytes."""
    try:
        return file_check(store_get(sha256), max_pixels=max_pixels), ""
    except FileRefused as refused:
        return None, refused.reason


# -- previews ------------------------------------------------------------------------------
#
# A file that passed its check is shown in the page it is listed on: a PDF in an
# <iframe> of its own address with ?view=1, an image as an <img> of it. That response
# says "inline" with the type the check found (never what the sender claimed), keeps
# nosniff (core.store), and may be framed by our own pages only: X-Frame-Options
# SAMEORIGIN and the Content-Security-Policy's frame-ancestors 'self', for that
# response alone (every other page may be framed by nobody). The pages that frame it
# allow frames from 'self' (settings: frame-src) and no <object> at all.


def scan_check(*, letter: ReceivedLetter) -> tuple[CheckedFile | None, str]:
    """The check of a letter's scan (made when it was logged, and again here: the cache
    makes that once a process)."""
    if not letter.scan_sha256:
        return None, "There is no scan."
    return _stored_file_check(letter.scan_sha256, settings.CAREDESK_UPLOAD_MAX_PIXELS)


def inline_for_preview(response: R, *, name: str) -> R:
    """Make a checked file's download a preview our own pages may frame."""
    response["Content-Disposition"] = content_disposition_header(False, name) or "inline"
    response["X-Frame-Options"] = "SAMEORIGIN"
    # django-csp's per-response replacement (what its csp_replace decorator sets).
    response._csp_replace = {"frame-ancestors": [SELF]}  # type: ignore[attr-defined]
    return response
