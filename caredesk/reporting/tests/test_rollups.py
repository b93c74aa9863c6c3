"""The daily roll-ups equal a straight recount of the records, however they were written.

Random cases and deadlines are written, changed and deleted the way the services and
bulk imports do (rows saved, querysets updated, bulk inserts), with refreshes at random
moments in between; the figures must then equal a recount done here in plain Python,
one deadline at a time. Then a rebuild must give the same again.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caredesk.cases.models import Case, CaseKind, Channel, Deadline, DeadlineStatus
from caredesk.customers.models import Customer, CustomerType
from caredesk.reporting.models import Cut, DailyCaseFigure, DailyFigure, StaleDay
from caredesk.reporting.rollups import figures_rebuild, figures_refresh
from caredesk.standards import load_policy

POLICY = load_policy("halton")
ZONE = POLICY.working_calendar.zone
KEYS = ["letter_email_response", "voicemail_return", "information_request"]
# Around the clocks going forward (30 March 2025) and back (26 October 2025), where a
# UTC date and a local day differ most.
SPANS = [datetime(2025, 3, 28, tzinfo=UTC), datetime(2025, 10, 24, tzinfo=UTC)]

moments = st.builds(
    lambda base, minutes: base + timedelta(minutes=minutes),
    st.sampled_from(SPANS),
    st.integers(0, 6 * 24 * 60),
)


def _local(moment: datetime) -> date:
    return moment.astimezone(ZONE).date()


def recount() -> tuple[dict[Any, Any], dict[Any, Any]]:
    """Every figure, counted one record at a time."""
    figures: dict[tuple[date, str, str, str], dict[str, Any]] = defaultdict(
        lambda: {
            "received": 0,
            "met_in_time": 0,
            "met_by_revised": 0,
            "met_late": 0,
            "ended_overdue": 0,
            "ended_in_time": 0,
            "taken": Counter(),
        }
    )

    def values(case: Case, team: int | None, officer: int | None) -> dict[str, str]:
        customer_type = case.customer.customer_type if case.customer else ""
        return {
            Cut.ALL: "",
            Cut.TEAM: str(team or ""),
            Cut.OFFICER: str(officer or ""),
            Cut.CHANNEL: case.channel,
            Cut.CUSTOMER_TYPE: customer_type,
            Cut.CASE_KIND: case.kind,
        }

    deadline: Any
    for deadline in Deadline.objects.select_related("case__customer"):
        cuts = values(deadline.case, deadline.team_id, deadline.assigned_to_id)
        for cut, value in cuts.items():
            started = figures[(_local(deadline.starts_at), deadline.standard_key, cut, value)]
            started["received"] += 1
            if deadline.status == DeadlineStatus.MET:
                figure = figures[(_local(deadline.met_at), deadline.standard_key, cut, value)]
                met, standard, revised = (
                    deadline.met_at,
                    deadline.standard_due_at,
                    deadline.revised_due_at,
                )
                if standard is None or met <= standard:
                    figure["met_in_time"] += 1
                elif revised is not None and met <= revised:
                    figure["met_by_revised"] += 1
                else:
                    figure["met_late"] += 1
                if deadline.time_taken is not None:
                    figure["taken"][str(deadline.time_taken)] += 1
            elif deadline.status == DeadlineStatus.ENDED_UNMET:
                figure = figures[(_local(deadline.ended_at), deadline.standard_key, cut, value)]
                overdue = deadline.due_at is not None and deadline.ended_at > deadline.due_at
                figure["ended_overdue" if overdue else "ended_in_time"] += 1
    cases: dict[tuple[date, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for case in Case.objects.select_related("customer"):
        for cut, value in values(case, case.team_id, case.assigned_to_id).items():
            case_counts = cases[(_local(case.received_at), cut, value)]
            case_counts[0] += 1
            case_counts[1] += case.resolved_at_first_contact
    for counts in figures.values():
        counts["taken"] = dict(counts["taken"])
    return dict(figures), {key: tuple(counts) for key, counts in cases.items()}


def stored() -> tuple[dict[Any, Any], dict[Any, Any]]:
    figures = {
        (f.day, f.standard_key, f.cut, f.value): {
            "received": f.received,
            "met_in_time": f.met_in_time,
            "met_by_revised": f.met_by_revised,
            "met_late": f.met_late,
            "ended_overdue": f.ended_overdue,
            "ended_in_time": f.ended_in_time,
            "taken": f.taken,
        }
        for f in DailyFigure.objects.all()
    }
    cases = {
        (f.day, f.cut, f.value): (f.received, f.resolved_at_first_contact)
        for f in DailyCaseFigure.objects.all()
    }
    return figures, cases


def _due(start: datetime, hours: int) -> datetime:
    return start + timedelta(hours=hours)


@st.composite
def histories(draw: st.DrawFn) -> list[tuple[str, Any]]:
    """A list of steps: writes of every kind, and refreshes between them."""
    steps: list[tuple[str, Any]] = []
    for _ in range(draw(st.integers(1, 12))):
        steps.append(
            draw(
                st.one_of(
                    st.tuples(
                        st.just("case"),
                        st.fixed_dictionaries(
                            {
                                "received": moments,
                                "kind": st.sampled_from(CaseKind.values),
                                "channel": st.sampled_from(Channel.values),
                                "customer": st.sampled_from([None, 0, 1]),
                                "first_contact": st.booleans(),
                                "team": st.sampled_from([None, "team", "other_team"]),
                                "officer": st.sampled_from([None, "officer", "outsider"]),
                                "deadlines": st.lists(
                                    st.fixed_dictionaries(
                                        {
                                            "key": st.sampled_from(KEYS),
                                            "due_hours": st.integers(1, 80),
                                            "revised_hours": st.sampled_from([None, 30, 100]),
                                            "finish": st.sampled_from(
                                                ["open", "paused", "met", "ended"]
                                            ),
                                            "finish_hours": st.integers(0, 120),
                                            "taken": st.integers(0, 12),
                                        }
                                    ),
                                    max_size=3,
                                ),
                            }
                        ),
                    ),
                    st.tuples(st.just("refresh"), st.none()),
                    st.tuples(st.just("meet"), st.tuples(st.integers(0, 99), moments)),
                    st.tuples(
                        st.just("reassign"),
                        st.tuples(st.integers(0, 99), st.sampled_from(["teammate", "outsider"])),
                    ),
                    st.tuples(
                        st.just("customer_type"),
                        st.tuples(st.integers(0, 1), st.sampled_from(CustomerType.values)),
                    ),
                    st.tuples(
                        st.just("case_kind"),
                        st.tuples(st.integers(0, 99), st.sampled_from(CaseKind.values)),
                    ),
                    st.tuples(st.just("delete_deadline"), st.integers(0, 99)),
                )
            )
        )
    return steps


def _play(steps: list[tuple[str, Any]], people: Any, customers: list[Customer]) -> None:
    staff = {
        None: None,
        "officer": people.officer,
        "outsider": people.outsider,
        "teammate": people.teammate,
    }
    teams = {None: None, "team": people.team, "other_team": people.other_team}
    for number, (step, data) in enumerate(steps):
        if step == "case":
            _write_case(number, data, staff, teams, customers)
        elif step == "refresh":
            figures_refresh(policy=POLICY)
        elif step == "meet":
            deadline = _pick(Deadline.objects.filter(status=DeadlineStatus.OPEN), data[0])
            if deadline is not None:
                deadline.met_at, deadline.status = max(data[1], deadline.starts_at), "met"
                deadline.time_taken = 1
                deadline.save()
        elif step == "reassign":
            case = _pick(Case.objects.all(), data[0])
            if case is not None:
                officer = staff[data[1]]
                Case.objects.filter(pk=case.pk).update(assigned_to=officer, team=officer.team)
                case.deadlines.filter(status__in=["open", "paused"]).update(
                    assigned_to=officer, team=officer.team
                )
        elif step == "customer_type":
            customer = customers[data[0]]
            customer.customer_type = data[1]
            customer.save()
        elif step == "case_kind":
            case = _pick(Case.objects.all(), data[0])
            if case is not None:
                case.kind = data[1]
                case.save()
        elif step == "delete_deadline":
            deadline = _pick(Deadline.objects.all(), data)
            if deadline is not None:
                deadline.delete()


def _pick(queryset: Any, index: int) -> Any:
    rows = list(queryset.order_by("pk"))
    return rows[index % len(rows)] if rows else None


def _write_case(
    number: int, data: dict[str, Any], staff: Any, teams: Any, customers: list[Customer]
) -> None:
    received = data["received"]
    case = Case.objects.create(
        reference=f"T-{number}-{Case.objects.count()}",
        kind=data["kind"],
        channel=data["channel"],
        customer=None if data["customer"] is None else customers[data["customer"]],
        received_at=received,
        subject="A test case",
        assigned_to=staff[data["officer"]],
        team=teams[data["team"]],
        resolved_at_first_contact=data["first_contact"],
        created_at=received,
    )
    rows = []
    for spec in data["deadlines"]:
        due = _due(received, spec["due_hours"])
        revised = None if spec["revised_hours"] is None else _due(received, spec["revised_hours"])
        finish_at = received + timedelta(hours=spec["finish_hours"])
        row = Deadline(
            case=case,
            standard_key=spec["key"],
            starts_at=received,
            standard_due_at=due,
            revised_due_at=revised,
            due_at=revised or due,
            assigned_to=case.assigned_to,
            team=case.team,
            status=spec["finish"] if spec["finish"] != "ended" else DeadlineStatus.ENDED_UNMET,
        )
        if spec["finish"] == "paused":
            row.due_at = None
        elif spec["finish"] == "met":
            row.met_at, row.time_taken = finish_at, spec["taken"]
        elif spec["finish"] == "ended":
            row.ended_at = finish_at
        rows.append(row)
    Deadline.objects.bulk_create(rows)


@pytest.fixture
def customers(people: Any) -> list[Customer]:
    now = datetime(2025, 1, 1, tzinfo=UTC)
    return [
        Customer.objects.create(customer_type=CustomerType.TENANT, last_name="Ash", created_at=now),
        Customer.objects.create(
            customer_type=CustomerType.APPLICANT, last_name="Birch", created_at=now
        ),
    ]


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=histories())
def test_the_figures_equal_a_recount_however_the_records_were_written(
    steps: list[tuple[str, Any]], people: Any, customers: list[Customer]
) -> None:
    try:
        # given a history of writes, with refreshes at random moments
        _play(steps, people, customers)
        # when the figures are refreshed once more
        figures_refresh(policy=POLICY)
        # then they are what a recount gives, and nothing is left to count
        assert stored() == recount()
        assert not StaleDay.objects.exists()
        # and a rebuild from nothing gives the same again
        DailyFigure.objects.all().delete()
        figures_rebuild(policy=POLICY)
        assert stored() == recount()
    finally:
        Deadline.objects.all().delete()
        Case.objects.all().delete()
        kinds = [CustomerType.TENANT, CustomerType.APPLICANT]
        for customer, kind in zip(customers, kinds, strict=True):
            Customer.objects.filter(pk=customer.pk).update(customer_type=kind)
            customer.customer_type = kind
        DailyFigure.objects.all().delete()
        DailyCaseFigure.objects.all().delete()
        StaleDay.objects.all().delete()


# -- each way a record changes, one at a time ---------------------------------------------


def _one_case(people: Any, customers: list[Customer], **changes: Any) -> Case:
    data = {
        "received": datetime(2025, 3, 28, 23, 30, tzinfo=UTC),
        "kind": CaseKind.GENERAL_ENQUIRY,
        "channel": Channel.LETTER,
        "customer": 0,
        "first_contact": False,
        "team": "team",
        "officer": "officer",
        "deadlines": [
            {
                "key": "letter_email_response",
                "due_hours": 48,
                "revised_hours": None,
                "finish": "met",
                "finish_hours": 30,
                "taken": 1,
            },
            {
                "key": "information_request",
                "due_hours": 24,
                "revised_hours": None,
                "finish": "open",
                "finish_hours": 0,
                "taken": 0,
            },
        ],
    } | changes
    staff = {None: None, "officer": people.officer}
    teams = {None: None, "team": people.team}
    _write_case(1, data, staff, teams, customers)
    figures_refresh(policy=POLICY)
    assert stored() == recount()
    return Case.objects.get()


@pytest.mark.django_db
def test_a_customer_whose_type_changes_moves_their_figures(people, customers):
    _one_case(people, customers)
    customers[0].customer_type = CustomerType.LEASEHOLDER
    customers[0].save()
    figures_refresh(policy=POLICY)
    assert stored() == recount()
    leaseholder = DailyFigure.objects.filter(cut=Cut.CUSTOMER_TYPE, value="leaseholder")
    assert leaseholder.count() == 3  # two received (one day), one met (another day)


@pytest.mark.django_db
def test_a_case_whose_kind_changes_moves_its_figures(people, customers):
    case = _one_case(people, customers)
    case.kind = CaseKind.COMPLAINT
    case.save()
    figures_refresh(policy=POLICY)
    assert stored() == recount()
    assert DailyCaseFigure.objects.get(cut=Cut.CASE_KIND).value == "complaint"


@pytest.mark.django_db
def test_a_reassignment_by_queryset_update_moves_the_figures(people, customers):
    case = _one_case(people, customers)
    case.deadlines.update(assigned_to=people.outsider, team=people.other_team)
    figures_refresh(policy=POLICY)
    assert stored() == recount()
    assert set(DailyFigure.objects.filter(cut=Cut.OFFICER).values_list("value", flat=True)) == {
        str(people.outsider.pk)
    }


@pytest.mark.django_db
def test_a_deleted_deadline_leaves_the_figures(people, customers):
    case = _one_case(people, customers)
    case.deadlines.filter(standard_key="letter_email_response").delete()
    figures_refresh(policy=POLICY)
    assert stored() == recount()
    assert not DailyFigure.objects.filter(standard_key="letter_email_response").exists()


@pytest.mark.django_db
def test_a_warning_sent_changes_no_figure_and_marks_nothing(people, customers):
    case = _one_case(people, customers)
    case.deadlines.update(warned_at=datetime(2025, 3, 29, tzinfo=UTC))
    assert not StaleDay.objects.exists()


@pytest.mark.django_db
def test_a_day_is_a_local_day(people, customers):
    # 23:30 UTC on 28 March 2025 is 23:30 GMT; met 30 hours later, 05:30 BST on 30 March.
    _one_case(people, customers)
    days = set(
        DailyFigure.objects.filter(cut=Cut.ALL, standard_key="letter_email_response").values_list(
            "day", "received"
        )
    )
    assert days == {(date(2025, 3, 28), 1), (date(2025, 3, 30), 0)}


@pytest.mark.django_db
def test_a_refresh_out_of_time_counts_the_latest_days_and_leaves_the_rest(people, customers):
    # given: letters on two days far apart, not yet counted
    for received in (datetime(2025, 3, 28, 10, tzinfo=UTC), datetime(2025, 10, 24, 10, tzinfo=UTC)):
        _write_case(
            1, {"received": received, "kind": CaseKind.GENERAL_ENQUIRY, "channel": Channel.LETTER,
                "customer": 0, "first_contact": False, "team": None, "officer": None,
                "deadlines": []}, {None: None}, {None: None}, customers,
        )  # fmt: skip
    # when: a page refreshes with no time at all
    counted = figures_refresh(policy=POLICY, budget_seconds=0)
    # then: the latest day is counted, the earlier one waits for the worker
    assert counted.left == 1
    assert set(DailyCaseFigure.objects.values_list("day", flat=True)) == {date(2025, 10, 24)}
    assert StaleDay.objects.filter(utc_date=date(2025, 3, 28)).exists()
    # and the worker's refresh counts the rest
    assert figures_refresh(policy=POLICY).left == 0
    assert stored() == recount()
    assert not StaleDay.objects.exists()


@pytest.mark.django_db
def test_a_rebuild_forgets_days_whose_records_are_gone_and_clears_the_marks(people, customers):
    # given: figures counted for a case that has since been deleted, with no refresh since
    case = _one_case(people, customers)
    Case.objects.filter(pk=case.pk).delete()
    assert StaleDay.objects.exists()
    # when: everything is counted again
    figures_rebuild(policy=POLICY)
    # then: no figure is left for it, and nothing waits for the worker
    assert not DailyFigure.objects.exists()
    assert not DailyCaseFigure.objects.exists()
    assert not StaleDay.objects.exists()
