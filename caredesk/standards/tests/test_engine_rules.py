"""The deadline rules (DESIGN.md section 3) on cases worked out by hand.

Stonewall's office is open 09:30-13:00 and 14:00-17:30; Halton's 09:00-17:00 (assumed).
Each expected time was counted on a calendar, bank holidays from GOV.UK.
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from caredesk.errors import CalendarRangeError
from caredesk.standards import (
    as_utc_instants,
    due_at,
    due_at_batch,
    load_policy,
    parse_duration,
    to_datetimes,
)
from caredesk.standards.bank_holidays import Region
from caredesk.standards.calendar import WorkingCalendar

LONDON = ZoneInfo("Europe/London")


def due_local(policy_name: str, received: str, duration: str) -> str:
    """Due time as local ISO 8601, through both the scalar and the batch path."""
    calendar = load_policy(policy_name).working_calendar
    start = datetime.fromisoformat(received)
    scalar = due_at(start, parse_duration(duration), calendar)
    batch = to_datetimes(
        due_at_batch(as_utc_instants([start], calendar), parse_duration(duration), calendar)
    )[0]
    assert batch == scalar, f"batch {batch} differs from scalar {scalar}"
    return scalar.astimezone(LONDON).isoformat()


CASES = [
    # (why, policy, received (local unless it has an offset), duration, due)
    (
        "the issue's example: Spring bank holiday Monday skipped",
        "stonewall",
        "2025-05-23T15:00",
        "2 working days",
        "2025-05-28T17:30:00+01:00",
    ),
    (
        "received exactly at close counts from the next working day",
        "stonewall",
        "2025-05-22T17:30",
        "1 working day",
        "2025-05-27T17:30:00+01:00",
    ),
    (
        "received a second before close counts from that day",
        "stonewall",
        "2025-05-22T17:29:59",
        "1 working day",
        "2025-05-23T17:30:00+01:00",
    ),
    (
        "0 working days after close is the next working day's close",
        "stonewall",
        "2025-05-23T18:00",
        "0 working days",
        "2025-05-27T17:30:00+01:00",
    ),
    (
        "0 working days before opening is that day's close",
        "halton",
        "2025-05-21T07:00",
        "0 working days",
        "2025-05-21T17:00:00+01:00",
    ),
    (
        "received in the lunch gap: day 0 is that day",
        "stonewall",
        "2025-05-21T13:30",
        "1 working day",
        "2025-05-22T17:30:00+01:00",
    ),
    (
        "working hours from the lunch gap start at 14:00",
        "stonewall",
        "2025-05-21T13:30",
        "1 working hour",
        "2025-05-21T15:00:00+01:00",
    ),
    (
        "working hours that run out at closing are due at closing",
        "stonewall",
        "2025-05-21T14:00",
        "210 working minutes",
        "2025-05-21T17:30:00+01:00",
    ),
    (
        "working hours span the lunch gap",
        "stonewall",
        "2025-05-21T12:30",
        "1 working hour",
        "2025-05-21T14:30:00+01:00",
    ),
    (
        "working hours from after close start next opening",
        "stonewall",
        "2025-05-21T19:00",
        "30 working minutes",
        "2025-05-22T10:00:00+01:00",
    ),
    (
        "received on Saturday before a bank holiday Monday",
        "stonewall",
        "2025-05-24T10:00",
        "2 working days",
        "2025-05-29T17:30:00+01:00",
    ),
    (
        "Christmas Day and Boxing Day skipped",
        "stonewall",
        "2025-12-24T12:00",
        "2 working days",
        "2025-12-30T17:30:00+00:00",
    ),
    (
        "after close on New Year's Eve: day 0 is 2 January",
        "stonewall",
        "2025-12-31T17:45",
        "2 working days",
        "2026-01-06T17:30:00+00:00",
    ),
    (
        "Halton letter over Christmas and New Year",
        "halton",
        "2025-12-19T16:59",
        "10 working days",
        "2026-01-07T17:00:00+00:00",
    ),
    (
        "Good Friday and Easter Monday skipped",
        "stonewall",
        "2025-04-17T10:00",
        "1 working day",
        "2025-04-22T17:30:00+01:00",
    ),
    (
        "the 2023 coronation bank holiday skipped",
        "stonewall",
        "2023-05-05T12:00",
        "1 working day",
        "2023-05-09T17:30:00+01:00",
    ),
    (
        "substitute days for Christmas 2021 on a weekend",
        "stonewall",
        "2021-12-24T10:00",
        "1 working day",
        "2021-12-29T17:30:00+00:00",
    ),
    (
        "substitute day for New Year 2022 on a Saturday",
        "stonewall",
        "2021-12-31T10:00",
        "1 working day",
        "2022-01-04T17:30:00+00:00",
    ),
    (
        "the 2022 jubilee Thursday and Friday skipped",
        "halton",
        "2022-06-01T10:00",
        "1 working day",
        "2022-06-06T17:00:00+01:00",
    ),
    (
        "24 hours across the spring clock change is 24 real hours",
        "stonewall",
        "2025-03-29T12:00",
        "24 hours",
        "2025-03-30T13:00:00+01:00",
    ),
    (
        "24 hours across the autumn clock change is 24 real hours",
        "stonewall",
        "2025-10-25T12:00",
        "24 hours",
        "2025-10-26T11:00:00+00:00",
    ),
    (
        "working days across the spring clock change close at 17:30 BST",
        "stonewall",
        "2025-03-28T16:00",
        "1 working day",
        "2025-03-31T17:30:00+01:00",
    ),
    (
        "working hours across the autumn clock change",
        "stonewall",
        "2025-10-24T17:00",
        "1 working hour",
        "2025-10-27T10:00:00+00:00",
    ),
    (
        "an offset on the input is respected",
        "stonewall",
        "2025-05-22T16:30:00Z",
        "1 working day",
        "2025-05-27T17:30:00+01:00",
    ),
    (
        "1 month from 31 January is the last day of February",
        "stonewall",
        "2025-01-31T10:00",
        "1 month",
        "2025-02-28T17:30:00+00:00",
    ),
    (
        "1 month from 31 January in a leap year is 29 February",
        "stonewall",
        "2024-01-31T10:00",
        "1 month",
        "2024-02-29T17:30:00+00:00",
    ),
    (
        "1 month landing on a bank holiday Monday moves to Tuesday",
        "stonewall",
        "2025-04-05T11:00",
        "1 month",
        "2025-05-06T17:30:00+01:00",
    ),
    (
        "1 month landing on Christmas moves past Boxing Day and the weekend",
        "halton",
        "2025-11-25T09:00",
        "1 month",
        "2025-12-29T17:00:00+00:00",
    ),
    (
        "months ignore the time of day: received after close",
        "stonewall",
        "2025-01-15T20:00",
        "1 month",
        "2025-02-17T17:30:00+00:00",
    ),
    (
        "months count from the local date, not the UTC date",
        "stonewall",
        "2025-06-30T23:30:00Z",
        "1 month",
        "2025-08-01T17:30:00+01:00",
    ),
    (
        "3 months from 30 November is 28 February, a Saturday: so Monday",
        "halton",
        "2025-11-30T10:00",
        "3 months",
        "2026-03-02T17:00:00+00:00",
    ),
    (
        "0 months received after close is due at the next close, never before",
        "halton",
        "2019-12-31T23:59:59",
        "0 months",
        "2020-01-02T17:00:00+00:00",
    ),
    (
        "calendar days end at the end of the local day",
        "stonewall",
        "2025-03-29T10:00",
        "1 calendar day",
        "2025-03-30T23:59:59.999999+01:00",
    ),
    (
        "calendar days count from the local date",
        "stonewall",
        "2025-06-30T23:30:00Z",
        "0 calendar days",
        "2025-07-01T23:59:59.999999+01:00",
    ),
    (
        "a week is 7 calendar days, to the end of the local day",
        "halton",
        "2025-10-20T16:00",
        "1 week",
        "2025-10-27T23:59:59.999999+00:00",
    ),
    (
        "12 weeks are 84 days, across the clock change and bank holidays alike",
        "halton",
        "2025-10-27T09:00",
        "12 weeks",
        "2026-01-19T23:59:59.999999+00:00",
    ),
    (
        "4 rings at 3 seconds a ring",
        "halton",
        "2025-05-21T10:00:00",
        "4 rings",
        "2025-05-21T10:00:12+01:00",
    ),
]


@pytest.mark.parametrize(
    ("why", "policy", "received", "duration", "expected"), CASES, ids=[c[0] for c in CASES]
)
def test_due_time_follows_the_rules(why, policy, received, duration, expected):
    assert due_local(policy, received, duration) == expected


def test_a_1_march_receipt_is_not_pushed_by_the_february_shortening():
    # 28 Feb 2025 + 1 month = 28 March (a Friday), not 31 March.
    assert due_local("halton", "2025-02-28T10:00", "1 month") == "2025-03-28T17:00:00+00:00"


def test_time_without_an_offset_is_the_organisations_local_time():
    calendar = load_policy("halton").working_calendar
    naive = datetime(2025, 7, 1, 9, 0)
    assert due_at(naive, parse_duration("1 hour"), calendar) == datetime(
        2025, 7, 1, 9, 0, tzinfo=LONDON
    ) + timedelta(hours=1)


def test_closure_days_are_not_working_days():
    # given Halton closes on Christmas Eve 2025
    calendar = _calendar(closure_days=[date(2025, 12, 24)])
    # when a letter arrives on 23 December before close
    due = due_at(
        datetime(2025, 12, 23, 10, tzinfo=LONDON), parse_duration("1 working day"), calendar
    )
    # then the next working day is 29 December
    assert due == datetime(2025, 12, 29, 17, tzinfo=LONDON)


def test_scotland_has_st_andrews_day_substitute():
    calendar = _calendar(region=Region.SCOTLAND)
    friday = datetime(2024, 11, 29, 10, tzinfo=LONDON)
    assert due_at(friday, parse_duration("1 working day"), calendar) == datetime(
        2024, 12, 3, 17, tzinfo=LONDON
    )


def test_northern_ireland_has_the_twelfth_with_its_substitute_day():
    # 12 July 2025 was a Saturday: Monday 14 July was the bank holiday in its place.
    calendar = _calendar(region=Region.NORTHERN_IRELAND)
    friday = datetime(2025, 7, 11, 10, tzinfo=LONDON)
    assert due_at(friday, parse_duration("1 working day"), calendar) == datetime(
        2025, 7, 15, 17, tzinfo=LONDON
    )
    england = _calendar()
    assert due_at(friday, parse_duration("1 working day"), england) == datetime(
        2025, 7, 14, 17, tzinfo=LONDON
    )


def test_per_day_office_hours_and_a_saturday_opening():
    # given an office open Saturdays 09:00-12:00 and closing early on Fridays
    hours = {day: ((9 * 3600, 17 * 3600),) for day in range(4)}
    hours[4] = ((9 * 3600, 16 * 3600),)
    hours[5] = ((9 * 3600, 12 * 3600),)
    calendar = WorkingCalendar(
        timezone="Europe/London", working_weekdays=range(6), office_hours=hours
    )
    friday = datetime(2025, 5, 16, 15, tzinfo=LONDON)
    assert due_at(friday, parse_duration("0 working days"), calendar) == datetime(
        2025, 5, 16, 16, tzinfo=LONDON
    )
    assert due_at(friday, parse_duration("2 working hours"), calendar) == datetime(
        2025, 5, 17, 10, tzinfo=LONDON
    )


def test_due_times_far_ahead_widen_the_tables():
    calendar = _calendar()
    start = datetime(2025, 1, 6, 10, tzinfo=LONDON)
    far = due_at(start, parse_duration("2000 working days"), calendar)
    assert 2032 <= far.year <= 2033
    batch = to_datetimes(
        due_at_batch(
            as_utc_instants([start], calendar), parse_duration("2000 working days"), calendar
        )
    )
    assert batch == [far]


def test_years_outside_the_supported_range_are_refused():
    calendar = _calendar()
    one_day = parse_duration("1 working day")
    with pytest.raises(CalendarRangeError, match="between 1971 and 2100"):
        due_at(datetime(1850, 1, 1, tzinfo=UTC), one_day, calendar)
    with pytest.raises(CalendarRangeError):
        due_at_batch(
            as_utc_instants([datetime(2101, 1, 3, tzinfo=UTC)], calendar), one_day, calendar
        )
    with pytest.raises(CalendarRangeError):
        due_at(datetime(2100, 12, 31, 18, tzinfo=UTC), one_day, calendar)  # due in 2101


def test_calendar_days_past_the_last_supported_year_are_refused_on_both_paths():
    calendar = _calendar()
    start, days = datetime(2100, 6, 1, tzinfo=UTC), parse_duration("300 calendar days")
    with pytest.raises(CalendarRangeError):
        due_at(start, days, calendar)
    with pytest.raises(CalendarRangeError):
        due_at_batch(as_utc_instants([start], calendar), days, calendar)


def test_the_last_supported_day_still_works_on_both_paths():
    calendar = _calendar()
    start = datetime(2100, 12, 1, 10, tzinfo=UTC)
    days = parse_duration("30 calendar days")
    scalar = due_at(start, days, calendar)
    assert scalar == datetime(2100, 12, 31, 23, 59, 59, 999999, tzinfo=LONDON)
    assert to_datetimes(due_at_batch(as_utc_instants([start], calendar), days, calendar)) == [
        scalar
    ]


def test_batch_accepts_one_duration_per_start():
    calendar = load_policy("stonewall").working_calendar
    starts = as_utc_instants(
        [datetime(2025, 5, 23, 15), datetime(2025, 5, 23, 15), datetime(2025, 1, 31, 10)],
        calendar,
    )
    durations = [parse_duration(t) for t in ("2 working days", "24 hours", "1 month")]
    due = [
        d.astimezone(LONDON).isoformat()
        for d in to_datetimes(due_at_batch(starts, durations, calendar))
    ]
    assert due == [
        "2025-05-28T17:30:00+01:00",
        "2025-05-24T15:00:00+01:00",
        "2025-02-28T17:30:00+00:00",
    ]


def test_batch_of_nothing_is_nothing():
    calendar = _calendar()
    empty = np.array([], dtype="datetime64[us]")
    assert due_at_batch(empty, parse_duration("1 working day"), calendar).size == 0


def _calendar(*, region=Region.ENGLAND_AND_WALES, closure_days=()):
    return WorkingCalendar(
        timezone="Europe/London",
        working_weekdays=range(5),
        office_hours={day: ((9 * 3600, 17 * 3600),) for day in range(5)},
        region=region,
        closure_days=closure_days,
    )


def test_an_office_open_on_saturdays_is_closed_on_christmas_day_and_the_substitute_days():
    # given an office open Monday to Saturday, 09:00-17:00
    calendar = WorkingCalendar(
        timezone="Europe/London",
        working_weekdays=range(6),
        office_hours={day: ((9 * 3600, 17 * 3600),) for day in range(6)},
    )
    # when a letter arrives on Friday 24 December 2021 (Christmas Day was a Saturday,
    # Boxing Day a Sunday, so 27 and 28 December were the bank holidays)
    due = due_at(
        datetime(2021, 12, 24, 10, tzinfo=LONDON), parse_duration("1 working day"), calendar
    )
    # then neither Christmas Day nor the substitute days count: Wednesday 29th
    assert due == datetime(2021, 12, 29, 17, tzinfo=LONDON)


def test_a_start_in_the_year_before_the_cached_tables_is_still_right():
    # given tables already built from a 2026 start (covering 2025 onwards)
    calendar = _calendar()
    due_at(datetime(2026, 6, 1, tzinfo=UTC), parse_duration("1 working day"), calendar)
    # when a start is in 2025 by its own offset but 2024 in London
    start = datetime(2025, 1, 1, 0, 30, tzinfo=ZoneInfo("Asia/Singapore"))
    # then the answer is the fresh calendar's: 31 December 2024 at close
    fresh = _calendar()
    expected = due_at(start, parse_duration("0 working days"), fresh)
    assert expected == datetime(2024, 12, 31, 17, tzinfo=LONDON)
    assert due_at(start, parse_duration("0 working days"), calendar) == expected
    # 16:30-17:00 on 31 December, then half an hour after New Year's Day
    assert due_at(start, parse_duration("1 working hour"), calendar) == datetime(
        2025, 1, 2, 9, 30, tzinfo=LONDON
    )


def test_scalar_and_batch_agree_at_the_first_supported_year():
    # In 1971 London kept British Standard Time (UTC+1) all winter.
    calendar = _calendar()
    start = datetime(1971, 1, 1, 0, 30, tzinfo=LONDON)
    one_day = parse_duration("1 working day")
    batch = due_at_batch(as_utc_instants([start], calendar), one_day, calendar)
    assert to_datetimes(batch) == [due_at(start, one_day, calendar)]


def test_office_hours_in_the_spring_forward_gap_give_no_office_time():
    # given an office open on Sundays 01:30-02:15, an hour the clocks skip on 30 March 2025
    hours = {day: ((5400, 8100),) for day in range(7)}
    calendar = WorkingCalendar(
        timezone="Europe/London", working_weekdays=range(7), office_hours=hours, region=None
    )
    saturday = datetime(2025, 3, 29, 12, tzinfo=LONDON)
    thirty_minutes = parse_duration("30 working minutes")
    # then the half hour is worked on Monday 31 March, 01:30-02:00 BST
    due = due_at(saturday, thirty_minutes, calendar)
    assert due == datetime(2025, 3, 31, 2, 0, tzinfo=LONDON)
    batch = due_at_batch(as_utc_instants([saturday], calendar), thirty_minutes, calendar)
    assert to_datetimes(batch) == [due]
