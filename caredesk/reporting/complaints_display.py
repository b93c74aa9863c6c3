"""Complaints and compliments as the dashboard, its downloads and the board pack show
them, and the Tenant Satisfaction Measures' complaint returns (CH01, CH02) as their page,
its CSV and the board pack show them.

The counting is the complaints app's own (`caredesk.complaints.figures` for a month,
`caredesk.complaints.returns` for a TSM year); this module only names what it counted,
in the policy's words (its root causes, service areas and exclusions), and says each
share with its numerator and denominator ("8 of 10, 80.0%").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from caredesk.cases.models import ComplaintOutcome
from caredesk.complaints.annual_report import ReportDue, report_due, year_of
from caredesk.complaints.figures import ComplaintFigures, complaint_figures
from caredesk.complaints.returns import ComplaintReturns, PerThousand, WithinTime
from caredesk.reporting import display
from caredesk.reporting.periods import Period, period_name
from caredesk.standards import Policy, TakenUnit, taken_unit
from caredesk.standards.policy import CaseKind

NOT_RECORDED = "Not recorded"
OUTCOMES = (ComplaintOutcome.UPHELD, ComplaintOutcome.PARTLY_UPHELD, ComplaintOutcome.NOT_UPHELD)


class Keyed(Protocol):
    """A root cause, service area or exclusion of the policy."""

    @property
    def key(self) -> str: ...

    @property
    def name(self) -> str: ...


@dataclass(frozen=True)
class Named:
    label: str
    count: int


@dataclass(frozen=True)
class StageRow:
    stage: int
    label: str  # "Stage 1"
    received: int  # stage 1: complaints received; stage 2: requests for stage 2
    answered: int
    outcomes: tuple[int, int, int]  # upheld, partly upheld, not upheld
    in_time: int
    late: int
    in_time_text: str  # "8 of 10 (80.0%)"
    median: str  # "7 working days"

    @property
    def timed(self) -> int:
        return self.in_time + self.late

    @property
    def in_time_percent(self) -> float | None:
        return self.in_time * 100 / self.timed if self.timed else None


@dataclass(frozen=True)
class ComplaintSection:
    figures: ComplaintFigures
    annual_due: ReportDue  # the annual report of the last year ended: when it is due
    stages: list[StageRow]
    by_cause: list[Named]
    by_area: list[Named]
    not_accepted: list[Named]
    compliments_by_area: list[Named]

    @property
    def not_accepted_total(self) -> int:
        return sum(row.count for row in self.not_accepted)

    @property
    def sentences(self) -> list[str]:
        """The section in plain English, for the board pack."""
        figures = self.figures
        said = [
            f"{_count(figures.received, 'complaint')} received, and "
            f"{_count(figures.stage_2_asked, 'request')} for stage 2. "
            f"{_count(self.not_accepted_total, 'complaint')} not accepted under the "
            f"complaints procedure. {_count(figures.compliments, 'compliment')} received."
        ]
        for row in self.stages:
            if not (row.answered or row.timed):
                continue
            upheld, partly, not_upheld = row.outcomes
            said.append(
                f"{row.label}: {row.answered:,} answered ({upheld:,} upheld, {partly:,} "
                f"partly upheld, {not_upheld:,} not upheld); {row.in_time_text} within "
                f"the Code's timescale; median time taken {row.median}."
            )
        return said


def _count(n: int, thing: str) -> str:
    return f"{n:,} {thing}{'' if n == 1 else 's'}"


def share_text(part: int, whole: int) -> str:
    """ "8 of 10 (80.0%)"; "0 of 0" where there is nothing to share."""
    if not whole:
        return f"{part:,} of {whole:,}"
    return f"{part:,} of {whole:,} ({display.percent_text(part * 100 / whole)})"


def named(counts: dict[str, int], categories: Sequence[Keyed]) -> list[Named]:
    """Each of the policy's categories in its order (none counted: 0), then any key the
    policy no longer has, then those not recorded."""
    rows = [Named(c.name, counts.get(c.key, 0)) for c in categories]
    known = {c.key for c in categories}
    rows += [Named(key, n) for key, n in sorted(counts.items()) if key and key not in known]
    if counts.get(""):
        rows.append(Named(NOT_RECORDED, counts[""]))
    return rows


def _unit(policy: Policy, stage: int) -> TakenUnit:
    key = f"complaint_stage_{stage}_response"
    standards = {s.key: s for s in policy.deadline_standards()}
    return taken_unit(standards[key].target.unit) if key in standards else TakenUnit.WORKING_DAYS


def policy_has_complaints(policy: Policy) -> bool:
    return any(CaseKind.COMPLAINT in s.case_kinds for s in policy.deadline_standards())


def complaint_section(*, policy: Policy, first: date, last: date) -> ComplaintSection | None:
    """The period's complaints and compliments, or None where the landlord's policy has
    no complaint standards and none was counted."""
    figures = complaint_figures(first=first, last=last, policy=policy)
    counted = figures.received or figures.compliments or figures.not_accepted
    if not (policy_has_complaints(policy) or counted):
        return None
    annual_due = report_due(year=year_of(last) - 1, policy=policy)
    stages = []
    for stage, found in sorted(figures.stages.items()):
        stages.append(
            StageRow(
                stage=stage,
                label=f"Stage {stage}",
                received=figures.received if stage == 1 else figures.stage_2_asked,
                answered=found.answered,
                outcomes=(
                    found.outcomes.get(OUTCOMES[0], 0),
                    found.outcomes.get(OUTCOMES[1], 0),
                    found.outcomes.get(OUTCOMES[2], 0),
                ),
                in_time=found.in_time,
                late=found.late,
                in_time_text=share_text(found.in_time, found.in_time + found.late),
                median=display.taken_text(found.median_days, _unit(policy, stage)),
            )
        )
    complaints = policy.complaints
    return ComplaintSection(
        figures=figures,
        annual_due=annual_due,
        stages=stages,
        by_cause=named(figures.by_cause, complaints.root_causes),
        by_area=named(figures.by_area, complaints.service_areas),
        not_accepted=named(figures.not_accepted, complaints.exclusions),
        compliments_by_area=named(figures.compliments_by_area, complaints.service_areas),
    )


# -- The TSM returns: CH01 and CH02 ------------------------------------------------------


CH01_WHAT = {
    1: "Stage 1 complaints received per 1,000 homes",
    2: "Stage 2 complaints received per 1,000 homes",
}
CH02_WHAT = {
    1: "Stage 1 complaints responded to within the Code's timescale",
    2: "Stage 2 complaints responded to within the Code's timescale",
}


@dataclass(frozen=True)
class ReturnRow:
    measure: str  # "CH01 (1)"
    what: str
    tenure: str  # "Low-cost rental accommodation (LCRA)"
    numerator: int
    denominator: int | None  # None: no homes counted by the year's end
    value: float | None
    value_text: str  # "2.5", "80.0%", or why there is none

    @property
    def numerator_label(self) -> str:
        return "Complaints" if self.measure.startswith("CH01") else "Within the timescale"

    @property
    def denominator_label(self) -> str:
        return "Homes" if self.measure.startswith("CH01") else "Responses sent"


NO_HOMES = "No figure: no count of homes"
NOTHING_SENT = "No figure: no responses sent"


def _ch01_row(found: PerThousand) -> ReturnRow:
    value = found.value
    return ReturnRow(
        measure=found.measure,
        what=CH01_WHAT[found.stage],
        tenure=f"{found.tenure.name} ({found.tenure.short})",
        numerator=found.complaints,
        denominator=found.homes,
        value=value,
        value_text=f"{value:,.1f}" if value is not None else NO_HOMES,
    )


def _ch02_row(found: WithinTime) -> ReturnRow:
    percent = found.percent
    return ReturnRow(
        measure=found.measure,
        what=CH02_WHAT[found.stage],
        tenure=f"{found.tenure.name} ({found.tenure.short})",
        numerator=found.within,
        denominator=found.responded,
        value=percent,
        value_text=display.percent_text(percent) if percent is not None else NOTHING_SENT,
    )


@dataclass(frozen=True)
class ReturnsDisplay:
    returns: ComplaintReturns
    ch01: list[ReturnRow]
    ch02: list[ReturnRow]

    @property
    def title(self) -> str:
        returns = self.returns
        if returns.complete:
            return f"Tenant Satisfaction Measures: complaints, {returns.name}"
        return (
            f"Tenant Satisfaction Measures: complaints, {returns.name}, to "
            f"{period_name(returns.last, Period.DAY)}"
        )

    @property
    def tables(self) -> list[tuple[str, list[ReturnRow]]]:
        name = self.returns.name
        return [
            (f"Complaints per 1,000 homes (CH01), {name}", self.ch01),
            (f"Complaints responded to within the Code's timescale (CH02), {name}", self.ch02),
        ]

    @property
    def homes_text(self) -> str:
        homes = self.returns.homes
        if homes is None:
            return (
                f"The policy file has no count of homes on or before 31 March "
                f"{self.returns.year_ending}, so the complaints per 1,000 homes cannot be "
                "worked out. Add the count to the policy's [complaints] homes."
            )
        return (
            f"Homes owned on {period_name(homes.as_at, Period.DAY)} (the count at or nearest "
            f"before the year's end): {homes.low_cost_rental:,} low-cost rental, "
            f"{homes.low_cost_home_ownership:,} low-cost home ownership."
        )

    @property
    def left_out(self) -> list[str]:
        """What is in no measure, in words."""
        returns = self.returns
        return [
            f"{_count(returns.not_accepted, 'complaint')} received in the year and not "
            "accepted under the complaints procedure (declined for one of the Code's "
            "reasons).",
            f"{_count(returns.others.get(1, 0), 'stage 1 complaint')} and "
            f"{_count(returns.others.get(2, 0), 'stage 2 complaint')} from customers who "
            "are not tenants, licensees or shared owners, or with no customer recorded; "
            f"{_count(sum(returns.others_responded.values()), 'response')} to them.",
        ]


def returns_display(returns: ComplaintReturns) -> ReturnsDisplay:
    return ReturnsDisplay(
        returns=returns,
        ch01=[_ch01_row(found) for found in returns.ch01],
        ch02=[_ch02_row(found) for found in returns.ch02],
    )
