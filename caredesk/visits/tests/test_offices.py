"""An office's times (visits.offices): split hours, closures, the policy region's bank
holidays, when it next opens, and the words the public page and poster use; reading
hours as entered, and the services that change them."""

from __future__ import annotations

import itertools
import string
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caredesk.conftest import People
from caredesk.errors import NotAllowed
from caredesk.staff.models import Office
from caredesk.standards import load_policy
from caredesk.visits import offices
from caredesk.visits.models import OfficeDetails, OfficeKind, OpeningHours, Weekday
from caredesk.visits.offices import (
    END_OF_DAY,
    Closure,
    OfficeDetailsError,
    OfficeHoursError,
    OfficeTimes,
    clock_time,
    hours_read,
    intervals_in_words,
    week_as_entered,
    week_in_words,
)

HALTON = load_policy("halton")
LONDON = ZoneInfo("Europe/London")
SPLIT = ((time(9, 30), time(13, 0)), (time(14, 0), time(17, 30)))
WEEKDAYS_SPLIT = {day: SPLIT for day in range(5)}


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def times(week=WEEKDAYS_SPLIT, closures=()) -> OfficeTimes:
    return OfficeTimes(week, tuple(closures), HALTON)


# -- open or not ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "is_open"),
    [
        (local(2025, 6, 20, 9, 29), False),
        (local(2025, 6, 20, 9, 30), True),
        (local(2025, 6, 20, 12, 59), True),
        (local(2025, 6, 20, 13, 0), False),  # lunch
        (local(2025, 6, 20, 14, 0), True),
        (local(2025, 6, 20, 17, 30), False),
        (local(2025, 6, 21, 11, 0), False),  # Saturday
        (local(2025, 8, 25, 11, 0), False),  # summer bank holiday
    ],
)
def test_split_hours_are_open_in_each_interval_and_closed_at_lunch(moment, is_open):
    assert times().is_open(moment) is is_open


def test_open_is_read_in_the_organisation_s_time_zone():
    # 08:45 UTC in June is 09:45 British Summer Time
    assert times().is_open(datetime(2025, 6, 20, 8, 45, tzinfo=UTC))
    assert not times().is_open(datetime(2025, 12, 19, 9, 15, tzinfo=UTC))  # 09:15 GMT


def test_closes_at_is_the_end_of_the_interval_open_now():
    assert times().closes_at(local(2025, 6, 20, 10, 0)) == time(13, 0)
    assert times().closes_at(local(2025, 6, 20, 15, 0)) == time(17, 30)
    assert times().closes_at(local(2025, 6, 20, 13, 30)) is None


def test_a_closure_shuts_the_office_all_day_with_its_reason():
    training = Closure(date(2025, 6, 23), date(2025, 6, 24), "Staff training")
    office = times(closures=[training])

    assert office.closed_because(date(2025, 6, 23)) == "Staff training"
    assert office.closed_because(date(2025, 6, 24)) == "Staff training"
    assert office.closed_because(date(2025, 6, 25)) == ""
    assert office.intervals_on(date(2025, 6, 24)) == ()
    assert not office.is_open(local(2025, 6, 24, 10, 0))


def test_a_closure_without_a_reason_says_closed():
    assert (
        times(closures=[Closure(date(2025, 6, 23), date(2025, 6, 23), "")]).closed_because(
            date(2025, 6, 23)
        )
        == "Closed"
    )


def test_bank_holidays_come_from_the_policy_s_region():
    assert times().closed_because(date(2025, 8, 25)) == "Late Summer Bank Holiday"
    assert times().closed_because(date(2025, 12, 26)) == "Boxing Day"
    # 12 July is a bank holiday in Northern Ireland only; 4 August in Scotland only
    assert times().closed_because(date(2025, 7, 14)) == ""
    assert times().closed_because(date(2025, 8, 4)) == ""


# -- when it next opens ------------------------------------------------------------------


def test_open_now_next_opening_is_now():
    moment = local(2025, 6, 20, 10, 0)
    assert times().next_opening(moment) == moment


def test_at_lunch_it_next_opens_after_lunch():
    assert times().next_opening(local(2025, 6, 20, 13, 15)) == local(2025, 6, 20, 14, 0)


def test_after_friday_s_close_it_next_opens_on_monday_morning():
    assert times().next_opening(local(2025, 6, 20, 17, 30)) == local(2025, 6, 23, 9, 30)


def test_across_a_weekend_and_a_bank_holiday_it_next_opens_on_tuesday():
    # Friday 22 August 2025; Monday 25 August is the summer bank holiday
    assert times().next_opening(local(2025, 8, 22, 18, 0)) == local(2025, 8, 26, 9, 30)


def test_across_easter_it_next_opens_after_easter_monday():
    # Thursday 17 April 2025; Good Friday 18th, Easter Monday 21st
    assert times().next_opening(local(2025, 4, 17, 17, 45)) == local(2025, 4, 22, 9, 30)


def test_across_a_closure_it_next_opens_after_it():
    office = times(closures=[Closure(date(2025, 6, 23), date(2025, 6, 27), "Refit")])
    assert office.next_opening(local(2025, 6, 20, 18, 0)) == local(2025, 6, 30, 9, 30)


def test_an_office_with_no_hours_never_opens():
    assert times(week={}).next_opening(local(2025, 6, 20, 10, 0)) is None


# -- closures ahead -----------------------------------------------------------------------


def test_closures_ahead_list_closures_and_the_bank_holidays_the_office_would_open_on():
    training = Closure(date(2025, 7, 9), date(2025, 7, 9), "Staff training")
    found = times(closures=[training]).closures_ahead(date(2025, 6, 20))

    assert found == [
        (date(2025, 7, 9), date(2025, 7, 9), "Staff training"),
        (date(2025, 8, 25), date(2025, 8, 25), "Late Summer Bank Holiday"),
    ]


def test_a_bank_holiday_inside_a_closure_is_not_listed_twice():
    christmas = Closure(date(2025, 12, 24), date(2026, 1, 2), "Christmas")
    found = times(closures=[christmas]).closures_ahead(date(2025, 12, 1))

    assert found == [(date(2025, 12, 24), date(2026, 1, 2), "Christmas")]


def test_a_bank_holiday_on_a_day_the_office_is_shut_anyway_is_not_listed():
    mondays_shut = {day: SPLIT for day in range(1, 5)}
    assert times(week=mondays_shut).closures_ahead(date(2025, 8, 1), days=30) == []


def test_a_closure_that_has_ended_or_is_beyond_3_months_is_not_listed():
    past = Closure(date(2025, 6, 1), date(2025, 6, 19), "Refit")
    far = Closure(date(2025, 9, 22), date(2025, 9, 22), "Training")
    found = times(closures=[past, far]).closures_ahead(date(2025, 6, 20))
    assert [reason for *_, reason in found] == ["Late Summer Bank Holiday"]


def test_the_policy_s_own_closure_days_are_listed_and_shut_the_office(monkeypatch):
    monkeypatch.setattr(HALTON.working_calendar, "closure_days", frozenset({date(2025, 7, 2)}))
    office = times()

    assert office.closed_because(date(2025, 7, 2)) == "Closed"
    assert (date(2025, 7, 2), date(2025, 7, 2), "Closed") in office.closures_ahead(
        date(2025, 6, 20)
    )


# -- in words ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "said"),
    [
        (time(9, 0), "9am"),
        (time(9, 30), "9:30am"),
        (time(12, 0), "midday"),
        (time(12, 30), "12:30pm"),
        (time(13, 0), "1pm"),
        (time(17, 30), "5:30pm"),
        (time(0, 0), "midnight"),
        (END_OF_DAY, "midnight"),
    ],
)
def test_clock_times_are_said_as_gov_uk_writes_them(moment, said):
    assert clock_time(moment) == said


def test_intervals_are_joined_with_and():
    assert intervals_in_words(SPLIT) == "9:30am to 1pm and 2pm to 5:30pm"
    three = (*SPLIT, (time(18, 0), time(20, 0)))
    assert intervals_in_words(three) == "9:30am to 1pm, 2pm to 5:30pm and 6pm to 8pm"


def test_days_with_the_same_hours_run_together():
    week = {**WEEKDAYS_SPLIT, 3: ((time(9, 30), time(12, 0)),), 5: ((time(10, 0), time(12, 0)),)}

    assert week_in_words(week) == [
        ("Monday to Wednesday", "9:30am to 1pm and 2pm to 5:30pm"),
        ("Thursday", "9:30am to midday"),
        ("Friday", "9:30am to 1pm and 2pm to 5:30pm"),
        ("Saturday", "10am to midday"),
        ("Sunday", "Closed"),
    ]


def test_two_days_alike_are_joined_with_and():
    assert week_in_words({5: SPLIT, 6: SPLIT})[-1] == (
        "Saturday and Sunday",
        "9:30am to 1pm and 2pm to 5:30pm",
    )


def test_the_week_as_entered_is_what_the_policy_files_write():
    assert week_as_entered({0: SPLIT, 5: ((time(18, 0), END_OF_DAY),)}) == {
        0: "09:30-13:00, 14:00-17:30",
        5: "18:00-24:00",
    }


# -- reading hours as entered --------------------------------------------------------------


def test_hours_are_read_as_the_policy_files_write_them():
    assert hours_read("09:30-13:00, 14:00-17:30", day="Monday") == SPLIT
    assert hours_read(" 09:30 - 13:00 ;14:00-17:30 ", day="Monday") == SPLIT
    assert hours_read("", day="Monday") == ()
    assert hours_read(" , ", day="Monday") == ()
    assert hours_read("18:00-24:00", day="Friday") == ((time(18, 0), END_OF_DAY),)


@pytest.mark.parametrize(
    ("entered", "says"),
    [
        ("9-5", "Tuesday: '9-5' is not an interval"),
        ("09:00-25:00", "Tuesday: '09:00-25:00' has a time that does not exist"),
        ("17:00-09:00", "Tuesday: '17:00-09:00' closes before it opens"),
        ("09:00-13:00, 12:00-17:00", "Tuesday: '12:00-17:00' overlaps"),
    ],
)
def test_bad_hours_are_refused_naming_the_day_and_what_is_wrong(entered, says):
    with pytest.raises(OfficeHoursError, match="^" + says.replace("(", r"\(")):
        hours_read(entered, day="Tuesday")


def minutes_of_day() -> st.SearchStrategy[int]:
    return st.integers(min_value=0, max_value=24 * 60)


@st.composite
def days_hours(draw: st.DrawFn) -> tuple[tuple[time, time], ...]:
    """A day's valid hours: intervals in order, each closing after it opens."""
    edges = sorted(draw(st.sets(minutes_of_day(), max_size=8)))
    if len(edges) % 2:
        edges = edges[:-1]

    def at(minute: int) -> time:
        return END_OF_DAY if minute == 24 * 60 else time(minute // 60, minute % 60)

    return tuple((at(edges[i]), at(edges[i + 1])) for i in range(0, len(edges), 2))


@given(st.dictionaries(st.sampled_from(range(7)), days_hours()))
def test_any_valid_week_written_as_entered_reads_back_the_same(week):
    entered = week_as_entered(week)
    for day in range(7):
        label = Weekday(day).label
        assert hours_read(entered.get(day, ""), day=label) == week.get(day, ())


GARBAGE = st.text(
    alphabet=st.sampled_from(string.digits + ":-,; .apm\t\n\x00") | st.characters(),
    max_size=60,
)


@given(GARBAGE, st.sampled_from([day.label for day in Weekday]))
def test_any_text_is_read_or_refused_naming_the_day_never_another_exception(entered, day):
    refused = ""
    try:
        read = hours_read(entered, day=day)
    except OfficeHoursError as error:
        refused = error.message
    if refused:
        assert refused.startswith(f"{day}: ")
    else:
        assert all(opens < closes for opens, closes in read)
        assert all(one[1] <= two[0] for one, two in itertools.pairwise(read))


# -- the services ----------------------------------------------------------------------


@pytest.fixture
def office(people: People) -> Office:
    return Office.objects.get(name="Runcorn")


def save_details(office: Office, by, **changes: Any) -> OfficeDetails:
    fields: dict[str, Any] = {
        "kind": OfficeKind.OFFICE,
        "slug": "",
        "emergency_phone": " 0800  123 4567 ",
        "how_to_book": "Phone us.",
        "step_free": True,
        "hearing_loop": False,
        "private_room": True,
        "access_notes": "",
    } | changes
    return offices.office_details_save(office=office, by=by, **fields)


def test_saving_details_makes_the_row_with_a_slug_by_the_office_s_name(
    people: People, office: Office
) -> None:
    details = save_details(office, people.administrator)

    assert details.slug == "runcorn"
    assert details.emergency_phone == "0800 123 4567"
    assert OfficeDetails.objects.get().step_free is True


def test_saving_again_changes_the_row_and_keeps_the_duty_officer(
    people: People, office: Office
) -> None:
    OfficeDetails.objects.create(office=office, slug="runcorn", duty_officer=people.officer)

    save_details(office, people.line_manager, slug="runcorn-hub", kind="advice_surgery")

    details = OfficeDetails.objects.get()
    assert (details.slug, details.kind) == ("runcorn-hub", "advice_surgery")
    assert details.duty_officer == people.officer


def test_another_office_s_address_is_refused_naming_it(people: People, office: Office) -> None:
    widnes = Office.objects.create(name="Widnes")
    save_details(widnes, people.administrator, slug="widnes")

    with pytest.raises(OfficeDetailsError, match="/offices/widnes/ is Widnes's page"):
        save_details(office, people.administrator, slug="widnes")


@pytest.mark.parametrize("slug", ["Halton Lea", "halton--lea", "-halton", "hällo", "a" * 81])
def test_an_address_that_is_not_a_slug_is_refused(people: People, office: Office, slug) -> None:
    with pytest.raises(OfficeDetailsError, match="lower-case letters"):
        save_details(office, people.administrator, slug=slug)


def test_an_officer_may_not_change_an_office(people: People, office: Office) -> None:
    with pytest.raises(NotAllowed):
        save_details(office, people.officer)
    with pytest.raises(NotAllowed):
        offices.opening_hours_set(office=office, week={0: SPLIT}, by=people.officer)
    assert not OfficeDetails.objects.exists()


def test_setting_the_hours_replaces_the_week(people: People, office: Office) -> None:
    offices.opening_hours_set(office=office, week={0: SPLIT, 1: SPLIT}, by=people.administrator)
    offices.opening_hours_set(
        office=office, week={2: ((time(10, 0), END_OF_DAY),)}, by=people.administrator
    )

    assert offices.office_times(office, HALTON).week == {2: ((time(10, 0), END_OF_DAY),)}
    assert OpeningHours.objects.count() == 1


def test_the_times_of_many_offices_are_read_in_two_queries(
    people: People, office: Office, django_assert_num_queries
) -> None:
    widnes = Office.objects.create(name="Widnes")
    offices.opening_hours_set(office=office, week={0: SPLIT}, by=people.administrator)
    offices.office_closure_add(
        office=widnes,
        first_day=date(2025, 7, 1),
        last_day=date(2025, 7, 1),
        reason="  Staff   training ",
        by=people.administrator,
    )

    with django_assert_num_queries(2):
        found = offices.offices_times([office, widnes], HALTON)

    assert found[office.pk].week == {0: SPLIT}
    assert found[widnes.pk].closures == (
        Closure(date(2025, 7, 1), date(2025, 7, 1), "Staff training"),
    )


def test_a_closure_ending_before_it_starts_is_refused(people: People, office: Office) -> None:
    with pytest.raises(OfficeHoursError, match="cannot be before its first day"):
        offices.office_closure_add(
            office=office,
            first_day=date(2025, 7, 2),
            last_day=date(2025, 7, 1),
            reason="",
            by=people.administrator,
        )
