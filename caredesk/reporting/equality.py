"""Equality impact monitoring: outcomes for each group of customers, each compared with
everyone else, so that a policy owner can see whether the policy treats people fairly.

What is compared, over local days `first` to `last`:

- Met in time: the deadlines finished in the period that count (met, or ended unmet
  after their due time: the dashboard's "measured", caredesk.reporting.indicators), and
  how many were met by the standard's own due time. Every standard on cases; calls
  measured one by one (answered in 4 rings) have no customer and are left out.
- Resolved at the first contact: the cases received in the period, and how many were.
- Time taken: the deadlines met in the period (with their time taken recorded). The
  standards count time in different units (working days for a letter, minutes for a
  call back, calendar days for a subject access request), so times are not pooled as
  they are. Each is placed among all the deadlines of the same standard met in the
  period, as a position from 0 (quickest) to 100 (slowest): the share of them that were
  quicker, plus half of those that took the same time. A group's positions are compared
  with everyone else's by the Mann–Whitney U test (two-sided; a rank test, so it needs
  no assumption about the shape of the times); a stratified rank comparison in the
  spirit of the van Elteren test. Shown: the group's average position, where 50 is
  the middle for every standard.

Groups: for each characteristic (caredesk.customers.equality), every answer, "Prefer not
to say" as a group of its own, and "Not given" (customers who gave no answer to that
question, did not agree to monitoring or were never asked, and cases with no customer).
So the groups of a characteristic cover every record once. Each group is compared with
everyone else: all other records, those with no answers included.

Tests: for a share (met in time, resolved at the first contact), the 2x2 table of the
group and everyone else against yes and no, by the chi-squared test with Yates'
continuity correction (scipy.stats.chi2_contingency), or Fisher's exact test
(scipy.stats.fisher_exact, two-sided) when any expected count is under 5. A difference
is flagged only when it is both significant (p < 0.05) and material: at least 5
percentage points for a share, at least 10 points of average position for time taken
(as when a group's times sit typically at the 60th percentile of their standards rather
than the 50th). Records are the unit: one customer's several cases each count, so p
values can be somewhat smaller than if each person counted once. With dozens of
comparisons about one in twenty can be significant by chance; the materiality test
removes most of those, and a flag is a prompt to look closer, not a finding of
unfairness. Differences can also come from the mix of services a group uses.

Suppression (small numbers): a group with fewer than 5 people or fewer than 5 records
shows "fewer than 5", with no figures and no test. Each table shows its total, so one
hidden group could be worked out from the others: when exactly one group of a table is
hidden, and it is not empty, "Not given" is hidden too (or, if that is the one, the
smallest group shown), so that no hidden figure can be found by subtraction. (Working
out that an empty group is empty tells nothing about anyone.) Records of cases with no customer
count one person each.

The answers are encrypted, so nothing here is grouped in SQL by an answer: the records
are counted per customer in SQL, the answers of just those customers are decrypted
once each in Python (caredesk.customers.equality.equality_answers_stream), and the
counts are added up per group here. The report holds no personal data.
"""

from __future__ import annotations

import enum
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np
from django.db.models import Count, Q
from scipy import stats  # type: ignore[import-untyped]

from caredesk.cases.models import Case, Deadline, DeadlineStatus
from caredesk.customers.equality import (
    ANSWERS,
    Answers,
    Characteristic,
    equality_answers_stream,
)
from caredesk.documents.letters import long_date
from caredesk.reporting.indicators import case_standards
from caredesk.reporting.rollups import (
    ENDED_OVERDUE,
    FINISHED_AT,
    MET,
    MET_IN_TIME,
    local_midnight,
)
from caredesk.standards import Policy

SMALLEST_SHOWN = 5  # people and records: a group with fewer is hidden
SIGNIFICANT_BELOW = 0.05  # p value
MATERIAL_POINTS = 5.0  # percentage points, for a share
MATERIAL_POSITION = 10.0  # points of average position (0 to 100), for time taken
FISHER_BELOW = 5  # any expected count under this: Fisher's exact test instead

NOT_GIVEN = "not_given"
NOT_GIVEN_LABEL = "Not given"
CHI_SQUARED = "Chi-squared (Yates)"
FISHER = "Fisher's exact"
MANN_WHITNEY = "Mann–Whitney U"


class Measure(enum.StrEnum):
    IN_TIME = "in_time"
    FIRST_CONTACT = "first_contact"
    TIME_TAKEN = "time_taken"

    @property
    def label(self) -> str:
        return {
            Measure.IN_TIME: "Met in time",
            Measure.FIRST_CONTACT: "Resolved at the first contact",
            Measure.TIME_TAKEN: "Time taken",
        }[self]

    @property
    def records(self) -> str:
        return {
            Measure.IN_TIME: "Deadlines measured",
            Measure.FIRST_CONTACT: "Cases received",
            Measure.TIME_TAKEN: "Deadlines met",
        }[self]

    @property
    def is_share(self) -> bool:
        return self is not Measure.TIME_TAKEN

    @property
    def material(self) -> float:
        return MATERIAL_POINTS if self.is_share else MATERIAL_POSITION


class Hidden(enum.StrEnum):
    SMALL = "small"  # fewer than 5 people or records
    SECONDARY = "secondary"  # hidden so that a small group cannot be worked out


# -- what was counted, per customer -------------------------------------------------------


@dataclass
class Tally:
    """Records of one customer (or of one group): how many, and the outcome."""

    people: int = 0
    records: int = 0
    yes: int = 0  # met in time, or resolved at the first contact
    positions: Counter[float] = field(default_factory=Counter)  # time taken: {position: n}

    def add(self, other: Tally) -> None:
        self.people += other.people
        self.records += other.records
        self.yes += other.yes
        self.positions.update(other.positions)

    def minus(self, other: Tally) -> Tally:
        positions = Counter(self.positions)
        positions.subtract(other.positions)
        return Tally(
            people=self.people - other.people,
            records=self.records - other.records,
            yes=self.yes - other.yes,
            positions=+positions,
        )

    def value(self, measure: Measure) -> float | None:
        """The share in percent, or the average position for time taken."""
        if not self.records:
            return None
        if measure.is_share:
            return 100 * self.yes / self.records
        return sum(p * n for p, n in self.positions.items()) / self.records

    def spread(self) -> np.ndarray:
        """Every position written out once per record, for the rank test."""
        return np.repeat(
            np.array(list(self.positions), dtype=float),
            np.array(list(self.positions.values()), dtype=int),
        )


# -- the report ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Test:
    name: str
    p_value: float


@dataclass
class GroupRow:
    answer: str
    label: str
    tally: Tally
    others: Tally
    measure: Measure
    hidden: Hidden | None = None
    test: Test | None = None

    @property
    def value(self) -> float | None:
        return None if self.hidden else self.tally.value(self.measure)

    @property
    def others_value(self) -> float | None:
        return None if self.hidden else self.others.value(self.measure)

    @property
    def difference(self) -> float | None:
        """The group's figure less everyone else's (points)."""
        mine, theirs = self.value, self.others_value
        return None if mine is None or theirs is None else mine - theirs

    @property
    def significant(self) -> bool:
        return self.test is not None and self.test.p_value < SIGNIFICANT_BELOW

    @property
    def material(self) -> bool:
        return self.difference is not None and abs(self.difference) >= self.measure.material

    @property
    def flagged(self) -> bool:
        return self.hidden is None and self.significant and self.material

    @property
    def worse(self) -> bool:
        """The difference is to the group's disadvantage (fewer in time, slower)."""
        difference = self.difference or 0.0
        return difference < 0 if self.measure.is_share else difference > 0


@dataclass
class MeasureTable:
    characteristic: Characteristic
    measure: Measure
    total: Tally
    rows: list[GroupRow]


@dataclass
class Section:
    characteristic: Characteristic
    tables: list[MeasureTable]


@dataclass
class EqualityReport:
    organisation: str
    first: date
    last: date
    now: datetime
    totals: dict[Measure, Tally]
    sections: list[Section]
    customers: int  # customers with any record in the period
    customers_answering: int  # of those, how many gave answers

    @property
    def dates(self) -> str:
        return f"{long_date(self.first)} to {long_date(self.last)}"

    @property
    def title(self) -> str:
        return f"Equality impact monitoring report: {self.organisation}, {self.dates}"

    def flagged(self) -> list[tuple[MeasureTable, GroupRow]]:
        """Every significant and material difference, those to a group's disadvantage
        first."""
        found = [
            (table, row)
            for section in self.sections
            for table in section.tables
            for row in table.rows
            if row.flagged
        ]
        return sorted(found, key=lambda item: not item[1].worse)


def equality_report(*, policy: Policy, first: date, last: date, now: datetime) -> EqualityReport:
    """The equality impact monitoring report for local days `first` to `last`."""
    zone = policy.working_calendar.zone
    low, high = local_midnight(first, zone), local_midnight(last + timedelta(days=1), zone)
    keys = [standard.key for standard in case_standards(policy)]
    finished = (
        Deadline.objects.filter(standard_key__in=keys)
        .alias(finished_at=FINISHED_AT)
        .filter(finished_at__gte=low, finished_at__lt=high)
        .order_by()
    )
    per_customer: dict[Measure, dict[int | None, Tally]] = {m: {} for m in Measure}

    measured = (
        finished.filter(MET | ENDED_OVERDUE)
        .values("case__customer_id")
        .annotate(n=Count("pk"), yes=Count("pk", filter=MET_IN_TIME))
    )
    for row in measured.iterator():
        per_customer[Measure.IN_TIME][row["case__customer_id"]] = Tally(
            records=row["n"], yes=row["yes"]
        )

    received = (
        Case.objects.filter(received_at__gte=low, received_at__lt=high)
        .order_by()
        .values("customer_id")
        .annotate(n=Count("pk"), yes=Count("pk", filter=Q(resolved_at_first_contact=True)))
    )
    for row in received.iterator():
        per_customer[Measure.FIRST_CONTACT][row["customer_id"]] = Tally(
            records=row["n"], yes=row["yes"]
        )

    met = finished.filter(status=DeadlineStatus.MET, time_taken__isnull=False)
    # Each standard's times first (a few rows), then each customer's, streamed.
    positions = _positions(
        met.values_list("standard_key", "time_taken").annotate(n=Count("pk")).iterator()
    )
    timed = per_customer[Measure.TIME_TAKEN]
    per_time = met.values("standard_key", "time_taken", "case__customer_id").annotate(n=Count("pk"))
    for row in per_time.iterator():
        tally = timed.setdefault(row["case__customer_id"], Tally())
        tally.records += row["n"]
        tally.positions[positions[(row["standard_key"], row["time_taken"])]] += row["n"]

    for tallies in per_customer.values():
        for customer_id, tally in tallies.items():
            # a customer is one person; records with no customer count one person each
            tally.people = 1 if customer_id is not None else tally.records

    wanted = {c for tallies in per_customer.values() for c in tallies if c is not None}
    answers: dict[int, Answers] = dict(equality_answers_stream(wanted))
    sections = [
        Section(
            characteristic,
            [
                _table(characteristic, measure, per_customer[measure], answers)
                for measure in Measure
            ],
        )
        for characteristic in Characteristic
    ]
    totals = {}
    for measure in Measure:
        total = Tally()
        for tally in per_customer[measure].values():
            total.add(tally)
        totals[measure] = total
    return EqualityReport(
        organisation=policy.organisation.name,
        first=first,
        last=last,
        now=now,
        totals=totals,
        sections=sections,
        customers=len(wanted),
        customers_answering=len(answers),
    )


def _positions(counts: Iterable[tuple[str, int, int]]) -> dict[tuple[str, int], float]:
    """Each (standard, time taken) as a position from 0 to 100 among the standard's
    deadlines: the share quicker, plus half the share that took the same time."""
    by_standard: dict[str, Counter[int]] = defaultdict(Counter)
    for key, taken, n in counts:
        by_standard[key][taken] += n
    positions = {}
    for key, taken_counts in by_standard.items():
        total = sum(taken_counts.values())
        quicker = 0
        for taken in sorted(taken_counts):
            same = taken_counts[taken]
            positions[(key, taken)] = 100 * (quicker + same / 2) / total
            quicker += same
    return positions


def _table(
    characteristic: Characteristic,
    measure: Measure,
    tallies: dict[int | None, Tally],
    answers: dict[int, Answers],
) -> MeasureTable:
    groups: dict[str, Tally] = {}
    for answer in [*ANSWERS[characteristic].values, NOT_GIVEN]:
        groups[answer] = Tally()
    for customer_id, tally in tallies.items():
        given = answers.get(customer_id) if customer_id is not None else None
        answer = (given or {}).get(characteristic.value, NOT_GIVEN)
        groups.setdefault(answer, Tally()).add(tally)  # an answer since taken away: kept
    total = Tally()
    for tally in groups.values():
        total.add(tally)
    labels = dict(ANSWERS[characteristic].choices) | {NOT_GIVEN: NOT_GIVEN_LABEL}
    rows = [
        GroupRow(
            answer=answer,
            label=str(labels.get(answer, answer)),
            tally=tally,
            others=total.minus(tally),
            measure=measure,
        )
        for answer, tally in groups.items()
    ]
    _suppress(rows)
    for row in rows:
        if row.hidden is None:
            row.test = compare(row.tally, row.others, measure)
    return MeasureTable(characteristic, measure, total, rows)


def _suppress(rows: list[GroupRow]) -> None:
    for row in rows:
        if row.tally.people < SMALLEST_SHOWN or row.tally.records < SMALLEST_SHOWN:
            row.hidden = Hidden.SMALL
    hidden = [row for row in rows if row.hidden]
    if len(hidden) == 1 and hidden[0].tally.records:  # an empty group needs no protecting
        shown = [row for row in rows if not row.hidden]
        not_given = [row for row in shown if row.answer == NOT_GIVEN]
        also = not_given or sorted(shown, key=lambda row: (row.tally.records, row.tally.people))
        if also:
            also[0].hidden = Hidden.SECONDARY


def compare(group: Tally, others: Tally, measure: Measure) -> Test | None:
    """The group against everyone else; None when there is nothing to compare."""
    if not group.records or not others.records:
        return None
    if measure.is_share:
        return share_test(
            group.yes, group.records - group.yes, others.yes, others.records - others.yes
        )
    result = stats.mannwhitneyu(group.spread(), others.spread(), alternative="two-sided")
    p_value = float(result.pvalue)
    return None if math.isnan(p_value) else Test(MANN_WHITNEY, p_value)


def share_test(yes: int, no: int, others_yes: int, others_no: int) -> Test:
    """Chi-squared with Yates' correction on the 2x2 table, or Fisher's exact test when
    any expected count is under 5 (which includes a table with an empty row or column)."""
    table = np.array([[yes, no], [others_yes, others_no]])
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / table.sum()
    if expected.min() < FISHER_BELOW:
        return Test(FISHER, float(stats.fisher_exact(table).pvalue))
    return Test(CHI_SQUARED, float(stats.chi2_contingency(table, correction=True).pvalue))
