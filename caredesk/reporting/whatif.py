"""Policy what-if: how compliance would change if another policy file had applied.

`whatif_compare(current=, other=, first=, last=, now=)` re-runs the contacts of a period
through both policies with the engine's batch path, and compares them standard by
standard. `whatif_lines` is the plain-text table the CLI prints, `whatif_csv` the same
as a spreadsheet file; the desk page (`whatif_views`) shows the same figures.

What is re-run, and how:

- The period's contacts: the cases received from `first` to `last` (local days, both
  included, in the current policy's time zone).
- Each case starts, at its `received_at`, every standard of a policy that would start on
  receipt: the standard's `starts` is one of the events the case fires when it is
  received (`cases.rules.events_on_receipt` for its kind, channel and resolved at
  first contact) and the standard `applies_to` its channel and kind. That policy's own
  target and calendar (`policy.working_calendar`: its office hours, bank holiday region
  and closure days) give the due time, by `due_at_batch`.
- The clock stops when the standard's `stops` event happened, as the records tell it:
  the earliest `met_at` of the case's deadlines whose standard (in the current policy)
  stops on the same event. A case resolved at the first contact sent its response and
  contacted the customer when it was received.
- Met by the due time: in time; met after it: a breach. Never met: a breach if the case
  ended unmet after the due time (the earliest `ended_at` of those deadlines), or, still
  open, if the due time is before `now`; otherwise not measured (ended before it was
  due, or still open and not yet due). Where the case has no deadline that stops on that
  event at all, the records cannot say when it would have stopped: "no record", not
  measured.
- Both sides are worked out this same way, from the same cases and the same stop times,
  so a difference comes from the policy alone. Holding replies and pauses are left out on
  both sides; so the "now" side can differ a little from the dashboard, which counts
  deadlines as they were actually kept and by the day they finished.
- Measured = met + breaches; % in time = met in time / measured (as the dashboard's).

Which standards are compared:

- A standard in both policies with the same key: side by side, each over the cases it
  applies to under its own policy. Only in the current policy: "not in the other
  policy". Only in the other: "new", with the figures it would have had.
- A standard only in the current policy and one only in the other that measure the same
  thing (the same start and stop events) and cover some of the same cases are also
  compared by name and target over the cases both cover: Halton's "Letters and emails
  answered within 10 working days" against Stonewall's "Emails replied to within 2
  working days", on the emails.
- Not re-run: phone answer standards (their clock starts when a call is offered; the
  call figures count them), and standards whose clock starts later than receipt (a
  complaint's acknowledgement, a translation asked for, a visitor arriving).

Reading: the cases in pages of `CHUNK` in id order, then the deadlines of each page by
runs of case ids; every column as a whole number worked out by the database (times as
microseconds since 1970, UTC; kind, channel and resolved as one combination number)
read straight into NumPy arrays. No Python loop per case or deadline, and memory stays
flat whatever the period. `whatif_lines` and `whatif_csv` put the result in words.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import BigIntegerField, F, Func, IntegerField, Q, QuerySet, Value, When
from django.db.models import Case as SqlCase
from django.db.models.functions import Cast

from caredesk.cases import rules
from caredesk.cases.models import Case, CaseKind, Channel, Deadline, DeadlineStatus
from caredesk.reporting.rollups import local_midnight
from caredesk.standards import Policy, due_at_batch
from caredesk.standards.calendar import WorkingCalendar
from caredesk.standards.durations import Duration
from caredesk.standards.policy import ClockEvent, DeadlineStandard
from caredesk.standards.zones import to_micros

CHUNK = 100_000  # cases read at a time
CODES = 32  # more than there are clock events: a deadline's case id and stop code in one
GAP, MOST_RUNS = 1_000, 32  # a page's deadlines are read by runs of case ids (_of_cases)
NEVER = np.iinfo(np.int64).max  # "it did not happen": after every instant
DASH = "–"

KINDS: list[str] = list(CaseKind.values)
CHANNELS: list[str] = list(Channel.values)
# A case's (kind, channel, resolved at first contact) as one number; one more for a kind
# or channel the lists do not know (no standard starts on such a case).
COMBOS = len(KINDS) * len(CHANNELS) * 2
# Events that a case's receipt may fire, whatever its kind and channel.
RECEIPT_EVENTS: frozenset[ClockEvent] = frozenset(
    event
    for kind in KINDS
    for channel in CHANNELS
    for resolved in (False, True)
    for event in rules.events_on_receipt(
        kind=kind, channel=channel, resolved_at_first_contact=resolved
    )
)
# A case resolved at the first contact: the response went, and the customer was spoken
# to, when it was received (cases.rules.RESPONSE_EVENTS, fired at once on receipt).
DONE_AT_FIRST_CONTACT = rules.RESPONSE_EVENTS

Int64s = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]


# -- the result ----------------------------------------------------------------------------


@dataclass
class Figures:
    """One standard's would-be outcomes on the period's cases, under one policy."""

    started: int = 0  # deadlines that would start
    in_time: int = 0  # stop event by the due time
    late: int = 0  # stop event after the due time
    ended_overdue: int = 0  # never met; the case ended unmet after the due time
    overdue_open: int = 0  # never met, still open, and the due time is past
    ended_in_time: int = 0  # never met; the case ended before the due time: not measured
    open: int = 0  # still open, not yet due: not measured
    no_record: int = 0  # no deadline of the case stops on that event: not measured

    @property
    def breaches(self) -> int:
        return self.late + self.ended_overdue + self.overdue_open

    @property
    def measured(self) -> int:
        return self.in_time + self.breaches

    @property
    def percent(self) -> float | None:
        return 100 * self.in_time / self.measured if self.measured else None


@dataclass(frozen=True)
class Side:
    """A standard as one policy states it, with its figures."""

    key: str
    name: str
    target: str  # "10 working days"
    figures: Figures


class RowKind(enum.StrEnum):
    COMPARED = "compared"  # the same key in both policies
    REMOVED = "removed"  # only in the current policy
    NEW = "new"  # only in the other policy
    MATCHED = "matched"  # different keys, the same events: on the cases both cover

    @property
    def label(self) -> str:
        return {
            RowKind.COMPARED: "In both policies",
            RowKind.REMOVED: "Not in the other policy",
            RowKind.NEW: "New in the other policy",
            RowKind.MATCHED: "Different standards measuring the same thing",
        }[self]


@dataclass(frozen=True)
class WhatIfRow:
    kind: RowKind
    current: Side | None  # None: a new standard
    other: Side | None  # None: not in the other policy

    @property
    def key(self) -> str:
        if self.kind is RowKind.MATCHED:
            assert self.current is not None
            assert self.other is not None
            return f"{self.current.key} / {self.other.key}"
        side = self.current or self.other
        assert side is not None
        return side.key

    @property
    def name(self) -> str:
        side = self.other if self.kind is RowKind.MATCHED else (self.current or self.other)
        assert side is not None
        return side.name

    @property
    def points(self) -> float | None:
        """The change in % in time, in percentage points (other minus current)."""
        if self.current is None or self.other is None:
            return None
        now, then = self.current.figures.percent, self.other.figures.percent
        return None if now is None or then is None else then - now

    @property
    def more_breaches(self) -> int | None:
        if self.current is None or self.other is None:
            return None
        return self.other.figures.breaches - self.current.figures.breaches


@dataclass(frozen=True)
class NotRerun:
    key: str
    name: str
    policies: str  # "both policies", "the current policy", "the other policy"
    reason: str


@dataclass(frozen=True)
class WhatIf:
    current_name: str
    other_name: str
    first: date
    last: date
    now: datetime
    cases: int  # cases received in the period
    rows: list[WhatIfRow]  # compared, not in the other policy, new
    matched: list[WhatIfRow]  # different keys measuring the same thing
    not_rerun: list[NotRerun]

    @property
    def all_rows(self) -> list[WhatIfRow]:
        return [*self.rows, *self.matched]


def policy_name(policy: Policy) -> str:
    """ "Halton Housing Trust, Customer Care Policy (issue 2)"."""
    document = policy.document
    issue = f" (issue {document.issue})" if document.issue else ""
    return f"{policy.organisation.name}, {document.title}{issue}"


# -- what to count ----------------------------------------------------------------------------


@dataclass
class _Measure:
    """One column of figures: a target on a calendar, over the cases `starts` picks."""

    target: Duration
    calendar: WorkingCalendar
    stops: ClockEvent
    starts: Bools  # by combo number (COMBOS + 1 long): does the clock start?
    figures: Figures = field(default_factory=Figures)


def _starts_table(standard: DeadlineStandard) -> Bools:
    """For each (kind, channel, resolved at first contact): does `standard` start on receipt?"""
    table = np.zeros(COMBOS + 1, dtype=np.bool_)
    for k, kind in enumerate(KINDS):
        for c, channel in enumerate(CHANNELS):
            for resolved in (False, True):
                events = rules.events_on_receipt(
                    kind=kind, channel=channel, resolved_at_first_contact=resolved
                )
                table[(k * len(CHANNELS) + c) * 2 + resolved] = rules.starts(
                    standard, kind=kind, channel=channel, events=events
                )
    return table


def rerun_standards(policy: Policy) -> list[DeadlineStandard]:
    """The policy's standards the what-if re-runs: those that start on receipt."""
    return [s for s in policy.deadline_standards() if s.starts in RECEIPT_EVENTS]


def _not_rerun(current: Policy, other: Policy) -> list[NotRerun]:
    found: dict[str, tuple[str, str, list[str]]] = {}
    for label, policy in (("the current policy", current), ("the other policy", other)):
        for standard in policy.deadline_standards():
            if standard.starts in RECEIPT_EVENTS:
                continue
            if standard.starts is ClockEvent.CALL_OFFERED:
                reason = "phone answer times are counted by the call figures"
            else:
                reason = f"its clock starts later than receipt ({standard.starts.description})"
            found.setdefault(standard.key, (standard.name, reason, []))[2].append(label)
    return [
        NotRerun(
            key=key,
            name=name,
            policies="both policies" if len(where) == 2 else where[0],
            reason=reason,
        )
        for key, (name, reason, where) in found.items()
    ]


# -- reading the records ---------------------------------------------------------------------


class _EpochMicros(Func):
    """An instant as microseconds since 1970 in UTC; NEVER where it is empty."""

    arity = 1
    output_field = BigIntegerField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, Any]:
        # date_part in double precision is several times faster than EXTRACT's numeric,
        # and exact to the microsecond after rounding until 2106 (the engine stops at 2100).
        sql, params = compiler.compile(self.source_expressions[0])
        return f"COALESCE((date_part('epoch', {sql}) * 1000000)::bigint, {NEVER})", params

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, Any]:
        # Stored as text, UTC: "2025-06-02 09:00:00" or "2025-06-02 09:00:00.250000".
        sql, params = compiler.compile(self.source_expressions[0])
        seconds = f"CAST(ROUND((julianday(substr({sql}, 1, 19)) - 2440587.5) * 86400) AS INTEGER)"
        micros = f"CAST(substr({sql}, 21, 6) AS INTEGER)"
        return f"COALESCE({seconds} * 1000000 + {micros}, {NEVER})", [*params, *params]


def _code_of(field_name: str, codes: dict[str, int], unknown: int) -> SqlCase:
    """A text column as a number: `codes[value]` (`unknown` for any other value)."""
    return SqlCase(
        *[When(**{field_name: value}, then=Value(code)) for value, code in codes.items()],
        default=Value(unknown),
        output_field=IntegerField(),
    )


def _numbers(rows: QuerySet[Any, Any], columns: int) -> Int64s:
    """A values_list query's rows as one int64 array, read straight from the cursor:
    Django's own row handling (a converter call per value) would take longer than all
    the rest of the what-if."""
    try:
        sql, params = rows.query.get_compiler(rows.db).as_sql()
    except EmptyResultSet:
        return np.empty((0, columns), dtype=np.int64)
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        return np.array(cursor.fetchall(), dtype=np.int64).reshape(-1, columns)


def _case_pages(low: datetime, high: datetime) -> Iterator[Int64s]:
    """The cases received in [low, high), CHUNK at a time in id order, as rows of
    (id, combo number, received). Few columns: reading them is most of the time taken."""
    unknown = -COMBOS  # makes the combo negative: a kind or channel the lists lack
    combo = (
        _code_of("kind", {k: i for i, k in enumerate(KINDS)}, unknown) * Value(len(CHANNELS))
        + _code_of("channel", {c: i for i, c in enumerate(CHANNELS)}, unknown)
    ) * Value(2) + Cast("resolved_at_first_contact", IntegerField())
    cases = (
        Case.objects.filter(received_at__gte=low, received_at__lt=high)
        .annotate(combo=combo, received=_EpochMicros("received_at"))
        .order_by("pk")
    )
    after = 0
    while True:
        page = _numbers(
            cases.filter(pk__gt=after).values_list("pk", "combo", "received")[:CHUNK], 3
        )
        if not page.size:
            return
        yield page
        after = int(page[-1, 0])


def _of_cases(ids: Int64s, low: datetime, high: datetime) -> Q:
    """The deadlines of these cases (ids in order) as a few id ranges: a page of cases
    is usually one run of ids, or a few where cases received outside the period come
    between. Scattered ids: every id in the page's span, received in the period."""
    breaks = np.flatnonzero(np.diff(ids) > GAP)
    if breaks.size >= MOST_RUNS:
        return Q(case_id__gte=int(ids[0]), case_id__lte=int(ids[-1])) & Q(
            case__received_at__gte=low, case__received_at__lt=high
        )
    firsts, lasts = np.append(0, breaks + 1), np.append(breaks, ids.size - 1)
    runs = Q()
    for first, last in zip(ids[firsts].tolist(), ids[lasts].tolist(), strict=True):
        runs |= Q(case_id__gte=first, case_id__lte=last)
    return runs


def _deadline_rows(of_cases: Q, stop_codes: dict[str, int]) -> Int64s:
    """(case id, stop event code, met, ended) for the deadlines `of_cases` picks out
    whose standard stops on one of the events. Read as two columns: case id and code
    together, and met (as it is) or ended unmet (negative) together."""
    finished = SqlCase(
        When(met_at__isnull=False, then=_EpochMicros("met_at")),
        When(status=DeadlineStatus.ENDED_UNMET, then=Value(0) - _EpochMicros("ended_at")),
        default=Value(NEVER),
        output_field=BigIntegerField(),
    )
    deadlines = (
        Deadline.objects.filter(of_cases, standard_key__in=list(stop_codes))
        .order_by()
        .annotate(
            case_and_code=F("case_id") * Value(CODES) + _code_of("standard_key", stop_codes, 0),
            finished=finished,
        )
        .values_list("case_and_code", "finished")
    )
    case_and_code, finished_at = _numbers(deadlines, 2).T
    met = np.where(finished_at >= 0, finished_at, NEVER)
    ended = np.where(finished_at < 0, -finished_at, NEVER)
    return np.column_stack([case_and_code // CODES, case_and_code % CODES, met, ended])


@dataclass
class _Stops:
    """For each case of a page, when one stop event happened (as the records tell)."""

    met: Int64s  # the earliest met_at, NEVER if none
    ended: Int64s  # the earliest ended_at of those ended unmet, NEVER if none
    known: Bools  # has the case any deadline that stops on this event?


def _stops_of_page(
    ids: Int64s,
    received: Int64s,
    resolved: Bools,
    deadlines: Int64s,
    events: list[ClockEvent],
) -> list[_Stops]:
    count = ids.size
    position = np.searchsorted(ids, deadlines[:, 0])
    position = np.minimum(position, count - 1)
    ours = ids[position] == deadlines[:, 0]  # the id range may hold other cases too
    found = []
    for code, event in enumerate(events):
        chosen = ours & (deadlines[:, 1] == code)
        where = position[chosen]
        met = np.full(count, NEVER, dtype=np.int64)
        ended = np.full(count, NEVER, dtype=np.int64)
        np.minimum.at(met, where, deadlines[chosen, 2])
        np.minimum.at(ended, where, deadlines[chosen, 3])
        known = np.zeros(count, dtype=np.bool_)
        known[where] = True
        if event in DONE_AT_FIRST_CONTACT:
            met = np.where(resolved, np.minimum(met, received), met)
            known |= resolved
        found.append(_Stops(met=met, ended=ended, known=known))
    return found


def _count(measure: _Measure, combos: Int64s, received: Int64s, stops: _Stops, now: int) -> None:
    chosen = measure.starts[combos]
    if not chosen.any():
        return
    starts = received[chosen]
    due = due_at_batch(starts.view("datetime64[us]"), measure.target, measure.calendar)
    due_micros = due.astype("datetime64[us]").view(np.int64)
    met, ended, known = stops.met[chosen], stops.ended[chosen], stops.known[chosen]
    was_met = met != NEVER
    was_ended = ~was_met & (ended != NEVER)
    pending = known & ~was_met & ~was_ended
    figures = measure.figures
    figures.started += int(starts.size)
    in_time = int(np.count_nonzero(was_met & (met <= due_micros)))
    figures.in_time += in_time
    figures.late += int(np.count_nonzero(was_met)) - in_time
    overdue = int(np.count_nonzero(was_ended & (ended > due_micros)))
    figures.ended_overdue += overdue
    figures.ended_in_time += int(np.count_nonzero(was_ended)) - overdue
    overdue_open = int(np.count_nonzero(pending & (due_micros < now)))
    figures.overdue_open += overdue_open
    figures.open += int(np.count_nonzero(pending)) - overdue_open
    figures.no_record += int(np.count_nonzero(~known & ~was_met))


# -- the comparison --------------------------------------------------------------------------


def whatif_compare(
    *, current: Policy, other: Policy, first: date, last: date, now: datetime
) -> WhatIf:
    """The cases received from `first` to `last` re-run through both policies."""
    now_standards = {s.key: s for s in rerun_standards(current)}
    then_standards = {s.key: s for s in rerun_standards(other)}
    measures: dict[tuple[str, str], _Measure] = {}
    for name, policy, standards in (
        ("now", current, now_standards),
        ("then", other, then_standards),
    ):
        for key, standard in standards.items():
            measures[(name, key)] = _Measure(
                standard.target, policy.working_calendar, standard.stops, _starts_table(standard)
            )
    pairs = []
    for was in (s for key, s in now_standards.items() if key not in then_standards):
        for new in (s for key, s in then_standards.items() if key not in now_standards):
            both = measures[("now", was.key)].starts & measures[("then", new.key)].starts
            if (was.starts, was.stops) == (new.starts, new.stops) and both.any():
                pairs.append((was, new))
                measures[(f"now:{new.key}", was.key)] = _Measure(
                    was.target, current.working_calendar, was.stops, both
                )
                measures[(f"then:{was.key}", new.key)] = _Measure(
                    new.target, other.working_calendar, new.stops, both
                )

    events = sorted({m.stops for m in measures.values()})
    stop_codes = {
        s.key: events.index(s.stops) for s in current.deadline_standards() if s.stops in events
    }
    zone = current.working_calendar.zone
    low, high = local_midnight(first, zone), local_midnight(last + timedelta(days=1), zone)
    now_micros = to_micros(now)
    cases = 0
    for page in _case_pages(low, high):
        ids, combos, received = page[:, 0], page[:, 1], page[:, 2]
        combos = np.where(combos >= 0, combos, COMBOS)
        resolved = (combos < COMBOS) & (combos % 2 == 1)
        deadlines = _deadline_rows(_of_cases(ids, low, high), stop_codes)
        stops = _stops_of_page(ids, received, resolved, deadlines, events)
        for each in measures.values():
            _count(each, combos, received, stops[events.index(each.stops)], now_micros)
        cases += int(ids.size)

    def side(name: str, standard: DeadlineStandard) -> Side:
        figures = measures[(name, standard.key)].figures
        return Side(standard.key, standard.name, str(standard.target), figures)

    rows = [
        WhatIfRow(
            RowKind.COMPARED if key in then_standards else RowKind.REMOVED,
            side("now", standard),
            side("then", then_standards[key]) if key in then_standards else None,
        )
        for key, standard in now_standards.items()
    ]
    rows += [
        WhatIfRow(RowKind.NEW, None, side("then", standard))
        for key, standard in then_standards.items()
        if key not in now_standards
    ]
    matched = [
        WhatIfRow(
            RowKind.MATCHED,
            side(f"now:{new.key}", was),
            side(f"then:{was.key}", new),
        )
        for was, new in pairs
    ]
    return WhatIf(
        current_name=policy_name(current),
        other_name=policy_name(other),
        first=first,
        last=last,
        now=now,
        cases=cases,
        rows=rows,
        matched=matched,
        not_rerun=_not_rerun(current, other),
    )
