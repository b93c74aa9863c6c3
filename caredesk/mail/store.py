"""The mail store: files kept by the digest of their bytes (messages, attachments).

A file is written once, whatever the number of messages that carry it, and writing it
again is a no-op, so receiving is idempotent. A file is written (and synced to disk)
before the database row that points to it commits. If the transaction then fails, the
file stays with no row pointing to it, and the message's next arrival uses it; such
files hold personal data, so erasure must sweep the store for them (not built yet).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404

from caredesk.core.clock import Clock
from caredesk.customers.models import Customer
from caredesk.customers.services import customer_access_record
from caredesk.staff.models import StaffMember


def store_folder() -> Path:
    return Path(settings.CAREDESK_MAIL_STORE)


def store_path(sha256: str) -> Path:
    return store_folder() / sha256[:2] / sha256


def store_put(data: bytes) -> str:
    """Keep the bytes; their SHA-256 digest, by which they are found again."""
    digest = hashlib.sha256(data).hexdigest()
    path = store_path(digest)
    if path.exists():
        return digest
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as temporary:
        try:
            temporary.write(data)
            temporary.flush()
            os.fsync(temporary.fileno())  # on disk before any row points to it
        except BaseException:
            os.unlink(temporary.name)
            raise
    os.replace(temporary.name, path)  # whole or not at all
    return digest


def store_get(sha256: str) -> bytes:
    return store_path(sha256).read_bytes()


def customer_file_download(
    sha256: str,
    *,
    name: str,
    content_type: str,
    customer: Customer | None,
    by: StaffMember,
    what: str,
    clock: Clock,
) -> FileResponse:
    """A stored file of a customer's as a download, the read recorded (DESIGN 7)."""
    customer_access_record(customers=[customer], by=by, what=what, clock=clock)
    return store_download(sha256, name=name, content_type=content_type)


def store_download(sha256: str, *, name: str, content_type: str) -> FileResponse:
    """A stored file as a download (never shown in the browser: it may be anything a
    customer sent)."""
    path = store_path(sha256)
    if not path.exists():
        raise Http404("The file is missing from the store.")
    response = FileResponse(path.open("rb"), as_attachment=True, filename=name)
    response["Content-Type"] = content_type or "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    return response
