"""Telephony desk pages: call figures for performance analysts and line managers."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.views.decorators.http import require_GET

from caredesk.core.active_policy import active_policy
from caredesk.core.clock import Clock, system_clock
from caredesk.staff.decorators import requires
from caredesk.staff.permissions import Can
from caredesk.telephony import figures_display as display
from caredesk.telephony.figures import call_figures
from caredesk.telephony.figures_form import FiguresForm


@requires(Can.SEE_PERFORMANCE)
@require_GET
def figures(request: HttpRequest, clock: Clock = system_clock) -> HttpResponse:
    """Calls offered, answered and missed, speed of answer, and the heat map.

    `?format=csv` gives the same table as a spreadsheet file.
    """
    policy = active_policy()
    today = clock.now().astimezone(policy.working_calendar.zone).date()
    form = FiguresForm.from_query(request.GET, today=today)
    if not form.is_valid():
        return render(request, "telephony/figures.html", {"form": form})
    result = call_figures(**form.selection(), policy=policy)
    if request.GET.get("format") == "csv":
        response = HttpResponse(display.figures_csv(result), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{display.csv_file_name(result)}"'
        return response
    csv_query = QueryDict(mutable=True)
    csv_query.update({name: str(value) for name, value in form.selection().items()})
    csv_query["format"] = "csv"
    return render(
        request,
        "telephony/figures.html",
        {
            "form": form,
            "figures": result,
            "caption": display.caption(result),
            "dates": display.date_range_text(result.start, result.end),
            "columns": display.standard_columns(result),
            "rows": display.table_rows(result),
            "total": display.total_row(result),
            "heat": display.heat_table(result, policy),
            "csv_query": csv_query.urlencode(),
        },
    )
