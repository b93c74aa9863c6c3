"""The board pack: a month's performance for the Board, as an accessible PDF.

What it holds, in order: a summary of every standard against its target (with the
month before and the same month a year before, so the Board sees the direction), first
contact resolution, phones, visits and appointments, and complaints and compliments with
the Tenant Satisfaction Measures' complaint returns (CH01, CH02) for the year to the
month's end (where the landlord has them);
the worst-performing areas (teams, offices, channels, customer types and kinds of case
furthest below target, where enough was measured to mean something); the 13-month
trend of each standard, each chart with its words and its figures; and the commentary
the performance team wrote in the desk.

Officers are never named: the Board looks at services, not people.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.template.loader import render_to_string

from caredesk.complaints.returns import complaint_returns, tsm_year_ending
from caredesk.core.clock import Clock
from caredesk.documents.formats.pdf import tagged_pdf
from caredesk.documents.letters import long_date
from caredesk.reporting import display
from caredesk.reporting.complaints_display import (
    ComplaintSection,
    ReturnsDisplay,
    returns_display,
)
from caredesk.reporting.dashboard import PhoneRow, dashboard_read
from caredesk.reporting.indicators import Level, Rating, Report, Split, report_read
from caredesk.reporting.models import BoardCommentary
from caredesk.reporting.periods import Period, months_before
from caredesk.reporting.visits_display import VisitSection
from caredesk.staff.models import StaffMember
from caredesk.standards import Policy
from caredesk.telephony.figures import CallCounts

WORST_AREAS = 8
MEASURED_ENOUGH = 20  # an area with fewer measured is not called out: too few to mean much
AREA_SPLITS = (Split.TEAM, Split.OFFICE, Split.CHANNEL, Split.CUSTOMER_TYPE, Split.CASE_KIND)


@dataclass(frozen=True)
class SummaryRow:
    name: str
    target: str  # "10 working days"
    kpi_target: str  # "95%", or "none"
    measured: int
    in_time: str
    by_revised: str
    rating: Rating
    previous: str  # the month before
    year_before: str  # the same month a year before
    breaches: int
    median: str


@dataclass(frozen=True)
class Area:
    standard: str
    split: str  # "Team"
    value: str  # "Lettings"
    measured: int
    in_time: str
    target: str
    points_below: float


@dataclass
class BoardPack:
    organisation: str
    month: date
    month_name: str
    summary: list[SummaryRow]
    first_contact: display.FirstContactRow
    calls: CallCounts
    phones: list[PhoneRow]
    areas: list[Area]
    charts: list[display.Chart]
    commentary: str
    commentary_by: str
    made_at: datetime
    visits: VisitSection | None = None  # None: the landlord has no visits
    complaints: ComplaintSection | None = None  # None: the landlord has no complaints
    returns: ReturnsDisplay | None = None  # the TSM year to the month's end

    @property
    def on_target(self) -> int:
        return sum(1 for row in self.summary if row.rating.level is Level.GREEN)

    @property
    def rated(self) -> int:
        return sum(1 for row in self.summary if row.rating.level is not Level.NONE)


def board_pack(*, policy: Policy, month: date, clock: Clock) -> BoardPack:
    """Everything the board pack says for `month` (its first day)."""
    now = clock.now()
    board = dashboard_read(policy=policy, month=month, split=Split.ALL, now=now)
    trend = board.trend
    this_month = {figures.key: figures for figures in board.report.standards}  # with times
    previous, year_before = months_before(month, 1), months_before(month, 12)
    summary = []
    for figures in trend.standards:
        outcome = this_month[figures.key].for_period(month)
        if not (outcome.measured or outcome.received):
            continue
        summary.append(
            SummaryRow(
                name=figures.name,
                target=figures.target,
                kpi_target=f"{figures.kpi_target:g}%" if figures.kpi_target is not None else "none",
                measured=outcome.measured,
                in_time=display.percent_text(outcome.percent_in_time),
                by_revised=display.percent_text(outcome.percent_by_revised),
                rating=trend.rating(outcome.percent_in_time, figures.kpi_target),
                previous=display.percent_text(figures.for_period(previous).percent_in_time),
                year_before=display.percent_text(figures.for_period(year_before).percent_in_time),
                breaches=outcome.breaches,
                median=display.taken_text(outcome.median_taken, figures.taken_unit),
            )
        )
    commentary = BoardCommentary.objects.filter(month=month).select_related("written_by").first()
    return BoardPack(
        organisation=policy.organisation.name,
        month=month,
        month_name=board.month_name,
        summary=summary,
        first_contact=board.first_contact[0],
        calls=board.calls,
        phones=board.phones,
        areas=worst_areas(policy=policy, first=board.first, last=board.last, now=now),
        charts=board.charts,
        commentary=commentary.text if commentary else "",
        commentary_by=_written_by(commentary, policy),
        made_at=now,
        visits=board.visits,
        complaints=board.complaints,
        returns=(
            returns_display(
                complaint_returns(
                    year_ending=tsm_year_ending(month), policy=policy, through=board.last
                )
            )
            if board.complaints is not None
            else None
        ),
    )


def _written_by(commentary: BoardCommentary | None, policy: Policy) -> str:
    if commentary is None:
        return ""
    who: StaffMember = commentary.written_by
    day = commentary.written_at.astimezone(policy.working_calendar.zone).date()
    return f"{who.get_full_name() or who.username}, {long_date(day)}"


def worst_areas(*, policy: Policy, first: date, last: date, now: datetime) -> list[Area]:
    """The areas furthest below their standard's target, where at least MEASURED_ENOUGH
    were measured, worst first."""
    found: list[Area] = []
    for split in AREA_SPLITS:
        report: Report = report_read(
            policy=policy, first=first, last=last, period=Period.MONTH, split=split, now=now
        )
        names = {cut.value: cut.label for cut in report.values}
        for figures in report.standards:
            if figures.kpi_target is None:
                continue
            for cut in report.values:
                outcome = figures.cell(first, cut.value)
                percent = outcome.percent_in_time
                if outcome.measured < MEASURED_ENOUGH or percent is None:
                    continue
                if percent < figures.kpi_target:
                    found.append(
                        Area(
                            standard=figures.name,
                            split=split.label,
                            value=names[cut.value],
                            measured=outcome.measured,
                            in_time=display.percent_text(percent),
                            target=f"{figures.kpi_target:g}%",
                            points_below=figures.kpi_target - percent,
                        )
                    )
    found.sort(key=lambda area: -area.points_below)
    return found[:WORST_AREAS]


def board_pack_html(pack: BoardPack) -> str:
    return render_to_string("reporting/board_pack.html", {"pack": pack})


def board_pack_pdf(pack: BoardPack) -> bytes:
    """The board pack as a tagged PDF (PDF/UA-1): headings, tables and charts in reading
    order, each chart with its words and its figures. Nothing is fetched."""
    return tagged_pdf(board_pack_html(pack))


def board_pack_file_name(pack: BoardPack) -> str:
    return f"board-pack-{pack.month:%Y-%m}.pdf"
