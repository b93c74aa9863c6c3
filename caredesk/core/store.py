"""The file store: files kept by the digest of their bytes (emails as they came, their
attachments, scans of letters received, letters written and their formats, translations).

It lives in core because it is plumbing that several apps use (mail and documents now;
whatever keeps a customer's files next) and knows nothing of what the files mean. The
folder is the CAREDESK_MAIL_STORE setting (named when email was its only user).

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
