"""Call figures: how many calls came in, how they ended, and how fast they were answered.

Everything is counted in the database with GROUP BY queries over `Call.started_at`
(the indexes on `started_at` and `(line, started_at)` find the period), in the policy's
zone (Europe/London), so a day is a local day and a call at 00:30 BST belongs to the
day it was made on:

- the figures table: one row per day, ISO week (Monday to Sunday) or month, and per
  line or per team if asked, plus a total for the whole period;
- the heat map: calls by local hour of the day (0-23) and ISO weekday (1 is Monday).

The 90th percentile of speed of answer is continuous (interpolated), as PostgreSQL's
`percentile_cont(0.9)` works it out. PostgreSQL computes it in the same query; SQLite has
no such aggregate, so a second query ranks answered calls within each group (window
functions) and returns at most three of them per group, and Python interpolates between
them with the same arithmetic. Both databases give identical figures (the tests check).

Averages are carried as a whole-number total and a count, and divided in Python, so
they do not depend on how a database rounds.
"""

from __future__ import annotations

import enum
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    FilteredRelation,
    FloatField,
    IntegerField,
    Max,
    Min,
    Q,
    QuerySet,
    Sum,
    Window,
)
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, RowNumber, Trunc

from caredesk.staff.models import Team
from caredesk.standards import Policy
from caredesk.standards.policy import ClockEvent
from caredesk.telephony.models import Call, CallOutcome, Line

PERCENTILE = 0.9  # "90th percentile speed of answer"


class Period(enum.StrEnum):
    DAY = "day"
    WEEK = "week"  # ISO week: Monday to Sunday
    MONTH = "month"


class Split(enum.StrEnum):
    ALL = "all"
    LINE = "line"
    TEAM = "team"


@dataclass(frozen=True)
class PhoneStandard:
    """A standard of the policy that measures how phones are answered (4 rings, 10 s)."""

    key: str
    name: str
    target: str


def phone_standards(policy: Policy) -> list[PhoneStandard]:
    """The policy's standards whose clock starts when a call is offered, in policy order."""
    return [
        PhoneStandard(key=s.key, name=s.name, target=str(s.target))
        for s in policy.deadline_standards()
        if s.starts is ClockEvent.CALL_OFFERED
    ]


@dataclass(frozen=True)
class Within:
    """Calls measured against one standard, and how many met it."""

    met: int
    measured: int

    @property
    def percent(self) -> float | None:
        return 100 * self.met / self.measured if self.measured else None


@dataclass(frozen=True)
class CallCounts:
    """Calls offered and how they ended, with speed of answer (seconds)."""

    offered: int = 0
    answered: int = 0
    abandoned: int = 0
    voicemail: int = 0
    transferred: int = 0
    timed: int = 0  # answered calls with a time to answer
    answer_seconds: int = 0  # their total
    p90_answer: float | None = None
    within: tuple[Within, ...] = ()  # one per phone standard, in their order

    @property
    def average_answer(self) -> float | None:
        return self.answer_seconds / self.timed if self.timed else None


@dataclass(frozen=True)
class FiguresRow:
    period: date | None  # the first day of the day, week or month; None for a total
    group_id: int | None  # the line's or team's id; None for "all" or for none
    group: str  # "All lines", a line or team name, "No line", "No team"
    counts: CallCounts


@dataclass(frozen=True)
class HeatCell:
    weekday: int  # ISO: 1 is Monday, 7 is Sunday
    hour: int  # local hour of the day, 0-23
    counts: CallCounts


@dataclass(frozen=True)
class Figures:
    start: date
    end: date  # inclusive
    period: Period
    split: Split
    standards: list[PhoneStandard]
    rows: list[FiguresRow]
    total: CallCounts
    heat: list[HeatCell] = field(default_factory=list)  # only where calls were offered


# -- the queries ----------------------------------------------------------------------


class Percentile(Aggregate):
    """PostgreSQL's continuous percentile: `percentile_cont(f) WITHIN GROUP (ORDER BY x)`."""

    function = "PERCENTILE_CONT"
    name = "Percentile"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: Any, *, fraction: float, **extra: Any) -> None:
        if not 0 <= fraction <= 1:
            raise ValueError("a percentile's fraction is between 0 and 1")
        super().__init__(expression, fraction=repr(float(fraction)), **extra)


def percentile_of_sorted(values: list[float] | list[int], fraction: float) -> float:
    """Continuous percentile of sorted values, with percentile_cont's own arithmetic."""
    position = fraction * (len(values) - 1)
    below, above = math.floor(position), math.ceil(position)
    low, high = float(values[below]), float(values[above])
    return low + (position - below) * (high - low)


ANSWERED = Q(outcome=CallOutcome.ANSWERED)
TIMED = Q(outcome=CallOutcome.ANSWERED, seconds_to_answer__isnull=False)


def _calls(start: date, end: date, zone: ZoneInfo) -> QuerySet[Call]:
    """Calls started from local midnight at `start` to local midnight after `end`."""
    return Call.objects.filter(
        started_at__gte=_local_midnight(start, zone),
        started_at__lt=_local_midnight(end + timedelta(days=1), zone),
    ).order_by()


def _local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def _measure_joins(
    standards: list[PhoneStandard], ids: tuple[int, int]
) -> dict[str, FilteredRelation]:
    # One LEFT JOIN per standard, on the (call, standard_key) unique index: at most one
    # measure per call each, so no call is counted twice. The id range of the period's
    # calls changes no result (the join is on the call), but it lets PostgreSQL read
    # only the measures of those ids instead of hashing the whole table: calls are
    # imported in time order, so a month's calls have neighbouring ids.
    return {
        f"measure_{i}": FilteredRelation(
            "measures",
            condition=Q(
                measures__standard_key=s.key,
                measures__call__gte=ids[0],
                measures__call__lte=ids[1],
            ),
        )
        for i, s in enumerate(standards)
    }


def _aggregates(
    standards: list[PhoneStandard], *, with_percentile: bool, outcomes: bool
) -> dict[str, Any]:
    aggregates: dict[str, Any] = {
        "offered": Count("pk"),
        "timed": Count("pk", filter=TIMED),
        "answer_seconds": Sum("seconds_to_answer", filter=TIMED),
    }
    if outcomes:
        aggregates |= {
            "answered": Count("pk", filter=ANSWERED),
            "abandoned": Count("pk", filter=Q(outcome=CallOutcome.ABANDONED)),
            "voicemail": Count("pk", filter=Q(outcome=CallOutcome.VOICEMAIL)),
            "transferred": Count("pk", filter=Q(outcome=CallOutcome.TRANSFERRED)),
        }
    for i in range(len(standards)):
        aggregates[f"measured_{i}"] = Count(f"measure_{i}__met")
        aggregates[f"met_{i}"] = Count(f"measure_{i}__met", filter=Q(**{f"measure_{i}__met": True}))
    if with_percentile:
        aggregates["p90"] = Percentile("seconds_to_answer", fraction=PERCENTILE, filter=TIMED)
    return aggregates


def _grouped(
    calls: QuerySet[Call],
    keys: Mapping[str, Any],
    standards: list[PhoneStandard],
    *,
    outcomes: bool = True,
) -> dict[tuple[Any, ...], CallCounts]:
    """Counts for each combination of `keys` (name: expression); {} gives one total.

    Without `outcomes`, only calls offered and speed of answer are counted (less work
    for the database where nothing else is shown)."""
    in_database = connection.vendor == "postgresql"
    joined = calls
    if standards:
        # The count stops PostgreSQL reading min and max along the primary key index,
        # which for a recent period would walk past every older call first.
        ids = calls.aggregate(first=Min("pk"), last=Max("pk"), calls=Count("pk"))
        if not ids["calls"]:
            return {}
        joined = calls.annotate(**_measure_joins(standards, (ids["first"], ids["last"])))
    aggregates = _aggregates(standards, with_percentile=in_database, outcomes=outcomes)
    names = list(keys)
    if names:
        rows = list(joined.values(**keys).annotate(**aggregates).order_by())
    else:
        total = joined.aggregate(**aggregates)
        rows = [total] if total["offered"] else []
    percentiles = (
        {tuple(row[n] for n in names): row["p90"] for row in rows}
        if in_database
        else _percentiles_by_ranking(calls, keys)
    )
    result = {}
    for row in rows:
        key = tuple(row[n] for n in names)
        result[key] = CallCounts(
            offered=row["offered"],
            answered=row.get("answered", 0),
            abandoned=row.get("abandoned", 0),
            voicemail=row.get("voicemail", 0),
            transferred=row.get("transferred", 0),
            timed=row["timed"],
            answer_seconds=row["answer_seconds"] or 0,
            p90_answer=percentiles.get(key),
            within=tuple(
                Within(met=row[f"met_{i}"], measured=row[f"measured_{i}"])
                for i in range(len(standards))
            ),
        )
    return result


def _percentiles_by_ranking(
    calls: QuerySet[Call], keys: Mapping[str, Any]
) -> dict[tuple[Any, ...], float]:
    """The percentile per group where the database has no percentile aggregate (SQLite).

    Answered calls are numbered within their group by time to answer; only the rows
    either side of the percentile's position come back (at most three per group).
    """
    names = list(keys)
    partition = [F(n) for n in names] or None
    ranked = (
        calls.filter(TIMED)
        .annotate(**keys)
        .annotate(
            rank=Window(RowNumber(), partition_by=partition, order_by=F("seconds_to_answer").asc()),
            size=Window(Count("pk"), partition_by=partition),
        )
        .annotate(
            # the exact whole part of PERCENTILE * (size - 1); the float one that
            # percentile_cont uses is within one of it
            near=ExpressionWrapper((F("size") - 1) * 9 / 10, output_field=IntegerField())
        )
        .filter(rank__gte=F("near"), rank__lte=F("near") + 2)
        .values_list(*names, "size", "rank", "seconds_to_answer")
    )
    assert PERCENTILE == 0.9, "near (above) is written for the 90th percentile"
    nearby: dict[tuple[Any, ...], dict[int, int]] = defaultdict(dict)
    sizes: dict[tuple[Any, ...], int] = {}
    for *key_values, size, rank, seconds in ranked:
        key = tuple(key_values)
        sizes[key] = size
        nearby[key][rank - 1] = seconds
    result = {}
    for key, size in sizes.items():
        position = PERCENTILE * (size - 1)
        below, above = math.floor(position), math.ceil(position)
        low, high = float(nearby[key][below]), float(nearby[key][above])
        result[key] = low + (position - below) * (high - low)
    return result


# -- the selectors --------------------------------------------------------------------


def _period_start(period: Period, zone: ZoneInfo) -> Trunc:
    return Trunc("started_at", period.value, output_field=DateField(), tzinfo=zone)


def _group_key(split: Split) -> Any:
    return {Split.LINE: F("line_id"), Split.TEAM: F("line__team_id")}.get(split)


def _group_names(split: Split, ids: Iterable[int | None]) -> dict[int | None, str]:
    wanted = [i for i in ids if i is not None]
    names: dict[int | None, str] = {None: "All lines"}
    if split is Split.LINE:
        names = {None: "No line"}
        names.update(Line.objects.filter(pk__in=wanted).values_list("pk", "name"))
    elif split is Split.TEAM:
        names = {None: "No team"}
        names.update(Team.objects.filter(pk__in=wanted).values_list("pk", "name"))
    return names


def period_starts(start: date, end: date, period: Period) -> list[date]:
    """The first day of each day, ISO week or month that overlaps start..end."""
    first = {
        Period.DAY: start,
        Period.WEEK: start - timedelta(days=start.weekday()),
        Period.MONTH: start.replace(day=1),
    }[period]
    starts = []
    while first <= end:
        starts.append(first)
        if period is Period.DAY:
            first += timedelta(days=1)
        elif period is Period.WEEK:
            first += timedelta(days=7)
        else:
            first = (first + timedelta(days=32)).replace(day=1)
    return starts


def call_figures_rows(
    *, start: date, end: date, period: Period, split: Split, policy: Policy
) -> list[FiguresRow]:
    """One row per period (and line or team), in order. With no split, every period
    appears, with zeros where no calls came; with a split, only lines or teams that had
    calls in that period."""
    zone = policy.working_calendar.zone
    standards = phone_standards(policy)
    keys: dict[str, Any] = {"period": _period_start(period, zone)}
    group = _group_key(split)
    if group is not None:
        keys["group"] = group
    counts = _grouped(_calls(start, end, zone), keys, standards)
    if group is None:
        empty = CallCounts(within=tuple(Within(0, 0) for _ in standards))
        return [
            FiguresRow(
                period=day, group_id=None, group="All lines", counts=counts.get((day,), empty)
            )
            for day in period_starts(start, end, period)
        ]
    names = _group_names(split, (key[1] for key in counts))
    rows = [
        FiguresRow(period=key[0], group_id=key[1], group=names.get(key[1], "?"), counts=value)
        for key, value in counts.items()
    ]
    return sorted(rows, key=lambda r: (r.period, r.group_id is None, r.group.casefold()))


def call_figures_total(*, start: date, end: date, policy: Policy) -> CallCounts:
    """The whole period's figures (its percentile is the period's, not an average)."""
    standards = phone_standards(policy)
    counts = _grouped(_calls(start, end, policy.working_calendar.zone), {}, standards)
    return counts.get((), CallCounts(within=tuple(Within(0, 0) for _ in standards)))


def call_heat_map(*, start: date, end: date, policy: Policy) -> list[HeatCell]:
    """Calls offered and speed of answer by local weekday and hour, where there were calls."""
    zone = policy.working_calendar.zone
    keys = {
        "weekday": ExtractIsoWeekDay("started_at", tzinfo=zone),
        "hour": ExtractHour("started_at", tzinfo=zone),
    }
    counts = _grouped(_calls(start, end, zone), keys, [], outcomes=False)
    return sorted(
        (HeatCell(weekday=k[0], hour=k[1], counts=v) for k, v in counts.items()),
        key=lambda c: (c.weekday, c.hour),
    )


def call_figures(
    *, start: date, end: date, period: Period, split: Split, policy: Policy
) -> Figures:
    """Everything the figures page shows: the table, its total and the heat map.

    The total is the rows added up (every call is in exactly one row), with the
    period's own percentile from one narrow query: the same as `call_figures_total`,
    without joining the measures a second time.
    """
    rows = call_figures_rows(start=start, end=end, period=period, split=split, policy=policy)
    standards = phone_standards(policy)
    whole = _grouped(_calls(start, end, policy.working_calendar.zone), {}, [], outcomes=False)
    total = CallCounts(
        offered=sum(r.counts.offered for r in rows),
        answered=sum(r.counts.answered for r in rows),
        abandoned=sum(r.counts.abandoned for r in rows),
        voicemail=sum(r.counts.voicemail for r in rows),
        transferred=sum(r.counts.transferred for r in rows),
        timed=sum(r.counts.timed for r in rows),
        answer_seconds=sum(r.counts.answer_seconds for r in rows),
        p90_answer=whole[()].p90_answer if () in whole else None,
        within=tuple(
            Within(
                met=sum(r.counts.within[i].met for r in rows),
                measured=sum(r.counts.within[i].measured for r in rows),
            )
            for i in range(len(standards))
        ),
    )
    return Figures(
        start=start,
        end=end,
        period=period,
        split=split,
        standards=standards,
        rows=rows,
        total=total,
        heat=call_heat_map(start=start, end=end, policy=policy),
    )
