"""The call figures as people read them: table rows in words, the heat map laid out by
office hours, and the same table as CSV for the performance team."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from caredesk.core.spreadsheet import csv_writer
from caredesk.standards import Policy
from caredesk.standards.policy import WEEKDAYS
from caredesk.telephony.figures import CallCounts, Figures, Period, Split, Within

WEEKDAY_NAMES = [day.title() for day in WEEKDAYS]  # ISO weekday 1 is WEEKDAY_NAMES[0]
BANDS = 4  # shades of the heat map, besides none


def seconds_text(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def percent_text(within: Within) -> str:
    if within.percent is None:
        return "none measured"
    return f"{within.percent:.1f}%"


def period_end(start: date, period: Period) -> date:
    if period is Period.DAY:
        return start
    if period is Period.WEEK:
        return start + timedelta(days=6)
    return (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def period_label(start: date, period: Period) -> str:
    if period is Period.DAY:
        return f"{start:%a} {start.day} {start:%b %Y}"
    if period is Period.WEEK:
        return f"Week from {start:%a} {start.day} {start:%b %Y}"
    return f"{start:%B %Y}"


def _part_note(start: date, period: Period, figures: Figures) -> str:
    """Says which days count where the range cuts a week or month short."""
    end = period_end(start, period)
    first, last = max(start, figures.start), min(end, figures.end)
    if (first, last) == (start, end):
        return ""
    return f"only {first.day} {first:%b} to {last.day} {last:%b} counted"


@dataclass(frozen=True)
class StandardColumn:
    key: str
    heading: str  # "Within 4 rings"
    name: str  # the policy's name for it


@dataclass(frozen=True)
class TableRow:
    label: str
    note: str
    group: str
    counts: CallCounts
    average: str
    p90: str
    within: list[tuple[str, str]]  # ("54.5%", "6 of 11") per standard


def _row(label: str, note: str, group: str, counts: CallCounts) -> TableRow:
    return TableRow(
        label=label,
        note=note,
        group=group,
        counts=counts,
        average=seconds_text(counts.average_answer),
        p90=seconds_text(counts.p90_answer),
        within=[(percent_text(w), f"{w.met} of {w.measured}") for w in counts.within],
    )


def standard_columns(figures: Figures) -> list[StandardColumn]:
    return [
        StandardColumn(key=s.key, heading=f"Within {s.target}", name=s.name)
        for s in figures.standards
    ]


def table_rows(figures: Figures) -> list[TableRow]:
    return [
        _row(
            period_label(row.period, figures.period) if row.period else "Total",
            _part_note(row.period, figures.period, figures) if row.period else "",
            row.group,
            row.counts,
        )
        for row in figures.rows
    ]


def total_row(figures: Figures) -> TableRow:
    group = "All lines" if figures.split is Split.ALL else "All"
    return _row("Total", "", group, figures.total)


def caption(figures: Figures) -> str:
    by = {Period.DAY: "day", Period.WEEK: "week", Period.MONTH: "month"}[figures.period]
    split = {Split.ALL: "", Split.LINE: " and line", Split.TEAM: " and team"}[figures.split]
    return f"Calls by {by}{split}, {date_range_text(figures.start, figures.end)}"


def date_range_text(start: date, end: date) -> str:
    if start == end:
        return f"{start.day} {start:%B %Y}"
    return f"{start.day} {start:%B %Y} to {end.day} {end:%B %Y}"


# -- the heat map ----------------------------------------------------------------------


@dataclass(frozen=True)
class HeatTableCell:
    offered: int
    average: str  # "8.2", or "" where no call was answered
    band: int  # 0 (no calls) to BANDS (the busiest)


@dataclass(frozen=True)
class HeatTableRow:
    label: str
    cells: list[HeatTableCell]
    total: bool = False  # a row that adds up hours (before or after office hours, all day)


@dataclass(frozen=True)
class HeatTable:
    weekdays: list[str]
    rows: list[HeatTableRow]


def _sum(counts: Iterable[CallCounts]) -> CallCounts:
    offered = timed = seconds = 0
    for c in counts:
        offered, timed, seconds = offered + c.offered, timed + c.timed, seconds + c.answer_seconds
    return CallCounts(offered=offered, timed=timed, answer_seconds=seconds)


def office_hours_span(policy: Policy) -> range:
    """Whole hours from the earliest opening to the latest closing on any working day."""
    intervals = [i for day in policy.working_calendar.office_hours.values() for i in day]
    opens = min(opens for opens, _ in intervals) // 3600
    closes = -(-max(closes for _, closes in intervals) // 3600)  # round up
    return range(opens, closes)


def heat_table(figures: Figures, policy: Policy) -> HeatTable:
    """Rows: each hour of office time, the hours before and after, and the whole day.
    Columns: working weekdays, and any other weekday that had calls."""
    by_cell = {(c.weekday, c.hour): c.counts for c in figures.heat}
    working = {d + 1 for d in policy.working_calendar.working_weekdays}
    weekdays = sorted(working | {weekday for weekday, _ in by_cell})
    hours = office_hours_span(policy)
    busiest = max((c.offered for (_, h), c in by_cell.items() if h in hours), default=0)

    def cell(counts: CallCounts, *, shade: bool) -> HeatTableCell:
        band = 0
        if shade and counts.offered and busiest:
            band = max(1, -(-counts.offered * BANDS // busiest))
        average = "" if counts.average_answer is None else seconds_text(counts.average_answer)
        return HeatTableCell(offered=counts.offered, average=average, band=band)

    def summed(label: str, wanted: Iterable[int]) -> HeatTableRow:
        chosen = set(wanted)
        return HeatTableRow(
            label=label,
            cells=[
                cell(
                    _sum(c for (w, h), c in by_cell.items() if w == day and h in chosen),
                    shade=False,
                )
                for day in weekdays
            ],
            total=True,
        )

    rows = [summed(f"Before {hours.start:02d}:00", range(hours.start))]
    for hour in hours:
        rows.append(
            HeatTableRow(
                label=f"{hour:02d}:00 to {hour + 1:02d}:00",
                cells=[
                    cell(by_cell.get((day, hour), CallCounts()), shade=True) for day in weekdays
                ],
            )
        )
    rows.append(summed(f"From {hours.stop:02d}:00", range(hours.stop, 24)))
    rows.append(summed("All day", range(24)))
    return HeatTable(weekdays=[WEEKDAY_NAMES[day - 1] for day in weekdays], rows=rows)


# -- CSV -------------------------------------------------------------------------------


def figures_csv(figures: Figures) -> str:
    """The figures table as CSV: one row per period (and line or team), then the total."""
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\r\n")  # a line's name is never run
    standard_headings: list[str] = []
    for s in figures.standards:
        standard_headings += [
            f"{s.name}: met",
            f"{s.name}: measured",
            f"{s.name}: percent",
        ]
    writer.writerow(
        [
            "Period from",
            "Period to",
            "Team" if figures.split is Split.TEAM else "Line",
            "Offered",
            "Answered",
            "Abandoned",
            "Voicemail",
            "Transferred",
            *standard_headings,
            "Average speed of answer (seconds)",
            "90th percentile speed of answer (seconds)",
        ]
    )

    def numbers(counts: CallCounts) -> list[object]:
        within: list[object] = []
        for w in counts.within:
            within += [w.met, w.measured, "" if w.percent is None else f"{w.percent:.1f}"]
        return [
            counts.offered,
            counts.answered,
            counts.abandoned,
            counts.voicemail,
            counts.transferred,
            *within,
            "" if counts.average_answer is None else f"{counts.average_answer:.1f}",
            "" if counts.p90_answer is None else f"{counts.p90_answer:.1f}",
        ]

    for row in figures.rows:
        assert row.period is not None
        first = max(row.period, figures.start)
        last = min(period_end(row.period, figures.period), figures.end)
        writer.writerow([first.isoformat(), last.isoformat(), row.group, *numbers(row.counts)])
    writer.writerow(
        [
            figures.start.isoformat(),
            figures.end.isoformat(),
            "Total",
            *numbers(figures.total),
        ]
    )
    return out.getvalue()


def csv_file_name(figures: Figures) -> str:
    return f"call-figures-{figures.start.isoformat()}-to-{figures.end.isoformat()}.csv"
