"""The performance indicators, read from the daily roll-ups (caredesk.reporting.rollups).

For each deadline standard of the policy, by period and by one cut (team, officer,
office, channel, customer type or kind of case):

- received: deadlines whose clock started in the period;
- measured: deadlines finished in the period that count towards the standard: met, or
  ended unmet after their due time. One ended before its due time (the case was closed
  with nothing owed) is not measured;
- % in time: met by the standard's own due time, of those measured;
- % by revised date: met by the standard's due time or by the date a holding reply gave;
- breaches: met after the date in force, or ended unmet after it;
- median and 90th percentile time taken, in the standard's unit for time taken (working
  days for a working-day standard: caredesk.standards.taken), of those met;
- open and overdue now, read live from the deadlines.

And first-contact resolution: of the cases received in the period, how many were
resolved at the first contact. Percentiles are continuous, as PostgreSQL's
`percentile_cont` works them out (the same arithmetic as the call figures).
"""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDay, TruncMonth, TruncWeek

from caredesk.cases.models import Case, CaseKind, Channel, Deadline, DeadlineStatus
from caredesk.core.query import id_or_none
from caredesk.customers.models import CustomerType
from caredesk.reporting.models import Cut, DailyCaseFigure, DailyFigure
from caredesk.reporting.periods import Period, period_start, periods_between
from caredesk.reporting.rollups import (
    ENDED_OVERDUE,
    FINISHED_AT,
    MET,
    MET_BY_REVISED,
    MET_IN_TIME,
    case_cut_values,
    deadline_cut_values,
    local_midnight,
)
from caredesk.staff.models import Office, StaffMember, Team
from caredesk.standards import Policy, TakenUnit, taken_unit
from caredesk.standards.policy import FIRST_CONTACT_RESOLUTION, ClockEvent, DeadlineStandard
from caredesk.telephony.figures import percentile_of_sorted


class Split(enum.StrEnum):
    """The cuts a reader may choose: the roll-ups' own, and offices (teams regrouped)."""

    ALL = "all"
    TEAM = "team"
    OFFICER = "officer"
    OFFICE = "office"
    CHANNEL = "channel"
    CUSTOMER_TYPE = "customer_type"
    CASE_KIND = "case_kind"

    @property
    def label(self) -> str:
        return {
            Split.ALL: "Everyone",
            Split.TEAM: "Team",
            Split.OFFICER: "Officer",
            Split.OFFICE: "Office",
            Split.CHANNEL: "Channel",
            Split.CUSTOMER_TYPE: "Customer type",
            Split.CASE_KIND: "Kind of case",
        }[self]

    @property
    def stored_cut(self) -> Cut:
        return Cut.TEAM if self is Split.OFFICE else Cut(self.value)


# -- one cell of figures -------------------------------------------------------------------


@dataclass
class Outcome:
    received: int = 0
    met_in_time: int = 0
    met_by_revised: int = 0
    met_late: int = 0
    ended_overdue: int = 0
    ended_in_time: int = 0
    taken: Counter[int] = field(default_factory=Counter)

    def add(self, other: Outcome) -> None:
        self.received += other.received
        self.met_in_time += other.met_in_time
        self.met_by_revised += other.met_by_revised
        self.met_late += other.met_late
        self.ended_overdue += other.ended_overdue
        self.ended_in_time += other.ended_in_time
        self.taken.update(other.taken)

    @property
    def met(self) -> int:
        return self.met_in_time + self.met_by_revised + self.met_late

    @property
    def measured(self) -> int:
        return self.met + self.ended_overdue

    @property
    def breaches(self) -> int:
        return self.met_late + self.ended_overdue

    @property
    def percent_in_time(self) -> float | None:
        return _percent(self.met_in_time, self.measured)

    @property
    def percent_by_revised(self) -> float | None:
        return _percent(self.met_in_time + self.met_by_revised, self.measured)

    @property
    def median_taken(self) -> float | None:
        return percentile_of_counts(self.taken, 0.5)

    @property
    def p90_taken(self) -> float | None:
        return percentile_of_counts(self.taken, 0.9)


def _percent(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole else None


def percentile_of_counts(counts: Counter[int], fraction: float) -> float | None:
    """The continuous percentile of values given as {value: how many}, exactly as
    percentile_cont of the values written out one by one."""
    total = sum(counts.values())
    if total == 0:
        return None
    position = fraction * (total - 1)
    wanted = {int(position), min(int(position) + 1, total - 1)}
    found: dict[int, int] = {}
    seen = 0
    for value in sorted(counts):
        for index in list(wanted):
            if seen <= index < seen + counts[value]:
                found[index] = value
                wanted.discard(index)
        seen += counts[value]
        if not wanted:
            break
    below = int(position)
    values = [found[below], found[min(below + 1, total - 1)]]
    return percentile_of_sorted(values, position - below)


@dataclass(frozen=True)
class CaseOutcome:
    received: int = 0
    resolved_at_first_contact: int = 0

    def __add__(self, other: CaseOutcome) -> CaseOutcome:
        return CaseOutcome(
            self.received + other.received,
            self.resolved_at_first_contact + other.resolved_at_first_contact,
        )

    @property
    def percent(self) -> float | None:
        return _percent(self.resolved_at_first_contact, self.received)


# -- targets ---------------------------------------------------------------------------------


class Level(enum.StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    NONE = "none"


@dataclass(frozen=True)
class Rating:
    """Red, amber or green against a target, always with words: colour is never alone."""

    level: Level
    text: str


def rate(percent: float | None, target: float | None, amber_within: float) -> Rating:
    if target is None:
        return Rating(Level.NONE, "No target set")
    if percent is None:
        return Rating(Level.NONE, "Nothing measured")
    if percent >= target:
        return Rating(Level.GREEN, f"On target ({target:g}%)")
    if percent >= target - amber_within:
        return Rating(Level.AMBER, f"Just below target ({target:g}%)")
    return Rating(Level.RED, f"Below target ({target:g}%)")


# -- the report --------------------------------------------------------------------------------


@dataclass
class StandardFigures:
    key: str
    name: str
    target: str  # "10 working days"
    taken_unit: TakenUnit
    kpi_target: float | None
    cells: dict[tuple[date, str], Outcome] = field(default_factory=dict)
    open_now: Counter[str] = field(default_factory=Counter)
    overdue_now: Counter[str] = field(default_factory=Counter)

    def cell(self, period: date, value: str) -> Outcome:
        return self.cells.get((period, value)) or Outcome()

    def for_period(self, period: date) -> Outcome:
        """Every value of the cut together, in one period."""
        total = Outcome()
        for (start, _), outcome in self.cells.items():
            if start == period:
                total.add(outcome)
        return total

    def for_value(self, value: str) -> Outcome:
        """Every period together, for one value of the cut."""
        total = Outcome()
        for (_, found), outcome in self.cells.items():
            if found == value:
                total.add(outcome)
        return total

    def total(self) -> Outcome:
        total = Outcome()
        for outcome in self.cells.values():
            total.add(outcome)
        return total


@dataclass(frozen=True)
class CutValue:
    value: str
    label: str


@dataclass
class Report:
    first: date
    last: date
    period: Period
    split: Split
    periods: list[date]
    values: list[CutValue]
    standards: list[StandardFigures]
    cases: dict[tuple[date, str], CaseOutcome]
    first_contact_target: float | None
    amber_within: float
    now: datetime

    def rating(self, percent: float | None, target: float | None) -> Rating:
        return rate(percent, target, self.amber_within)

    def cases_for_period(self, period: date) -> CaseOutcome:
        return sum((o for (start, _), o in self.cases.items() if start == period), CaseOutcome())

    def cases_for_value(self, value: str) -> CaseOutcome:
        return sum((o for (_, v), o in self.cases.items() if v == value), CaseOutcome())


def report_read(
    *,
    policy: Policy,
    first: date,
    last: date,
    period: Period,
    split: Split,
    now: datetime,
    standard_keys: list[str] | None = None,
    times: bool = True,
) -> Report:
    """The indicators from `first` to `last` (local days, both included). With
    `times=False`, no times taken (no medians): a year's trend is much quicker without."""
    regroup = _regrouping(split)
    standards = {
        s.key: StandardFigures(
            key=s.key,
            name=s.name,
            target=str(s.target),
            taken_unit=taken_unit(s.target.unit),
            kpi_target=policy.reporting.targets.get(s.key),
        )
        for s in case_standards(policy)
        if standard_keys is None or s.key in standard_keys
    }
    cut = split.stored_cut
    grain = _grain(period)
    figures = DailyFigure.objects.filter(cut=cut, day__gte=first, day__lte=last).order_by()
    if standard_keys is not None:
        figures = figures.filter(standard_key__in=standard_keys)
    rows = (
        figures.annotate(grain=grain)
        .values("standard_key", "value", "grain")
        .annotate(
            received=Sum("received"),
            met_in_time=Sum("met_in_time"),
            met_by_revised=Sum("met_by_revised"),
            met_late=Sum("met_late"),
            ended_overdue=Sum("ended_overdue"),
            ended_in_time=Sum("ended_in_time"),
        )
    )
    for row in rows:
        figures_of = standards.get(row["standard_key"])
        if figures_of is None:
            continue  # a standard since taken out of the policy
        outcome = _cell(figures_of, period, _as_date(row["grain"]), regroup(row["value"]))
        outcome.add(
            Outcome(
                received=row["received"],
                met_in_time=row["met_in_time"],
                met_by_revised=row["met_by_revised"],
                met_late=row["met_late"],
                ended_overdue=row["ended_overdue"],
                ended_in_time=row["ended_in_time"],
            )
        )
    taken_counts = _taken_counts(cut, first, last, period) if times else []
    for key, value, grain_day, taken, count in taken_counts:
        figures_of = standards.get(key)
        if figures_of is not None and (standard_keys is None or key in standard_keys):
            _cell(figures_of, period, grain_day, regroup(value)).taken[taken] += count
    _open_now(standards, split, regroup, now)

    cases: dict[tuple[date, str], CaseOutcome] = {}
    case_rows = (
        DailyCaseFigure.objects.filter(cut=cut, day__gte=first, day__lte=last)
        .order_by()
        .annotate(grain=grain)
        .values("value", "grain")
        .annotate(received=Sum("received"), first=Sum("resolved_at_first_contact"))
    )
    for row in case_rows:
        index = (period_start(_as_date(row["grain"]), period), regroup(row["value"]))
        cases[index] = cases.get(index, CaseOutcome()) + CaseOutcome(row["received"], row["first"])

    seen = {value for s in standards.values() for (_, value) in s.cells}
    seen |= {value for s in standards.values() for value in s.open_now}
    seen |= {value for (_, value) in cases}
    return Report(
        first=first,
        last=last,
        period=period,
        split=split,
        periods=periods_between(first, last, period),
        values=cut_values(split, seen),
        standards=list(standards.values()),
        cases=cases,
        first_contact_target=policy.reporting.targets.get(FIRST_CONTACT_RESOLUTION),
        amber_within=policy.reporting.amber_within,
        now=now,
    )


def case_standards(policy: Policy) -> list[DeadlineStandard]:
    """The standards whose deadlines are on cases: all but those measured on each call
    (answered in 4 rings), which the call figures count (caredesk.telephony.figures)."""
    return [s for s in policy.deadline_standards() if s.starts is not ClockEvent.CALL_OFFERED]


def _cell(figures: StandardFigures, period: Period, grain_day: date, value: str) -> Outcome:
    index = (period_start(grain_day, period), value)
    if index not in figures.cells:
        figures.cells[index] = Outcome()
    return figures.cells[index]


def _grain(period: Period) -> Any:
    """The finest grouping the database does; months fold into quarters and years here."""
    if period is Period.DAY:
        return TruncDay("day")
    if period is Period.WEEK:
        return TruncWeek("day")
    return TruncMonth("day")


def _as_date(value: date | datetime | str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value


def _taken_counts(
    cut: Cut, first: date, last: date, period: Period
) -> list[tuple[str, str, date, int, int]]:
    """(standard, value, grain, time taken, how many): the JSON counts summed in SQL."""
    if connection.vendor == "postgresql":
        grain = {
            Period.DAY: "f.day",
            Period.WEEK: "date_trunc('week', f.day)::date",
        }.get(period, "date_trunc('month', f.day)::date")
        sql = f"""
            SELECT f.standard_key, f.value, {grain}, h.key::integer, SUM(h.value::integer)
            FROM reporting_dailyfigure f CROSS JOIN LATERAL jsonb_each_text(f.taken) h
            WHERE f.cut = %s AND f.day >= %s AND f.day <= %s
            GROUP BY 1, 2, 3, 4
        """
    else:
        grain = {
            Period.DAY: "f.day",
            Period.WEEK: "date(f.day, '-6 days', 'weekday 1')",
        }.get(period, "strftime('%%Y-%%m-01', f.day)")
        sql = f"""
            SELECT f.standard_key, f.value, {grain}, CAST(h.key AS INTEGER), SUM(h.value)
            FROM reporting_dailyfigure f, json_each(f.taken) h
            WHERE f.cut = %s AND f.day >= %s AND f.day <= %s
            GROUP BY 1, 2, 3, 4
        """
    with connection.cursor() as cursor:
        cursor.execute(sql, [cut.value, first, last])
        return [
            (key, value, _as_date(grain_day), int(taken), int(count))
            for key, value, grain_day, taken, count in cursor.fetchall()
        ]


def _open_now(
    standards: dict[str, StandardFigures], split: Split, regroup: Any, now: datetime
) -> None:
    """Open and overdue deadlines now, live (the partial indexes on open rows)."""
    value = deadline_cut_values()[split.stored_cut]
    keys = list(standards)
    for status in (DeadlineStatus.OPEN, DeadlineStatus.PAUSED):
        rows = (
            Deadline.objects.filter(status=status, standard_key__in=keys)
            .order_by()
            .annotate(cut_value=value)
            .values("standard_key", "cut_value")
            .annotate(n=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=now)))
        )
        for row in rows:
            figures = standards[row["standard_key"]]
            figures.open_now[regroup(row["cut_value"])] += row["n"]
            figures.overdue_now[regroup(row["cut_value"])] += row["overdue"]


def _regrouping(split: Split) -> Any:
    """How a stored value becomes the reader's: a team's id becomes its office's."""
    if split is not Split.OFFICE:
        return lambda value: value
    offices = {
        str(pk): str(office or "") for pk, office in Team.objects.values_list("pk", "office")
    }
    return lambda value: offices.get(value, "")


def cut_values(split: Split, seen: set[str]) -> list[CutValue]:
    """The values of a cut that have figures, named, in a sensible order."""
    names: dict[str, str]
    if split is Split.ALL:
        return [CutValue("", "Everyone")]
    if split is Split.TEAM:
        names = {str(pk): name for pk, name in Team.objects.values_list("pk", "name")}
        none = "No team"
    elif split is Split.OFFICE:
        names = {str(pk): name for pk, name in Office.objects.values_list("pk", "name")}
        none = "No office"
    elif split is Split.OFFICER:
        ids = [pk for pk in map(id_or_none, seen) if pk is not None]
        names = {str(member.pk): str(member) for member in StaffMember.objects.filter(pk__in=ids)}
        none = "Nobody assigned"
    else:
        choices = {
            Split.CHANNEL: Channel,
            Split.CUSTOMER_TYPE: CustomerType,
            Split.CASE_KIND: CaseKind,
        }[split]
        names = {str(value): str(label) for value, label in choices.choices}
        none = "No customer recorded"
    ordered = sorted(
        (CutValue(v, names.get(v, none if v == "" else f"Unknown ({v})")) for v in seen),
        key=lambda cv: (cv.value == "", cv.label.lower()),
    )
    return ordered


# -- the records behind a figure -----------------------------------------------------------------


class Behind(enum.StrEnum):
    """Which deadlines a figure counts, for the list behind it."""

    RECEIVED = "received"
    MEASURED = "measured"
    IN_TIME = "in_time"
    BY_REVISED = "by_revised"
    BREACHES = "breaches"
    OPEN = "open"
    OVERDUE = "overdue"


def deadlines_behind(
    *,
    policy: Policy,
    standard_key: str,
    first: date,
    last: date,
    split: Split,
    value: str | None,
    behind: Behind,
    now: datetime,
) -> QuerySet[Deadline]:
    """The deadlines a figure of `report_read` counted, the same rules written as a query."""
    low, high = _local_span(policy, first, last)
    deadlines = Deadline.objects.filter(standard_key=standard_key).alias(finished_at=FINISHED_AT)
    finished = Q(finished_at__gte=low, finished_at__lt=high)
    unfinished = Q(status__in=(DeadlineStatus.OPEN, DeadlineStatus.PAUSED))
    wanted = {
        Behind.RECEIVED: Q(starts_at__gte=low, starts_at__lt=high),
        Behind.MEASURED: finished & (MET | ENDED_OVERDUE),
        Behind.IN_TIME: finished & MET_IN_TIME,
        Behind.BY_REVISED: finished & (MET_IN_TIME | MET_BY_REVISED),
        Behind.BREACHES: finished & ((MET & ~MET_IN_TIME & ~MET_BY_REVISED) | ENDED_OVERDUE),
        Behind.OPEN: unfinished,
        Behind.OVERDUE: unfinished & Q(due_at__lt=now),
    }[behind]
    return _of_value(deadlines.filter(wanted), split, value, deadline_cut_values())


def cases_behind_first_contact(
    *, policy: Policy, first: date, last: date, split: Split, value: str | None
) -> QuerySet[Case]:
    """The cases received in the period, for the first-contact resolution figure."""

    low, high = _local_span(policy, first, last)
    cases = Case.objects.filter(received_at__gte=low, received_at__lt=high)
    return _of_value(cases, split, value, case_cut_values())


def _local_span(policy: Policy, first: date, last: date) -> tuple[datetime, datetime]:
    """From local midnight at `first` to local midnight after `last`, in UTC."""
    zone = policy.working_calendar.zone
    return local_midnight(first, zone), local_midnight(last + timedelta(days=1), zone)


def _of_value(records: QuerySet[Any], split: Split, value: str | None, cuts: Any) -> QuerySet[Any]:
    """Only the records of one value of the split (all of them for everyone or none)."""
    if value is None or split is Split.ALL:
        return records
    if split is Split.OFFICE:
        return records.filter(_in_office(value))
    annotated: QuerySet[Any] = records.annotate(cut_value=cuts[split.stored_cut])
    return annotated.filter(cut_value=value)


def _in_office(value: str) -> Q:
    """Records of the teams of an office ("": of no team, or a team with no office)."""
    if value:
        office = id_or_none(value)  # from a link: anything may arrive
        return Q(team__office_id=office) if office is not None else Q(pk__in=[])
    return Q(team__isnull=True) | Q(team__office__isnull=True)
