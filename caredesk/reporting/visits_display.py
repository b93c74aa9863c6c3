"""Visits and appointments as the dashboard, its downloads and the board pack show them.

The figures are the visits app's own (`caredesk.visits.figures`), except how fast
visitors were seen: that is the policy's visitor standards (Halton: "attended to within
5 minutes"), whose figures the report already has from the roll-ups. They are read from
there, so the dashboard never shows two different counts of one thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from caredesk.reporting import display
from caredesk.reporting.indicators import Rating, Report
from caredesk.standards import Policy
from caredesk.standards.policy import APPOINTMENTS_KEPT, ClockEvent, Rule
from caredesk.visits.figures import (
    AskedGiven,
    Due,
    VisitFigures,
    policy_has_visits,
    visit_figures,
    visits_recorded,
)
from caredesk.visits.models import AppointmentKind

# The standards that measure a visitor's wait, and how a sentence says what they measure.
WAITS = {
    ClockEvent.VISITOR_ARRIVED: "visitors were seen within {target}",
    ClockEvent.APPOINTMENT_TIME: (
        "visitors with an appointment were seen within {target} of their appointment time"
    ),
}


@dataclass(frozen=True)
class WaitRow:
    """One visitor standard's figures for the month, as the at-a-glance table has them."""

    name: str
    met: int
    measured: int
    percent: str
    rating: Rating
    sentence: str  # "96 of 100 visitors were seen within 5 minutes"


@dataclass(frozen=True)
class AppointmentRow:
    label: str  # "At the office", "Home visit", "All appointments"
    booked: int
    due: Due
    kept_rate: str
    rating: Rating


@dataclass(frozen=True)
class VisitSection:
    figures: VisitFigures
    appointment_only: bool  # the policy has offices open by appointment only
    waits: list[WaitRow]
    appointments: list[AppointmentRow]  # each kind booked or due, then all together
    kept_target: float | None

    @property
    def kept(self) -> AppointmentRow:
        return self.appointments[-1]

    @property
    def asked(self) -> list[tuple[str, int, int, int]]:
        """(what, asked, given, not given) at the desk."""
        visits = self.figures.visits
        return [
            ("A private room", *_three(visits.private_room)),
            ("Help to fill in forms", *_three(visits.forms_help)),
            ("An interpreter", *_three(visits.interpreter)),
        ]

    @property
    def sentences(self) -> list[str]:
        """The section in plain English, for the board pack."""
        figures, visits = self.figures, self.figures.visits
        said = [
            f"{_count(visits.came, 'visitor')} came to our offices: {visits.seen:,} seen, "
            f"{visits.left:,} left before being seen"
            + (
                f", {visits.asked_to_book:,} asked to phone to arrange an appointment "
                f"and {visits.exceptions:,} seen without one as an exception"
                if self.appointment_only
                else ""
            )
            + "."
        ]
        said += [
            f"{w.sentence} ({w.percent}): {w.rating.text.lower()}."
            for w in self.waits
            if w.measured
        ]
        kept, due = self.kept, self.kept.due
        said.append(
            f"{_count(figures.booked_total, 'appointment')} booked. Of the "
            f"{due.due:,} due, {due.kept:,} were kept, {due.moved:,} moved, "
            f"{due.cancelled:,} cancelled, {due.missed:,} missed by the customer and "
            f"{due.no_access:,} found nobody in."
        )
        if due.went_ahead:
            said.append(
                f"{due.kept:,} of the {due.went_ahead:,} appointments that went ahead were "
                f"kept ({kept.kept_rate}): {kept.rating.text.lower()}."
            )
        return said


def _three(counts: AskedGiven) -> tuple[int, int, int]:
    return counts.asked, counts.given, counts.not_given


def _count(n: int, thing: str) -> str:
    return f"{n:,} {thing}{'' if n == 1 else 's'}"


def visit_section(
    *, policy: Policy, report: Report, month: date, first: date, last: date
) -> VisitSection | None:
    """The month's visits and appointments, or None where the landlord has none: no
    standard on visits or home visits, and none ever recorded."""
    if not (policy_has_visits(policy) or visits_recorded()):
        return None
    figures = visit_figures(start=first, end=last, policy=policy)
    kept_target = policy.reporting.targets.get(APPOINTMENTS_KEPT)
    starts = {s.key: s.starts for s in policy.deadline_standards()}
    waits = []
    for standard in report.standards:
        event = starts.get(standard.key)
        says = WAITS.get(event) if event is not None else None
        if says is None:
            continue
        outcome = standard.for_period(month)
        percent = outcome.percent_in_time
        waits.append(
            WaitRow(
                name=standard.name,
                met=outcome.met_in_time,
                measured=outcome.measured,
                percent=display.percent_text(percent),
                rating=report.rating(percent, standard.kpi_target),
                sentence=f"{outcome.met_in_time:,} of {outcome.measured:,} "
                + says.format(target=standard.target),
            )
        )
    kinds = list(dict.fromkeys([*figures.booked, *figures.due]))
    rows = [
        _appointment_row(
            report,
            str(AppointmentKind(kind).label),
            figures.booked[kind].booked if kind in figures.booked else 0,
            figures.due.get(kind, Due()),
            kept_target,
        )
        for kind in sorted(kinds, key=AppointmentKind.values.index)
    ]
    rows.append(
        _appointment_row(
            report, "All appointments", figures.booked_total, figures.due_total, kept_target
        )
    )
    return VisitSection(
        figures=figures,
        appointment_only=policy.has_rule(Rule.APPOINTMENT_ONLY_VISITS),
        waits=waits,
        appointments=rows,
        kept_target=kept_target,
    )


def _appointment_row(
    report: Report, label: str, booked: int, due: Due, target: float | None
) -> AppointmentRow:
    return AppointmentRow(
        label=label,
        booked=booked,
        due=due,
        kept_rate=display.percent_text(due.kept_rate),
        rating=report.rating(due.kept_rate, target),
    )
