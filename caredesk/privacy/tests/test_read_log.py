"""The read log (privacy.read_log): filters by customer, member of staff and period
(local days, both included), the newest first a page at a time, and whether each read
had a reason: a case of the customer's given to the reader or their team."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caredesk.cases.models import Case, CaseKind, CaseStatus, Channel
from caredesk.cases.services import case_create
from caredesk.conftest import make_staff
from caredesk.core.clock import FixedClock
from caredesk.core.pagination import BadCursor
from caredesk.customers.models import Customer, CustomerAccess, CustomerType
from caredesk.customers.services import customer_create
from caredesk.privacy import read_log
from caredesk.privacy.disclosures import disclosure_request_log
from caredesk.privacy.read_log import READ_LOG_WHAT, ReadFilters, period_bounds
from caredesk.staff.models import Role
from caredesk.standards import load_policy

HALTON = load_policy("halton")
LONDON = ZoneInfo("Europe/London")
pytestmark = pytest.mark.django_db


def customer(last_name: str = "Jones", **fields) -> Customer:
    return customer_create(customer_type=CustomerType.TENANT, last_name=last_name, **fields)


def case_for(who, *, officer=None, at, kind=CaseKind.GENERAL_ENQUIRY, by=None, team=None):
    """A case of `who`'s received at `at` (its events then too), given to `officer`."""
    return case_create(
        kind=kind,
        channel=Channel.LETTER,
        received_at=at,
        subject="Fence panel",
        customer=who,
        assign_to=officer,
        team=team,
        by=by or officer,
        policy=HALTON,
        clock=FixedClock(at),
    )


def read(who, by, at, what="customer page") -> CustomerAccess:
    return CustomerAccess.objects.create(customer=who, staff=by, at=at, what=what)


def shown(filters: ReadFilters | None = None) -> list[tuple[int, bool]]:
    """(read id, had a reason) of every read the filters show, newest first."""
    rows = read_log.reads_list(filters=filters or ReadFilters(), policy=HALTON)
    return [(row.pk, row.has_reason) for row in rows.order_by("-at", "-pk")]  # type: ignore[attr-defined]


def ids(filters: ReadFilters) -> list[int]:
    return [pk for pk, _ in shown(filters)]


# -- the period ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last"),
    [(date(2025, 6, 16), date(2025, 6, 20)), (date(2025, 12, 15), date(2025, 12, 19))],
    ids=["summer time (BST)", "winter (GMT)"],
)
def test_the_period_takes_whole_london_days_both_ends_included(people, first, last):
    jo = customer()
    at = lambda day, hour, minute=0: datetime(  # noqa: E731
        day.year, day.month, day.day, hour, minute, tzinfo=LONDON
    )
    before_first = read(jo, people.officer, at(first, 0) - timedelta(microseconds=1))
    first_thing = read(jo, people.officer, at(first, 0))
    late_on_last = read(jo, people.officer, at(last, 23, 30))
    last_moment = read(jo, people.officer, at(last + timedelta(1), 0) - timedelta(microseconds=1))
    next_day = read(jo, people.officer, at(last + timedelta(1), 0))

    found = ids(ReadFilters(first_day=first, last_day=last))

    assert found == [last_moment.pk, late_on_last.pk, first_thing.pk]
    assert before_first.pk not in found
    assert next_day.pk not in found


def test_23_30_on_the_last_day_in_summer_is_22_30_utc_and_in(people):
    jo = customer()
    late = read(jo, people.officer, datetime(2025, 6, 20, 22, 30, tzinfo=UTC))

    assert ids(ReadFilters(last_day=date(2025, 6, 20))) == [late.pk]
    assert ids(ReadFilters(first_day=date(2025, 6, 21))) == []


@given(
    instant=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2040, 12, 31), timezones=st.just(UTC)
    ),
    first=st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)),
    length=st.integers(min_value=0, max_value=400),
)
def test_an_instant_is_in_the_period_exactly_when_its_london_date_is(instant, first, length):
    last = first + timedelta(days=length)
    start, end = period_bounds(first, last, LONDON)
    assert start is not None
    assert end is not None

    inside = start <= instant < end

    assert inside == (first <= instant.astimezone(LONDON).date() <= last)


def test_a_period_open_at_either_end_has_no_bound_there():
    assert period_bounds(None, None, LONDON) == (None, None)
    start, end = period_bounds(date(2025, 3, 30), None, LONDON)  # the clocks go forward
    assert (start, end) == (datetime(2025, 3, 30, 0, 0, tzinfo=UTC), None)


# -- the other filters, the order and the pages ----------------------------------------------


def test_filters_by_customer_and_by_member_of_staff_together_or_alone(people):
    jo, sam = customer("Jones"), customer("Okafor")
    noon = datetime(2025, 6, 20, 12, tzinfo=UTC)
    a = read(jo, people.officer, noon)
    b = read(sam, people.officer, noon + timedelta(minutes=1))
    c = read(jo, people.outsider, noon + timedelta(minutes=2))

    assert ids(ReadFilters()) == [c.pk, b.pk, a.pk]
    assert ids(ReadFilters(customer_ids=(jo.pk,))) == [c.pk, a.pk]
    assert ids(ReadFilters(staff_id=people.officer.pk)) == [b.pk, a.pk]
    assert ids(ReadFilters(customer_ids=(jo.pk,), staff_id=people.officer.pk)) == [a.pk]
    assert ids(ReadFilters(customer_ids=())) == []


def test_pages_follow_on_the_newest_first_with_reads_at_the_same_moment(people):
    jo = customer()
    noon = datetime(2025, 6, 20, 12, tzinfo=UTC)
    made = [read(jo, people.officer, noon + timedelta(seconds=i // 3)) for i in range(7)]

    seen, cursor = [], None
    while True:
        page = read_log.reads_page(filters=ReadFilters(), policy=HALTON, cursor=cursor, size=3)
        seen += [row.pk for row in page.items]
        if page.next is None:
            break
        cursor = page.next

    expected = sorted(made, key=lambda r: (r.at, r.pk), reverse=True)
    assert seen == [r.pk for r in expected]


def test_an_edited_page_link_is_refused(people):
    with pytest.raises(BadCursor):
        read_log.reads_page(filters=ReadFilters(), policy=HALTON, cursor="not-ours")


# -- finding the customer ----------------------------------------------------------------------


def test_the_customer_filter_finds_by_number_housing_reference_case_or_name(people):
    jo = customer("Jones", first_name="Jo", external_reference="T-1001")
    sam = customer("Okafor", first_name="Sam")
    case = case_for(sam, officer=people.officer, at=datetime(2025, 6, 1, tzinfo=UTC))

    assert read_log.customers_matching(str(jo.pk)).customers == [jo]
    assert read_log.customers_matching("T-1001").customers == [jo]
    assert read_log.customers_matching(case.reference.lower()).customers == [sam]
    assert read_log.customers_matching("okafor").customers == [sam]
    assert read_log.customers_matching("Nobody Here").customers == []
    assert read_log.customers_matching("  ") == read_log.CustomerMatch([], False)


def test_a_search_that_finds_too_many_says_so(people, monkeypatch):
    monkeypatch.setattr(read_log, "MATCHES_MAX", 2)
    for first in ("Ann", "Bob", "Cat"):
        customer("Smith", first_name=first)

    match = read_log.customers_matching("smith")

    assert len(match.customers) == 2
    assert match.more


# -- a reason to read ----------------------------------------------------------------------------


T0 = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)


def test_the_officer_and_their_team_have_a_reason_and_another_team_has_not(people):
    jo = customer()
    case_for(jo, officer=people.officer, at=T0)
    mine = read(jo, people.officer, T0 + timedelta(hours=2))
    teammate = read(jo, people.teammate, T0 + timedelta(hours=2))
    outsider = read(jo, people.outsider, T0 + timedelta(hours=2))

    reasons = dict(shown())

    assert reasons == {mine.pk: True, teammate.pk: True, outsider.pk: False}


def test_a_case_with_the_readers_team_but_nobody_yet_is_a_reason(people):
    jo = customer()
    case_for(jo, team=people.other_team, by=people.officer, at=T0)

    outsider = read(jo, people.outsider, T0 + timedelta(hours=1))
    officer = read(jo, people.officer, T0 + timedelta(hours=1))

    assert dict(shown()) == {outsider.pk: True, officer.pk: False}


def test_a_closed_case_explains_reads_for_the_policys_after_closing_then_no_more(people):
    jo = customer()
    case = case_for(jo, officer=people.officer, at=T0)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED)  # last changed at T0
    days = HALTON.read_alerts.after_closing_days
    within = read(jo, people.officer, T0 + timedelta(days=days))
    after = read(jo, people.officer, T0 + timedelta(days=days, seconds=1))

    assert dict(shown()) == {within.pk: True, after.pk: False}


def test_an_open_case_explains_reads_however_long_ago_it_last_changed(people):
    jo = customer()
    case_for(jo, officer=people.officer, at=T0)

    later = read(jo, people.officer, T0 + timedelta(days=400))

    assert dict(shown()) == {later.pk: True}


def test_a_case_logged_within_the_hour_after_a_read_explains_it(people):
    jo = customer()
    looked_up = read(jo, people.officer, T0)
    too_early = read(jo, people.officer, T0 - timedelta(hours=1, seconds=1))
    case_for(jo, officer=people.officer, at=T0 + read_log.CASE_SOON_AFTER)

    assert dict(shown()) == {looked_up.pk: True, too_early.pk: False}


def test_the_officer_has_a_reason_for_requests_about_a_customers_information(people):
    dpo = people.data_protection_officer
    jo, sam, ann = customer("Jones"), customer("Okafor"), customer("Smith")
    # a subject access request another officer handles; a third party's request
    case_for(jo, officer=people.officer, at=T0, kind=CaseKind.SUBJECT_ACCESS_REQUEST)
    disclosure_request_log(
        customer=sam,
        requester_kind="police",
        requester_name="DC Rhodes",
        matter="antisocial",
        asked="Tenancy start date",
        received_at=T0,
        by=people.officer,
        clock=FixedClock(T0),
    )
    later = T0 + timedelta(hours=2)
    sar = read(jo, dpo, later, what="subject access")
    disclosure = read(sam, dpo, later, what="disclosure request")
    own_log = read(ann, dpo, later, what=READ_LOG_WHAT)
    nothing = read(ann, dpo, later, what="customer page")
    # the same reads by someone else: no reason
    outsider = read(ann, people.outsider, later, what=READ_LOG_WHAT)

    assert dict(shown()) == {
        sar.pk: True,
        disclosure.pk: True,
        own_log.pk: True,
        nothing.pk: False,
        outsider.pk: False,
    }


def test_a_member_of_staff_with_no_team_has_a_reason_only_for_their_own_cases(people):
    loner = make_staff("lou_loner", Role.OFFICER)
    jo, sam = customer("Jones"), customer("Okafor")
    case_for(jo, officer=loner, at=T0)
    case_for(sam, officer=people.officer, at=T0)  # a team's: not the loner's
    Case.objects.filter(customer=sam).update(team=None)

    own = read(jo, loner, T0 + timedelta(hours=1))
    other = read(sam, loner, T0 + timedelta(hours=1))

    assert dict(shown()) == {own.pk: True, other.pk: False}
