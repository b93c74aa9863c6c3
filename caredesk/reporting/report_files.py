"""Reports' PDFs made in the background: asked for on a page, made by the worker, shown
with their progress and downloaded from the same page.

A report of many pages takes WeasyPrint seconds to lay out (BENCHMARKS.md), longer than
anyone should wait on a page. The request is a row (`ReportFile`) and a queued task;
the worker claims the row (a conditional UPDATE: two workers never make the same file),
steps it through counting the figures and laying out the pages, and keeps the PDF on it.
The reporting sweep makes any file whose task was lost, and fails any left half-made by a
worker that was stopped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q

from caredesk.core.clock import Clock
from caredesk.core.tasks import enqueue_after_commit
from caredesk.reporting.models import ReportFile, ReportFileKind, ReportFileStatus
from caredesk.staff.models import StaffMember

STEPS = [
    ReportFileStatus.WAITING,
    ReportFileStatus.COUNTING,
    ReportFileStatus.PRINTING,
    ReportFileStatus.READY,
]
UNFINISHED = [ReportFileStatus.WAITING, ReportFileStatus.COUNTING, ReportFileStatus.PRINTING]
# A file still being made this long after it started was left by a worker that stopped.
STALLED_AFTER = timedelta(minutes=15)
STALLED_MESSAGE = "The report was not finished. Ask for it again."
# A file still waiting this long after it was asked for has lost its task: the sweep
# makes it. (Sooner, the sweep would race the task for a file just asked for.)
LOST_AFTER = timedelta(minutes=5)
FAILED_MESSAGE = (
    "Sorry, there was a problem making the report. Ask for it again; if it happens again, "
    "tell your IT service desk."
)
MAKE_TASK = "caredesk.reporting.tasks.make_report_file"


# -- writes ----------------------------------------------------------------------------


def report_file_request(
    *, kind: ReportFileKind, parameters: dict[str, Any], by: StaffMember, clock: Clock
) -> ReportFile:
    """Ask for a report's PDF: the worker makes it (queued once this transaction commits)."""
    with transaction.atomic():
        report_file = ReportFile.objects.create(
            kind=kind, parameters=parameters, requested_by=by, requested_at=clock.now()
        )
        enqueue_after_commit(MAKE_TASK, report_file.pk)
    return report_file


def report_file_claim(
    *, report_file_id: int, clock: Clock, requested_before: datetime | None = None
) -> ReportFile | None:
    """Take a waiting file to make it (a conditional UPDATE: one taker only); None if
    someone else has, or it is gone, or it was asked for since `requested_before`."""
    waiting = ReportFile.objects.filter(pk=report_file_id, status=ReportFileStatus.WAITING)
    if requested_before is not None:
        waiting = waiting.filter(requested_at__lt=requested_before)
    claimed = waiting.update(status=ReportFileStatus.COUNTING, started_at=clock.now())
    if claimed != 1:
        return None
    return ReportFile.objects.defer("content").get(pk=report_file_id)


def report_file_step(*, report_file: ReportFile, status: ReportFileStatus) -> None:
    report_file.status = status
    ReportFile.objects.filter(pk=report_file.pk).update(status=status)


def report_file_finish(
    *, report_file: ReportFile, content: bytes, file_name: str, clock: Clock
) -> None:
    report_file.status = ReportFileStatus.READY
    report_file.finished_at = clock.now()
    ReportFile.objects.filter(pk=report_file.pk).update(
        status=ReportFileStatus.READY,
        content=content,
        file_name=file_name,
        finished_at=report_file.finished_at,
    )


def report_file_fail(*, report_file: ReportFile, error: str, clock: Clock) -> None:
    report_file.status = ReportFileStatus.FAILED
    report_file.error = error
    ReportFile.objects.filter(pk=report_file.pk).update(
        status=ReportFileStatus.FAILED, error=error, finished_at=clock.now()
    )


def report_files_stalled_fail(*, report_file_ids: list[int], clock: Clock) -> int:
    """Fail these files, which a stopped worker left half-made, so their pages say so
    (still half-made and stalled: a file that moved on meanwhile is left alone)."""
    return ReportFile.objects.filter(
        pk__in=report_file_ids,
        status__in=[ReportFileStatus.COUNTING, ReportFileStatus.PRINTING],
        started_at__lt=clock.now() - STALLED_AFTER,
    ).update(status=ReportFileStatus.FAILED, error=STALLED_MESSAGE, finished_at=clock.now())


# -- reads -----------------------------------------------------------------------------


@dataclass(frozen=True)
class FilesToSeeTo:
    stalled_ids: list[int]  # half-made by a worker that stopped
    lost_id: int | None  # the oldest still waiting LOST_AFTER after it was asked for


def report_files_to_see_to(*, clock: Clock) -> FilesToSeeTo:
    """The files the sweep must see to, in one read (most passes find none): those a
    stopped worker left half-made, and the oldest one whose task was lost."""
    now = clock.now()
    found = ReportFile.objects.filter(
        Q(
            status__in=[ReportFileStatus.COUNTING, ReportFileStatus.PRINTING],
            started_at__lt=now - STALLED_AFTER,
        )
        | Q(status=ReportFileStatus.WAITING, requested_at__lt=now - LOST_AFTER)
    ).order_by("pk")
    rows = list(found.values_list("pk", "status"))
    lost = [pk for pk, status in rows if status == ReportFileStatus.WAITING]
    return FilesToSeeTo(
        stalled_ids=[pk for pk, status in rows if status != ReportFileStatus.WAITING],
        lost_id=lost[0] if lost else None,
    )


def report_file_latest(*, kind: ReportFileKind, by: StaffMember) -> ReportFile | None:
    """The member's most recent request for this kind of report (without its bytes)."""
    return (
        ReportFile.objects.filter(kind=kind, requested_by=by)
        .defer("content")
        .order_by("-requested_at", "-pk")
        .first()
    )


def report_file_content(*, report_file: ReportFile) -> bytes:
    content = ReportFile.objects.values_list("content", flat=True).get(pk=report_file.pk)
    return bytes(content)


@dataclass(frozen=True)
class Progress:
    step: int  # of `steps`: for the progress bar
    steps: int
    words: str
    running: bool
    ready: bool
    failed: bool


def report_file_progress(report_file: ReportFile) -> Progress:
    status = ReportFileStatus(report_file.status)
    failed = status == ReportFileStatus.FAILED
    step = len(STEPS) - 1 if failed else STEPS.index(status)
    return Progress(
        step=step,
        steps=len(STEPS) - 1,
        words=status.label,
        running=status in UNFINISHED,
        ready=status == ReportFileStatus.READY,
        failed=failed,
    )
