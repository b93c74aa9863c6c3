"""The Tenant Satisfaction Measures' complaint returns (CH01, CH02) for a year, for the
performance team: a page, and the same table as CSV."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from caredesk.complaints.returns import (
    FIRST_TSM_YEAR,
    complaint_returns,
    latest_year_ended,
    tsm_year_ending,
)
from caredesk.core.active_policy import active_policy
from caredesk.core.clock import Clock, system_clock
from caredesk.reporting.complaints_display import returns_display
from caredesk.reporting.forms import ReturnsForm
from caredesk.reporting.tables import returns_table, table_csv
from caredesk.staff.decorators import requires
from caredesk.staff.permissions import Can


@requires(Can.SEE_PERFORMANCE)
@require_GET
def returns(request: HttpRequest, clock: Clock = system_clock) -> HttpResponse:
    """CH01 and CH02 for the chosen year (by default the last one ended); with
    `download=csv`, as a file."""
    policy = active_policy()
    today = clock.now().astimezone(policy.working_calendar.zone).date()
    current = max(tsm_year_ending(today), FIRST_TSM_YEAR)
    years = list(range(FIRST_TSM_YEAR, current + 1))
    form = ReturnsForm.from_query(
        request.GET, years=years, default=max(latest_year_ended(today), FIRST_TSM_YEAR)
    )
    if not form.is_valid():
        return render(request, "reporting/returns.html", {"form": form}, status=400)
    year = form.cleaned_data["year"]
    shown = returns_display(complaint_returns(year_ending=year, policy=policy, through=today))
    if request.GET.get("download") == "csv":
        table = returns_table(shown)
        response = HttpResponse(table_csv(table), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{table.name}.csv"'
        return response
    return render(
        request,
        "reporting/returns.html",
        {
            "form": form,
            "shown": shown,
            "csv_query": urlencode({"year": year, "download": "csv"}),
        },
    )
