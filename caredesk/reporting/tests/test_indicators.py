"""The indicators read from the roll-ups equal a straight count of the deadline rows.

`report_read` sums daily figures into months; here the same month's figures are counted
one deadline at a time in plain Python, from local days (Europe/London), around the
clocks going forward and a month's end. `deadlines_behind` must list exactly the rows
each figure counted, offices must be the sums of their teams, and first-contact
resolution must count the cases the real services create.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caredesk.cases.models import Case, CaseKind, Channel, Deadline, DeadlineStatus
from caredesk.cases.services import case_create
from caredesk.customers.models import Customer, CustomerType
from caredesk.reporting.indicators import (
    Behind,
    CaseOutcome,
    Level,
    Outcome,
    Rating,
    Report,
    Split,
    StandardFigures,
    cases_behind_first_contact,
    deadlines_behind,
    percentile_of_counts,
    rate,
    report_read,
)
from caredesk.reporting.models import DailyCaseFigure, DailyFigure, StaleDay
from caredesk.reporting.periods import Period, period_end, periods_between
from caredesk.reporting.rollups import figures_refresh
from caredesk.reporting.tests.test_rollups import KEYS, POLICY, _write_case
from caredesk.staff.models import Office, Team
from caredesk.telephony.figures import percentile_of_sorted

ZONE = POLICY.working_calendar.zone

# -- percentiles ---------------------------------------------------------------------------


@given(counts=st.dictionaries(st.integers(0, 400), st.integers(1, 40), max_size=12))
def test_a_percentile_of_counts_is_the_percentile_of_the_values_written_out(
    counts: dict[int, int],
) -> None:
    counter = Counter(counts)
    values = sorted(counter.elements())
    for fraction in (0.5, 0.9):
        expected = percentile_of_sorted(values, fraction) if values else None
        assert percentile_of_counts(counter, fraction) == expected


def test_a_percentile_of_no_counts_is_none() -> None:
    assert percentile_of_counts(Counter(), 0.5) is None
    assert percentile_of_counts(Counter({3: 0}), 0.9) is None


# -- ratings -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("percent", "target", "amber_within", "rating"),
    [
        (95.0, 95.0, 5, Rating(Level.GREEN, "On target (95%)")),
        (100.0, 95.0, 5, Rating(Level.GREEN, "On target (95%)")),
        (100.0, 100.0, 5, Rating(Level.GREEN, "On target (100%)")),
        (97.5, 97.5, 5, Rating(Level.GREEN, "On target (97.5%)")),
        (94.99, 95.0, 5, Rating(Level.AMBER, "Just below target (95%)")),
        (90.0, 95.0, 5, Rating(Level.AMBER, "Just below target (95%)")),
        (89.99, 95.0, 5, Rating(Level.RED, "Below target (95%)")),
        (0.0, 95.0, 5, Rating(Level.RED, "Below target (95%)")),
        (94.99, 95.0, 0, Rating(Level.RED, "Below target (95%)")),
        (None, 95.0, 5, Rating(Level.NONE, "Nothing measured")),
        (50.0, None, 5, Rating(Level.NONE, "No target set")),
        (None, None, 5, Rating(Level.NONE, "No target set")),
    ],
)
def test_a_rating_is_green_on_target_amber_just_below_and_red_further(
    percent: float | None, target: float | None, amber_within: float, rating: Rating
) -> None:
    assert rate(percent, target, amber_within) == rating


def test_nineteen_of_twenty_in_time_is_exactly_on_a_95_percent_target() -> None:
    outcome = Outcome(met_in_time=19, met_late=1)
    assert outcome.percent_in_time == 95.0
    assert rate(outcome.percent_in_time, 95, 5).level is Level.GREEN


@given(
    percent=st.one_of(st.none(), st.floats(0, 100)),
    target=st.one_of(st.none(), st.floats(0, 100)),
    amber_within=st.floats(0, 20),
)
def test_a_rating_always_says_in_words_what_its_colour_means(
    percent: float | None, target: float | None, amber_within: float
) -> None:
    rating = rate(percent, target, amber_within)
    assert rating.text.strip()
    if percent is not None and target is not None:
        assert (rating.level is Level.GREEN) == (percent >= target)
        assert (rating.level is Level.RED) == (percent < target - amber_within)


# -- the report equals a recount -----------------------------------------------------------

# 27 March to 3 April 2025 (clocks forward on 30 March, March ends in BST) and 26 October
# to 2 November 2025 (clocks back on 26 October, October ends in GMT).
SPANS = [datetime(2025, 3, 27, tzinfo=UTC), datetime(2025, 10, 26, tzinfo=UTC)]
MONTHS = [date(2025, 3, 1), date(2025, 4, 1), date(2025, 10, 1), date(2025, 11, 1)]
EDGES = [
    datetime(2025, 3, 31, 22, 59, tzinfo=UTC),  # 23:59 BST on 31 March
    datetime(2025, 3, 31, 23, 0, tzinfo=UTC),  # 00:00 BST on 1 April
    datetime(2025, 3, 29, 23, 30, tzinfo=UTC),  # 23:30 GMT on 29 March
    datetime(2025, 3, 30, 0, 30, tzinfo=UTC),  # 00:30 GMT on 30 March
    datetime(2025, 10, 31, 23, 59, tzinfo=UTC),  # 23:59 GMT on 31 October
    datetime(2025, 11, 1, 0, 0, tzinfo=UTC),  # midnight GMT, 1 November
    datetime(2025, 10, 25, 23, 30, tzinfo=UTC),  # 00:30 BST on 26 October
]
moments = st.one_of(
    st.builds(
        lambda base, minutes: base + timedelta(minutes=minutes),
        st.sampled_from(SPANS),
        st.integers(0, 7 * 24 * 60),
    ),
    st.sampled_from(EDGES),
)
TEAMS = [None, "team", "other_team", "lettings", "income"]

deadline_specs = st.fixed_dictionaries(
    {
        "key": st.sampled_from(KEYS),
        "due_hours": st.integers(1, 80),
        "revised_hours": st.sampled_from([None, 30, 100]),
        "finish": st.sampled_from(["open", "paused", "met", "ended"]),
        "finish_hours": st.integers(0, 120),
        "taken": st.integers(0, 12),
    }
)
case_specs = st.fixed_dictionaries(
    {
        "received": moments,
        "kind": st.sampled_from(CaseKind.values),
        "channel": st.sampled_from(Channel.values),
        "customer": st.sampled_from([None, 0, 1]),
        "first_contact": st.booleans(),
        "team": st.sampled_from(TEAMS),
        "officer": st.sampled_from([None, "officer", "outsider"]),
        "deadlines": st.lists(deadline_specs, min_size=1, max_size=3),
    }
)
histories = st.lists(case_specs, min_size=1, max_size=8)
nows = st.one_of(moments, st.just(datetime(2025, 11, 10, tzinfo=UTC)))
HYPOTHESIS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def customers(people: Any) -> list[Customer]:
    now = datetime(2025, 1, 1, tzinfo=UTC)
    return [
        Customer.objects.create(customer_type=CustomerType.TENANT, last_name="Ash", created_at=now),
        Customer.objects.create(
            customer_type=CustomerType.APPLICANT, last_name="Birch", created_at=now
        ),
    ]


@pytest.fixture
def teams(people: Any) -> dict[str | None, Team | None]:
    """Tenancy and Repairs in Runcorn; Income in Widnes; Lettings in no office."""
    widnes = Office.objects.create(name="Widnes")
    return {
        None: None,
        "team": people.team,
        "other_team": people.other_team,
        "lettings": Team.objects.create(name="Lettings"),
        "income": Team.objects.create(name="Income", office=widnes),
    }


def _write(cases: list[dict[str, Any]], people: Any, teams: Any, customers: Any) -> None:
    staff = {None: None, "officer": people.officer, "outsider": people.outsider}
    for number, spec in enumerate(cases):
        _write_case(number, spec, staff, teams, customers)


def _clean() -> None:
    Deadline.objects.all().delete()
    Case.objects.all().delete()
    DailyFigure.objects.all().delete()
    DailyCaseFigure.objects.all().delete()
    StaleDay.objects.all().delete()


def _local(moment: datetime) -> date:
    return moment.astimezone(ZONE).date()


def _offices() -> dict[int | None, str]:
    return {pk: str(office or "") for pk, office in Team.objects.values_list("pk", "office")}


def _value(split: Split, record: Case | Deadline, offices: dict[int | None, str]) -> str:
    """The value of the cut a record counts under, worked out here from its fields."""
    case = record.case if isinstance(record, Deadline) else record
    return {
        Split.ALL: "",
        Split.TEAM: str(record.team_id or ""),
        Split.OFFICE: offices.get(record.team_id, ""),
        Split.OFFICER: str(record.assigned_to_id or ""),
        Split.CHANNEL: case.channel,
        Split.CUSTOMER_TYPE: case.customer.customer_type if case.customer else "",
        Split.CASE_KIND: case.kind,
    }[split]


def _counts(deadline: Deadline, behind: Behind, first: date, last: date, now: datetime) -> bool:
    """Whether the figure `behind` of the days `first` to `last` counts this deadline."""
    met = deadline.status == DeadlineStatus.MET
    finished_at = deadline.met_at or deadline.ended_at
    finished = finished_at is not None and first <= _local(finished_at) <= last
    in_time = met and (
        deadline.standard_due_at is None
        or (deadline.met_at is not None and deadline.met_at <= deadline.standard_due_at)
    )
    by_revised = (
        met
        and not in_time
        and deadline.revised_due_at is not None
        and deadline.met_at is not None
        and deadline.met_at <= deadline.revised_due_at
    )
    ended_overdue = (
        deadline.status == DeadlineStatus.ENDED_UNMET
        and deadline.due_at is not None
        and deadline.ended_at is not None
        and deadline.ended_at > deadline.due_at
    )
    unfinished = deadline.status in (DeadlineStatus.OPEN, DeadlineStatus.PAUSED)
    return {
        Behind.RECEIVED: first <= _local(deadline.starts_at) <= last,
        Behind.MEASURED: finished and (met or ended_overdue),
        Behind.IN_TIME: finished and in_time,
        Behind.BY_REVISED: finished and (in_time or by_revised),
        Behind.BREACHES: finished and ((met and not in_time and not by_revised) or ended_overdue),
        Behind.OPEN: unfinished,
        Behind.OVERDUE: unfinished and deadline.due_at is not None and deadline.due_at < now,
    }[behind]


@dataclass
class Records:
    """Every deadline and case, read once, and each team's office."""

    deadlines: list[Deadline]
    cases: list[Case]
    offices: dict[int | None, str]

    @classmethod
    def read(cls) -> Records:
        return cls(
            list(Deadline.objects.select_related("case__customer")),
            list(Case.objects.select_related("customer")),
            _offices(),
        )


def recount(
    records: Records, split: Split, first: date, last: date, now: datetime
) -> tuple[dict[tuple[str, str], dict[str, Any]], dict[str, CaseOutcome]]:
    """The figures of the days `first` to `last` for every (standard, value), one record
    at a time."""
    counted: dict[tuple[str, str], dict[str, Any]] = defaultdict(
        lambda: {behind: 0 for behind in Behind} | {"taken": []}
    )
    for deadline in records.deadlines:
        figure = counted[(deadline.standard_key, _value(split, deadline, records.offices))]
        for behind in Behind:
            figure[behind] += _counts(deadline, behind, first, last, now)
        if (
            deadline.status == DeadlineStatus.MET
            and deadline.met_at is not None
            and first <= _local(deadline.met_at) <= last
            and deadline.time_taken is not None
        ):
            figure["taken"].append(deadline.time_taken)
    cases: dict[str, CaseOutcome] = defaultdict(CaseOutcome)
    for case in records.cases:
        if first <= _local(case.received_at) <= last:
            cases[_value(split, case, records.offices)] += CaseOutcome(
                1, int(case.resolved_at_first_contact)
            )
    return dict(counted), dict(cases)


def _expected_figures(figure: dict[str, Any] | None) -> dict[str, Any]:
    if figure is None:
        figure = {behind: 0 for behind in Behind} | {"taken": []}
    taken = sorted(figure["taken"])
    return {
        "received": figure[Behind.RECEIVED],
        "measured": figure[Behind.MEASURED],
        "met_in_time": figure[Behind.IN_TIME],
        "met_by_revised": figure[Behind.BY_REVISED] - figure[Behind.IN_TIME],
        "breaches": figure[Behind.BREACHES],
        "median": percentile_of_sorted(taken, 0.5) if taken else None,
        "p90": percentile_of_sorted(taken, 0.9) if taken else None,
        "open_now": figure[Behind.OPEN],
        "overdue_now": figure[Behind.OVERDUE],
    }


def _read_figures(figures: StandardFigures, month: date, value: str) -> dict[str, Any]:
    outcome = figures.cell(month, value)
    return {
        "received": outcome.received,
        "measured": outcome.measured,
        "met_in_time": outcome.met_in_time,
        "met_by_revised": outcome.met_by_revised,
        "breaches": outcome.breaches,
        "median": outcome.median_taken,
        "p90": outcome.p90_taken,
        "open_now": figures.open_now[value],
        "overdue_now": figures.overdue_now[value],
    }


def _month_report(split: Split, month: date, now: datetime) -> Report:
    return report_read(
        policy=POLICY,
        first=month,
        last=period_end(month, Period.MONTH),
        period=Period.MONTH,
        split=split,
        now=now,
    )


@pytest.mark.django_db
@HYPOTHESIS
@given(cases=histories, now=nows)
def test_a_months_report_equals_a_recount_of_the_deadlines(
    cases: list[dict[str, Any]],
    now: datetime,
    people: Any,
    teams: Any,
    customers: list[Customer],
) -> None:
    try:
        # given cases and deadlines around a clock change and a month's end
        _write(cases, people, teams, customers)
        figures_refresh(policy=POLICY)
        records = Records.read()
        for split in (Split.ALL, Split.TEAM, Split.OFFICE):
            for month in MONTHS:
                # when the month is read, split by everyone, team and office
                report = _month_report(split, month, now)
                last = period_end(month, Period.MONTH)
                expected, expected_cases = recount(records, split, month, last, now)
                # then each figure is what counting the rows one by one gives
                values = {value for (_, value) in expected} | {v.value for v in report.values}
                for figures in report.standards:
                    for value in values:
                        assert _read_figures(figures, month, value) == _expected_figures(
                            expected.get((figures.key, value))
                        ), (split, month, figures.key, value)
                for value in values | set(expected_cases):
                    found = report.cases.get((month, value)) or CaseOutcome()
                    assert found == expected_cases.get(value, CaseOutcome()), (split, month, value)
                assert report.cases_for_period(month) == sum(expected_cases.values(), CaseOutcome())
    finally:
        _clean()


@pytest.mark.django_db
@HYPOTHESIS
@given(cases=histories, now=nows, period=st.sampled_from(list(Period)))
def test_every_kind_of_period_equals_a_recount_of_its_days(
    cases: list[dict[str, Any]],
    now: datetime,
    period: Period,
    people: Any,
    teams: Any,
    customers: list[Customer],
) -> None:
    try:
        # given cases and deadlines in spring and autumn
        _write(cases, people, teams, customers)
        figures_refresh(policy=POLICY)
        records = Records.read()
        # when a span starting on a Wednesday in March is read by day, week, month, quarter
        # or financial year (its first week, quarter and year cut short)
        first, last = date(2025, 3, 5), date(2025, 11, 30)
        report = report_read(
            policy=POLICY, first=first, last=last, period=period, split=Split.ALL, now=now
        )
        # then each period's figures are those of its days within the span
        assert report.periods == periods_between(first, last, period)
        assert {start for figures in report.standards for (start, _) in figures.cells} <= set(
            report.periods
        )
        for start in report.periods:
            low, high = max(start, first), min(period_end(start, period), last)
            expected, expected_cases = recount(records, Split.ALL, low, high, now)
            for figures in report.standards:
                assert _read_figures(figures, start, "") == _expected_figures(
                    expected.get((figures.key, ""))
                ), (period, start, figures.key)
            assert report.cases_for_period(start) == expected_cases.get("", CaseOutcome())
    finally:
        _clean()


@pytest.mark.django_db
@HYPOTHESIS
@given(
    cases=histories,
    now=nows,
    split=st.sampled_from(list(Split)),
    month=st.sampled_from(MONTHS),
)
def test_the_deadlines_behind_a_figure_are_exactly_those_it_counted(
    cases: list[dict[str, Any]],
    now: datetime,
    split: Split,
    month: date,
    people: Any,
    teams: Any,
    customers: list[Customer],
) -> None:
    try:
        _write(cases, people, teams, customers)
        figures_refresh(policy=POLICY)
        first, last = month, period_end(month, Period.MONTH)
        report = _month_report(split, month, now)
        offices = _offices()
        rows = list(Deadline.objects.select_related("case__customer"))
        for figures in report.standards:
            if figures.key not in KEYS:
                continue
            for value in [None, *(v.value for v in report.values)]:
                read = (
                    _read_figures(figures, month, value)
                    if value is not None
                    else _read_totals(figures, month)
                )
                shown = {
                    Behind.RECEIVED: read["received"],
                    Behind.MEASURED: read["measured"],
                    Behind.IN_TIME: read["met_in_time"],
                    Behind.BY_REVISED: read["met_in_time"] + read["met_by_revised"],
                    Behind.BREACHES: read["breaches"],
                    Behind.OPEN: read["open_now"],
                    Behind.OVERDUE: read["overdue_now"],
                }
                for behind, figure in shown.items():
                    listed = deadlines_behind(
                        policy=POLICY,
                        standard_key=figures.key,
                        first=first,
                        last=last,
                        split=split,
                        value=value,
                        behind=behind,
                        now=now,
                    )
                    pks = set(listed.values_list("pk", flat=True))
                    expected = {
                        row.pk
                        for row in rows
                        if row.standard_key == figures.key
                        and (value is None or _value(split, row, offices) == value)
                        and _counts(row, behind, first, last, now)
                    }
                    assert (len(pks), pks) == (figure, expected), (figures.key, value, behind)
    finally:
        _clean()


def _read_totals(figures: StandardFigures, month: date) -> dict[str, Any]:
    outcome = figures.for_period(month)
    return {
        "received": outcome.received,
        "measured": outcome.measured,
        "met_in_time": outcome.met_in_time,
        "met_by_revised": outcome.met_by_revised,
        "breaches": outcome.breaches,
        "open_now": sum(figures.open_now.values()),
        "overdue_now": sum(figures.overdue_now.values()),
    }


# -- offices -------------------------------------------------------------------------------


def _spec(
    received: datetime, team: str | None, *, first_contact: bool = False, **deadline: Any
) -> dict[str, Any]:
    return {
        "received": received,
        "kind": CaseKind.GENERAL_ENQUIRY,
        "channel": Channel.LETTER,
        "customer": 0,
        "first_contact": first_contact,
        "team": team,
        "officer": None,
        "deadlines": [
            {
                "key": "letter_email_response",
                "due_hours": 48,
                "revised_hours": None,
                "finish": "met",
                "finish_hours": 10,
                "taken": 1,
            }
            | deadline
        ],
    }


@pytest.mark.django_db
def test_an_offices_figures_are_the_sums_of_its_teams(
    people: Any, teams: Any, customers: list[Customer]
) -> None:
    # given: Tenancy and Repairs in Runcorn, Lettings in no office, and a case with no team
    june = datetime(2025, 6, 2, 9, tzinfo=UTC)
    _write(
        [
            _spec(june, "team", taken=1),
            _spec(june, "team", finish_hours=60, taken=4),
            _spec(june + timedelta(days=1), "team", finish="open", first_contact=True),
            _spec(june, "other_team", taken=2),
            _spec(june, "other_team", finish="ended", finish_hours=70),
            _spec(june, "lettings", taken=7),
            _spec(june, "lettings", finish="open"),
            _spec(june, None, finish="ended", finish_hours=1),
            _spec(june, None, revised_hours=100, finish_hours=90, taken=5),
        ],
        people,
        teams,
        customers,
    )
    figures_refresh(policy=POLICY)
    month, now = date(2025, 6, 1), datetime(2025, 6, 20, 12, tzinfo=UTC)

    # when: June is read by team and by office
    by_team = _month_report(Split.TEAM, month, now)
    by_office = _month_report(Split.OFFICE, month, now)

    # then: Runcorn is Tenancy and Repairs together; "No office" is Lettings and no team
    runcorn = str(people.team.office_id)
    groups = {
        runcorn: [str(people.team.pk), str(people.other_team.pk)],
        "": [str(teams["lettings"].pk), ""],
    }
    assert [(v.value, v.label) for v in by_office.values] == [
        (runcorn, "Runcorn"),
        ("", "No office"),
    ]
    for team_figures, office_figures in zip(by_team.standards, by_office.standards, strict=True):
        for office, members in groups.items():
            total = Outcome()
            for member in members:
                total.add(team_figures.cell(month, member))
            assert office_figures.cell(month, office) == total
            assert office_figures.open_now[office] == sum(team_figures.open_now[m] for m in members)
            assert office_figures.overdue_now[office] == sum(
                team_figures.overdue_now[m] for m in members
            )
        assert set(office_figures.open_now) <= set(groups)
    for office, members in groups.items():
        assert by_office.cases[(month, office)] == sum(
            (by_team.cases[(month, m)] for m in members), CaseOutcome()
        )
    letters = next(f for f in by_office.standards if f.key == "letter_email_response")
    assert letters.cell(month, runcorn).received == 5
    assert letters.cell(month, runcorn).measured == 4  # one still open
    assert letters.cell(month, runcorn).breaches == 2  # one met late, one ended overdue
    assert letters.cell(month, "").measured == 2  # one open, one ended before it was due
    assert letters.cell(month, "").breaches == 0  # met by the revised date is no breach
    assert letters.cell(month, "").met_by_revised == 1
    assert letters.cell(month, "").ended_in_time == 1
    # and the records behind "No office" are those of Lettings and of no team
    listed = deadlines_behind(
        policy=POLICY,
        standard_key="letter_email_response",
        first=month,
        last=date(2025, 6, 30),
        split=Split.OFFICE,
        value="",
        behind=Behind.RECEIVED,
        now=now,
    )
    assert {(d.team_id or None) for d in listed} == {teams["lettings"].pk, None}
    assert listed.count() == 4


# -- first-contact resolution, from the real services --------------------------------------


def _bst(day: int, hour: int, minute: int = 0, month: int = 6) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=ZONE)


@pytest.mark.django_db
def test_first_contact_resolution_counts_the_cases_resolved_there_and_then(
    people: Any, clock: Any
) -> None:
    # given: four cases received in June (one a quarter of an hour into 1 June, UK time),
    # two resolved at the first contact, and one received in the last minutes of May
    def create(
        received: datetime, channel: str, officer: Any, resolved: bool, subject: str
    ) -> Case:
        return case_create(
            kind=CaseKind.GENERAL_ENQUIRY,
            channel=channel,
            received_at=received,
            subject=subject,
            by=people.administrator,
            assign_to=officer,
            resolved_at_first_contact=resolved,
            policy=POLICY,
            clock=clock,
        )

    may = create(_bst(31, 23, 30, month=5), Channel.LETTER, people.officer, True, "Late in May")
    letter = create(_bst(2, 10), Channel.LETTER, people.officer, True, "Rent statement")
    unresolved_call = create(_bst(3, 11), Channel.PHONE, people.officer, False, "Boiler")
    resolved_call = create(_bst(4, 12), Channel.PHONE, people.outsider, True, "Parking")
    email = create(_bst(1, 0, 15), Channel.EMAIL, people.outsider, False, "Fence")
    figures_refresh(policy=POLICY)
    june = date(2025, 6, 1)

    # when: June is read for everyone and by team
    everyone = _month_report(Split.ALL, june, clock.now())
    by_team = _month_report(Split.TEAM, june, clock.now())

    # then: 2 of 4 resolved at first contact, 50%, below Halton's 70% target
    assert everyone.cases_for_period(june) == CaseOutcome(4, 2)
    assert everyone.cases_for_period(june).percent == 50.0
    assert everyone.rating(50.0, everyone.first_contact_target) == Rating(
        Level.RED, "Below target (70%)"
    )
    assert by_team.cases[(june, str(people.team.pk))] == CaseOutcome(2, 1)
    assert by_team.cases[(june, str(people.other_team.pk))] == CaseOutcome(2, 1)
    may_report = _month_report(Split.ALL, date(2025, 5, 1), clock.now())
    assert may_report.cases_for_period(date(2025, 5, 1)) == CaseOutcome(1, 1)
    # and the cases behind the figure are June's four
    listed = cases_behind_first_contact(
        policy=POLICY, first=june, last=date(2025, 6, 30), split=Split.ALL, value=None
    )
    assert set(listed) == {letter, unresolved_call, resolved_call, email}
    assert may not in set(listed)
    tenancy = cases_behind_first_contact(
        policy=POLICY,
        first=june,
        last=date(2025, 6, 30),
        split=Split.TEAM,
        value=str(people.team.pk),
    )
    assert set(tenancy) == {letter, unresolved_call}
    # and a letter resolved at once met its deadline in time, in no time at all
    letters = next(f for f in everyone.standards if f.key == "letter_email_response")
    assert letters.cell(june, "").received == 2
    assert letters.cell(june, "").met_in_time == 1
    assert letters.cell(june, "").taken == Counter({0: 1})
    assert sum(letters.open_now.values()) == 1  # the email
