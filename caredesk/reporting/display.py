"""How the indicators read on a page: numbers in words, links to the records behind
them, and trend charts that say in text what they show (each with its data table)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.urls import reverse

from caredesk.reporting.indicators import (
    Behind,
    CaseOutcome,
    Level,
    Outcome,
    Rating,
    Report,
    StandardFigures,
    rate,
)
from caredesk.reporting.periods import Period, period_end, period_name
from caredesk.standards import TakenUnit

DASH = "–"


def percent_text(value: float | None) -> str:
    return DASH if value is None else f"{value:.1f}%"


def taken_text(value: float | None, unit: TakenUnit) -> str:
    """A time taken as people say it: "2.5 working days", "6 hours 20 minutes"."""
    if value is None:
        return DASH
    if unit in (TakenUnit.MINUTES, TakenUnit.WORKING_MINUTES):
        minutes = round(value)
        hours, rest = divmod(minutes, 60)
        working = "working " if unit is TakenUnit.WORKING_MINUTES else ""
        if hours == 0:
            return f"{rest} {working}minute{'s' if rest != 1 else ''}"
        text = f"{hours} {working}hour{'s' if hours != 1 else ''}"
        return f"{text} {rest} minute{'s' if rest != 1 else ''}" if rest else text
    amount = f"{value:.1f}".removesuffix(".0")
    return f"{amount} {unit.singular if amount == '1' else unit.plural}"


@dataclass(frozen=True)
class Link:
    text: str
    url: str | None  # None: nothing to list


def behind_url(
    *,
    standard: str,
    first: date,
    last: date,
    split: str,
    value: str | None,
    behind: Behind | str,
) -> str:
    query = {
        "standard": standard,
        "first": first.isoformat(),
        "last": last.isoformat(),
        "split": split,
        "behind": str(behind),
    }
    if value is not None:
        query["value"] = value
    return f"{reverse('reporting:behind')}?{urlencode(query)}"


@dataclass(frozen=True)
class GlanceRow:
    label: str
    note: str
    received: Link
    measured: Link
    in_time: Link
    rating: Rating
    by_revised: Link
    breaches: Link
    median: str
    p90: str
    open_now: Link
    overdue_now: Link

    @property
    def counts(self) -> tuple[Link, Link, Link]:
        return self.received, self.measured, self.in_time

    @property
    def revised_and_breaches(self) -> tuple[Link, Link]:
        return self.by_revised, self.breaches

    @property
    def now(self) -> tuple[Link, Link]:
        return self.open_now, self.overdue_now


def glance_row(
    report: Report,
    figures: StandardFigures,
    outcome: Outcome,
    *,
    label: str,
    note: str,
    value: str | None,
    first: date,
    last: date,
) -> GlanceRow:
    def link(text: str, count: int, behind: Behind) -> Link:
        url = behind_url(
            standard=figures.key,
            first=first,
            last=last,
            split=report.split.value,
            value=value,
            behind=behind,
        )
        return Link(text, url if count else None)

    open_count = figures.open_now[value] if value is not None else sum(figures.open_now.values())
    overdue = figures.overdue_now[value] if value is not None else sum(figures.overdue_now.values())
    return GlanceRow(
        label=label,
        note=note,
        received=link(f"{outcome.received:,}", outcome.received, Behind.RECEIVED),
        measured=link(f"{outcome.measured:,}", outcome.measured, Behind.MEASURED),
        in_time=link(percent_text(outcome.percent_in_time), outcome.met_in_time, Behind.IN_TIME),
        rating=report.rating(outcome.percent_in_time, figures.kpi_target),
        by_revised=link(
            percent_text(outcome.percent_by_revised),
            outcome.met_in_time + outcome.met_by_revised,
            Behind.BY_REVISED,
        ),
        breaches=link(f"{outcome.breaches:,}", outcome.breaches, Behind.BREACHES),
        median=taken_text(outcome.median_taken, figures.taken_unit),
        p90=taken_text(outcome.p90_taken, figures.taken_unit),
        open_now=link(f"{open_count:,}", open_count, Behind.OPEN),
        overdue_now=link(f"{overdue:,}", overdue, Behind.OVERDUE),
    )


@dataclass(frozen=True)
class FirstContactRow:
    label: str
    received: Link
    resolved: str
    percent: str
    rating: Rating


def first_contact_row(
    report: Report, outcome: CaseOutcome, *, label: str, value: str | None, first: date, last: date
) -> FirstContactRow:
    url = behind_url(
        standard="", first=first, last=last, split=report.split.value, value=value, behind="cases"
    )
    return FirstContactRow(
        label=label,
        received=Link(f"{outcome.received:,}", url if outcome.received else None),
        resolved=f"{outcome.resolved_at_first_contact:,}",
        percent=percent_text(outcome.percent),
        rating=report.rating(outcome.percent, report.first_contact_target),
    )


# -- trend charts -----------------------------------------------------------------------------

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 40


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    label: str  # "June 2025: 94.0% (188 of 200)"


@dataclass
class Chart:
    """One line of percentages over months, with its target, as SVG coordinates."""

    id: str
    title: str
    summary: str
    segments: list[str]  # SVG polyline points, broken where a month measured nothing
    points: list[ChartPoint]
    target_y: float | None
    target_label: str
    x_labels: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]] = field(default_factory=list)
    rows: list[tuple[str, str, str, str, str]] = field(default_factory=list)  # the data table
    width: int = WIDTH
    height: int = HEIGHT


def _y(percent: float) -> float:
    return TOP + (100 - percent) / 100 * (HEIGHT - TOP - BOTTOM)


def trend_chart(
    report: Report, figures: StandardFigures, index: int, *, smallest: int = 1
) -> Chart | None:
    """The standard's % in time by month, or None if nothing was measured in the span.
    Months with fewer than `smallest` measured are left out (the scrutiny panel's view)."""
    months = report.periods
    outcomes = [figures.for_period(month) for month in months]
    if not any(o.measured >= smallest for o in outcomes):
        return None
    step = (WIDTH - LEFT - RIGHT) / max(len(months) - 1, 1)
    segments: list[str] = []
    current: list[str] = []
    points = []
    rows = []
    for position, (month, outcome) in enumerate(zip(months, outcomes, strict=True)):
        x = LEFT + position * step
        shown = outcome.measured >= smallest or outcome.measured == 0
        percent = outcome.percent_in_time if shown else None
        rows.append(
            (
                period_name(month, Period.MONTH),
                f"{outcome.measured:,}" if shown else f"fewer than {smallest}",
                f"{outcome.met_in_time:,}" if shown else "not shown",
                percent_text(percent) if shown else "not shown",
                rate(percent, figures.kpi_target, report.amber_within).text
                if shown
                else "Too few to rate",
            )
        )
        if percent is None:
            if current:
                segments.append(" ".join(current))
                current = []
            continue
        y = _y(percent)
        current.append(f"{x:.1f},{y:.1f}")
        points.append(
            ChartPoint(
                x,
                y,
                f"{period_name(month, Period.MONTH)}: {percent_text(percent)} "
                f"({outcome.met_in_time:,} of {outcome.measured:,})",
            )
        )
    if current:
        segments.append(" ".join(current))
    target = figures.kpi_target
    return Chart(
        id=f"trend-{index}",
        title=f"{figures.name}: share met in time, {period_name(months[0], Period.MONTH)} "
        f"to {period_name(months[-1], Period.MONTH)}",
        summary=trend_summary(
            report, figures, months, [o if o.measured >= smallest else Outcome() for o in outcomes]
        ),
        segments=segments,
        points=points,
        target_y=_y(target) if target is not None else None,
        target_label=f"Target {target:g}%" if target is not None else "",
        x_labels=[
            (LEFT + position * step, _month_tick(month, position))
            for position, month in enumerate(months)
        ],
        y_ticks=[(_y(tick), f"{tick}%") for tick in (0, 25, 50, 75, 100)],
        rows=rows,
    )


def _month_tick(month: date, position: int) -> str:
    short = period_name(month, Period.MONTH)[:3]
    return f"{short} {month.year}" if position == 0 or month.month == 1 else short


def trend_summary(
    report: Report, figures: StandardFigures, months: list[date], outcomes: list[Outcome]
) -> str:
    """The chart in words: where it ended, how it moved, how often it was on target."""
    measured = [
        (month, outcome.percent_in_time)
        for month, outcome in zip(months, outcomes, strict=True)
        if outcome.percent_in_time is not None
    ]
    last_month, last = measured[-1]
    first_month, first = measured[0]
    text = f"{percent_text(last)} met in time in {period_name(last_month, Period.MONTH)}"
    if len(measured) > 1:
        if abs(last - first) < 0.05:
            movement = "the same as"
        else:
            movement = "up from" if last > first else "down from"
        text += f", {movement} {percent_text(first)} in {period_name(first_month, Period.MONTH)}"
    text += "."
    target = figures.kpi_target
    if target is not None:
        on_target = sum(
            1
            for _, percent in measured
            if rate(percent, target, report.amber_within).level is Level.GREEN
        )
        text += (
            f" On target ({target:g}%) in {on_target} of the {len(measured)} "
            f"month{'s' if len(measured) != 1 else ''} with figures."
        )
    if len(measured) > 2:
        best = max(measured, key=lambda item: item[1] or 0)
        worst = min(measured, key=lambda item: item[1] or 0)
        text += (
            f" Best: {period_name(best[0], Period.MONTH)} ({percent_text(best[1])}); "
            f"worst: {period_name(worst[0], Period.MONTH)} ({percent_text(worst[1])})."
        )
    return text


def month_span(month: date) -> tuple[date, date]:
    return month, period_end(month, Period.MONTH)
