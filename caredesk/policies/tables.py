"""A policy's standards in plain words, for the `policy show` table and the web page."""

from __future__ import annotations

from dataclasses import dataclass

from rich.table import Table
from rich.text import Text

from caredesk.standards import Policy
from caredesk.standards.bank_holidays import Region
from caredesk.standards.calendar import Interval
from caredesk.standards.policy import (
    WEEKDAYS,
    DeadlineStandard,
    FrequencyStandard,
    RuleStandard,
    ThresholdStandard,
)

AnyStandard = DeadlineStandard | ThresholdStandard | FrequencyStandard | RuleStandard


@dataclass(frozen=True)
class StandardRow:
    key: str
    name: str
    measure: str
    target: str
    clock: str
    channels: str
    notes: list[str]
    clause_section: str
    clause_quote: str
    basis: str


def describe_standard(standard: AnyStandard) -> StandardRow:
    notes: list[str] = []
    if isinstance(standard, RuleStandard):
        target, clock = "always", "no clock"
    elif isinstance(standard, FrequencyStandard):
        target, clock = str(standard.target), f"each working day: {standard.action}"
    else:
        target = str(standard.target)
        clock = f"from {standard.starts.description} to {standard.stops.description}"
        if isinstance(standard, ThresholdStandard):
            target = f"more than {standard.target}"
            notes.append(f"then: {standard.triggers.value.replace('_', ' ')}")
    if isinstance(standard, DeadlineStandard):
        if standard.holding_reply:
            limit = f", up to {standard.max_extension} more" if standard.max_extension else ""
            notes.append(f"holding reply with a revised date allowed{limit}")
        if standard.pause_reasons:
            reasons = ", ".join(r.value.replace("_", " ") for r in standard.pause_reasons)
            notes.append(f"clock stops for: {reasons}")
    if standard.case_kinds:
        notes.append("cases: " + ", ".join(k.value.replace("_", " ") for k in standard.case_kinds))
    if standard.assumption:
        notes.append(f"assumption: {standard.assumption}")
    return StandardRow(
        key=standard.key,
        name=standard.name,
        measure=standard.measure,
        target=target,
        clock=clock,
        channels=", ".join(c.value.replace("_", " ") for c in standard.channels),
        notes=notes,
        clause_section=standard.clause.section,
        clause_quote=standard.clause.quote,
        basis=standard.basis.value,
    )


def format_hours(intervals: tuple[Interval, ...]) -> str:
    def clock(seconds: int) -> str:
        return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"

    return " and ".join(f"{clock(o)}-{clock(c)}" for o, c in intervals)


def office_hours_lines(policy: Policy) -> list[str]:
    """'Monday to Friday: 09:30-13:00 and 14:00-17:30', grouping days with equal hours."""
    by_day = policy.calendar.intervals_by_weekday()
    lines: list[str] = []
    run: list[int] = []
    for day in sorted(by_day):
        if run and (by_day[run[-1]] != by_day[day] or run[-1] != day - 1):
            lines.append(_run_line(run, by_day))
            run = []
        run.append(day)
    if run:
        lines.append(_run_line(run, by_day))
    return lines


def _run_line(run: list[int], by_day: dict[int, tuple[Interval, ...]]) -> str:
    first, last = WEEKDAYS[run[0]].title(), WEEKDAYS[run[-1]].title()
    days = first if len(run) == 1 else f"{first} to {last}"
    return f"{days}: {format_hours(by_day[run[0]])}"


def region_label(policy: Policy) -> str:
    region = policy.calendar.region
    return "no region" if region == "none" else Region(region).label


def policy_summary(policy: Policy) -> Text:
    settings = policy.calendar
    region = region_label(policy)
    lines = [
        f"{policy.organisation.name}: {policy.document.title}"
        + (f", issue {policy.document.issue}" if policy.document.issue else "")
        + f" ({policy.document.issued})",
        "Office hours: " + "; ".join(office_hours_lines(policy)) + f" ({settings.timezone})",
        f"Bank holidays: {region}. Closure days: {len(settings.closure_days)}. "
        f"A ring lasts {settings.ring_seconds:g} seconds.",
    ]
    lines += [f"Assumption: {text}" for text in settings.assumptions]
    return Text("\n".join(lines) + "\n")


def standards_table(policy: Policy, *, quotes: bool = False) -> Table:
    table = Table(title=f"{policy.organisation.short_name}: service standards", show_lines=True)
    table.add_column("Key", no_wrap=True)
    table.add_column("Standard", ratio=3)
    table.add_column("Target", ratio=1)
    table.add_column("Clock", ratio=2)
    table.add_column("Channels", ratio=1)
    table.add_column("Notes", ratio=2)
    table.add_column("Clause", ratio=2)
    for standard in policy.standards:
        row = describe_standard(standard)
        clause = row.clause_section
        if quotes:
            clause += f": \u201c{row.clause_quote}\u201d"
        table.add_row(
            row.key, row.name, row.target, row.clock, row.channels, "\n".join(row.notes), clause
        )
    return table
