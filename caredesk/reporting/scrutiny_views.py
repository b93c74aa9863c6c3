"""The scrutiny panel's page: aggregate figures only, small numbers suppressed."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from caredesk.core.active_policy import active_policy
from caredesk.core.clock import Clock, system_clock
from caredesk.reporting import display
from caredesk.reporting.dashboard import TREND_MONTHS
from caredesk.reporting.forms import ScrutinyForm
from caredesk.reporting.indicators import Split, report_read
from caredesk.reporting.periods import Period, months_before, period_end, period_name
from caredesk.reporting.rollups import figures_refresh_to_read
from caredesk.reporting.scrutiny import SMALLEST, first_contact_rows, scrutiny_tables
from caredesk.staff.decorators import requires
from caredesk.staff.permissions import Can


@requires(Can.SEE_SCRUTINY_FIGURES)
@require_GET
def scrutiny(request: HttpRequest, clock: Clock = system_clock) -> HttpResponse:
    policy = active_policy()
    now = clock.now()
    today = now.astimezone(policy.working_calendar.zone).date()
    form = ScrutinyForm.from_query(request.GET, today=today)
    if not form.is_valid():
        return render(request, "reporting/scrutiny.html", {"form": form})
    month = form.cleaned_data["month"]
    split = Split(form.cleaned_data["split"])
    days_left = figures_refresh_to_read(policy=policy)
    last = period_end(month, Period.MONTH)
    report = report_read(
        policy=policy, first=month, last=last, period=Period.MONTH, split=split, now=now
    )
    trend_first = months_before(month, TREND_MONTHS - 1)
    trend = report_read(
        policy=policy,
        first=trend_first,
        last=last,
        period=Period.MONTH,
        split=Split.ALL,
        now=now,
        times=False,
    )
    return render(
        request,
        "reporting/scrutiny.html",
        {
            "form": form,
            "month_name": period_name(month, Period.MONTH),
            "split": split,
            "tables": scrutiny_tables(report, month),
            "first_contact": first_contact_rows(report, month),
            "charts": [
                chart
                for index, figures in enumerate(trend.standards)
                if (chart := display.trend_chart(trend, figures, index, smallest=SMALLEST))
                is not None
            ],
            "trend_from": period_name(trend_first, Period.MONTH),
            "smallest": SMALLEST,
            "days_left": days_left,
        },
    )
