"""The mail store: files kept by the digest of their bytes (messages, attachments).

A file is written once, whatever the number of messages that carry it, and writing it
again is a no-op, so receiving is idempotent. A file is written before the database
row that points to it commits; if the transaction then fails, the file stays, unreferenced
and harmless, and the message's next arrival uses it.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from django.conf import settings


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
        temporary.write(data)
    os.replace(temporary.name, path)  # whole or not at all
    return digest


def store_get(sha256: str) -> bytes:
    return store_path(sha256).read_bytes()
