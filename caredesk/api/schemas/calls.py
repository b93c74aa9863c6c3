"""The calls API's answer (the handlers are in api/calls.py)."""

from typing import Literal

from ninja import Schema

from caredesk.api.types import Time


class CallImportOut(Schema):
    id: int
    file_name: str
    file_format: str
    status: Literal["waiting", "running", "done", "failed"]
    status_text: str
    started_at: Time
    finished_at: Time | None
    started_by: str | None
    bytes_total: int
    bytes_read: int
    percent: int
    rows_read: int
    rows_imported: int
    rows_duplicate: int
    rows_rejected: int
    error: str
    status_url: str
    rejects_url: str | None
