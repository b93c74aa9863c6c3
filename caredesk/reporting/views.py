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
from caredesk.reporting.dashboard import Dashboard, dashboard_read
from caredesk.reporting.forms import BehindForm, DashboardForm
from caredesk.reporting.indicators import (
    Behind,
    Split,
    case_standards,
    cases_behind_first_contact,
    cut_values,
    deadlines_behind,
)
from caredesk.reporting.periods import Period, period_name
from caredesk.reporting.rollups import figures_refresh_to_read
from caredesk.reporting.tables import XLSX_TYPE, dashboard_tables, table_csv, tables_xlsx
from caredesk.staff.decorators import requires
from caredesk.staff.permissions import Can, allowed
from caredesk.standards import taken_unit
from caredesk.telephony.figures_display import seconds_text

PAGE_SIZE = 50


@requires(Can.SEE_PERFORMANCE)
@require_GET
def dashboard(request: HttpRequest, clock: Clock = system_clock) -> HttpResponse:
    """The month at a glance against targets, and 13 months of trends. With `download`
    (csv and a table's name, or xlsx), its tables as a file."""
    policy = active_policy()
    now = clock.now()
    today = now.astimezone(policy.working_calendar.zone).date()
    form = DashboardForm.from_query(request.GET, today=today)
    if not form.is_valid():
        return render(request, "reporting/dashboard.html", {"form": form})
    split = Split(form.cleaned_data["split"])
    board = dashboard_read(policy=policy, month=form.cleaned_data["month"], split=split, now=now)
    download = request.GET.get("download")
    if download in ("csv", "xlsx"):
        return _download(board, download, request.GET.get("table", ""))
    query = {"month": f"{board.month:%Y-%m}", "split": split.value}
    return render(
        request,
        "reporting/dashboard.html",
        {
            "form": form,
            "board": board,
            "days_left": board.days_left,
            "report": board.report,
            "month_name": board.month_name,
            "split": split,
            "glance": board.glance,
            "split_tables": board.split_tables,
            "first_contact": board.first_contact,
            "charts": board.charts,
            "calls": board.calls,
            "average_answer": seconds_text(board.calls.average_answer),
            "p90_answer": seconds_text(board.calls.p90_answer),
            "phones": board.phones,
            "visits": board.visits,
            "complaints": board.complaints,
            "calls_query": urlencode(
                {"start": board.first.isoformat(), "end": board.last.isoformat(), "period": "week"}
            ),
            "trend_from": period_name(board.trend_first, Period.MONTH),
            "downloads": [
                (table.title, urlencode(query | {"download": "csv", "table": table.name}))
                for table in dashboard_tables(board)
            ],
            "xlsx_query": urlencode(query | {"download": "xlsx"}),
        },
    )


def _download(board: Dashboard, kind: str, name: str) -> HttpResponse:
    tables = dashboard_tables(board)
    stem = f"performance-{board.month:%Y-%m}-{board.split.value}"
    if kind == "xlsx":
        response = HttpResponse(tables_xlsx(tables), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
        return response
    chosen = next((table for table in tables if table.name == name), None)
    if chosen is None:
        known = ", ".join(table.name for table in tables)
        return HttpResponse(
            f"There is no table '{name}' for this month. Tables: {known}.",
            status=404,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(table_csv(chosen), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{stem}-{chosen.name}.csv"'
    return response


@requires(Can.SEE_PERFORMANCE)
@require_GET
def behind(request: HttpRequest, clock: Clock = system_clock) -> HttpResponse:
    """The deadlines (or cases) a figure counted, a page at a time. Case references and
    dates only: no customer's details, so performance analysts see no personal data."""
    policy = active_policy()
    form = BehindForm(request.GET, standard_keys={s.key for s in case_standards(policy)})
    if not form.is_valid():
        return render(request, "reporting/behind.html", {"form": form}, status=400)
    data = form.cleaned_data
    split = Split(data["split"])
    value = data["value"] if "value" in request.GET else None
    days_left = figures_refresh_to_read(policy=policy)
    names = {cut.value: cut.label for cut in cut_values(split, {value or ""})}
    context = {
        "form": form,
        "dates": _dates_text(data["first"], data["last"]),
        "split": split,
        "value_name": names.get(value or "", "") if value is not None else "",
        "can_read_cases": allowed(request.user, Can.READ_CASES),
        "days_left": days_left,
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
