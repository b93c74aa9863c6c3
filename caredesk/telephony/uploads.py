"""Call records files sent from the desk or the API: checked, kept, and queued for import.

`call_upload_accept` saves the file under `var/call-imports/<uuid>/` (with the uploaded
mapping, if any, beside it), looks at its first rows so an obviously wrong file is
refused at once with a plain reason, records a CallImport (running, with the file's
size for the progress bar) and queues `import_calls_file` once the transaction commits.
The worker then runs the import itself (`importing.calls_import`).

The uploaded name is never trusted: only its last part is kept, reduced to letters,
digits, dots, dashes and underscores.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import json
import logging
import re
import shutil
import unicodedata
import uuid
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils.module_loading import import_string

from caredesk.core.clock import Clock
from caredesk.core.uploads import size_problem
from caredesk.errors import CaredeskError
from caredesk.staff.models import StaffMember
from caredesk.standards import Policy
from caredesk.standards.sizes import size_text
from caredesk.telephony.call_file import MAX_LINE_BYTES, CallFile, CallFileError
from caredesk.telephony.importing import call_imports_stop_stalled, calls_import
from caredesk.telephony.mapped_csv import generic_rows
from caredesk.telephony.mapping import Mapping, MappingError, load_mapping, parse_mapping
from caredesk.telephony.models import CallImport, ImportStatus

logger = logging.getLogger(__name__)

ASTERISK = "asterisk"
GENERIC = "generic"
FORMATS = (ASTERISK, GENERIC)
ASTERISK_COLUMNS = 18  # accountcode ... userfield (Asterisk's documented order)
ASTERISK_FEWEST = 17  # some versions leave off userfield
MANIFEST = "upload.json"
MAPPING_FILE = "mapping.toml"
SAMPLE_BYTES = 64 * 1024  # how much of the file is looked at before it is accepted
SAMPLE_ROWS = 50
GZIP_MAGIC = b"\x1f\x8b"
MAX_MAPPING_BYTES = 64 * 1024
# The worker's task, queued by its name: the tasks module imports this one, not the
# other way round.
IMPORT_TASK = "caredesk.telephony.tasks.import_calls_file"
# The first bytes of files people pick by mistake.
NOT_CSV = {
    b"PK\x03\x04": "an Excel workbook or a zip file: save it from the spreadsheet as CSV first",
    b"\xd0\xcf\x11\xe0": "an old Excel workbook (.xls): save it from the spreadsheet as CSV first",
    b"%PDF": "a PDF document, not call records",
}


class UploadRefused(CaredeskError):
    """A file (or mapping) that cannot be imported; `field` is the form field to blame."""

    code = "call_file_refused"

    def __init__(self, message: str, *, field: str = "file") -> None:
        super().__init__(message)
        self.field = field


class FileTooBig(UploadRefused):
    """A file (or mapping) over its size limit (the API answers 413 for it)."""

    code = "call_file_too_big"


class Sent(Protocol):
    """What Django's UploadedFile offers (and all the service needs)."""

    name: str | None
    size: int | None

    def chunks(self, chunk_size: int | None = None) -> Iterable[bytes]: ...


@dataclass(frozen=True)
class Upload:
    """Where a kept upload is, and what the worker needs to import it."""

    folder: Path
    path: Path
    file_format: str  # asterisk or generic
    mapping: str | None  # a shipped mapping's name, or the path of the uploaded one


def call_imports_folder() -> Path:
    """Where uploaded files are kept: var/call-imports in the project's folder."""
    return Path(settings.BASE_DIR) / "var" / "call-imports"


def safe_file_name(name: str | None, *, fallback: str = "calls.csv") -> str:
    """The last part of an uploaded name, kept to letters, digits and . _ - (at most 100)."""
    last = re.split(r"[\\/]", name or "")[-1]
    ascii_only = unicodedata.normalize("NFKD", last).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_only).strip(".-_ ")
    cleaned = re.sub(r"\.{2,}", ".", cleaned)
    if not cleaned:
        return fallback
    if len(cleaned) > 100:
        stem, dot, suffix = cleaned.rpartition(".")
        if dot and 0 < len(suffix) <= 10:
            cleaned = stem[: 99 - len(suffix)] + "." + suffix
        else:
            cleaned = cleaned[:100]
    return cleaned


def call_upload_accept(
    *,
    upload: Sent,
    file_format: str,
    mapping_name: str | None = None,
    mapping_upload: Sent | None = None,
    by: StaffMember | None,
    clock: Clock,
) -> CallImport:
    """Keep the file, check its first rows, record the import and queue it for the worker.

    Raises UploadRefused (with the form field to blame) for a file or mapping that cannot
    be imported; nothing is kept then.
    """
    if file_format not in FORMATS:
        raise UploadRefused("Choose Asterisk or another phone system.", field="file_format")
    limit = int(settings.CAREDESK_CALLS_MAX_UPLOAD_BYTES)
    problem = size_problem(size=upload.size or 0, limit=limit)
    if problem:
        raise FileTooBig(problem)
    mapping, mapping_text = _mapping(file_format, mapping_name, mapping_upload)
    folder = call_imports_folder() / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=False)
    try:
        path = folder / safe_file_name(upload.name)
        if path.name in (MANIFEST, MAPPING_FILE):
            path = folder / f"calls-{path.name}"
        size = _keep(upload, path, limit=limit)
        path = _name_compression(path)
        _check(path, file_format=file_format, mapping=mapping)
        mapping_ref = mapping_name if mapping_text is None else str(folder / MAPPING_FILE)
        if mapping_text is not None:
            (folder / MAPPING_FILE).write_text(mapping_text, encoding="utf-8")
        kept = Upload(
            folder=folder,
            path=path,
            file_format=file_format,
            mapping=mapping_ref if file_format == GENERIC else None,
        )
        call_import = CallImport.objects.create(
            file_name=path.name,
            file_format=ASTERISK if mapping is None else mapping.name,
            status=ImportStatus.RUNNING,
            started_at=clock.now(),
            bytes_total=size,
            started_by=by,
        )
        _write_manifest(kept, call_import.pk)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    transaction.on_commit(partial(_queue, call_import.pk, folder.name))
    return call_import


def upload_for(import_id: int, folder_name: str) -> Upload:
    """The kept upload of an import (the task's arguments), read back from its manifest."""
    if not re.fullmatch(r"[0-9a-f]{32}", folder_name):
        raise UploadRefused(f"'{folder_name}' is not the name of an upload folder.")
    folder = call_imports_folder() / folder_name
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise UploadRefused(f"The uploaded file has gone ({error}).") from None
    if data.get("import_id") != import_id:
        raise UploadRefused("This upload belongs to another import.")
    return Upload(
        folder=folder,
        path=folder / Path(str(data["file"])).name,
        file_format=str(data["file_format"]),
        mapping=data.get("mapping"),
    )


def call_upload_import(
    *, import_id: int, folder_name: str, policy: Policy, clock: Clock
) -> CallImport | None:
    """Run the import of a kept upload (the worker's task); None if the import is gone.

    The import fills in the upload's own row, the one the progress page and the API
    follow. A second run of the same task (a worker that died) imports again: the
    import skips what is already here. Once the import has run (done, or failed with a
    reason) the uploaded file is deleted; sending it again starts a new import.
    """
    record = CallImport.objects.filter(pk=import_id).first()
    if record is None or record.status == ImportStatus.DONE:
        return record
    try:
        kept = upload_for(import_id, folder_name)
        if record.status == ImportStatus.FAILED and not kept.path.exists():
            return record  # it has run and its file is deleted: its reason stands
        record = calls_import(
            path=kept.path,
            file_format=kept.file_format,
            mapping=kept.mapping,
            policy=policy,
            clock=clock,
            by=record.started_by,
            rejects_dir=kept.folder,
            record=record,
        )
    except CaredeskError as error:
        _failed(import_id, error.message, clock)
        return CallImport.objects.filter(pk=import_id).first()
    except BaseException as error:
        _failed(import_id, f"The import stopped unexpectedly ({type(error).__name__}).", clock)
        raise
    # Done or failed, the file has been read: with every caller's number in it, it is not
    # kept longer than needed. The refused rows stay, for download.
    try:
        kept.path.unlink(missing_ok=True)
    except OSError:
        logger.exception("Could not delete the uploaded file of call import %s", import_id)
    return record


def call_uploads_stop_stalled(*, clock: Clock) -> int:
    """Mark failed the imports that stopped part-way (`call_imports_stop_stalled`) and
    delete their uploaded files, as a finished import's are: they hold every caller's
    number, and the import's message asks for the file to be sent again. How many."""
    stopped = call_imports_stop_stalled(clock=clock)
    if stopped:
        uploaded_files_delete(stopped)
    return len(stopped)


def uploaded_files_delete(import_ids: Iterable[int]) -> int:
    """Delete the uploaded files of these imports (their manifests and refused rows
    stay); how many were deleted."""
    wanted = set(import_ids)
    deleted = 0
    for manifest in call_imports_folder().glob(f"*/{MANIFEST}"):
        import_id = _import_id(manifest)
        if import_id not in wanted:
            continue
        try:
            path = upload_for(import_id, manifest.parent.name).path
            if path.exists():
                path.unlink()
                deleted += 1
        except (UploadRefused, OSError):
            logger.exception("Could not delete the uploaded file of call import %s", import_id)
    return deleted


def _import_id(manifest: Path) -> int | None:
    try:
        return int(json.loads(manifest.read_text(encoding="utf-8"))["import_id"])
    except (OSError, ValueError, KeyError, TypeError):
        return None  # not an upload's manifest


def _failed(import_id: int, message: str, clock: Clock) -> None:
    CallImport.objects.filter(pk=import_id).update(
        status=ImportStatus.FAILED, error=message[:2000], finished_at=clock.now()
    )


def _write_manifest(kept: Upload, import_id: int) -> None:
    manifest = {
        "import_id": import_id,
        "file": kept.path.name,
        "file_format": kept.file_format,
        "mapping": kept.mapping,
    }
    (kept.folder / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")


def _queue(import_id: int, folder_name: str) -> None:
    """Queue the import for the worker; an import that cannot be queued is marked failed
    (the uploaded file would otherwise wait for ever: no sweep queues it again)."""
    try:
        import_string(IMPORT_TASK).enqueue(import_id, folder_name)
    except DatabaseError:
        logger.exception("Could not queue call import %s", import_id)
        CallImport.objects.filter(pk=import_id, status=ImportStatus.RUNNING).update(
            status=ImportStatus.FAILED,
            error="The import could not be queued for the background worker. Try again.",
        )


def _mapping(
    file_format: str, mapping_name: str | None, mapping_upload: Sent | None
) -> tuple[Mapping | None, str | None]:
    """The mapping a generic file is read with (and the uploaded mapping's text, to keep)."""
    if file_format == ASTERISK:
        if mapping_name or mapping_upload is not None:
            raise UploadRefused(
                "Asterisk files need no mapping: leave the mapping empty, or choose "
                "'another phone system'.",
                field="mapping",
            )
        return None, None
    if mapping_name and mapping_upload is not None:
        raise UploadRefused("Choose a mapping or upload one, not both.", field="mapping")
    if mapping_upload is not None:
        text = _mapping_text(mapping_upload)
        try:
            return parse_mapping(text, source=safe_file_name(mapping_upload.name)), text
        except MappingError as error:
            raise UploadRefused(_mapping_problem(error), field="mapping_file") from None
    if not mapping_name:
        raise UploadRefused(
            "Choose the mapping that says which column holds what, or upload one.",
            field="mapping",
        )
    if "/" in mapping_name or "\\" in mapping_name or mapping_name.endswith(".toml"):
        raise UploadRefused(f"There is no mapping called '{mapping_name}'.", field="mapping")
    try:
        return load_mapping(mapping_name), None
    except MappingError as error:
        raise UploadRefused(_mapping_problem(error), field="mapping") from None


def _mapping_text(sent: Sent) -> str:
    data = b""
    for chunk in sent.chunks():
        data += chunk
        if len(data) > MAX_MAPPING_BYTES:
            raise FileTooBig(
                f"The mapping file is more than {size_text(MAX_MAPPING_BYTES)}: a mapping "
                f"must be {size_text(MAX_MAPPING_BYTES)} or smaller.",
                field="mapping_file",
            )
    if not data.strip():
        raise UploadRefused("The mapping file is empty.", field="mapping_file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise UploadRefused(
            "The mapping file is not text (UTF-8): it should be a small TOML file.",
            field="mapping_file",
        ) from None


def _mapping_problem(error: MappingError) -> str:
    problems = "; ".join(error.problems)
    return f"The mapping cannot be used: {problems}."


def _keep(upload: Sent, path: Path, *, limit: int) -> int:
    """Write the upload to `path`; refused once over `limit` bytes (its stated size may
    be wrong, so it is counted as it is written)."""
    size = 0
    with path.open("wb") as out:
        for chunk in upload.chunks():
            size += len(chunk)
            if size > limit:
                raise FileTooBig(
                    f"The file is more than {size_text(limit)}: it must be "
                    f"{size_text(limit)} or smaller."
                )
            out.write(chunk)
    if size == 0:
        raise UploadRefused("The file is empty. Choose the file the phone system exported.")
    return size


def _name_compression(path: Path) -> Path:
    """Make the kept name end in .gz exactly when the content is gzip (the import goes by it)."""
    with path.open("rb") as kept:
        is_gzip = kept.read(2) == GZIP_MAGIC
    if is_gzip:
        if path.suffix == ".gz":
            return path
        named = path.suffix.lower() == ".gz"
        return path.rename(path.with_suffix(".gz") if named else path.with_name(path.name + ".gz"))
    if path.suffix.lower() == ".gz":
        raise UploadRefused(
            "The file's name ends in .gz but it is not compressed with gzip. "
            "Send the file as the phone system exported it."
        )
    return path


def _check(path: Path, *, file_format: str, mapping: Mapping | None) -> None:
    """Refuse a file whose first rows show it cannot be call records in this format."""
    head = _head(path)
    for magic, what in NOT_CSV.items():
        if head.startswith(magic):
            raise UploadRefused(f"This is not a CSV file: it looks like {what}.")
    encoding = "utf-8" if mapping is None else mapping.format.encoding
    # A few NULs or bytes the encoding cannot read are the import's to deal with, row by
    # row (a NUL is removed and noted on its call; an unreadable row is refused with its
    # line number): only a file where they are dense (over 5%) is refused whole.
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(head, final=False)
    nuls, unreadable = head.count(b"\x00"), text.count("\ufffd")
    if nuls and nuls + unreadable > len(head) // 20:
        raise UploadRefused(
            "This is not a CSV file: it holds binary data. Send the CSV file the phone "
            "system exported (or the same compressed with gzip)."
        )
    if unreadable > len(text) // 20:
        raise UploadRefused(
            f"This file is not text in {encoding}: is it the CSV file the phone system exported?"
        )
    text = text.removeprefix("\ufeff")
    lines = text.splitlines()
    if len(head) >= SAMPLE_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut short by the sample
    lines = [line for line in lines if line.strip()][:SAMPLE_ROWS]
    if not lines:
        raise UploadRefused("The file is empty: it has no rows of call records.")
    if mapping is None:
        _check_asterisk(lines)
    else:
        _check_generic(path, mapping)


def _head(path: Path) -> bytes:
    if path.suffix != ".gz":
        with path.open("rb") as kept:
            return kept.read(SAMPLE_BYTES)
    try:
        with gzip.open(path, "rb") as kept:
            return kept.read(SAMPLE_BYTES)
    except (OSError, EOFError, zlib.error):
        raise UploadRefused(
            "The file is compressed (gzip) but cannot be opened: it may be cut short or "
            "damaged. Send it again."
        ) from None


def _check_asterisk(lines: list[str]) -> None:
    rows = list(csv.reader(lines))
    if any(len(row) >= ASTERISK_FEWEST for row in rows):
        return
    widest = max(len(row) for row in rows)
    first = ", ".join(rows[0][:4])
    raise UploadRefused(
        f"This is not an Asterisk Master.csv: its rows have at most {widest} columns, "
        f"where Asterisk writes {ASTERISK_COLUMNS} (accountcode, src, dst, ... userfield). "
        f"The first row begins: {first}. If it comes from another phone system, choose "
        "'Another phone system' and its mapping."
    )


def _check_generic(path: Path, mapping: Mapping) -> None:
    """The heading row must have every column the mapping names (as the import reads it).

    A gzip file is inflated no further than the heading needs (a line longer than
    MAX_LINE_BYTES is refused anyway): a first line that inflates to gigabytes must not
    be inflated during the request."""
    cap = min(int(settings.CAREDESK_CALLS_MAX_DECOMPRESSED_BYTES), SAMPLE_BYTES + MAX_LINE_BYTES)
    problem = ""
    with CallFile(path, max_inflated=cap) as call_file:
        try:
            next(generic_rows(call_file.lines(), mapping=mapping, file_name=path.name), None)
        except CallFileError as error:
            problem = error.message.removeprefix(f"{path.name}: ")
        if call_file.stopped:
            raise UploadRefused(
                f"This is not a CSV file: its first line is longer than {size_text(cap)} "
                "uncompressed. Send the CSV file the phone system exported."
            )
    if problem:
        raise UploadRefused(
            f"This file does not fit the mapping '{mapping.name}': {problem} "
            "Is this the right mapping for this file?",
            field="mapping",
        )


# -- reading back ----------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """How far an import has got, for the progress page and the API."""

    call_import: CallImport
    percent: int
    running: bool
    waiting: bool  # queued: the worker has not started on it yet
    status_words: str
    read_words: str
    has_rejects: bool


def call_imports_recent(*, limit: int = 20) -> list[CallImport]:
    """The latest imports, from the desk, the API and the command line, newest first."""
    return list(
        CallImport.objects.select_related("started_by").order_by("-started_at", "-pk")[:limit]
    )


def import_progress(call_import: CallImport) -> Progress:
    total, read = call_import.bytes_total, call_import.bytes_read
    running = call_import.status == ImportStatus.RUNNING
    if call_import.status == ImportStatus.DONE:
        percent = 100
    elif total > 0:
        percent = min(99 if running else 100, int(read * 100 / total))
    else:
        percent = 0
    waiting = running and read == 0 and call_import.rows_read == 0
    rows = call_import.rows_read
    if waiting:
        status = "Waiting for the background worker to start the import."
    elif running:
        status = f"Importing: {percent}% of the file read so far ({rows:,} rows)."
    elif call_import.status == ImportStatus.DONE:
        status = (
            f"Finished: {rows:,} rows read, {call_import.rows_imported:,} calls imported, "
            f"{call_import.rows_duplicate:,} already here, {call_import.rows_rejected:,} refused."
        )
    else:
        status = f"The import failed: {call_import.error or 'no reason was recorded.'}"
    return Progress(
        call_import=call_import,
        percent=percent,
        running=running,
        waiting=waiting,
        status_words=status,
        read_words=f"{size_text(min(read, total) if total else read)} of {size_text(total)}",
        has_rejects=call_import.rows_rejected > 0 and rejects_path(call_import) is not None,
    )


def rejects_path(call_import: CallImport) -> Path | None:
    """The import's rejects file, if it wrote one and it is still there."""
    if not call_import.rejects_file:
        return None
    path = Path(call_import.rejects_file)
    if not path.is_absolute():
        path = Path(settings.BASE_DIR) / path
    return path if path.is_file() else None
