"""What the dashboard shows for a month, read once for the page and for its downloads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from caredesk.reporting import display
from caredesk.reporting.complaints_display import ComplaintSection, complaint_section
from caredesk.reporting.indicators import (
    CaseOutcome,
    Rating,
    Report,
    Split,
    StandardFigures,
    report_read,
)
from caredesk.reporting.periods import Period, months_before, period_end, period_name
from caredesk.reporting.rollups import figures_refresh_to_read
from caredesk.reporting.visits_display import VisitSection, visit_section
from caredesk.standards import Policy
from caredesk.telephony.figures import CallCounts, Within, call_figures_total, phone_standards

TREND_MONTHS = 13


@dataclass(frozen=True)
class PhoneRow:
    name: str
    within: Within
    percent: str
    counts: str
    rating: Rating


@dataclass
class Dashboard:
    month: date
    first: date
    last: date
    trend_first: date
    split: Split
    report: Report  # the month, split as asked
    trend: Report  # 13 months, everyone
    glance: list[display.GlanceRow]
    split_tables: list[tuple[StandardFigures, list[display.GlanceRow]]]
    first_contact: list[display.FirstContactRow]
    first_contact_outcomes: list[tuple[str, CaseOutcome]]
    calls: CallCounts
    phones: list[PhoneRow]
    charts: list[display.Chart]
    days_left: int  # marked days the worker has still to count
    visits: VisitSection | None = None  # None: the landlord has no visits
    complaints: ComplaintSection | None = None  # None: the landlord has no complaints

    @property
    def month_name(self) -> str:
        return period_name(self.month, Period.MONTH)


def dashboard_read(*, policy: Policy, month: date, split: Split, now: datetime) -> Dashboard:
    left = figures_refresh_to_read(policy=policy)
    first, last = month, period_end(month, Period.MONTH)
    report = report_read(
        policy=policy, first=first, last=last, period=Period.MONTH, split=split, now=now
    )
    trend_first = months_before(month, TREND_MONTHS - 1)
    # The trend charts show the share in time, so they need no times taken (the
    # costliest part of reading a year).
    trend = report_read(
        policy=policy,
        first=trend_first,
        last=last,
        period=Period.MONTH,
        split=Split.ALL,
        now=now,
        times=False,
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
    outcomes: list[tuple[str, str | None, CaseOutcome]] = [
        ("Everyone", None, report.cases_for_period(month))
    ]
    if split is not Split.ALL:
        outcomes += [
            (cut.label, cut.value, report.cases[(month, cut.value)])
            for cut in report.values
            if (month, cut.value) in report.cases
        ]
    calls = call_figures_total(start=first, end=last, policy=policy)
    return Dashboard(
        month=month,
        first=first,
        last=last,
        trend_first=trend_first,
        split=split,
        report=report,
        trend=trend,
        glance=glance,
        split_tables=split_tables,
        first_contact=[
            display.first_contact_row(
                report, outcome, label=label, value=value, first=first, last=last
            )
            for label, value, outcome in outcomes
        ],
        first_contact_outcomes=[(label, outcome) for label, _, outcome in outcomes],
        calls=calls,
        phones=[
            PhoneRow(
                name=standard.name,
                within=within,
                percent=display.percent_text(within.percent),
                counts=f"{within.met:,} of {within.measured:,}",
                rating=report.rating(within.percent, policy.reporting.targets.get(standard.key)),
            )
            for standard, within in zip(phone_standards(policy), calls.within, strict=True)
        ],
        charts=[
            chart
            for index, figures in enumerate(trend.standards)
            if (chart := display.trend_chart(trend, figures, index)) is not None
        ],
        days_left=left,
        visits=visit_section(policy=policy, report=report, month=month, first=first, last=last),
        complaints=complaint_section(policy=policy, first=first, last=last),
    )
