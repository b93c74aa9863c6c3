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

from django.conf import settings

from caredesk.core.file_checks import CheckedFile, FileRefused, file_check
from caredesk.core.store import store_get, store_path
from caredesk.mail.models import EmailAttachment, InboundEmail

MISSING = "The file is missing from the store."


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
