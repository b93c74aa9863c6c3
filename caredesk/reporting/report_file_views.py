"""The page a report's PDF is made on: its progress while the worker makes it (htmx asks
again every second; without JavaScript, the person refreshes the page), then the link to
download it. Each person sees only their own request."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from caredesk.core.htmx import is_htmx
from caredesk.reporting.models import ReportFileKind
from caredesk.reporting.report_files import (
    report_file_content,
    report_file_latest,
    report_file_progress,
)
from caredesk.staff.decorators import requires
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can

PAGES = {
    ReportFileKind.EQUALITY: ("reporting:equality_file", "reporting:equality"),
    ReportFileKind.BOARD_PACK: ("reporting:board_file", "reporting:board"),
}


def _page(request: HttpRequest, kind: ReportFileKind) -> HttpResponse:
    assert isinstance(request.user, StaffMember)
    report_file = report_file_latest(kind=kind, by=request.user)
    progress = report_file_progress(report_file) if report_file is not None else None
    if (
        report_file is not None
        and progress is not None
        and progress.ready
        and (request.GET.get("download"))
    ):
        response = HttpResponse(
            report_file_content(report_file=report_file), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'attachment; filename="{report_file.file_name}"'
        return response
    here, back = PAGES[kind]
    context = {
        "report_file": report_file,
        "progress": progress,
        "kind_name": kind.label,
        "here": reverse(here),
        "back": reverse(back),
    }
    if is_htmx(request):
        return render(request, "reporting/report_file_panel.html", context)
    return render(request, "reporting/report_file.html", context)


@requires(Can.SEE_EQUALITY_MONITORING)
@require_GET
def equality_file(request: HttpRequest) -> HttpResponse:
    return _page(request, ReportFileKind.EQUALITY)


@requires(Can.SEE_PERFORMANCE)
@require_GET
def board_file(request: HttpRequest) -> HttpResponse:
    return _page(request, ReportFileKind.BOARD_PACK)
