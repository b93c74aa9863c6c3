"""The equality impact monitoring report in the desk, and as PDF and CSV to attach to a
policy review. The figures come from caredesk.reporting.equality; here they are only
put into words, the same words on the page, in the PDF and in the CSV."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from caredesk.core.active_policy import active_policy
from caredesk.core.clock import Clock, system_clock
from caredesk.errors import CaredeskError
from caredesk.reporting.equality import (
    EqualityReport,
    equality_report,
)
from caredesk.reporting.equality_pdf import file_name, report_context, report_csv
from caredesk.reporting.models import ReportFileKind
from caredesk.reporting.periods import Period, period_end, period_start
from caredesk.reporting.report_files import report_file_request
from caredesk.staff.decorators import requires
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can
from caredesk.standards.calendar import FIRST_YEAR, LAST_YEAR

LONGEST_SPAN = timedelta(days=5 * 366)  # a policy's review cycle, with room to spare


# -- the form -----------------------------------------------------------------------------


def last_financial_year(today: date) -> tuple[date, date]:
    """The last whole financial year (April to March) before `today`."""
    this_year = period_start(today, Period.FINANCIAL_YEAR)
    start = period_start(this_year - timedelta(days=1), Period.FINANCIAL_YEAR)
    return start, period_end(start, Period.FINANCIAL_YEAR)


class EqualityForm(forms.Form):
    first = forms.DateField(
        label="From",
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The first day, for example 2025-04-01.",
        error_messages={
            "required": "Enter the first day.",
            "invalid": "Enter the first day as a date, for example 2025-04-01.",
        },
    )
    last = forms.DateField(
        label="To",
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The last day, included.",
        error_messages={
            "required": "Enter the last day.",
            "invalid": "Enter the last day as a date, for example 2026-03-31.",
        },
    )

    @classmethod
    def from_query(cls, query: QueryDict, *, today: date) -> EqualityForm:
        """Bound to the query string; by default, the last financial year."""
        first, last = last_financial_year(today)
        data = {"first": first.isoformat(), "last": last.isoformat()}
        data.update({name: str(query.get(name)) for name in data if query.get(name)})
        return cls(data)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("first"), data.get("last")
        for name, day in (("first", first), ("last", last)):
            if day and not FIRST_YEAR <= day.year <= LAST_YEAR:
                self.add_error(name, f"Choose a day from {FIRST_YEAR} to {LAST_YEAR}.")
        if first and last and last < first:
            self.add_error("last", "The last day is before the first.")
        elif first and last and last - first > LONGEST_SPAN:
            self.add_error("last", "Choose at most five years.")
        return data


# -- the pages -----------------------------------------------------------------------------


def _report_or_form(
    request: HttpRequest, clock: Clock
) -> tuple[EqualityReport | None, EqualityForm, str | None]:
    policy = active_policy()
    now = clock.now()
    today = now.astimezone(policy.working_calendar.zone).date()
    form = EqualityForm.from_query(request.GET, today=today)
    if not form.is_valid():
        return None, form, None
    try:
        report = equality_report(
            policy=policy,
            first=form.cleaned_data["first"],
            last=form.cleaned_data["last"],
            now=now,
        )
    except CaredeskError as error:  # no key to read the answers with
        return None, form, error.message
    return report, form, None


@requires(Can.SEE_EQUALITY_MONITORING)
@require_GET
def equality(request: HttpRequest, clock: Clock = system_clock) -> HttpResponse:
    """The report on the page, with the dates to choose and the downloads."""
    report, form, problem = _report_or_form(request, clock)
    context: dict[str, Any] = {"form": form, "problem": problem}
    if report is None:
        status = 400 if form.errors else 503 if problem else 200
        return render(request, "reporting/equality.html", context, status=status)
    query = QueryDict(mutable=True)
    query.update({"first": report.first.isoformat(), "last": report.last.isoformat()})
    context |= report_context(report) | {"query": query.urlencode()}
    return render(request, "reporting/equality.html", context)


def _download(request: HttpRequest, clock: Clock, extension: str = "csv") -> HttpResponse:
    report, form, problem = _report_or_form(request, clock)
    if report is None:
        status = 400 if form.errors else 503
        context = {"form": form, "problem": problem}
        return render(request, "reporting/equality.html", context, status=status)
    response = HttpResponse(report_csv(report), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{file_name(report, extension)}"'
    return response


@requires(Can.SEE_EQUALITY_MONITORING)
@require_POST
def equality_pdf(request: HttpRequest, clock: Clock = system_clock) -> HttpResponse:
    """Ask for the report as a PDF: the worker makes it (seconds of layout), and the
    person watches it on the report file's page (report_file_views)."""
    policy = active_policy()
    today = clock.now().astimezone(policy.working_calendar.zone).date()
    form = EqualityForm.from_query(request.GET, today=today)
    if not form.is_valid():
        return render(request, "reporting/equality.html", {"form": form}, status=400)
    assert isinstance(request.user, StaffMember)
    report_file_request(
        kind=ReportFileKind.EQUALITY,
        parameters={
            "first": form.cleaned_data["first"].isoformat(),
            "last": form.cleaned_data["last"].isoformat(),
        },
        by=request.user,
        clock=clock,
    )
    return redirect("reporting:equality_file")


@requires(Can.SEE_EQUALITY_MONITORING)
@require_GET
def equality_csv(request: HttpRequest, clock: Clock = system_clock) -> HttpResponse:
    return _download(request, clock, "csv")
