"""The calls API: send a call records file to import, and follow its progress.

    POST /api/v1/calls/imports                    multipart: file, format, mapping | mapping_file
    GET  /api/v1/calls/imports/{import_id}        progress and counts
    GET  /api/v1/calls/imports/{import_id}/rejects.csv   the refused rows, with reasons

The import runs in the background worker, as from the desk: the POST answers 202 at once
with the import's id and the address to follow. All three need a token whose owner may
import calls (administrators and system administrators).
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import FileResponse, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from caredesk.api.auth import acting, call_rejects, imports
from caredesk.api.clock import api_clock
from caredesk.api.problems import AUTH_PROBLEMS, FieldError, NotFound, Problem, problem
from caredesk.api.schemas.calls import CallImportOut
from caredesk.api.types import Id, StorableStr
from caredesk.telephony.models import CallImport
from caredesk.telephony.uploads import (
    FileTooBig,
    UploadRefused,
    call_upload_accept,
    import_progress,
    rejects_path,
)

router = Router(tags=["calls"])

ONE_IMPORT_ANSWERS: dict[int, Any] = {**AUTH_PROBLEMS, 404: Problem}
SEND_ANSWERS: dict[int, Any] = {**AUTH_PROBLEMS, 400: Problem, 413: Problem, 422: Problem}
FIELD_NAMES = {"file_format": "format"}  # the service's names for the form's fields


@router.post("calls/imports", response={202: CallImportOut, **SEND_ANSWERS}, auth=imports)
def send_call_file(
    request: HttpRequest,
    response: HttpResponse,
    file: File[UploadedFile],
    format: Form[Literal["asterisk", "generic"]] = "asterisk",
    mapping: Form[StorableStr | None] = None,
    mapping_file: File[UploadedFile | None] = None,
) -> Status[CallImportOut] | HttpResponse:
    """Import a call records file (Asterisk Master.csv, or a CSV read by a mapping; gzip too).

    `format` is `asterisk` (the default) or `generic`; a generic file needs `mapping`, the
    name of a shipped mapping (`teams`, `mitel`...), or `mapping_file`, a mapping of its
    own (TOML). The file must be no larger than the setting CAREDESK_CALLS_MAX_UPLOAD_MB
    (200 MB by default) and a mapping file no larger than 64 KB: 413 naming the limit if
    not. The file's first rows are checked at once (422 if they cannot be call records in
    that format); the rest is imported in the background: follow `status_url`. Calls
    already imported are skipped.
    """
    try:
        call_import = call_upload_accept(
            upload=file,
            file_format=format,
            mapping_name=(mapping or "").strip() or None,
            mapping_upload=mapping_file,
            by=acting(request),
            clock=api_clock,
        )
    except FileTooBig as too_big:
        return problem(request, status=413, code=too_big.code, detail=too_big.message)
    except UploadRefused as refused:
        raise FieldError(
            FIELD_NAMES.get(refused.field, refused.field), refused.message, "form"
        ) from None
    out = _out(call_import)
    response["Location"] = out.status_url
    return Status(202, out)


@router.get(
    "calls/imports/{import_id}", response={200: CallImportOut, **ONE_IMPORT_ANSWERS}, auth=imports
)
def get_call_import(request: HttpRequest, import_id: Id) -> CallImportOut:
    """How far the import has got: bytes read of the file, and rows read, imported,
    already here (skipped) and refused. `status` is `waiting` until the worker starts it."""
    return _out(_import(import_id))


@router.get(
    "calls/imports/{import_id}/rejects.csv",
    response={200: None, **ONE_IMPORT_ANSWERS},
    auth=call_rejects,
    openapi_extra={
        "responses": {200: {"description": "The refused rows", "content": {"text/csv": {}}}}
    },
)
def get_call_import_rejects(request: HttpRequest, import_id: Id) -> FileResponse:
    """The rows the import refused (CSV): each with its line number, the reason and the row."""
    call_import = _import(import_id)
    path = rejects_path(call_import)
    if path is None:
        raise NotFound(f"Import {import_id} has no file of refused rows.")
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"call-import-{import_id}-refused-rows.csv",
        content_type="text/csv; charset=utf-8",
    )


def _import(import_id: int) -> CallImport:
    found = CallImport.objects.select_related("started_by").filter(pk=import_id).first()
    if found is None:
        raise NotFound(f"No call import has the id {import_id}.")
    return found


def _out(call_import: CallImport) -> CallImportOut:
    progress = import_progress(call_import)
    status = "waiting" if progress.waiting else call_import.status
    by = call_import.started_by
    return CallImportOut(
        id=call_import.pk,
        file_name=call_import.file_name,
        file_format=call_import.file_format,
        status=status,  # type: ignore[arg-type]
        status_text=progress.status_words,
        started_at=call_import.started_at,
        finished_at=call_import.finished_at,
        started_by=by.username if by is not None else None,
        bytes_total=call_import.bytes_total,
        bytes_read=call_import.bytes_read,
        percent=progress.percent,
        rows_read=call_import.rows_read,
        rows_imported=call_import.rows_imported,
        rows_duplicate=call_import.rows_duplicate,
        rows_rejected=call_import.rows_rejected,
        error=call_import.error,
        status_url=reverse("api:v1:get_call_import", kwargs={"import_id": call_import.pk}),
        rejects_url=(
            reverse("api:v1:get_call_import_rejects", kwargs={"import_id": call_import.pk})
            if progress.has_rejects
            else None
        ),
    )
