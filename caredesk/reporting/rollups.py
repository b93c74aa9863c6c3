"""Count the daily figures from the deadline and case records.

`figures_count(first, last)` counts the local days from `first` to `last` again with
GROUP BY queries over `cases.Deadline` and `cases.Case`, and replaces their rows in
`DailyFigure` and `DailyCaseFigure`. Two callers:

- `figures_refresh`: the days the triggers marked (`StaleDay`) since the last refresh.
  The worker runs it at every sweep, and the dashboard before it reads, so the figures
  are never behind the records.
- `figures_rebuild`: every day there is a record for, a month at a time
  (`caredesk report rebuild`). It also works out the time taken of deadlines met before
  time taken was recorded.

Days are the policy's local days (Europe/London): a letter answered at 00:30 BST on
1 July counts in July.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from django.db import connection, transaction
from django.db.models import CharField, Count, F, Max, Min, Q, QuerySet, Value
from django.db.models.functions import Cast, Coalesce, TruncDate

from caredesk.cases.models import Case, Deadline, DeadlineStatus
from caredesk.notifications.db import write_transaction
from caredesk.reporting.models import Cut, DailyCaseFigure, DailyFigure, StaleDay
from caredesk.standards import Policy, taken_unit, time_taken_batch
from caredesk.standards.policy import DeadlineStandard

FINISHED_AT = Coalesce("met_at", "ended_at")
REFRESH_LOCK = 0x43415245  # "CARE": one refresh at a time (PostgreSQL advisory lock)
BATCH = 5000


def _text(expression: str) -> Coalesce:
    """A column as text, "" where it is empty (no team, no customer)."""
    return Coalesce(Cast(expression, output_field=CharField()), Value(""))


def deadline_cut_values() -> dict[Cut, Any]:
    """The expression each cut splits deadlines by."""
    return {
        Cut.ALL: Value(""),
        Cut.TEAM: _text("team_id"),
        Cut.OFFICER: _text("assigned_to_id"),
        Cut.CHANNEL: F("case__channel"),
        Cut.CUSTOMER_TYPE: _text("case__customer__customer_type"),
        Cut.CASE_KIND: F("case__kind"),
    }


def case_cut_values() -> dict[Cut, Any]:
    """The expression each cut splits cases by."""
    return {
        Cut.ALL: Value(""),
        Cut.TEAM: _text("team_id"),
        Cut.OFFICER: _text("assigned_to_id"),
        Cut.CHANNEL: F("channel"),
        Cut.CUSTOMER_TYPE: _text("customer__customer_type"),
        Cut.CASE_KIND: F("kind"),
    }


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


def figures_count(*, first: date, last: date, policy: Policy) -> Counted:
    """Count the local days `first` to `last` again and replace their rows."""
    zone = policy.working_calendar.zone
    low, high = local_midnight(first, zone), local_midnight(last + timedelta(days=1), zone)
    figures: dict[tuple[date, str, str, str], DailyFigure] = {}

    def figure(day: date, key: str, cut: Cut, value: Any) -> DailyFigure:
        index = (day, key, cut.value, str(value))
        if index not in figures:
            figures[index] = DailyFigure(
                day=day, standard_key=key, cut=cut, value=str(value), taken={}
            )
        return figures[index]

    started = Deadline.objects.filter(starts_at__gte=low, starts_at__lt=high).order_by()
    finished = (
        Deadline.objects.alias(finished_at=FINISHED_AT)
        .filter(finished_at__gte=low, finished_at__lt=high)
        .order_by()
    )
    for cut, value in deadline_cut_values().items():
        received = (
            started.annotate(day=TruncDate("starts_at", tzinfo=zone), value=value)
            .values("day", "standard_key", "value")
            .annotate(n=Count("pk"))
        )
        for row in received:
            figure(row["day"], row["standard_key"], cut, row["value"]).received = row["n"]
        outcomes = (
            finished.annotate(day=TruncDate(FINISHED_AT, tzinfo=zone), value=value)
            .values("day", "standard_key", "value")
            .annotate(
                met=Count("pk", filter=MET),
                in_time=Count("pk", filter=MET_IN_TIME),
                by_revised=Count("pk", filter=MET_BY_REVISED),
                ended=Count("pk", filter=ENDED),
                overdue=Count("pk", filter=ENDED_OVERDUE),
            )
        )
        for row in outcomes:
            found = figure(row["day"], row["standard_key"], cut, row["value"])
            found.met_in_time = row["in_time"]
            found.met_by_revised = row["by_revised"]
            found.met_late = row["met"] - row["in_time"] - row["by_revised"]
            found.ended_overdue = row["overdue"]
            found.ended_in_time = row["ended"] - row["overdue"]
        taken_counts = (
            finished.filter(MET, time_taken__isnull=False)
            .annotate(day=TruncDate("met_at", tzinfo=zone), value=value)
            .values("day", "standard_key", "value", "time_taken")
            .annotate(n=Count("pk"))
        )
        for row in taken_counts:
            taken = figure(row["day"], row["standard_key"], cut, row["value"]).taken
            taken[str(row["time_taken"])] = row["n"]

    case_figures: dict[tuple[date, str, str], DailyCaseFigure] = {}
    cases = Case.objects.filter(received_at__gte=low, received_at__lt=high).order_by()
    for cut, value in case_cut_values().items():
        case_counts = (
            cases.annotate(day=TruncDate("received_at", tzinfo=zone), value=value)
            .values("day", "value")
            .annotate(n=Count("pk"), first=Count("pk", filter=Q(resolved_at_first_contact=True)))
        )
        for row in case_counts:
            case_figures[(row["day"], cut.value, str(row["value"]))] = DailyCaseFigure(
                day=row["day"],
                cut=cut,
                value=str(row["value"]),
                received=row["n"],
                resolved_at_first_contact=row["first"],
            )

    DailyFigure.objects.filter(day__gte=first, day__lte=last).delete()
    DailyCaseFigure.objects.filter(day__gte=first, day__lte=last).delete()
    DailyFigure.objects.bulk_create(figures.values(), batch_size=BATCH)
    DailyCaseFigure.objects.bulk_create(case_figures.values(), batch_size=BATCH)
    return Counted(
        days=(last - first).days + 1, figures=len(figures), case_figures=len(case_figures)
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


def runs_of(days: list[date]) -> Iterator[tuple[date, date]]:
    """Consecutive days as (first, last) runs: 1, 2, 3, 7 gives (1, 3) and (7, 7)."""
    if not days:
        return
    first = previous = days[0]
    for day in days[1:]:
        if day != previous + timedelta(days=1):
            yield first, previous
            first = day
        previous = day
    yield first, previous


def figures_refresh(*, policy: Policy) -> Counted:
    """Count again the days marked since the last refresh. Safe beside another refresh
    (they take turns) and beside writes (a mark made meanwhile waits for the next)."""
    counted = Counted()
    if not figures_pending():  # the usual case, in one cheap query
        return counted
    with write_transaction():
        _lock()
        marks = StaleDay.objects.aggregate(last=Max("pk"))
        if marks["last"] is None:
            return counted
        utc_dates = set(
            StaleDay.objects.filter(pk__lte=marks["last"])
            .values_list("utc_date", flat=True)
            .distinct()
        )
        StaleDay.objects.filter(pk__lte=marks["last"]).delete()
        for first, last in runs_of(local_days_of(utc_dates, policy.working_calendar.zone)):
            done = figures_count(first=first, last=last, policy=policy)
            counted.days += done.days
            counted.figures += done.figures
            counted.case_figures += done.case_figures
    return counted


def figures_pending() -> bool:
    return StaleDay.objects.exists()


def figures_rebuild(*, policy: Policy, progress: Any = None) -> Counted:
    """Count every figure again from the records, a month at a time."""
    deadlines_time_taken_fill(policy=policy)
    counted = Counted()
    with write_transaction():
        _lock()
        StaleDay.objects.all().delete()
        DailyFigure.objects.all().delete()
        DailyCaseFigure.objects.all().delete()
    span = _record_span(policy)
    if span is None:
        return counted
    first, last = span
    month = first.replace(day=1)
    while month <= last:
        following = (month + timedelta(days=32)).replace(day=1)
        with write_transaction():
            _lock()
            done = figures_count(first=month, last=following - timedelta(days=1), policy=policy)
        counted.days += done.days
        counted.figures += done.figures
        counted.case_figures += done.case_figures
        if progress is not None:
            progress(month, done)
        month = following
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
