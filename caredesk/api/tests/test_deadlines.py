"""GET /api/v1/deadlines: open deadlines, soonest first, filtered, paged by cursor."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from caredesk.cases.models import CaseKind, CaseStatus, Channel, Deadline, DeadlineStatus
from caredesk.cases.services import case_assign, case_finish, case_wait_for_customer

from .conftest import at, field_errors, new_case

DEADLINES = "/api/v1/deadlines"


def ids(answer):
    assert answer.status == 200, answer.body
    return [item["id"] for item in answer.body["items"]]


def walk(api, limit, **filters):
    """Every page, following `next`; the ids in the order given."""
    seen, cursor, pages = [], None, 0
    while True:
        params = dict(filters, limit=limit) | ({"cursor": cursor} if cursor else {})
        answer = api.get(DEADLINES, **params)
        seen += ids(answer)
        pages += 1
        cursor = answer.body["next"]
        if cursor is None:
            return seen, pages
        assert len(answer.body["items"]) == limit


def test_open_deadlines_come_soonest_first_with_times_in_london(people, clock, officer_api):
    later = new_case(people, clock, received=at(2025, 6, 10, 10))
    sooner = new_case(people, clock, received=at(2025, 6, 2, 10))
    answer = officer_api.get(DEADLINES)
    assert [item["case"] for item in answer.body["items"]] == [sooner.reference, later.reference]
    first = answer.body["items"][0]
    assert first["due_at"] == "2025-06-16T17:00:00+01:00"  # Halton: 10 working days, 17:00
    assert first["standard"] == "letter_email_response"
    assert first["overdue"] is True  # the clock says 20 June
    assert first["seconds_left"] == -(3 * 86400 + 20 * 3600)  # due 16 June 16:00 UTC
    assert first["assigned_to"]["username"] == "olu_officer"
    assert first["team_id"] == people.team.pk
    assert answer.body["next"] is None


def test_met_paused_and_ended_deadlines_are_not_listed(people, clock, officer_api):
    open_case = new_case(people, clock)
    finished = new_case(people, clock)
    case_finish(case=finished, status=CaseStatus.CLOSED, by=people.officer, clock=clock)
    paused = new_case(people, clock, kind=CaseKind.SUBJECT_ACCESS_REQUEST)
    case_wait_for_customer(case=paused, reason="identity_check", by=people.officer, clock=clock)
    assert paused.deadlines.filter(status=DeadlineStatus.PAUSED).exists()
    listed = {item["case"] for item in officer_api.get(DEADLINES).body["items"]}
    assert listed == {open_case.reference}


def test_overdue_filter_splits_the_list_at_now(people, clock, officer_api):
    late = new_case(people, clock, received=at(2025, 6, 2, 10))  # due 16 June
    in_time = new_case(people, clock, received=at(2025, 6, 19, 10))  # due 3 July
    overdue = officer_api.get(DEADLINES, overdue="true").body["items"]
    not_overdue = officer_api.get(DEADLINES, overdue="false").body["items"]
    assert [item["case"] for item in overdue] == [late.reference]
    assert [item["case"] for item in not_overdue] == [in_time.reference]


def test_due_before_reads_a_time_without_offset_as_london_time(people, clock, officer_api):
    case = new_case(people, clock, received=at(2025, 6, 2, 10))  # due 16 June 17:00 London
    assert ids(officer_api.get(DEADLINES, due_before="2025-06-16T17:00")) == []
    assert ids(officer_api.get(DEADLINES, due_before="2025-06-16T17:01")) == [
        case.deadlines.get().pk
    ]
    # 16:30 UTC is 17:30 in London: after the due time.
    assert len(ids(officer_api.get(DEADLINES, due_before="2025-06-16T16:30:00Z"))) == 1


def test_officer_filter_takes_a_username_or_an_id(people, clock, officer_api):
    mine = new_case(people, clock)
    theirs = new_case(people, clock, assign_to=people.teammate)
    for officer in ("olu_officer", str(people.officer.pk)):
        listed = {i["case"] for i in officer_api.get(DEADLINES, officer=officer).body["items"]}
        assert listed == {mine.reference}
    listed = {i["case"] for i in officer_api.get(DEADLINES, officer="tia_teammate").body["items"]}
    assert listed == {theirs.reference}


def test_an_unknown_officer_or_team_is_a_field_error(people, officer_api):
    assert "officer" in field_errors(officer_api.get(DEADLINES, officer="nobody"))
    assert "team" in field_errors(officer_api.get(DEADLINES, team=999_999))


def test_team_kind_and_status_filters(people, clock, officer_api):
    ours = new_case(people, clock)
    repairs = new_case(people, clock, assign_to=people.outsider)
    sar = new_case(people, clock, kind=CaseKind.SUBJECT_ACCESS_REQUEST, channel=Channel.EMAIL)

    def cases(**filters):
        return {item["case"] for item in officer_api.get(DEADLINES, **filters).body["items"]}

    assert cases(team=people.other_team.pk) == {repairs.reference}
    assert cases(team=people.team.pk) == {ours.reference, sar.reference}
    assert cases(kind="subject_access_request") == {sar.reference}
    assert cases(status="open") == {ours.reference, repairs.reference, sar.reference}
    assert cases(status="resolved") == set()
    assert cases(kind="general_enquiry", team=people.other_team.pk) == {repairs.reference}


def test_a_reassigned_case_moves_to_the_new_officers_list(people, clock, officer_api):
    case = new_case(people, clock)
    case_assign(case=case, officer=people.teammate, by=people.line_manager, clock=clock)
    assert ids(officer_api.get(DEADLINES, officer="olu_officer")) == []
    assert len(ids(officer_api.get(DEADLINES, officer="tia_teammate"))) == 1


@pytest.mark.parametrize("limit", [1, 2, 3, 5, 13, 100])
def test_walking_every_page_sees_each_deadline_once_in_order_despite_ties(
    people, clock, officer_api, limit
):
    # given 13 deadlines, in three groups due at the very same time
    for day, count in [(2, 5), (3, 4), (4, 4)]:
        for _ in range(count):
            new_case(people, clock, received=at(2025, 6, day, 10))
    expected = list(
        Deadline.objects.filter(status=DeadlineStatus.OPEN)
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)
    )
    assert Deadline.objects.values("due_at").distinct().count() == 3
    # when
    seen, pages = walk(officer_api, limit)
    # then
    assert seen == expected
    assert len(set(seen)) == 13
    assert pages == -(-13 // limit)


def test_paging_keeps_the_filters(people, clock, officer_api):
    for day in range(2, 7):
        new_case(people, clock, received=at(2025, 6, day, 10))
        new_case(people, clock, received=at(2025, 6, day, 10), assign_to=people.teammate)
    seen, _ = walk(officer_api, 2, officer="tia_teammate")
    assert len(seen) == 5
    assert set(Deadline.objects.filter(pk__in=seen).values_list("assigned_to", flat=True)) == {
        people.teammate.pk
    }


def test_a_deadline_added_ahead_of_the_cursor_does_not_repeat_rows(people, clock, officer_api):
    for day in (10, 11, 12, 13):
        new_case(people, clock, received=at(2025, 6, day, 10))
    first = officer_api.get(DEADLINES, limit=2)
    new_case(people, clock, received=at(2025, 6, 2, 10))  # due before everything listed
    rest = officer_api.get(DEADLINES, limit=10, cursor=first.body["next"])
    assert not set(ids(first)) & set(ids(rest))
    assert len(ids(rest)) == 2


@pytest.mark.parametrize("limit", ["0", "101", "-1", "many"])
def test_limit_is_1_to_100(people, officer_api, limit):
    assert "limit" in field_errors(officer_api.get(DEADLINES, limit=limit))


@pytest.mark.parametrize(
    "cursor",
    ["nonsense", "W10", "WzEsMiwzXQ", "WyJ4IiwxXQ", "WyIyMDI1LTA2LTE2VDE2OjAwOjAwIiwxXQ", "%%%"],
)
def test_a_cursor_this_list_did_not_give_is_a_field_error(people, officer_api, cursor):
    # "W10" is [], "WzEsMiwzXQ" [1,2,3], "WyJ4IiwxXQ" ["x",1], the last a time with no offset
    assert "cursor" in field_errors(officer_api.get(DEADLINES, cursor=cursor))


def test_a_page_is_one_query_without_counting(people, clock, officer_api):
    for day in range(2, 12):
        new_case(people, clock, received=at(2025, 6, day, 10))
    with CaptureQueriesContext(connection) as queries:
        answer = officer_api.get(DEADLINES, limit=3, overdue="true")
    assert answer.status == 200
    sql = [query["sql"] for query in queries.captured_queries]
    assert not any("COUNT(" in statement.upper() for statement in sql)
    deadline_queries = [s for s in sql if 'FROM "cases_deadline"' in s]
    assert len(deadline_queries) == 1
    assert "LIMIT 4" in deadline_queries[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner")
@pytest.mark.parametrize(
    ("filters", "index"),
    [
        ({}, "open_deadlines_due"),
        ({"officer": "olu_officer"}, "my_open_deadlines"),
        ({"team": "team"}, "team_open_deadlines"),
    ],
)
def test_on_postgresql_a_page_can_be_read_from_the_partial_index(
    people, clock, officer_api, filters, index
):
    for day in range(2, 12):
        new_case(people, clock, received=at(2025, 6, day, 10))
    if filters.get("team"):
        filters = {"team": people.team.pk}
    first = officer_api.get(DEADLINES, limit=3, **filters)
    with CaptureQueriesContext(connection) as queries:
        officer_api.get(DEADLINES, limit=3, cursor=first.body["next"], **filters)
    [query] = [q["sql"] for q in queries.captured_queries if 'FROM "cases_deadline"' in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + query)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert index in plan, plan


def test_time_left_counts_down_with_the_clock(people, clock, officer_api):
    new_case(people, clock, received=at(2025, 6, 19, 10))  # due 3 July 17:00 London
    before = officer_api.get(DEADLINES).body["items"][0]["seconds_left"]
    clock.moment += timedelta(hours=2)
    after = officer_api.get(DEADLINES).body["items"][0]["seconds_left"]
    assert before - after == 7200
