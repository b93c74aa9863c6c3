"""The file store: files kept by the digest of their bytes (emails as they came, their
attachments, scans of letters received, letters written and their formats, translations).

It lives in core because it is plumbing that several apps use (mail and documents now;
whatever keeps a customer's files next) and knows nothing of what the files mean. The
folder is the CAREDESK_MAIL_STORE setting (named when email was its only user).

A file is written once, whatever the number of messages that carry it, and writing it
again is a no-op, so receiving is idempotent. A file is written (and synced to disk)
before the database row that points to it commits. If the transaction then fails, the
file stays with no row pointing to it, and the message's next arrival uses it; such
files hold personal data, so the store is swept for files no row names
(privacy.store_sweep), and erasing a customer removes the files only they used.

A file is removed only when nothing has written or reused it for a while
(`store_remove`): writing a file that is already here touches it, so a message arriving
as a customer is erased, with an attachment the same as one of theirs, keeps the file
its new row will name. Those times are the file system's, not a caredesk clock's.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
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
        try:
            os.utime(path)  # used again: not to be removed as unused (store_remove)
        except FileNotFoundError:
            pass  # removed this instant: written again below
        else:
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


_DIGEST = re.compile(r"[0-9a-f]{64}")


def store_files() -> Iterator[tuple[str, float]]:
    """Each file in the store: its digest, and when it was last written or reused (a
    POSIX time). Half-written temporary files are not files of the store."""
    folder = store_folder()
    if not folder.is_dir():
        return
    for shelf in os.scandir(folder):
        if not shelf.is_dir() or len(shelf.name) != 2:
            continue
        for entry in os.scandir(shelf.path):
            if _DIGEST.fullmatch(entry.name) and entry.name[:2] == shelf.name:
                yield entry.name, entry.stat().st_mtime


# Files removed at once: on a file system mounted with `discard` (most cloud disks) each
# removal waits for the disk to be told the blocks are free, some milliseconds, while
# the removals overlap well (16 at once: 10,000 files in 2 s rather than 28 s, measured).
REMOVING_AT_ONCE = 16


def store_remove(digests: Iterable[str], *, unused_for: float) -> list[str]:
    """Remove these files, but not one written or reused in the last `unused_for`
    seconds (a message arriving now may be about to name it). The digests removed."""
    wanted = [digest for digest in digests if _DIGEST.fullmatch(digest)]
    if len(wanted) < 2:
        return [digest for digest in wanted if _remove_unused(digest, unused_for)]
    with ThreadPoolExecutor(max_workers=REMOVING_AT_ONCE) as pool:
        removed = pool.map(lambda digest: _remove_unused(digest, unused_for), wanted)
        return [digest for digest, gone in zip(wanted, removed, strict=True) if gone]


def _remove_unused(digest: str, unused_for: float) -> bool:
    path = store_path(digest)
    try:
        if time.time() - path.stat().st_mtime < unused_for:
            return False
        path.unlink()
    except FileNotFoundError:
        return False
    return True


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
