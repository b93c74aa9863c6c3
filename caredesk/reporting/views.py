"""Performance pages: the dashboard, and the records behind any figure on it."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.views.decorators.http import require_GET

from caredesk.core.active_policy import active_policy
from caredesk.core.clock import Clock, system_clock
from caredesk.core.pagination import BadCursor, keyset_page
from caredesk.reporting import display
from caredesk.reporting.forms import BehindForm, DashboardForm
from caredesk.reporting.indicators import (
    Behind,
    Split,
    cases_behind_first_contact,
    cut_values,
    deadlines_behind,
    report_read,
)
from caredesk.reporting.periods import Period, period_name
from caredesk.reporting.rollups import figures_refresh
from caredesk.staff.decorators import requires
from caredesk.staff.permissions import Can, allowed
from caredesk.standards import taken_unit
from caredesk.telephony.figures import call_figures_total, phone_standards
from caredesk.telephony.figures_display import seconds_text

TREND_MONTHS = 13
PAGE_SIZE = 50


@requires(Can.SEE_PERFORMANCE)
@require_GET
def dashboard(request: HttpRequest, clock: Clock = system_clock) -> HttpResponse:
    """The month at a glance against targets, and 13 months of trends."""
    policy = active_policy()
    now = clock.now()
    today = now.astimezone(policy.working_calendar.zone).date()
    form = DashboardForm.from_query(request.GET, today=today)
    if not form.is_valid():
        return render(request, "reporting/dashboard.html", {"form": form})
    month: date = form.cleaned_data["month"]
    split = Split(form.cleaned_data["split"])
    figures_refresh(policy=policy)  # what the worker has not counted yet
    first, last = display.month_span(month)
    report = report_read(
        policy=policy, first=first, last=last, period=Period.MONTH, split=split, now=now
    )
    trend_start = _months_before(month, TREND_MONTHS - 1)
    trend = report_read(
        policy=policy, first=trend_start, last=last, period=Period.MONTH, split=Split.ALL, now=now
    )
    glance = [
        display.glance_row(
            report,
            figures,
            figures.for_period(month),
            label=figures.name,
            note=f"Standard: {figures.target}",
            value=None,
            first=first,
            last=last,
        )
        for figures in report.standards
    ]
    split_tables = []
    if split is not Split.ALL:
        for figures in report.standards:
            rows = [
                display.glance_row(
                    report,
                    figures,
                    figures.cell(month, cut.value),
                    label=cut.label,
                    note="",
                    value=cut.value,
                    first=first,
                    last=last,
                )
                for cut in report.values
                if figures.cell(month, cut.value).received
                or figures.cell(month, cut.value).measured
                or figures.open_now[cut.value]
            ]
            if rows:
                split_tables.append((figures, rows))
    first_contact = [
        display.first_contact_row(
            report,
            report.cases_for_period(month),
            label="Everyone",
            value=None,
            first=first,
            last=last,
        )
    ]
    if split is not Split.ALL:
        first_contact += [
            display.first_contact_row(
                report,
                report.cases.get((month, cut.value)) or report.cases_for_value("\0"),
                label=cut.label,
                value=cut.value,
                first=first,
                last=last,
            )
            for cut in report.values
            if (month, cut.value) in report.cases
        ]
    calls = call_figures_total(start=first, end=last, policy=policy)
    phones = [
        (
            standard,
            display.percent_text(within.percent),
            f"{within.met:,} of {within.measured:,}",
            report.rating(within.percent, policy.reporting.targets.get(standard.key)),
        )
        for standard, within in zip(phone_standards(policy), calls.within, strict=True)
    ]
    charts = [
        chart
        for index, figures in enumerate(trend.standards)
        if (chart := display.trend_chart(trend, figures, index)) is not None
    ]
    return render(
        request,
        "reporting/dashboard.html",
        {
            "form": form,
            "report": report,
            "month_name": period_name(month, Period.MONTH),
            "split": split,
            "glance": glance,
            "split_tables": split_tables,
            "first_contact": first_contact,
            "charts": charts,
            "calls": calls,
            "average_answer": seconds_text(calls.average_answer),
            "p90_answer": seconds_text(calls.p90_answer),
            "phones": phones,
            "calls_query": urlencode(
                {"start": first.isoformat(), "end": last.isoformat(), "period": "week"}
            ),
            "trend_from": period_name(trend_start, Period.MONTH),
        },
    )


def _months_before(month: date, count: int) -> date:
    months = month.year * 12 + month.month - 1 - count
    return date(months // 12, months % 12 + 1, 1)


@requires(Can.SEE_PERFORMANCE)
@require_GET
def behind(request: HttpRequest, clock: Clock = system_clock) -> HttpResponse:
    """The deadlines (or cases) a figure counted, a page at a time. Case references and
    dates only: no customer's details, so performance analysts see no personal data."""
    policy = active_policy()
    form = BehindForm(request.GET)
    if not form.is_valid():
        return render(request, "reporting/behind.html", {"form": form}, status=400)
    data = form.cleaned_data
    split = Split(data["split"])
    value = data["value"] if "value" in request.GET else None
    figures_refresh(policy=policy)
    names = {cut.value: cut.label for cut in cut_values(split, {value or ""})}
    context = {
        "form": form,
        "dates": _dates_text(data["first"], data["last"]),
        "split": split,
        "value_name": names.get(value or "", "") if value is not None else "",
        "can_read_cases": allowed(request.user, Can.READ_CASES),
    }
    try:
        if data["behind"] == "cases":
            cases = cases_behind_first_contact(
                policy=policy, first=data["first"], last=data["last"], split=split, value=value
            )
            case_page = keyset_page(
                cases.select_related("assigned_to", "team"),
                order=("received_at", "pk"),
                cursor=request.GET.get("after"),
                limit=PAGE_SIZE,
            )
            following = case_page.next
            context |= {"cases": case_page.items, "what": "Cases received"}
        else:
            which = Behind(data["behind"])
            deadlines = deadlines_behind(
                policy=policy,
                standard_key=data["standard"],
                first=data["first"],
                last=data["last"],
                split=split,
                value=value,
                behind=which,
                now=clock.now(),
            )
            deadline_page = keyset_page(
                deadlines.select_related("case", "assigned_to", "team"),
                order=("starts_at", "pk"),
                cursor=request.GET.get("after"),
                limit=PAGE_SIZE,
            )
            following = deadline_page.next
            unit = taken_unit(policy.deadline_standard(data["standard"]).target.unit)
            context |= {
                "deadlines": [
                    (d, display.taken_text(d.time_taken, unit)) for d in deadline_page.items
                ],
                "what": BEHIND_TEXT[which],
                "standard_name": policy.standard_name(data["standard"]),
            }
    except BadCursor as error:
        return render(request, "reporting/behind.html", {"error": str(error)}, status=400)
    if following:
        query = QueryDict(mutable=True)
        query.update({k: str(v) for k, v in request.GET.items() if k != "after"})
        query["after"] = following
        context["next_query"] = query.urlencode()
    return render(request, "reporting/behind.html", context)


BEHIND_TEXT = {
    Behind.RECEIVED: "Received",
    Behind.MEASURED: "Measured (met, or ended unmet after the due time)",
    Behind.IN_TIME: "Met in time",
    Behind.BY_REVISED: "Met in time or by the revised date",
    Behind.BREACHES: "Breaches",
    Behind.OPEN: "Open now",
    Behind.OVERDUE: "Overdue now",
}


def _dates_text(first: date, last: date) -> str:
    if first.day == 1 and (last + timedelta(days=1)).day == 1 and first.month == last.month:
        return period_name(first, Period.MONTH)
    return f"{period_name(first, Period.DAY)} to {period_name(last, Period.DAY)}"
