"""Every table of the dashboard as plain rows, for CSV and XLSX downloads.

Numbers stay numbers (a percentage is 85.9, not "85.9%"), so a spreadsheet can sort and
chart them; an empty cell is a figure that cannot be worked out (nothing was measured).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from caredesk.core.spreadsheet import csv_writer
from caredesk.reporting.complaints_display import ComplaintSection, Named, ReturnsDisplay
from caredesk.reporting.dashboard import Dashboard
from caredesk.reporting.indicators import CaseOutcome, Outcome, Report, StandardFigures
from caredesk.reporting.periods import Period, period_name
from caredesk.reporting.visits_display import VisitSection

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Cell = str | int | float | None


@dataclass(frozen=True)
class Table:
    name: str  # for file and sheet names: "at-a-glance"
    title: str  # what it shows, in words
    headers: list[str]
    rows: list[list[Cell]]


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


TIME_HEADERS = ["Median time taken", "9 in 10 within", "Time taken in"]
OUTCOME_HEADERS = [
    "Received",
    "Measured",
    "Met in time",
    "Met in time (%)",
    "Against target",
    "Met in time or by revised date",
    "Met in time or by revised date (%)",
    "Breaches",
    *TIME_HEADERS,
]


def _outcome_cells(
    report: Report, figures: StandardFigures, outcome: Outcome, *, times: bool = True
) -> list[Cell]:
    cells: list[Cell] = [
        outcome.received,
        outcome.measured,
        outcome.met_in_time,
        _round(outcome.percent_in_time),
        report.rating(outcome.percent_in_time, figures.kpi_target).text,
        outcome.met_in_time + outcome.met_by_revised,
        _round(outcome.percent_by_revised),
        outcome.breaches,
    ]
    if times:
        cells += [
            _round(outcome.median_taken),
            _round(outcome.p90_taken),
            figures.taken_unit.plural,
        ]
    return cells


def _case_cells(report: Report, outcome: CaseOutcome) -> list[Cell]:
    return [
        outcome.received,
        outcome.resolved_at_first_contact,
        _round(outcome.percent),
        report.rating(outcome.percent, report.first_contact_target).text,
    ]


def dashboard_tables(board: Dashboard) -> list[Table]:
    report, month = board.report, board.month
    name = board.month_name
    tables = [
        Table(
            name="at-a-glance",
            title=f"Each standard in {name}, against its target",
            headers=[
                "Standard",
                "Standard's time",
                "Target (%)",
                *OUTCOME_HEADERS,
                "Open now",
                "Overdue now",
            ],
            rows=[
                [
                    figures.name,
                    figures.target,
                    figures.kpi_target,
                    *_outcome_cells(report, figures, figures.for_period(month)),
                    sum(figures.open_now.values()),
                    sum(figures.overdue_now.values()),
                ]
                for figures in report.standards
            ],
        )
    ]
    if board.split_tables:
        label = board.split.label
        rows: list[list[Cell]] = []
        for figures, _ in board.split_tables:
            for cut in report.values:
                outcome = figures.cell(month, cut.value)
                if outcome.received or outcome.measured or figures.open_now[cut.value]:
                    rows.append(
                        [
                            figures.name,
                            cut.label,
                            *_outcome_cells(report, figures, outcome),
                            figures.open_now[cut.value],
                            figures.overdue_now[cut.value],
                        ]
                    )
        tables.append(
            Table(
                name=f"by-{board.split.value.replace('_', '-')}",
                title=f"Each standard in {name}, by {label.lower()}",
                headers=["Standard", label, *OUTCOME_HEADERS, "Open now", "Overdue now"],
                rows=rows,
            )
        )
    tables.append(
        Table(
            name="first-contact",
            title=f"Cases received in {name} and resolved at the first contact",
            headers=[
                board.split.label,
                "Cases received",
                "Resolved at first contact",
                "Share (%)",
                "Against target",
            ],
            rows=[
                [label, *_case_cells(report, outcome)]
                for label, outcome in board.first_contact_outcomes
            ],
        )
    )
    tables.append(
        Table(
            name="phones",
            title=f"Calls answered in time, {name}",
            headers=[
                "Standard",
                "Calls measured",
                "Answered in time",
                "Share (%)",
                "Against target",
            ],
            rows=[
                [
                    phone.name,
                    phone.within.measured,
                    phone.within.met,
                    _round(phone.within.percent),
                    phone.rating.text,
                ]
                for phone in board.phones
            ],
        )
    )
    if board.visits is not None:
        tables += _visit_tables(board.visits, name)
    if board.complaints is not None:
        tables += complaint_tables(board.complaints, name)
    trend = board.trend
    tables.append(
        Table(
            name="trends",
            title=(
                f"Each standard by month, {period_name(board.trend_first, Period.MONTH)} to {name}"
            ),
            headers=["Standard", "Month", *OUTCOME_HEADERS[: -len(TIME_HEADERS)]],
            rows=[
                [
                    figures.name,
                    period_name(start, Period.MONTH),
                    *_outcome_cells(trend, figures, figures.for_period(start), times=False),
                ]
                for figures in trend.standards
                for start in trend.periods
            ],
        )
    )
    return tables


def _visit_tables(visits: VisitSection, name: str) -> list[Table]:
    office_headers = ["Office", "Came", "Seen", "Left before being seen"]
    office_headers += ["Asked to book", "Seen as an exception"] if visits.appointment_only else []
    office_rows: list[list[Cell]] = []
    for office in visits.figures.offices:
        counts = office.counts
        row: list[Cell] = [office.office, counts.came, counts.seen, counts.left]
        row += [counts.asked_to_book, counts.exceptions] if visits.appointment_only else []
        office_rows.append([*row, counts.waiting])
    return [
        Table(
            name="visits",
            title=f"Visitors by office, {name}",
            headers=[*office_headers, "Still waiting"],
            rows=office_rows,
        ),
        Table(
            name="appointments",
            title=f"Appointments booked in {name}, and what became of those due in it",
            headers=[
                "Kind",
                "Booked",
                "Due",
                "Kept",
                "Moved",
                "Cancelled",
                "Did not come",
                "Nobody in",
                "Not yet recorded",
                "Kept rate (%)",
                "Against target",
            ],
            rows=[
                [
                    row.label,
                    row.booked,
                    row.due.due,
                    row.due.kept,
                    row.due.moved,
                    row.due.cancelled,
                    row.due.missed,
                    row.due.no_access,
                    row.due.not_recorded,
                    _round(row.due.kept_rate),
                    row.rating.text,
                ]
                for row in visits.appointments
            ],
        ),
    ]


def complaint_tables(section: ComplaintSection, name: str) -> list[Table]:
    """The month's complaints by stage, what was learned from them, those not accepted,
    and compliments."""

    def counted(rows: list[Named], what: str) -> list[list[Cell]]:
        return [[what, row.label, row.count] for row in rows]

    return [
        Table(
            name="complaints",
            title=f"Complaints in {name}: received, answered, and answered in time",
            headers=[
                "Stage",
                "Received (stage 2: asked for)",
                "Answered",
                "Upheld",
                "Partly upheld",
                "Not upheld",
                "Answered within the Code's timescale",
                "Answered late",
                "Within the timescale (%)",
                "Median working days taken",
            ],
            rows=[
                [
                    row.label,
                    row.received,
                    row.answered,
                    *row.outcomes,
                    row.in_time,
                    row.late,
                    _round(row.in_time_percent),
                    _round(section.figures.stages[row.stage].median_days),
                ]
                for row in section.stages
            ],
        ),
        Table(
            name="complaints-learning",
            title=f"Complaints answered in {name}, by root cause and by service area",
            headers=["Grouped by", "Root cause or service area", "Complaints answered"],
            rows=counted(section.by_cause, "Root cause") + counted(section.by_area, "Service area"),
        ),
        Table(
            name="complaints-not-accepted",
            title=f"Complaints not accepted in {name}, by reason",
            headers=["Reason", "Complaints"],
            rows=[[row.label, row.count] for row in section.not_accepted],
        ),
        Table(
            name="compliments",
            title=f"Compliments received in {name}, by service area",
            headers=["Service area", "Compliments"],
            rows=[[row.label, row.count] for row in section.compliments_by_area],
        ),
    ]


def returns_table(returns: ReturnsDisplay) -> Table:
    """CH01 and CH02 with their numerators and denominators; a figure that cannot be
    worked out (no homes counted, no responses sent) is an empty cell."""
    return Table(
        name=f"tsm-complaints-{returns.returns.year_ending}",
        title=returns.title,
        headers=[
            "Measure",
            "What it measures",
            "Tenure",
            "Numerator",
            "Numerator counts",
            "Denominator",
            "Denominator counts",
            "Result",
        ],
        rows=[
            [
                row.measure,
                row.what,
                row.tenure,
                row.numerator,
                row.numerator_label,
                row.denominator,
                row.denominator_label,
                row.value,
            ]
            for row in returns.ch01 + returns.ch02
        ],
    )


def table_csv(table: Table) -> str:
    """The table as CSV; no cell is run as a formula (caredesk.core.spreadsheet)."""
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\r\n")
    writer.writerow([table.title])
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow(["" if cell is None else cell for cell in row])
    return out.getvalue()


def _text_row_append(sheet: Any, row: Sequence[object]) -> None:
    """Append a row whose text stays text: openpyxl makes a formula of text beginning "=",
    so such a cell is typed back to a string (which no spreadsheet runs, and which shows
    as written, without the apostrophe a CSV needs)."""
    sheet.append(list(row))
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.data_type == "f":
            cell.data_type = "s"


def tables_xlsx(tables: list[Table]) -> bytes:
    """One sheet a table: its title in the first row, headers in bold in the second."""
    book = Workbook()
    book.remove(book.active)
    for table in tables:
        sheet = book.create_sheet(title=table.name[:31])
        _text_row_append(sheet, [table.title])
        sheet["A1"].font = Font(bold=True, size=12)
        _text_row_append(sheet, table.headers)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in table.rows:
            _text_row_append(sheet, row)
        sheet.freeze_panes = "A3"
        for index, header in enumerate(table.headers, start=1):
            width = max([len(header)] + [len(str(r[index - 1] or "")) for r in table.rows[:200]])
            sheet.column_dimensions[get_column_letter(index)].width = min(60, max(10, width + 2))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
