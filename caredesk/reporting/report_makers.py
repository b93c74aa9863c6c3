"""Making a requested report's PDF (the worker's side of caredesk.reporting.report_files)."""

from __future__ import annotations

import logging
from datetime import date, datetime

from caredesk.core.active_policy import active_policy
from caredesk.core.clock import Clock
from caredesk.errors import CaredeskError
from caredesk.reporting.board import board_pack, board_pack_file_name, board_pack_pdf
from caredesk.reporting.equality import equality_report
from caredesk.reporting.equality_pdf import file_name, report_pdf
from caredesk.reporting.models import ReportFile, ReportFileKind, ReportFileStatus
from caredesk.reporting.report_files import (
    FAILED_MESSAGE,
    LOST_AFTER,
    report_file_claim,
    report_file_fail,
    report_file_finish,
    report_file_step,
    report_files_stalled_fail,
    report_files_to_see_to,
)

logger = logging.getLogger(__name__)


def report_file_make(*, report_file_id: int, clock: Clock) -> ReportFileStatus | None:
    """Make the file if it is still waiting: its status after, or None if it was not."""
    report_file = report_file_claim(report_file_id=report_file_id, clock=clock)
    if report_file is None:
        return None
    return _made(report_file, clock)


def _made(report_file: ReportFile, clock: Clock) -> ReportFileStatus:
    report_file_id = report_file.pk
    try:
        content, name = _make(report_file, clock)
    except CaredeskError as error:  # no key to read equality answers with, say
        report_file_fail(report_file=report_file, error=error.message, clock=clock)
    except Exception:
        logger.exception("Could not make report file %s", report_file_id)
        report_file_fail(report_file=report_file, error=FAILED_MESSAGE, clock=clock)
    else:
        report_file_finish(report_file=report_file, content=content, file_name=name, clock=clock)
    return ReportFileStatus(report_file.status)


def _make(report_file: ReportFile, clock: Clock) -> tuple[bytes, str]:
    policy = active_policy()
    parameters = report_file.parameters
    if report_file.kind == ReportFileKind.EQUALITY:
        report = equality_report(
            policy=policy,
            first=date.fromisoformat(parameters["first"]),
            last=date.fromisoformat(parameters["last"]),
            now=clock.now(),
        )
        report_file_step(report_file=report_file, status=ReportFileStatus.PRINTING)
        return report_pdf(report), file_name(report, "pdf")
    pack = board_pack(policy=policy, month=date.fromisoformat(parameters["month"]), clock=clock)
    report_file_step(report_file=report_file, status=ReportFileStatus.PRINTING)
    return board_pack_pdf(pack), board_pack_file_name(pack)


def report_files_make_waiting(*, clock: Clock) -> int:
    """Fail the stalled files, and make at most one file whose task was lost: one
    waiting since before `report_files.LOST_AFTER` (a file asked for just now is its
    task's to make), claimed first, so the task and the sweep never both make it. One
    a pass: a report takes seconds, and the worker's other sweeps wait for it."""
    to_see_to = report_files_to_see_to(clock=clock)
    if to_see_to.stalled_ids:
        report_files_stalled_fail(report_file_ids=to_see_to.stalled_ids, clock=clock)
    report_file_id = to_see_to.lost_id
    if report_file_id is None:
        return 0
    report_file = report_file_claim(
        report_file_id=report_file_id, clock=clock, requested_before=_lost_since(clock)
    )
    if report_file is None:  # its task took it meanwhile
        return 0
    _made(report_file, clock)
    return 1


def _lost_since(clock: Clock) -> datetime:
    return clock.now() - LOST_AFTER
