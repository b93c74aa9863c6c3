"""The equality impact monitoring report in the desk, and as PDF and CSV to attach to a
policy review. The figures come from caredesk.reporting.equality; here they are only
put into words, the same words on the page, in the PDF and in the CSV."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from io import StringIO
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from caredesk.core.active_policy import active_policy
from caredesk.core.clock import Clock, system_clock
from caredesk.core.spreadsheet import csv_writer
from caredesk.documents.formats.pdf import tagged_pdf
from caredesk.errors import CaredeskError
from caredesk.reporting.display import percent_text
from caredesk.reporting.equality import (
    FISHER_BELOW,
    MATERIAL_POINTS,
    MATERIAL_POSITION,
    SIGNIFICANT_BELOW,
    SMALLEST_SHOWN,
    EqualityReport,
    GroupRow,
    Hidden,
    Measure,
    MeasureTable,
    Tally,
    equality_report,
)
from caredesk.reporting.periods import Period, period_end, period_start
from caredesk.staff.decorators import requires
from caredesk.staff.permissions import Can
from caredesk.standards.calendar import FIRST_YEAR, LAST_YEAR

LONGEST_SPAN = timedelta(days=5 * 366)  # a policy's review cycle, with room to spare
DASH = "–"
FEWER = f"fewer than {SMALLEST_SHOWN}"


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


# -- the figures in words ------------------------------------------------------------------


VALUE_HEADINGS = {
    Measure.IN_TIME: "Met in time",
    Measure.FIRST_CONTACT: "Resolved at first contact",
    Measure.TIME_TAKEN: "Average position",
}


POSITION_NOTE = "average position among the same standard's deadlines: 0 quickest, 100 slowest"


@dataclass(frozen=True)
class RowText:
    label: str
    people: str
    records: str
    value: str
    others: str
    difference: str
    p_value: str
    test: str
    finding: str
    flagged: bool


def value_text(value: float | None, measure: Measure) -> str:
    if value is None:
        return DASH
    return percent_text(value) if measure.is_share else f"{value:.1f}"


def difference_text(row: GroupRow) -> str:
    difference = row.difference
    if difference is None:
        return DASH
    if abs(difference) < 0.05:
        return "the same"
    if row.measure.is_share:
        return f"{abs(difference):.1f} points {'higher' if difference > 0 else 'lower'}"
    return f"{abs(difference):.1f} points {'slower' if difference > 0 else 'quicker'}"


def p_text(p_value: float | None) -> str:
    if p_value is None:
        return DASH
    return "under 0.001" if p_value < 0.001 else f"{p_value:.3f}"


def finding_text(row: GroupRow) -> str:
    if row.hidden is Hidden.SMALL:
        return f"Not tested: {FEWER}"
    if row.hidden is Hidden.SECONDARY:
        return "Not tested: hidden so that a smaller group cannot be worked out"
    if row.test is None:
        return "Nothing to compare with"
    if row.flagged:
        worse = {
            Measure.IN_TIME: "fewer met in time",
            Measure.FIRST_CONTACT: "fewer resolved at first contact",
            Measure.TIME_TAKEN: "slower",
        }
        better = {
            Measure.IN_TIME: "more met in time",
            Measure.FIRST_CONTACT: "more resolved at first contact",
            Measure.TIME_TAKEN: "quicker",
        }
        how = (worse if row.worse else better)[row.measure]
        return f"Significant and material difference: {how}"
    if row.significant:
        return "Significant, but too small to be material"
    return "No significant difference"


def row_text(row: GroupRow) -> RowText:
    def count(n: int) -> str:
        if row.hidden is Hidden.SMALL:
            return FEWER
        if row.hidden is Hidden.SECONDARY:
            return "hidden"
        return f"{n:,}"

    return RowText(
        label=row.label,
        people=count(row.tally.people),
        records=count(row.tally.records),
        value=value_text(row.value, row.measure),
        others=value_text(row.others_value, row.measure),
        difference=difference_text(row),
        p_value=p_text(row.test.p_value if row.test and not row.hidden else None),
        test=row.test.name if row.test and not row.hidden else DASH,
        finding=finding_text(row),
        flagged=row.flagged,
    )


@dataclass(frozen=True)
class TableText:
    id: str
    caption: str
    measure: Measure
    records_heading: str
    value_heading: str
    total: RowText
    rows: list[RowText]


def total_text(total: Tally, measure: Measure) -> RowText:
    return RowText(
        label="Everyone",
        people=f"{total.people:,}",
        records=f"{total.records:,}",
        value=value_text(total.value(measure), measure),
        others=DASH,
        difference=DASH,
        p_value=DASH,
        test=DASH,
        finding="",
        flagged=False,
    )


def table_text(table: MeasureTable) -> TableText:
    return TableText(
        id=f"{table.characteristic.value}-{table.measure.value}",
        caption=f"{table.characteristic.label}: {table.measure.label.lower()}"
        + ("" if table.measure.is_share else f" ({POSITION_NOTE})"),
        measure=table.measure,
        records_heading=table.measure.records,
        value_heading=VALUE_HEADINGS[table.measure],
        total=total_text(table.total, table.measure),
        rows=[row_text(row) for row in table.rows],
    )


def summary_lines(report: EqualityReport) -> list[str]:
    lines = []
    for table, row in report.flagged():
        text = row_text(row)
        lines.append(
            f"{table.characteristic.label}, {row.label}: {table.measure.label.lower()} "
            f"{text.value} against {text.others} for everyone else ({text.difference}; "
            f"p value {text.p_value})."
        )
    return lines


def report_context(report: EqualityReport) -> dict[str, Any]:
    return {
        "report": report,
        "title": report.title,
        "summary": summary_lines(report),
        "sections": [
            (section.characteristic, [table_text(t) for t in section.tables])
            for section in report.sections
        ],
        "totals": [(m, total_text(report.totals[m], m)) for m in Measure],
        "customers": f"{report.customers:,}",
        "customers_answering": f"{report.customers_answering:,}",
        "smallest": SMALLEST_SHOWN,
        "significant_below": SIGNIFICANT_BELOW,
        "material_points": f"{MATERIAL_POINTS:g}",
        "material_position": f"{MATERIAL_POSITION:g}",
        "fisher_below": FISHER_BELOW,
    }


CSV_MEASURES = {
    Measure.IN_TIME: "Met in time (%)",
    Measure.FIRST_CONTACT: "Resolved at the first contact (%)",
    Measure.TIME_TAKEN: "Time taken (average position: 0 quickest, 100 slowest)",
}
CSV_HEADINGS = [
    "Characteristic",
    "Group",
    "Measure",
    "People",
    "Records",
    "Result",
    "Everyone else",
    "Difference",
    "p value",
    "Test",
    "Finding",
]


def report_csv(report: EqualityReport) -> str:
    """Every table of the report, one row per group, the same text as on the page."""
    out = StringIO()
    writer = csv_writer(out)
    writer.writerow(CSV_HEADINGS)
    for section in report.sections:
        for table in section.tables:
            text = table_text(table)
            for row in [text.total, *text.rows]:
                writer.writerow(
                    [
                        section.characteristic.label,
                        row.label,
                        CSV_MEASURES[table.measure],
                        row.people,
                        row.records,
                        row.value,
                        row.others,
                        row.difference,
                        row.p_value,
                        row.test,
                        row.finding,
                    ]
                )
    return out.getvalue()


def report_pdf(report: EqualityReport) -> bytes:
    """The report as a tagged PDF (PDF/UA-1), as letters are made
    (caredesk.documents.formats.pdf): nothing is fetched from anywhere."""
    return tagged_pdf(render_to_string("reporting/equality_pdf.html", report_context(report)))


def file_name(report: EqualityReport, extension: str) -> str:
    return f"equality-monitoring-{report.first:%Y-%m-%d}-to-{report.last:%Y-%m-%d}.{extension}"


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


def _download(request: HttpRequest, clock: Clock, extension: str) -> HttpResponse:
    report, form, problem = _report_or_form(request, clock)
    if report is None:
        status = 400 if form.errors else 503
        context = {"form": form, "problem": problem}
        return render(request, "reporting/equality.html", context, status=status)
    if extension == "pdf":
        response = HttpResponse(report_pdf(report), content_type="application/pdf")
    else:
        response = HttpResponse(report_csv(report), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{file_name(report, extension)}"'
    return response


@requires(Can.SEE_EQUALITY_MONITORING)
@require_GET
def equality_pdf(request: HttpRequest, clock: Clock = system_clock) -> HttpResponse:
    return _download(request, clock, "pdf")


@requires(Can.SEE_EQUALITY_MONITORING)
@require_GET
def equality_csv(request: HttpRequest, clock: Clock = system_clock) -> HttpResponse:
    return _download(request, clock, "csv")
