"""The board pack in the desk: the commentary, and the PDF to download."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from caredesk.core.active_policy import active_policy
from caredesk.core.clock import Clock, system_clock
from caredesk.reporting.forms import BoardMonthForm, CommentaryForm
from caredesk.reporting.models import BoardCommentary, ReportFileKind
from caredesk.reporting.periods import Period, period_name
from caredesk.reporting.report_files import report_file_request
from caredesk.reporting.services import CommentaryError, board_commentary_save
from caredesk.staff.decorators import requires
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can


@requires(Can.SEE_PERFORMANCE)
@require_http_methods(["GET", "POST"])
def board(request: HttpRequest, clock: Clock = system_clock) -> HttpResponse:
    """Write the month's commentary; download the pack."""
    policy = active_policy()
    today = clock.now().astimezone(policy.working_calendar.zone).date()
    if request.method == "POST":
        form = CommentaryForm(request.POST)
        if form.is_valid():
            month = form.cleaned_data["month"]
            try:
                board_commentary_save(
                    month=month,
                    text=form.cleaned_data["text"],
                    by=request.user,  # type: ignore[arg-type]
                    clock=clock,
                )
            except CommentaryError as error:
                form.add_error("text", str(error))
            else:
                messages.success(
                    request, f"Commentary for {period_name(month, Period.MONTH)} saved."
                )
                return redirect(f"{reverse('reporting:board')}?month={month:%Y-%m}")
        chosen = BoardMonthForm({"month": request.POST.get("month", "")})
        return render(
            request, "reporting/board.html", {"month_form": chosen, "form": form}, status=400
        )
    month_form = BoardMonthForm.from_query(request.GET, today=today)
    if not month_form.is_valid():
        return render(request, "reporting/board.html", {"month_form": month_form})
    month = month_form.cleaned_data["month"]
    kept = BoardCommentary.objects.filter(month=month).first()
    form = CommentaryForm(initial={"month": month, "text": kept.text if kept else ""})
    return render(
        request,
        "reporting/board.html",
        {
            "month_form": month_form,
            "form": form,
            "month": month,
            "month_name": period_name(month, Period.MONTH),
            "kept": kept,
        },
    )


@requires(Can.SEE_PERFORMANCE)
@require_POST
def board_pdf(request: HttpRequest, clock: Clock = system_clock) -> HttpResponse:
    """Ask for the board pack as a PDF: the worker makes it, and the person watches it on
    the report file's page (report_file_views)."""
    policy = active_policy()
    today = clock.now().astimezone(policy.working_calendar.zone).date()
    month_form = BoardMonthForm.from_query(request.GET, today=today)
    if not month_form.is_valid():
        return render(request, "reporting/board.html", {"month_form": month_form}, status=400)
    assert isinstance(request.user, StaffMember)
    report_file_request(
        kind=ReportFileKind.BOARD_PACK,
        parameters={"month": month_form.cleaned_data["month"].isoformat()},
        by=request.user,
        clock=clock,
    )
    return redirect("reporting:board_file")
