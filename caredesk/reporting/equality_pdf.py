"""The equality impact monitoring report put into words: the same words on the page
(caredesk.reporting.equality_views), in the PDF the worker makes
(caredesk.reporting.report_makers) and in the CSV. Not a view module: the worker imports
it without the pages."""

from __future__ import annotations

from dataclasses import dataclass
from io import StringIO
from typing import Any

from django.template.loader import render_to_string

from caredesk.core.spreadsheet import csv_writer
from caredesk.documents.formats.pdf import tagged_pdf
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
)

DASH = "–"
FEWER = f"fewer than {SMALLEST_SHOWN}"


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
