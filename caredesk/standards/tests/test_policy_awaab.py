"""Awaab's Law and the Ombudsman's remedies in both policies: the standards, their clocks
and the 12 weeks further work may wait at most."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caredesk.standards import due_at, load_policy, parse_duration
from caredesk.standards.policy import (
    Basis,
    CaseKind,
    Channel,
    ClockEvent,
    DeadlineStandard,
    Policy,
)

POLICIES = ["halton", "stonewall"]
# key: (starts, stops, target, basis)
NEW_STANDARDS = {
    "complaint_remedy": ("remedy_agreed", "remedy_done", "20 working days", Basis.REGULATOR),
    "complaint_action": ("action_promised", "action_completed", "20 working days", Basis.REGULATOR),
    "hazard_emergency_made_safe": (
        "emergency_hazard_reported",
        "hazard_made_safe",
        "24 hours",
        Basis.LAW,
    ),
    "hazard_investigated": (
        "significant_hazard_reported",
        "hazard_investigated",
        "10 working days",
        Basis.LAW,
    ),
    "hazard_summary_sent": (
        "hazard_investigated",
        "hazard_summary_sent",
        "3 working days",
        Basis.LAW,
    ),
    "hazard_safety_work_begun": (
        "hazard_investigated",
        "safety_work_begun",
        "5 working days",
        Basis.LAW,
    ),
    "hazard_further_work_begun": (
        "hazard_investigated",
        "further_work_begun",
        "5 working days",
        Basis.LAW,
    ),
}
TWELVE_WEEKS = timedelta(weeks=12)


@pytest.mark.parametrize("name", POLICIES)
def test_both_landlords_owe_the_codes_remedies_and_awaabs_laws_timescales(name):
    policy = load_policy(name)
    for key, (starts, stops, target, basis) in NEW_STANDARDS.items():
        standard = policy.deadline_standard(key)
        assert (standard.starts.value, standard.stops.value) == (starts, stops), key
        assert str(standard.target) == target, key
        assert standard.basis is basis, key
        assert standard.channels == [Channel.ANY], key
        assert standard.applies_to(channel=Channel.PHONE, kind=CaseKind.COMPLAINT), key
        assert policy.reporting.targets[key] == 100, key


@pytest.mark.parametrize("name", POLICIES)
def test_remedies_and_actions_are_due_by_the_date_promised_as_an_assumption(name):
    policy = load_policy(name)
    for key in ("complaint_remedy", "complaint_action"):
        standard = policy.deadline_standard(key)
        assert standard.case_kinds == [CaseKind.COMPLAINT]
        assert standard.assumption is not None
        assert "date given in the response" in standard.assumption
        assert standard.clause.section.startswith("Housing Ombudsman Complaint Handling Code")


@pytest.mark.parametrize("name", POLICIES)
def test_hazards_apply_to_any_case_and_cite_the_regulations(name):
    for key in NEW_STANDARDS:
        if not key.startswith("hazard_"):
            continue
        standard = load_policy(name).deadline_standard(key)
        assert standard.case_kinds == [], key  # a hazard may be raised on any case
        assert "Hazards in Social Housing" in standard.clause.section, key


def test_each_new_clock_event_is_described_in_plain_words():
    events = {event for start, stop, *_ in NEW_STANDARDS.values() for event in (start, stop)}
    described = {event.value: event.description for event in ClockEvent}
    for value in events:
        assert described[value]
        assert "_" not in described[value]


@pytest.mark.parametrize("name", POLICIES)
def test_only_further_work_may_be_put_back_and_only_by_10_weeks(name):
    policy = load_policy(name)
    further = policy.deadline_standard("hazard_further_work_begun")
    assert further.holding_reply is True
    assert further.max_extension == parse_duration("10 weeks")
    assert policy.revision_limit(further) == parse_duration("10 weeks")
    assert "12 weeks" in (further.assumption or "")
    for key in NEW_STANDARDS.keys() - {"hazard_further_work_begun"}:
        assert policy.deadline_standard(key).holding_reply is False, key


def _latest_revised_date(policy: Policy, standard: DeadlineStandard, start: datetime) -> datetime:
    """The latest revised date a holding reply may give (as cases.holding_dates counts it:
    the limit from the original due day itself)."""
    calendar = policy.working_calendar
    original = due_at(start, standard.target, calendar)
    return due_at(original - timedelta(microseconds=1), policy.revision_limit(standard), calendar)


@given(
    name=st.sampled_from(POLICIES),
    concluded=st.datetimes(datetime(2025, 10, 27), datetime(2030, 12, 31), timezones=st.just(UTC)),
)
def test_further_work_put_back_as_far_as_allowed_still_begins_within_12_weeks(name, concluded):
    # given: an investigation concluded at any moment, Christmas and Easter included
    policy = load_policy(name)
    standard = policy.deadline_standard("hazard_further_work_begun")
    zone = policy.working_calendar.zone
    # when: a holding reply gives the latest revised date the policy allows
    latest = _latest_revised_date(policy, standard, concluded)
    # then: it is no later than 12 weeks after the day the investigation concluded
    last_day = concluded.astimezone(zone).date() + TWELVE_WEEKS
    assert latest.astimezone(zone).date() <= last_day


def test_the_limit_is_not_needlessly_short_after_an_ordinary_investigation():
    # An investigation concluded on a Monday morning with no bank holiday near: the work
    # is due the next Monday, and may be put back to 11 weeks after the investigation.
    policy = load_policy("halton")
    standard = policy.deadline_standard("hazard_further_work_begun")
    concluded = datetime(2026, 3, 2, 10, tzinfo=policy.working_calendar.zone)
    latest = _latest_revised_date(policy, standard, concluded)
    assert latest.astimezone(policy.working_calendar.zone).date() == date(2026, 5, 18)
    assert latest.date() - concluded.date() == timedelta(weeks=11)
