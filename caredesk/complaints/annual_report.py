"""The annual complaints performance and service improvement report (the Housing
Ombudsman's Complaint Handling Code, 2024, section 8): when it is due, the
self-assessment against the Code kept per year, the learning and the governing body's
response, publishing it, and the report read whole for its pages and its PDF.

A report's year is a year of the Tenant Satisfaction Measures: 1 April `year` to 31 March
`year` + 1. It is due on the policy's `[complaints.annual_report]` `due` (a month and
day) next after the year ends; the Code requires it of a landlord whose latest count of
homes (`[[complaints.homes]]`) is over `applies_over_homes`, and it is optional for
others. Every change is kept with who made it and when (`AnnualReportChange`); a
published report is not changed until it is withdrawn.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from caredesk.cases.models import ComplaintOutcome
from caredesk.complaints.code_provisions import Provision, Section, code_provisions
from caredesk.complaints.figures import ComplaintFigures, complaint_figures
from caredesk.complaints.models import (
    AnnualComplaintsReport,
    AnnualReportChange,
    CodeSelfAssessment,
)
from caredesk.core.clock import Clock, read_once
from caredesk.core.db import write_transaction
from caredesk.errors import CaredeskError, NotAllowed
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can, allowed
from caredesk.standards import Policy

FIRST_YEAR = 2024  # the Code became statutory on 1 April 2024
MAX_TEXT_CHARS = 10_000
Part = Literal["learning", "governing_body_response"]
PARTS: dict[str, str] = {
    "learning": "the learning and improvements",
    "governing_body_response": "the governing body's response",
}
NOT_RECORDED = "Not recorded"


class AnnualReportError(CaredeskError):
    """A change to the annual complaints report that cannot be made as asked."""

    code = "annual_report_invalid"


# -- the year and when its report is due ----------------------------------------------------


def year_first_last(year: int) -> tuple[date, date]:
    """The first and last days of the Tenant Satisfaction Measures' year `year`."""
    return date(year, 4, 1), date(year + 1, 3, 31)


def year_name(year: int) -> str:
    """ "1 April 2025 to 31 March 2026" is "2025 to 2026"."""
    return f"{year} to {year + 1}"


def year_of(day: date) -> int:
    """The year (by its first April) that `day` falls in."""
    return day.year if day.month >= 4 else day.year - 1


def last_complete_year(today: date) -> int:
    return year_of(today) - 1


@dataclass(frozen=True)
class ReportDue:
    year: int
    due_on: date
    required: bool  # the Code requires it of this landlord; otherwise optional
    homes: int | None  # the latest count of homes in the policy (None: none counted)
    over_homes: int  # the policy's threshold

    @property
    def homes_text(self) -> str:
        return f"{self.homes:,}" if self.homes is not None else ""

    @property
    def over_homes_text(self) -> str:
        return f"{self.over_homes:,}"


def report_due(*, year: int, policy: Policy) -> ReportDue:
    """When the report for `year` is due: the policy's month and day next after the year
    ends (31 March), and whether the Code requires it of this landlord."""
    settings = policy.complaints.annual_report
    _, last = year_first_last(year)
    due = settings.due_on(last.year)
    if due <= last:
        due = settings.due_on(last.year + 1)
    counts = policy.complaints.homes
    latest = max(counts, key=lambda count: count.as_at) if counts else None
    homes = latest.low_cost_rental + latest.low_cost_home_ownership if latest else None
    return ReportDue(
        year=year,
        due_on=due,
        required=homes is not None and homes > settings.applies_over_homes,
        homes=homes,
        over_homes=settings.applies_over_homes,
    )


# -- changes --------------------------------------------------------------------------------


def _check(*, year: int, by: StaffMember, today: date) -> None:
    if not allowed(by, Can.MANAGE_COMPLAINTS):
        raise NotAllowed("Only administrators and line managers can change the complaints report.")
    if not FIRST_YEAR <= year <= year_of(today):
        raise AnnualReportError(
            f"There is no report for {year_name(year)}: the Code's reports start with "
            f"{year_name(FIRST_YEAR)}, and a year must have begun."
        )


def _report_locked(year: int, clock: Clock) -> AnnualComplaintsReport:
    report, _ = AnnualComplaintsReport.objects.get_or_create(
        year=year, defaults={"created_at": clock.now()}
    )
    return AnnualComplaintsReport.objects.select_for_update().get(pk=report.pk)


def _unpublished(report: AnnualComplaintsReport) -> None:
    if report.published_at is not None:
        raise AnnualReportError(
            f"The {year_name(report.year)} report was published by {report.published_by} on "
            f"{report.published_at:%d %B %Y}: withdraw it before you change it."
        )


def _text(text: str, what: str) -> str:
    text = text.strip()
    if len(text) > MAX_TEXT_CHARS:
        raise AnnualReportError(f"Keep {what} to {MAX_TEXT_CHARS:,} characters.")
    return text


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


@write_transaction()
def self_assessment_record(
    *,
    year: int,
    provision: str,
    complies: bool,
    evidence: str,
    commentary: str,
    by: StaffMember,
    clock: Clock,
) -> CodeSelfAssessment:
    """Record, for the year's report, whether we comply with one provision of the Code,
    the evidence and our commentary. What changed is kept with who and when."""
    clock = read_once(clock)
    _check(year=year, by=by, today=clock.now().date())
    if code_provisions().get(provision) is None:
        raise AnnualReportError(f"The Code has no provision {provision}.")
    evidence = _text(evidence, "the evidence")
    commentary = _text(commentary, "the commentary")
    if not complies and not commentary:
        raise AnnualReportError(
            f"Explain in the commentary why we do not comply with {provision}, and when we will."
        )
    report = _report_locked(year, clock)
    _unpublished(report)
    kept = CodeSelfAssessment.objects.filter(report=report, provision=provision).first()
    changed: list[str] = []
    if kept is None:
        changed.append(f"complies: {_yes_no(complies)}")
        kept = CodeSelfAssessment(report=report, provision=provision)
    elif kept.complies != complies:
        changed.append(f"complies: {_yes_no(kept.complies)} to {_yes_no(complies)}")
    if kept.evidence != evidence:
        changed.append("evidence")
    if kept.commentary != commentary:
        changed.append("commentary")
    if not changed:
        return kept
    kept.complies, kept.evidence, kept.commentary = complies, evidence, commentary
    kept.updated_at, kept.updated_by = clock.now(), by
    kept.save()
    AnnualReportChange.objects.create(
        report=report,
        provision=provision,
        what=f"Self-assessment of {provision}: {', '.join(changed)}",
        by=by,
        at=clock.now(),
    )
    return kept


@write_transaction()
def report_part_record(
    *, year: int, part: Part, text: str, by: StaffMember, clock: Clock
) -> AnnualComplaintsReport:
    """Write the learning and improvements, or the governing body's response."""
    clock = read_once(clock)
    _check(year=year, by=by, today=clock.now().date())
    if part not in PARTS:
        raise AnnualReportError(f"The report has no part “{part}”.")
    text = _text(text, PARTS[part])
    report = _report_locked(year, clock)
    _unpublished(report)
    if getattr(report, part) == text:
        return report
    setattr(report, part, text)
    report.save(update_fields=[part])
    what = PARTS[part]
    AnnualReportChange.objects.create(
        report=report, what=f"{what[0].upper()}{what[1:]} written", by=by, at=clock.now()
    )
    return report


def publish_problems(report: AnnualComplaintsReport) -> list[str]:
    """What stops the report being published, in words (none: it can be)."""
    problems = []
    assessed = set(report.assessments.values_list("provision", flat=True))
    missing = [p.number for p in code_provisions().all() if p.number not in assessed]
    if missing:
        shown = ", ".join(missing[:5]) + (
            f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        )
        problems.append(f"Assess every provision of the Code: {shown} not yet assessed.")
    if not report.governing_body_response:
        problems.append("Enter the governing body's response.")
    return problems


@write_transaction()
def report_publish(*, year: int, by: StaffMember, clock: Clock) -> AnnualComplaintsReport:
    """Publish the year's report: readable at its public address from now on."""
    clock = read_once(clock)
    _check(year=year, by=by, today=clock.now().date())
    report = _report_locked(year, clock)
    _unpublished(report)
    problems = publish_problems(report)
    if problems:
        raise AnnualReportError(" ".join(problems))
    report.published_at, report.published_by = clock.now(), by
    report.save(update_fields=["published_at", "published_by"])
    AnnualReportChange.objects.create(report=report, what="Published", by=by, at=clock.now())
    return report


@write_transaction()
def report_withdraw(*, year: int, by: StaffMember, clock: Clock) -> AnnualComplaintsReport:
    """Take the published report down, so it can be changed."""
    clock = read_once(clock)
    _check(year=year, by=by, today=clock.now().date())
    report = _report_locked(year, clock)
    if report.published_at is None:
        raise AnnualReportError(f"The {year_name(year)} report is not published.")
    report.published_at = report.published_by = None
    report.save(update_fields=["published_at", "published_by"])
    AnnualReportChange.objects.create(report=report, what="Withdrawn", by=by, at=clock.now())
    return report


# -- the report read whole -------------------------------------------------------------------


@dataclass(frozen=True)
class ProvisionRow:
    provision: Provision
    assessment: CodeSelfAssessment | None


@dataclass
class AnnualReportRead:
    year: int
    name: str  # "2025 to 2026"
    first: date
    last: date
    due: ReportDue
    report: AnnualComplaintsReport | None
    sections: list[tuple[Section, list[ProvisionRow]]]
    figures: ComplaintFigures
    assessed: int = 0
    complying: int = 0
    provisions: int = 0
    by_cause: list[tuple[str, int]] = field(default_factory=list)
    by_area: list[tuple[str, int]] = field(default_factory=list)
    not_accepted: list[tuple[str, int]] = field(default_factory=list)
    outcomes: dict[int, list[tuple[str, int]]] = field(default_factory=dict)

    @property
    def published(self) -> bool:
        return self.report is not None and self.report.published_at is not None


def _named(counts: dict[str, int], names: dict[str, str]) -> list[tuple[str, int]]:
    rows = [(names.get(key, key) if key else NOT_RECORDED, n) for key, n in counts.items()]
    return sorted(rows, key=lambda row: (-row[1], row[0]))


def annual_report_read(*, year: int, policy: Policy) -> AnnualReportRead:
    """The year's report: the self-assessment, the figures (complaints.figures for the
    year) with the complaints by root cause and service area, the learning and the
    governing body's response."""
    first, last = year_first_last(year)
    report = AnnualComplaintsReport.objects.filter(year=year).select_related("published_by").first()
    kept = (
        {a.provision: a for a in CodeSelfAssessment.objects.filter(report=report)} if report else {}
    )
    sections = [
        (section, [ProvisionRow(p, kept.get(p.number)) for p in section.provisions])
        for section in code_provisions().sections
    ]
    figures = complaint_figures(first=first, last=last, policy=policy)
    complaints = policy.complaints
    outcome_names = {str(choice.value): str(choice.label) for choice in ComplaintOutcome}
    read = AnnualReportRead(
        year=year,
        name=year_name(year),
        first=first,
        last=last,
        due=report_due(year=year, policy=policy),
        report=report,
        sections=sections,
        figures=figures,
        provisions=len(code_provisions().all()),
        assessed=len(kept),
        complying=sum(1 for a in kept.values() if a.complies),
        by_cause=_named(figures.by_cause, {c.key: c.name for c in complaints.root_causes}),
        by_area=_named(figures.by_area, {a.key: a.name for a in complaints.service_areas}),
        not_accepted=_named(figures.not_accepted, {e.key: e.name for e in complaints.exclusions}),
    )
    read.outcomes = {
        stage: _named(found.outcomes, outcome_names) for stage, found in figures.stages.items()
    }
    return read
