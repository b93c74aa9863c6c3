"""Count the daily figures from the deadline and case records.

`figures_count(first, last)` counts the local days from `first` to `last` again with
GROUP BY queries over `cases.Deadline` and `cases.Case`, and replaces their rows in
`DailyFigure` and `DailyCaseFigure`. Two callers:

- `figures_refresh`: the days the triggers marked (`StaleDay`) since the last refresh.
  The worker runs it at every sweep, and each performance page before it reads (for
  half a second at most), so the figures are at most a minute behind the records.
- `figures_rebuild`: every day there is a record for, ten days at a time
  (`caredesk report rebuild`). It also works out the time taken of deadlines met before
  time taken was recorded.

Days are the policy's local days (Europe/London): a letter answered at 00:30 BST on
1 July counts in July.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from time import monotonic
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from django.db import connection, models, transaction
from django.db.models import CharField, Count, F, Max, Min, Q, QuerySet, Value
from django.db.models.functions import Cast, Coalesce, TruncDate

from caredesk.cases.models import Case, Deadline, DeadlineStatus
from caredesk.core.db import write_transaction
from caredesk.reporting.models import Cut, DailyCaseFigure, DailyFigure, StaleDay
from caredesk.standards import Policy, taken_unit, time_taken_batch
from caredesk.standards.policy import DeadlineStandard

FINISHED_AT = Coalesce("met_at", "ended_at")
REFRESH_LOCK = 0x43415245  # "CARE": one refresh at a time (PostgreSQL advisory lock)
BATCH = 5000


def _text(expression: str) -> Coalesce:
    """A column as text, "" where it is empty (no team, no customer)."""
    return Coalesce(Cast(expression, output_field=CharField()), Value(""))


# The columns each cut reads, in the order of Cut (ALL reads none): one GROUP BY over all
# of them, then each row is added into every cut in Python. One query instead of one per
# cut: a sixth of the scans, on both databases.
DEADLINE_DIMENSIONS = {
    Cut.TEAM: "team_id",
    Cut.OFFICER: "assigned_to_id",
    Cut.CHANNEL: "case__channel",
    Cut.CUSTOMER_TYPE: "case__customer__customer_type",
    Cut.CASE_KIND: "case__kind",
}
CASE_DIMENSIONS = {
    Cut.TEAM: "team_id",
    Cut.OFFICER: "assigned_to_id",
    Cut.CHANNEL: "channel",
    Cut.CUSTOMER_TYPE: "customer__customer_type",
    Cut.CASE_KIND: "kind",
}


def deadline_cut_values() -> dict[Cut, Any]:
    """The expression each cut splits deadlines by (as text, "" where there is none)."""
    return {Cut.ALL: Value(""), **{c: _text(col) for c, col in DEADLINE_DIMENSIONS.items()}}


def case_cut_values() -> dict[Cut, Any]:
    """The expression each cut splits cases by (as text, "" where there is none)."""
    return {Cut.ALL: Value(""), **{c: _text(col) for c, col in CASE_DIMENSIONS.items()}}


# -- what counts as what (the recount in the tests uses the same definitions) --------------

MET = Q(status=DeadlineStatus.MET)
MET_IN_TIME = MET & (Q(standard_due_at__isnull=True) | Q(met_at__lte=F("standard_due_at")))
MET_BY_REVISED = (
    MET
    & Q(met_at__gt=F("standard_due_at"))
    & Q(revised_due_at__isnull=False, met_at__lte=F("revised_due_at"))
)
ENDED = Q(status=DeadlineStatus.ENDED_UNMET)
ENDED_OVERDUE = ENDED & Q(due_at__isnull=False, ended_at__gt=F("due_at"))


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


@dataclass
class Counted:
    days: int = 0
    figures: int = 0
    case_figures: int = 0
    left: int = 0  # marked days not counted yet (a refresh out of time)

    def add(self, other: Counted) -> None:
        self.days += other.days
        self.figures += other.figures
        self.case_figures += other.case_figures


def _cut_values(row: dict[str, Any], dimensions: dict[Cut, str]) -> list[tuple[Cut, str]]:
    """The value of every cut for one grouped row: ("" for everyone, or where none)."""
    found = [(Cut.ALL, "")]
    for cut, column in dimensions.items():
        value = row[column]
        found.append((cut, "" if value is None else str(value)))
    return found


@dataclass
class _Figure:
    received: int = 0
    met_in_time: int = 0
    met_by_revised: int = 0
    met_late: int = 0
    ended_overdue: int = 0
    ended_in_time: int = 0
    taken: dict[str, int] = field(default_factory=dict)


def figures_count(*, first: date, last: date, policy: Policy) -> Counted:
    """Count the local days `first` to `last` again and replace their rows."""
    zone = policy.working_calendar.zone
    low, high = local_midnight(first, zone), local_midnight(last + timedelta(days=1), zone)
    _plan_for_a_range()
    figures: dict[tuple[date, str, str, str], _Figure] = defaultdict(_Figure)
    columns = list(DEADLINE_DIMENSIONS.values())

    def each_figure(row: dict[str, Any]) -> Iterator[_Figure]:
        day, key = row["day"], row["standard_key"]
        for cut, value in _cut_values(row, DEADLINE_DIMENSIONS):
            yield figures[(day, key, cut.value, value)]

    started = Deadline.objects.filter(starts_at__gte=low, starts_at__lt=high).order_by()
    received = (
        started.annotate(day=TruncDate("starts_at", tzinfo=zone))
        .values("day", "standard_key", *columns)
        .annotate(n=Count("pk"))
    )
    for row in received:
        for found in each_figure(row):
            found.received += row["n"]
    finished = (
        Deadline.objects.alias(finished_at=FINISHED_AT)
        .filter(finished_at__gte=low, finished_at__lt=high)
        .order_by()
    )
    outcomes = (
        finished.annotate(day=TruncDate(FINISHED_AT, tzinfo=zone))
        .values("day", "standard_key", *columns)
        .annotate(
            met=Count("pk", filter=MET),
            in_time=Count("pk", filter=MET_IN_TIME),
            by_revised=Count("pk", filter=MET_BY_REVISED),
            ended=Count("pk", filter=ENDED),
            overdue=Count("pk", filter=ENDED_OVERDUE),
        )
    )
    for row in outcomes:
        for found in each_figure(row):
            found.met_in_time += row["in_time"]
            found.met_by_revised += row["by_revised"]
            found.met_late += row["met"] - row["in_time"] - row["by_revised"]
            found.ended_overdue += row["overdue"]
            found.ended_in_time += row["ended"] - row["overdue"]
    taken_counts = (
        finished.filter(MET, time_taken__isnull=False)
        .annotate(day=TruncDate("met_at", tzinfo=zone))
        .values("day", "standard_key", "time_taken", *columns)
        .annotate(n=Count("pk"))
    )
    for row in taken_counts:
        taken = str(row["time_taken"])
        for found in each_figure(row):
            found.taken[taken] = found.taken.get(taken, 0) + row["n"]

    case_figures: dict[tuple[date, str, str], list[int]] = defaultdict(lambda: [0, 0])
    case_counts = (
        Case.objects.filter(received_at__gte=low, received_at__lt=high)
        .order_by()
        .annotate(day=TruncDate("received_at", tzinfo=zone))
        .values("day", *CASE_DIMENSIONS.values())
        .annotate(n=Count("pk"), first=Count("pk", filter=Q(resolved_at_first_contact=True)))
    )
    for row in case_counts:
        for cut, value in _cut_values(row, CASE_DIMENSIONS):
            counts = case_figures[(row["day"], cut.value, value)]
            counts[0] += row["n"]
            counts[1] += row["first"]

    DailyFigure.objects.filter(day__gte=first, day__lte=last).delete()
    DailyCaseFigure.objects.filter(day__gte=first, day__lte=last).delete()
    _insert(
        DailyFigure,
        [
            "day",
            "standard_key",
            "cut",
            "value",
            "received",
            "met_in_time",
            "met_by_revised",
            "met_late",
            "ended_overdue",
            "ended_in_time",
            "taken",
        ],
        [
            (
                *index,
                f.received,
                f.met_in_time,
                f.met_by_revised,
                f.met_late,
                f.ended_overdue,
                f.ended_in_time,
                json.dumps(f.taken, separators=(",", ":")),
            )
            for index, f in figures.items()
        ],
    )
    _insert(
        DailyCaseFigure,
        ["day", "cut", "value", "received", "resolved_at_first_contact"],
        [(*index, *counts) for index, counts in case_figures.items()],
    )
    return Counted(
        days=(last - first).days + 1, figures=len(figures), case_figures=len(case_figures)
    )


def _plan_for_a_range() -> None:
    """Each query reads a range of deadlines (or cases) by its time index and looks up
    their cases and customers one by one by primary key. For a month, PostgreSQL's
    planner would rather hash the whole cases table (millions of rows) than look up a
    few hundred thousand: measured on 10 million deadlines, 16 s a query instead of 4.5 s
    (benchmarks/reporting.py). So, for this transaction only, no hash or merge joins, and
    enough memory to group a month's rows without spilling to disk."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_hashjoin = off")
        cursor.execute("SET LOCAL enable_mergejoin = off")
        cursor.execute("SET LOCAL work_mem = '64MB'")


def _insert(model: type[models.Model], columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Plain INSERTs, a batch at a time: tens of thousands of rows per rebuilt month, where
    building a model instance for each would take most of the time."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({marks})", rows[start : start + BATCH]
            )


# -- keeping them up to date ---------------------------------------------------------------


def _lock() -> None:
    """One refresh at a time. On SQLite, write_transaction's BEGIN IMMEDIATE is the lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [REFRESH_LOCK])


def local_days_of(utc_dates: set[date], zone: ZoneInfo) -> list[date]:
    """The local days that overlap these UTC dates, in order."""
    days: set[date] = set()
    for utc_date in utc_dates:
        start = datetime.combine(utc_date, time(0), tzinfo=UTC)
        first = start.astimezone(zone).date()
        last = (start + timedelta(days=1) - timedelta(microseconds=1)).astimezone(zone).date()
        while first <= last:
            days.add(first)
            first += timedelta(days=1)
    return sorted(days)


PIECE_DAYS = 10  # days counted in one go: a piece's grouped rows stay well under 100 MB


def runs_of(days: list[date], longest: int = PIECE_DAYS) -> Iterator[tuple[date, date]]:
    """Consecutive days as (first, last) runs of at most `longest` days: 1, 2, 3, 7 gives
    (1, 3) and (7, 7)."""
    if not days:
        return
    first = previous = days[0]
    for day in days[1:]:
        if day != previous + timedelta(days=1) or (day - first).days >= longest:
            yield first, previous
            first = day
        previous = day
    yield first, previous


def figures_refresh(*, policy: Policy, budget_seconds: float | None = None) -> Counted:
    """Count again the days marked since the last refresh. Safe beside another refresh
    (they take turns) and beside writes (a mark made meanwhile waits for the next).

    With `budget_seconds` (a page about to read the figures), the most recent days come
    first and it stops once the budget is spent; the worker counts the rest within a
    minute, and `Counted.left` says how many days wait for it."""
    counted = Counted()
    if not figures_pending():  # the usual case, in one cheap query
        return counted
    started = monotonic()
    zone = policy.working_calendar.zone
    with write_transaction():
        _lock()
        marks = StaleDay.objects.aggregate(last=Max("pk"))
        if marks["last"] is None:
            return counted
        marked = StaleDay.objects.filter(pk__lte=marks["last"])
        utc_dates = sorted(set(marked.values_list("utc_date", flat=True)), reverse=True)
        # Without a budget, all at once: the fewest runs of days. With one, a date at a time.
        batches = [utc_dates] if budget_seconds is None else [[d] for d in utc_dates]
        counted_days: set[date] = set()
        done: list[date] = []
        for number, batch in enumerate(batches):
            out_of_time = budget_seconds is not None and monotonic() - started > budget_seconds
            if number > 0 and out_of_time:  # the latest day is always counted
                counted.left = len(batches) - number
                break
            days = [day for day in local_days_of(set(batch), zone) if day not in counted_days]
            for first, last in runs_of(days):
                counted.add(figures_count(first=first, last=last, policy=policy))
            counted_days.update(days)
            done.extend(batch)
        marked.filter(utc_date__in=done).delete()
    return counted


ON_READ_SECONDS = 0.5


def figures_refresh_to_read(*, policy: Policy) -> int:
    """What a page does before it reads: count what the worker has not yet, for half a
    second at most. Returns how many marked days are left for the worker."""
    return figures_refresh(policy=policy, budget_seconds=ON_READ_SECONDS).left


def figures_pending() -> bool:
    return StaleDay.objects.exists()


def figures_rebuild(*, policy: Policy, progress: Any = None) -> Counted:
    """Count every figure again from the records, ten days at a time, each piece in a
    transaction that replaces its days' rows: the figures are whole throughout, and a
    rebuild stopped part-way leaves the days it had not reached as they were, still
    marked for the worker. Marks made before it began go only when it has finished."""
    deadlines_time_taken_fill(policy=policy)
    counted = Counted()
    last_mark = StaleDay.objects.aggregate(last=Max("pk"))["last"]
    span = _record_span(policy)
    with write_transaction():
        _lock()
        # Days with no records left at all (every case of them deleted).
        outside = Q() if span is None else Q(day__lt=span[0]) | Q(day__gt=span[1])
        DailyFigure.objects.filter(outside).delete()
        DailyCaseFigure.objects.filter(outside).delete()
    if span is not None:
        first, last = span
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        for piece_first, piece_last in runs_of(days):
            with write_transaction():
                _lock()
                done = figures_count(first=piece_first, last=piece_last, policy=policy)
            counted.add(done)
            if progress is not None:
                progress(piece_first, done)
    if last_mark is not None:
        StaleDay.objects.filter(pk__lte=last_mark).delete()
    return counted


def _record_span(policy: Policy) -> tuple[date, date] | None:
    zone = policy.working_calendar.zone
    deadlines = Deadline.objects.aggregate(
        first=Min("starts_at"), last_start=Max("starts_at"), last_finish=Max(FINISHED_AT)
    )
    cases = Case.objects.aggregate(first=Min("received_at"), last=Max("received_at"))
    instants = [
        moment
        for moment in (
            deadlines["first"],
            deadlines["last_start"],
            deadlines["last_finish"],
            cases["first"],
            cases["last"],
        )
        if moment is not None
    ]
    if not instants:
        return None
    days = [moment.astimezone(zone).date() for moment in instants]
    return min(days), max(days)


def deadlines_time_taken_fill(*, policy: Policy) -> int:
    """Work out the time taken of met deadlines that have none (met before it was kept),
    by the engine's batch path. Returns how many were filled."""
    filled = 0
    standards = {s.key: s for s in policy.deadline_standards()}
    for key, standard in standards.items():
        missing: QuerySet[Deadline] = Deadline.objects.filter(
            standard_key=key, status=DeadlineStatus.MET, time_taken__isnull=True
        )
        while rows := list(missing.order_by("pk").values_list("pk", "starts_at", "met_at")[:BATCH]):
            filled += _fill(rows, standard, policy)
    return filled


def _fill(
    rows: list[tuple[int, datetime, datetime | None]], standard: DeadlineStandard, policy: Policy
) -> int:
    starts = np.array([_naive_utc(r[1]) for r in rows], dtype="datetime64[us]")
    ends = np.array([_naive_utc(r[2] or r[1]) for r in rows], dtype="datetime64[us]")
    taken = time_taken_batch(
        starts, ends, taken_unit(standard.target.unit), policy.working_calendar
    )
    by_value: dict[int, list[int]] = defaultdict(list)
    for (pk, _, _), value in zip(rows, taken.tolist(), strict=True):
        by_value[int(value)].append(pk)
    with transaction.atomic():
        for value, pks in by_value.items():
            Deadline.objects.filter(pk__in=pks).update(time_taken=value)
    return len(rows)


def _naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)
