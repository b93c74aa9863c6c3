"""Filters, sorts and counts of the desk's queues (My work, team, office, Overdue).

A queue's filters travel in its query string, so that a filtered queue is a link: it
survives paging (the keyset cursor `after` rides along), a refresh, and a saved view
(staff.saved_views keeps the query string). `queue_filters_parse` reads a query string
(anything may arrive: what it cannot read it names in `problems` and leaves out);
`QueueFilters.query` writes one back.

Cost. The default view (no filter, due soonest) is untouched: an index range scan over
the open deadlines (cases.models). A filter on the officer or the team uses that one's
partial index; the others narrow the same scan. The counts beside each filter value
("Letters (12)") are one query for all the facets: the facet columns of at most
`COUNT_CAP` deadlines of the queue, the soonest due (the same index range scan), counted
in Python (`queue_facets_count`); a queue longer than that says its counts are of the
first `COUNT_CAP`.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from django.db import models
from django.db.models import Q, QuerySet

from caredesk.cases.models import Case, CaseKind, CaseStatus, Channel, Deadline
from caredesk.core.pagination import Page
from caredesk.core.query import id_or_none
from caredesk.core.text import has_unstorable
from caredesk.standards import Policy

COUNT_CAP = 2000  # deadlines counted per facet, the soonest due


class DueWindow(models.TextChoices):
    ALL = "", "Any time"
    OVERDUE = "overdue", "Overdue"
    TODAY = "today", "Due today"
    NEXT_3_WORKING_DAYS = "next_3_working_days", "Due in the next 3 working days"


class QueueSort(models.TextChoices):
    DUE = "", "Due soonest"
    MOST_OVERDUE = "most_overdue", "Most overdue against the standard"
    RECEIVED = "received", "Received, oldest first"
    REFERENCE = "reference", "Reference"


# Each sort's keyset order: a column (through the case, for some) and the primary key.
SORT_ORDER: dict[QueueSort, str] = {
    QueueSort.DUE: "due_at",
    QueueSort.MOST_OVERDUE: "standard_due_at",
    QueueSort.RECEIVED: "case__received_at",
    QueueSort.REFERENCE: "case__reference",
}


class Facet(models.TextChoices):
    """A filter with a count beside each of its values, and the column it groups by."""

    STANDARD = "standard", "Standard"
    KIND = "kind", "Case kind"
    CHANNEL = "channel", "Channel"
    STATUS = "status", "Case status"
    OFFICER = "officer", "Officer"
    TEAM = "team", "Team"
    OFFICE = "office", "Office"
    URGENT = "urgent", "Urgent"


FACET_COLUMN: dict[Facet, str] = {
    Facet.STANDARD: "standard_key",
    Facet.KIND: "case__kind",
    Facet.CHANNEL: "case__channel",
    Facet.STATUS: "case__status",
    Facet.OFFICER: "assigned_to",
    Facet.TEAM: "team",
    Facet.OFFICE: "team__office",
    Facet.URGENT: "case__urgent",
}
# The field of QueueFilters that filters by each facet, and its value when it does not.
_FACET_FIELD: dict[Facet, str] = {
    Facet.STANDARD: "standards",
    Facet.KIND: "kinds",
    Facet.CHANNEL: "channels",
    Facet.STATUS: "statuses",
    Facet.OFFICER: "officer",
    Facet.TEAM: "team",
    Facet.OFFICE: "office",
    Facet.URGENT: "urgent",
}
_NO_FILTER: dict[Facet, Any] = {
    Facet.STANDARD: (),
    Facet.KIND: (),
    Facet.CHANNEL: (),
    Facet.STATUS: (),
    Facet.OFFICER: None,
    Facet.TEAM: None,
    Facet.OFFICE: None,
    Facet.URGENT: False,
}
# The case statuses a deadline can still be open in.
OPEN_CASE_STATUSES = (CaseStatus.OPEN, CaseStatus.WAITING_FOR_CUSTOMER)


@dataclass(frozen=True)
class QueueFilters:
    standards: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    officer: int | None = None
    team: int | None = None
    office: int | None = None
    due: DueWindow = DueWindow.ALL
    urgent: bool = False
    sort: QueueSort = QueueSort.DUE
    problems: tuple[str, ...] = field(default=(), compare=False)

    @property
    def any(self) -> bool:
        """True if any filter (not the sort) narrows the queue."""
        return self.without_sort() != QueueFilters()

    def without_sort(self) -> QueueFilters:
        return replace(self, sort=QueueSort.DUE)

    def without(self, *facets: Facet) -> QueueFilters:
        """These filters but the facets' own (a facet's counts show what choosing each of
        its values would give)."""
        left = self
        for facet in facets:
            left = replace(left, **{_FACET_FIELD[facet]: _NO_FILTER[facet]})
        return left

    def pairs(self) -> list[tuple[str, str]]:
        """The filters and sort as query-string pairs, in a stable order."""
        found: list[tuple[str, str]] = []
        found += [("standard", value) for value in self.standards]
        found += [("kind", value) for value in self.kinds]
        found += [("channel", value) for value in self.channels]
        found += [("status", value) for value in self.statuses]
        for name in ("officer", "team", "office"):
            value = getattr(self, name)
            if value is not None:
                found.append((name, str(value)))
        if self.due:
            found.append(("due", self.due.value))
        if self.urgent:
            found.append(("urgent", "yes"))
        if self.sort:
            found.append(("sort", self.sort.value))
        return found

    @property
    def query(self) -> str:
        """The query string of these filters and sort ('' when there are none)."""
        return urlencode(self.pairs())


def queue_filters_parse(
    query: Mapping[str, Any], *, standard_keys: Sequence[str], fixed: Sequence[str] = ()
) -> QueueFilters:
    """Read a queue's filters from a query string (a QueryDict, or a dict of lists).

    Values that are not among the choices are left out and named in `problems`, so an
    old link or a hand-edited one still shows a queue, and says what it ignored. `fixed`
    names filters the queue itself sets (the team of a team queue): they are not read.
    """
    problems: list[str] = []

    def values(name: str) -> list[str]:
        got = query.getlist(name) if hasattr(query, "getlist") else query.get(name, [])
        if isinstance(got, str):
            got = [got]
        return [value for value in got if isinstance(value, str) and value != ""]

    def chosen(name: str, label: str, allowed: Sequence[str]) -> tuple[str, ...]:
        kept: list[str] = []
        for value in values(name):
            if value in allowed and value not in kept:
                kept.append(value)
            else:
                problems.append(f"{label}: “{_shown(value)}” is not one of the choices.")
        return tuple(kept)

    def one_id(name: str, label: str) -> int | None:
        if name in fixed:
            return None
        given = values(name)
        if not given:
            return None
        number = id_or_none(given[0])
        if number is None:
            problems.append(f"{label}: “{_shown(given[0])}” is not one of the choices.")
        return number

    def one_choice(name: str, label: str, choices: type[models.TextChoices]) -> Any:
        given = values(name)
        if given and given[0] in choices.values:
            return choices(given[0])
        if given:
            problems.append(f"{label}: “{_shown(given[0])}” is not one of the choices.")
        return choices("")

    urgent = values("urgent")
    if urgent and urgent[0] not in ("yes", "1", "on"):
        problems.append(f"Urgent: “{_shown(urgent[0])}” is not one of the choices.")
    return QueueFilters(
        standards=chosen("standard", "Standard", standard_keys),
        kinds=chosen("kind", "Case kind", CaseKind.values),
        channels=chosen("channel", "Channel", Channel.values),
        statuses=chosen("status", "Case status", [s.value for s in OPEN_CASE_STATUSES]),
        officer=one_id("officer", "Officer"),
        team=one_id("team", "Team"),
        office=one_id("office", "Office"),
        due=one_choice("due", "Due", DueWindow),
        urgent=bool(urgent) and urgent[0] in ("yes", "1", "on"),
        sort=one_choice("sort", "Sort", QueueSort),
        problems=tuple(problems),
    )


def _shown(value: str) -> str:
    """A value as a message may quote it: short, and only storable characters."""
    text = value[:40] + ("…" if len(value) > 40 else "")
    return "?" if has_unstorable(text) else text


def due_window_bounds(
    window: DueWindow, *, now: datetime, policy: Policy
) -> tuple[datetime | None, datetime | None]:
    """The due times a window covers, [from, until), in the policy's zone and calendar.

    Today: the organisation's local day. The next 3 working days: from now to the end of
    the third working day after today (a Friday looks to Wednesday, past the weekend and
    any bank holiday)."""
    calendar = policy.working_calendar
    zone = calendar.zone
    today = now.astimezone(zone).date()

    def midnight_after(day: date) -> datetime:
        return datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)

    if window == DueWindow.OVERDUE:
        return None, now
    if window == DueWindow.TODAY:
        return datetime.combine(today, time.min, tzinfo=zone), midnight_after(today)
    if window == DueWindow.NEXT_3_WORKING_DAYS:
        day = today
        for _ in range(3):
            day = calendar.next_working_day(day)
        return now, midnight_after(day)
    return None, None


def queue_filters_apply(
    queryset: QuerySet[Deadline], filters: QueueFilters, *, now: datetime, policy: Policy
) -> QuerySet[Deadline]:
    """The queue's deadlines that pass the filters (the sort is `queue_page_get`'s)."""
    found = queryset
    if filters.standards:
        found = found.filter(standard_key__in=filters.standards)
    if filters.kinds:
        found = found.filter(case__kind__in=filters.kinds)
    if filters.channels:
        found = found.filter(case__channel__in=filters.channels)
    if filters.statuses:
        found = found.filter(case__status__in=filters.statuses)
    if filters.officer is not None:
        found = found.filter(assigned_to_id=filters.officer)
    if filters.team is not None:
        found = found.filter(team_id=filters.team)
    if filters.office is not None:
        found = found.filter(team__office_id=filters.office)
    if filters.urgent:
        found = found.filter(case__urgent=True)
    start, until = due_window_bounds(filters.due, now=now, policy=policy)
    if start is not None:
        found = found.filter(due_at__gte=start)
    if until is not None:
        found = found.filter(due_at__lt=until)
    return found


@dataclass(frozen=True)
class FacetCounts:
    counts: dict[Facet, dict[str, int]]
    capped: bool  # some facet's counts are of the first COUNT_CAP deadlines only


def queue_facets_count(
    queryset: QuerySet[Deadline],
    filters: QueueFilters,
    *,
    facets: Sequence[Facet],
    now: datetime,
    policy: Policy,
    cap: int = COUNT_CAP,
) -> FacetCounts:
    """For each facet, how many of the queue's deadlines each of its values has, under
    every other filter (a facet's own choice does not narrow its counts: they say what
    choosing each value would give).

    One query, whatever the number of facets: the facet columns of at most `cap` of the
    queue's deadlines, the soonest due (the queue's own index range scan, and the case's
    row by its key), under the filters no facet counts (the due window). They are
    counted here: with no facet's filter on, each column as it is; else each facet over
    the rows that pass every other facet's filter. (Grouping in the database instead
    took twice as long at 1M cases: it sorts the rows by every column, and finds each
    deadline again by its key.)"""
    if not facets:
        return FacetCounts({}, capped=False)
    narrowed = queue_filters_apply(queryset, filters.without(*facets), now=now, policy=policy)
    rows = list(
        narrowed.order_by("due_at", "pk").values_list(*[FACET_COLUMN[f] for f in facets])[:cap]
    )
    chosen = [_chosen(filters, facet) for facet in facets]
    counts: dict[Facet, dict[str, int]] = {}
    if all(allowed is None for allowed in chosen):
        columns = list(zip(*rows, strict=True)) or [() for _ in facets]
        for facet, column in zip(facets, columns, strict=True):
            counts[facet] = {_key(value): number for value, number in Counter(column).items()}
        return FacetCounts(counts=counts, capped=len(rows) >= cap)
    found: list[Counter[str]] = [Counter() for _ in facets]
    for row in rows:
        keys = [_key(value) for value in row]
        left_out = [
            index
            for index, allowed in enumerate(chosen)
            if allowed is not None and keys[index] not in allowed
        ]
        if not left_out:  # passes every filter: counted by every facet
            for index, key in enumerate(keys):
                found[index][key] += 1
        elif len(left_out) == 1:  # counted only by the facet whose filter leaves it out
            found[left_out[0]][keys[left_out[0]]] += 1
    counts = {facet: dict(counter) for facet, counter in zip(facets, found, strict=True)}
    return FacetCounts(counts=counts, capped=len(rows) >= cap)


def _chosen(filters: QueueFilters, facet: Facet) -> frozenset[str] | None:
    """The keys (`_key`) of the facet's values its filter lets through; None: no filter."""
    if facet == Facet.STANDARD:
        return frozenset(filters.standards) or None
    if facet == Facet.KIND:
        return frozenset(filters.kinds) or None
    if facet == Facet.CHANNEL:
        return frozenset(filters.channels) or None
    if facet == Facet.STATUS:
        return frozenset(filters.statuses) or None
    if facet == Facet.URGENT:
        return frozenset({"yes"}) if filters.urgent else None
    number = {Facet.OFFICER: filters.officer, Facet.TEAM: filters.team}.get(facet, filters.office)
    return None if number is None else frozenset({str(number)})


def _key(value: object) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return "" if value is None else str(value)


# -- sorting and paging ---------------------------------------------------------------------


class _BadCursor(ValueError):
    pass


def queue_page_get(
    queryset: QuerySet[Deadline], *, sort: QueueSort, after: str | None, size: int
) -> Page[Deadline]:
    """One page of a filtered queue in a sort other than due soonest (which is
    `selectors.deadlines_page_get`, the default's index scan), by keyset on the sort's
    column and the primary key. A cursor that cannot be read starts again."""
    column = SORT_ORDER[sort]
    ordered = queryset.order_by(column, "pk")
    if after:
        try:
            value, pk = _cursor_read(after, sort)
        except _BadCursor:
            pass
        else:
            later = Q(**{f"{column}__gt": value}) | Q(**{column: value, "pk__gt": pk})
            ordered = ordered.filter(Q(**{f"{column}__gte": value}) & later)
    rows = list(ordered[: size + 1])
    if len(rows) <= size:
        return Page(rows, None)
    return Page(rows[:size], _cursor_write(_sort_value(rows[size - 1], sort), rows[size - 1].pk))


def _sort_value(deadline: Deadline, sort: QueueSort) -> Any:
    if sort == QueueSort.MOST_OVERDUE:
        return deadline.standard_due_at
    case: Case = deadline.case
    return case.received_at if sort == QueueSort.RECEIVED else case.reference


def _cursor_write(value: Any, pk: int) -> str:
    shown = value.isoformat() if isinstance(value, datetime) else value
    text = json.dumps([shown, pk], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _cursor_read(cursor: str, sort: QueueSort) -> tuple[Any, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value, pk = json.loads(raw)
    except (binascii.Error, ValueError, TypeError):
        raise _BadCursor() from None
    if id_or_none(pk) is None or not isinstance(value, str) or has_unstorable(value):
        raise _BadCursor()
    if sort == QueueSort.REFERENCE:
        return value[:40], pk
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _BadCursor() from None
    if moment.tzinfo is None or not 1900 <= moment.year <= 2200:
        raise _BadCursor()
    return moment, pk
