"""Holding replies (rule 8) and pauses (rule 9)."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caredesk.standards import (
    Duration,
    HoldingReply,
    Pause,
    Unit,
    deadline_times,
    due_at,
    load_policy,
    parse_duration,
    revised_due,
)
from caredesk.standards.deadlines import DeadlineInputError
from caredesk.standards.tests.reference import Reference

LONDON = ZoneInfo("Europe/London")
HALTON = load_policy("halton").working_calendar  # 09:00-17:00 Monday to Friday
TEN_WORKING_DAYS = parse_duration("10 working days")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def halton_letter(pauses=(), replies=()):
    """A letter received on Monday 2 June 2025 at 10:00, due Monday 16 June at 17:00."""
    return deadline_times(
        start=at(2025, 6, 2, 10),
        duration=TEN_WORKING_DAYS,
        calendar=HALTON,
        pauses=pauses,
        holding_replies=replies,
    )


# -- holding replies -----------------------------------------------------------------


def test_a_holding_reply_revises_the_due_time_and_keeps_the_original():
    # given a letter received on Monday 2 June 2025, due Monday 16 June at 17:00
    received = at(2025, 6, 2, 10)
    # when a holding reply on 12 June promises a response by 30 June
    reply = HoldingReply(sent_at=at(2025, 6, 12, 11), revised_due_at=at(2025, 6, 30, 17))
    times = deadline_times(
        start=received, duration=TEN_WORKING_DAYS, calendar=HALTON, holding_replies=[reply]
    )
    # then both are known and the revised one is what is due now
    assert times.standard_due_at == at(2025, 6, 16, 17)
    assert times.revised_due_at == at(2025, 6, 30, 17)
    assert times.due_at == at(2025, 6, 30, 17)
    assert not times.paused


def test_a_revised_date_can_be_a_duration_from_the_holding_reply():
    revised = revised_due(
        reply_at=at(2025, 6, 12, 11), revision=parse_duration("5 working days"), calendar=HALTON
    )
    assert revised == at(2025, 6, 19, 17)


def test_a_revised_date_before_the_holding_reply_is_refused():
    with pytest.raises(DeadlineInputError, match="after the holding reply"):
        revised_due(reply_at=at(2025, 6, 12, 11), revision=at(2025, 6, 11, 17), calendar=HALTON)


def test_the_latest_holding_reply_counts():
    replies = [
        HoldingReply(sent_at=at(2025, 6, 20, 9), revised_due_at=at(2025, 7, 4, 17)),
        HoldingReply(sent_at=at(2025, 6, 12, 9), revised_due_at=at(2025, 6, 27, 17)),
    ]
    times = halton_letter(replies=replies)
    assert times.revised_due_at == at(2025, 7, 4, 17)


def test_without_a_holding_reply_the_standard_due_time_is_what_is_due():
    times = halton_letter()
    assert times.due_at == times.standard_due_at == at(2025, 6, 16, 17)
    assert times.revised_due_at is None


# -- pauses --------------------------------------------------------------------------


def test_two_whole_working_days_paused_move_the_due_time_two_working_days():
    pause = Pause(starts_at=at(2025, 6, 3, 9), ends_at=at(2025, 6, 5, 9))  # Tue 09:00 to Thu 09:00
    times = halton_letter(pauses=[pause])
    assert times.standard_due_at == at(2025, 6, 18, 17)


def test_a_pause_within_one_working_day_does_not_move_a_working_day_deadline():
    pause = Pause(starts_at=at(2025, 6, 3, 15), ends_at=at(2025, 6, 3, 16))
    times = halton_letter(pauses=[pause])
    assert times.standard_due_at == at(2025, 6, 16, 17)


def test_a_pause_over_close_of_business_moves_a_working_day_deadline_one_day():
    pause = Pause(starts_at=at(2025, 6, 3, 15), ends_at=at(2025, 6, 4, 10))
    times = halton_letter(pauses=[pause])
    assert times.standard_due_at == at(2025, 6, 17, 17)


def test_a_deadline_never_falls_due_while_the_case_is_paused():
    # given 1 working day from Monday 10:00 (due Tuesday 17:00) and an hour paused Tuesday
    pauses = [
        Pause(starts_at=at(2025, 6, 3, 9), ends_at=at(2025, 6, 3, 10)),
        # when the case waits for the customer from Tuesday 16:00 to the next Monday
        Pause(starts_at=at(2025, 6, 3, 16), ends_at=at(2025, 6, 9, 9)),
    ]
    times = deadline_times(
        start=at(2025, 6, 2, 10),
        duration=parse_duration("1 working day"),
        calendar=HALTON,
        pauses=pauses,
    )
    # then it is due after the pause, at close of business on Monday
    assert times.standard_due_at == at(2025, 6, 9, 17)


def test_a_pause_over_a_weekend_costs_no_office_time():
    pause = Pause(starts_at=at(2025, 6, 6, 17, 30), ends_at=at(2025, 6, 9, 8, 0))
    times = halton_letter(pauses=[pause])
    assert times.standard_due_at == at(2025, 6, 16, 17)


def test_a_pause_after_the_deadline_cannot_undo_a_breach():
    pause = Pause(starts_at=at(2025, 6, 17, 9), ends_at=at(2025, 6, 20, 9))
    times = halton_letter(pauses=[pause])
    assert times.standard_due_at == at(2025, 6, 16, 17)


def test_while_paused_there_is_no_due_time():
    pause = Pause(starts_at=at(2025, 6, 3, 9))
    times = halton_letter(pauses=[pause])
    assert times.paused
    assert times.due_at is None


def test_overlapping_pauses_are_counted_once():
    pauses = [
        Pause(starts_at=at(2025, 6, 3, 9), ends_at=at(2025, 6, 4, 17)),
        Pause(starts_at=at(2025, 6, 4, 9), ends_at=at(2025, 6, 5, 9)),
    ]
    times = halton_letter(pauses=pauses)
    assert times.standard_due_at == at(2025, 6, 18, 17)


def test_a_pause_that_began_before_the_clock_counts_from_the_start():
    pause = Pause(starts_at=at(2025, 6, 1, 9), ends_at=at(2025, 6, 3, 10))
    times = halton_letter(pauses=[pause])
    # Monday 10:00-17:00 and Tuesday 09:00-10:00 paused: 8 office hours, one working day
    assert times.standard_due_at == at(2025, 6, 17, 17)


def test_a_pause_that_ends_before_it_starts_is_refused():
    with pytest.raises(DeadlineInputError, match="cannot end before it starts"):
        halton_letter(pauses=[Pause(starts_at=at(2025, 6, 3, 9), ends_at=at(2025, 6, 2, 9))])


def test_pauses_after_a_holding_reply_move_the_revised_date_too():
    reply = HoldingReply(sent_at=at(2025, 6, 12, 11), revised_due_at=at(2025, 6, 30, 17))
    before = Pause(starts_at=at(2025, 6, 3, 9), ends_at=at(2025, 6, 4, 9))
    after = Pause(starts_at=at(2025, 6, 16, 9), ends_at=at(2025, 6, 17, 9))
    times = halton_letter(pauses=[before, after], replies=[reply])
    # The standard's clock was still running for both pauses; the revised date was set
    # after the first, so only the second moves it.
    assert times.standard_due_at == at(2025, 6, 18, 17)
    assert times.revised_due_at == at(2025, 7, 1, 17)


def test_a_subject_access_request_paused_for_identity_moves_by_calendar_time():
    # given a SAR received 3 September 2025, due 3 October at 17:00
    sar = parse_duration("1 month")
    # when the clock stops for 5 days (10:00 on 5 Sept to 10:00 on 10 Sept)
    pause = Pause(starts_at=at(2025, 9, 5, 10), ends_at=at(2025, 9, 10, 10))
    times = deadline_times(start=at(2025, 9, 3, 12), duration=sar, calendar=HALTON, pauses=[pause])
    # then it is due 5 days later, 8 October, still at close of business
    assert due_at(at(2025, 9, 3, 12), sar, HALTON) == at(2025, 10, 3, 17)
    assert times.standard_due_at == at(2025, 10, 8, 17)


def test_calendar_day_deadlines_move_a_day_for_each_midnight_paused():
    three_days = parse_duration("3 calendar days")  # due at the end of 5 June
    within_a_day = Pause(starts_at=at(2025, 6, 3, 9), ends_at=at(2025, 6, 3, 12))
    over_two_nights = Pause(starts_at=at(2025, 6, 3, 22), ends_at=at(2025, 6, 5, 8))

    def end_of(day: int) -> datetime:
        return at(2025, 6, day + 1, 0) - timedelta(microseconds=1)

    kept = deadline_times(
        start=at(2025, 6, 2, 10), duration=three_days, calendar=HALTON, pauses=[within_a_day]
    )
    moved = deadline_times(
        start=at(2025, 6, 2, 10), duration=three_days, calendar=HALTON, pauses=[over_two_nights]
    )
    assert kept.standard_due_at == end_of(5)
    assert moved.standard_due_at == end_of(7)


def test_a_pause_that_spans_the_holding_reply_moves_the_revised_date_by_its_later_part():
    reply = HoldingReply(sent_at=at(2025, 6, 12, 11), revised_due_at=at(2025, 6, 30, 17))
    spanning = Pause(starts_at=at(2025, 6, 11, 9), ends_at=at(2025, 6, 13, 9))
    times = halton_letter(pauses=[spanning], replies=[reply])
    assert times.standard_due_at == at(2025, 6, 18, 17)  # 11 and 12 June closes passed
    assert times.revised_due_at == at(2025, 7, 1, 17)  # only 12 June's after the reply


def test_nothing_is_due_while_a_pause_is_open_even_after_a_holding_reply():
    reply = HoldingReply(sent_at=at(2025, 6, 12, 11), revised_due_at=at(2025, 6, 30, 17))
    times = halton_letter(pauses=[Pause(starts_at=at(2025, 6, 20, 9))], replies=[reply])
    assert times.paused
    assert times.due_at is None
    assert times.standard_due_at == at(2025, 6, 16, 17)  # already breached before the pause


def test_a_pause_ending_years_later_is_counted_in_full():
    # given 1 working hour from Monday 10:00, paused at 10:30 with half an hour left
    pause = Pause(starts_at=at(2025, 6, 2, 10, 30), ends_at=at(2031, 6, 3, 9))
    times = deadline_times(
        start=at(2025, 6, 2, 10),
        duration=parse_duration("1 working hour"),
        calendar=HALTON,
        pauses=[pause],
    )
    # then the half hour left runs from the end of the pause, six years on
    assert times.standard_due_at == at(2031, 6, 3, 9, 30)


# -- pauses against the reference: paused time simply does not count ----------------


def pauses_after(start: datetime):
    offsets = st.tuples(st.integers(-86_400, 40 * 86_400), st.integers(0, 5 * 86_400))
    return st.lists(offsets, max_size=4).map(
        lambda pairs: [
            (start + timedelta(seconds=a), start + timedelta(seconds=a + length))
            for a, length in pairs
        ]
    )


@given(
    data=st.data(),
    start=st.datetimes(datetime(2023, 1, 1), datetime(2027, 12, 31), timezones=st.just(UTC)),
    duration=st.one_of(
        st.integers(0, 200).map(lambda n: Duration(n, Unit.WORKING_HOURS)),
        st.integers(0, 6000).map(lambda n: Duration(n, Unit.WORKING_MINUTES)),
        st.integers(0, 500).map(lambda n: Duration(n, Unit.HOURS)),
    ),
    policy=st.sampled_from(["halton", "stonewall"]),
)
def test_paused_time_does_not_count(data, start, duration, policy):
    calendar = load_policy(policy).working_calendar
    paused = data.draw(pauses_after(start))
    times = deadline_times(
        start=start,
        duration=duration,
        calendar=calendar,
        pauses=[Pause(starts_at=a, ends_at=b) for a, b in paused],
    )
    reference = Reference(calendar)
    clipped = [(max(a, start), b) for a, b in paused if b > max(a, start)]
    if duration.unit is Unit.HOURS:
        expected = reference.when_real_time_used(start, timedelta(hours=duration.amount), clipped)
    else:
        per_unit = 3600 if duration.unit is Unit.WORKING_HOURS else 60
        amount = timedelta(seconds=duration.amount * per_unit)
        expected = reference.when_office_time_used(start, amount, clipped)
    assert times.standard_due_at == expected


def test_a_pause_covering_the_start_delays_the_first_office_time():
    start = at(2025, 6, 2, 10)
    pause = Pause(starts_at=at(2025, 6, 2, 9), ends_at=at(2025, 6, 2, 12))
    times = deadline_times(
        start=start, duration=parse_duration("1 working hour"), calendar=HALTON, pauses=[pause]
    )
    assert times.standard_due_at == at(2025, 6, 2, 13)
    assert date(2025, 6, 2) == times.standard_due_at.astimezone(LONDON).date()


@given(
    data=st.data(),
    start=st.datetimes(datetime(2023, 1, 1), datetime(2027, 12, 31), timezones=st.just(UTC)),
    duration=st.sampled_from(
        [
            "10 working days",
            "2 working days",
            "1 month",
            "3 calendar days",
            "24 hours",
            "7 working hours",
            "90 working minutes",
        ]
    ).map(parse_duration),
    policy=st.sampled_from(["halton", "stonewall"]),
)
def test_a_deadline_never_falls_due_inside_a_pause_that_began_before_it(
    data, start, duration, policy
):
    calendar = load_policy(policy).working_calendar
    paused = data.draw(pauses_after(start))
    times = deadline_times(
        start=start,
        duration=duration,
        calendar=calendar,
        pauses=[Pause(starts_at=a, ends_at=b) for a, b in paused],
    )
    due = times.standard_due_at
    assert due is not None
    assert due >= due_at(start, duration, calendar)  # pausing never brings it forward
    for begins, ends in paused:
        if max(begins, start) < due:
            assert not (begins < due < ends), f"due {due} inside pause {begins}..{ends}"
