"""What the tenants' scrutiny panel sees: aggregate figures, small numbers suppressed.

The panel assesses the service against the policy's standards (Halton's policy: "a tool
that will enable customer scrutiny panels to assess the standard of service"). It sees
no one's personal data: no case references, no names (officers are not a split), no
lists behind a figure. And so that no one can be recognised from the figures:

- any count from 1 to 4 reads "fewer than 5" (primary suppression);
- a percentage is shown only when what it is a percentage of is 5 or more;
- in a table split by team, channel and so on, where a column has exactly one
  suppressed cell, the next smallest is suppressed too, so the suppressed one cannot be
  worked out from the total (secondary suppression);
- a median time taken only where 5 or more were met;
- a trend chart leaves out months with fewer than 5 measured.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from caredesk.reporting import display
from caredesk.reporting.indicators import CaseOutcome, Level, Outcome, Rating, Report, Split
from caredesk.reporting.periods import Period, period_name
from caredesk.standards import TakenUnit

SMALLEST = 5
SUPPRESSED = "fewer than 5"
NOT_SHOWN = "not shown"
TOO_FEW = Rating(Level.NONE, "Too few to rate")
SPLITS = [Split.ALL, Split.TEAM, Split.OFFICE, Split.CHANNEL, Split.CUSTOMER_TYPE, Split.CASE_KIND]


def count_text(count: int) -> str:
    return SUPPRESSED if 0 < count < SMALLEST else f"{count:,}"


def is_suppressed(count: int) -> bool:
    return 0 < count < SMALLEST


def percent_text(percent: float | None, base: int) -> str:
    if base < SMALLEST:
        return NOT_SHOWN if base else "–"
    return display.percent_text(percent)


@dataclass
class ScrutinyRow:
    label: str
    received: str
    measured: str
    in_time: str
    rating: Rating
    by_revised: str
    breaches: str
    median: str
    # The raw counts, for secondary suppression; never shown.
    counts: tuple[int, int, int]


def scrutiny_row(
    report: Report, label: str, outcome: Outcome, kpi_target: float | None, unit: TakenUnit
) -> ScrutinyRow:
    met = outcome.met
    rating = (
        report.rating(outcome.percent_in_time, kpi_target)
        if outcome.measured >= SMALLEST
        else TOO_FEW
    )
    return ScrutinyRow(
        label=label,
        received=count_text(outcome.received),
        measured=count_text(outcome.measured),
        in_time=percent_text(outcome.percent_in_time, outcome.measured),
        rating=rating,
        by_revised=percent_text(outcome.percent_by_revised, outcome.measured),
        breaches=count_text(outcome.breaches),
        median=display.taken_text(outcome.median_taken, unit) if met >= SMALLEST else NOT_SHOWN,
        counts=(outcome.received, outcome.measured, outcome.breaches),
    )


def suppress_secondary(rows: list[ScrutinyRow]) -> None:
    """Where a column has exactly one cell suppressed, suppress its next smallest too."""
    for column, name in enumerate(("received", "measured", "breaches")):
        suppressed = [row for row in rows if is_suppressed(row.counts[column])]
        if len(suppressed) != 1:
            continue
        others = [row for row in rows if row.counts[column] >= SMALLEST]
        if not others:
            continue
        smallest = min(others, key=lambda row: row.counts[column])
        setattr(smallest, name, NOT_SHOWN)
        if name == "measured":
            smallest.in_time = smallest.by_revised = NOT_SHOWN
            smallest.rating = TOO_FEW
            smallest.median = NOT_SHOWN


@dataclass
class ScrutinyTable:
    title: str
    first_heading: str
    rows: list[ScrutinyRow]


def scrutiny_tables(report: Report, month: date) -> list[ScrutinyTable]:
    """The month's table of standards, and with a split, one table per standard."""
    name = period_name(month, Period.MONTH)
    tables = [
        ScrutinyTable(
            title=f"Each standard in {name}, against its target",
            first_heading="Standard",
            rows=[
                scrutiny_row(
                    report,
                    f"{figures.name}",
                    figures.for_period(month),
                    figures.kpi_target,
                    figures.taken_unit,
                )
                for figures in report.standards
            ],
        )
    ]
    if report.split is Split.ALL:
        return tables
    for figures in report.standards:
        rows = [
            scrutiny_row(
                report,
                cut.label,
                figures.cell(month, cut.value),
                figures.kpi_target,
                figures.taken_unit,
            )
            for cut in report.values
            if figures.cell(month, cut.value).received or figures.cell(month, cut.value).measured
        ]
        if not rows:
            continue
        suppress_secondary(rows)
        tables.append(
            ScrutinyTable(
                title=f"{figures.name}, {name}, by {report.split.label.lower()}",
                first_heading=report.split.label,
                rows=rows,
            )
        )
    return tables


@dataclass(frozen=True)
class FirstContact:
    label: str
    received: str
    percent: str
    rating: Rating


def first_contact_rows(report: Report, month: date) -> list[FirstContact]:
    outcomes: list[tuple[str, CaseOutcome]] = [("Everyone", report.cases_for_period(month))]
    if report.split is not Split.ALL:
        outcomes += [
            (cut.label, report.cases[(month, cut.value)])
            for cut in report.values
            if (month, cut.value) in report.cases
        ]
    return [
        FirstContact(
            label=label,
            received=count_text(outcome.received),
            percent=percent_text(outcome.percent, outcome.received),
            rating=report.rating(outcome.percent, report.first_contact_target)
            if outcome.received >= SMALLEST
            else TOO_FEW,
        )
        for label, outcome in outcomes
    ]
