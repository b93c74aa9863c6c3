"""How near is near: the policy's warn_before, worked out by the engine."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from caredesk.errors import PolicyError
from caredesk.notifications.tests.helpers import HALTON, STONEWALL
from caredesk.standards import due_at, parse_duration, parse_policy
from caredesk.standards.policy_files import policy_path
from caredesk.standards.warnings import warning_time

LONDON = ZoneInfo("Europe/London")
CALENDAR = HALTON.working_calendar


def warn(start, target, before):
    due = due_at(start, parse_duration(target), CALENDAR)
    return due, warning_time(
        starts=start, due=due, before=parse_duration(before), calendar=CALENDAR
    )


def test_working_days_warn_from_the_close_two_working_days_before():
    # Due 5pm Monday 16 June. From 5pm Thursday 12th, "1 working day" runs to the 16th.
    due, warning = warn(datetime(2025, 6, 2, 10, tzinfo=LONDON), "10 working days", "1 working day")

    assert due == datetime(2025, 6, 16, 17, tzinfo=LONDON)
    assert warning == datetime(2025, 6, 12, 17, tzinfo=LONDON)
    assert due_at(warning, parse_duration("1 working day"), CALENDAR) == due
    assert due_at(warning - timedelta(seconds=1), parse_duration("1 working day"), CALENDAR) < due


def test_bank_holidays_count_as_the_engine_counts_them():
    # Monday 26 May 2025 is a bank holiday: due 5pm Wednesday 28 May, and the warning
    # comes at 5pm on Friday 23 May (not at 5pm on the holiday).
    due, warning = warn(
        datetime(2025, 5, 13, 10, tzinfo=LONDON), "10 working days", "1 working day"
    )

    assert due == datetime(2025, 5, 28, 17, tzinfo=LONDON)
    assert warning == datetime(2025, 5, 23, 17, tzinfo=LONDON)


def test_elapsed_time_warns_exactly_that_long_before():
    due, warning = warn(datetime(2025, 6, 2, 10, 30, tzinfo=LONDON), "24 hours", "4 hours")

    assert warning == due - timedelta(hours=4)


def test_working_hours_skip_the_night():
    # 8 working hours from 9am Monday: due 5pm Monday; 2 working hours before: 3pm.
    _, warning = warn(datetime(2025, 6, 2, 9, tzinfo=LONDON), "8 working hours", "2 working hours")

    assert warning == datetime(2025, 6, 2, 15, tzinfo=LONDON)


def test_no_warning_when_the_whole_deadline_is_shorter_than_the_warning():
    _, warning = warn(datetime(2025, 6, 2, 10, tzinfo=LONDON), "24 hours", "1 working day")

    assert warning is None


def test_both_policies_warn_a_working_day_ahead_and_messages_four_hours_ahead():
    for policy, key in ((HALTON, "voicemail_return"), (STONEWALL, "message_response")):
        assert policy.escalation.warn_before == parse_duration("1 working day")
        assert policy.warn_before(policy.deadline_standard(key)) == parse_duration("4 hours")
    letters = HALTON.deadline_standard("letter_email_response")
    assert HALTON.warn_before(letters) == parse_duration("1 working day")


def test_a_policy_without_an_escalation_section_never_warns():
    text = (
        policy_path("halton")
        .read_text()
        .replace('[escalation]\nwarn_before = "1 working day"\n', "")
    )
    text = text.replace('warn_before = "4 hours"\n', "")

    policy = parse_policy(text, source="test.toml")

    assert policy.warn_before(policy.deadline_standard("letter_email_response")) is None


def test_a_warning_time_is_checked_like_any_duration():
    text = (
        policy_path("halton")
        .read_text()
        .replace('warn_before = "1 working day"', 'warn_before = "1 day"')
    )

    with pytest.raises(PolicyError) as raised:
        parse_policy(text, source="test.toml")

    assert "escalation.warn_before" in raised.value.message
    assert "ambiguous" in raised.value.message
