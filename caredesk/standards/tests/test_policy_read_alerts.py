"""The policy's `[read_alerts]` table: when unusual reading of customers' records is
alerted on (standards.policy_read_alerts). Optional, with defaults; each bad setting is
reported naming its key and line."""

from __future__ import annotations

import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from caredesk.standards import Duration, Unit, load_policy
from caredesk.standards.policy_read_alerts import ReadAlerts
from caredesk.standards.tests.test_policy_files import (
    HALTON_TEXT,
    broken_halton,
    has_problem,
    problems_of,
)


def test_both_policies_set_the_defaults_and_say_they_are_the_landlords_choice():
    for name in ("halton", "stonewall"):
        alerts = load_policy(name).read_alerts
        assert (
            str(alerts.window),
            alerts.many_customers,
            alerts.no_case_at_all,
            str(alerts.after_closing),
        ) == ("1 calendar day", 30, 3, "30 calendar days")
        assert alerts == ReadAlerts(assumptions=alerts.assumptions)  # the defaults
        assert any("Neither policy sets these values" in a for a in alerts.assumptions), name


def test_a_policy_without_the_table_has_the_defaults(tmp_path):
    start = HALTON_TEXT.index("[read_alerts]")
    end = HALTON_TEXT.index("]\n\n", start + len("[read_alerts]")) + 3
    path = tmp_path / "policy.toml"
    path.write_text(HALTON_TEXT[:start] + HALTON_TEXT[end:], encoding="utf-8")

    alerts = load_policy(path).read_alerts

    assert "read_alerts" not in tomllib.loads(path.read_text(encoding="utf-8"))
    assert (alerts.window, alerts.many_customers, alerts.no_case_at_all) == (
        Duration(1, Unit.CALENDAR_DAYS),
        30,
        3,
    )
    assert (alerts.window_days, alerts.after_closing_days) == (1, 30)
    assert alerts.assumptions == []


def test_a_week_and_no_time_after_closing_are_allowed(tmp_path):
    path = broken_halton(tmp_path, 'window = "1 calendar day"', 'window = "1 week"')
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            'after_closing = "30 calendar days"', 'after_closing = "0 calendar days"'
        ),
        encoding="utf-8",
    )

    alerts = load_policy(path).read_alerts

    assert (alerts.window_days, alerts.after_closing_days) == (7, 0)


@pytest.mark.parametrize(
    ("old", "new", "key_path", "words"),
    [
        ('window = "1 calendar day"', 'window = "1 day"', "read_alerts.window", ["ambiguous"]),
        (
            'window = "1 calendar day"',
            'window = "24 hours"',
            "read_alerts.window",
            ["'24 hours'", "not a number of whole days", "calendar days or weeks"],
        ),
        (
            'window = "1 calendar day"',
            'window = "6 weeks"',
            "read_alerts.window",
            ["'6 weeks'", "from 1 to 31 days"],
        ),
        (
            'window = "1 calendar day"',
            'window = "0 calendar days"',
            "read_alerts.window",
            ["from 1 to 31 days"],
        ),
        (
            "many_customers = 30",
            "many_customers = -1",
            "read_alerts.many_customers",
            ["-1", "0 or more"],
        ),
        (
            "many_customers = 30",
            'many_customers = "30"',
            "read_alerts.many_customers",
            ["whole number", "'30'"],
        ),
        (
            "no_case_at_all = 3",
            "no_case_at_all = 2.5",
            "read_alerts.no_case_at_all",
            ["whole number", "2.5"],
        ),
        (
            'after_closing = "30 calendar days"',
            'after_closing = "1 month"',
            "read_alerts.after_closing",
            ["'1 month'", "calendar days or weeks"],
        ),
        (
            'after_closing = "30 calendar days"',
            'after_closing = "400 calendar days"',
            "read_alerts.after_closing",
            ["from 0 to 366 days"],
        ),
        (
            'after_closing = "30 calendar days"',
            "after_closing = 30",
            "read_alerts.after_closing",
            ["should be text", "it is 30"],
        ),
        (
            "many_customers = 30",
            "many_customer = 30",
            "read_alerts.many_customer",
            ["did you mean 'many_customers'"],
        ),
    ],
    ids=[
        "days unsaid",
        "hours",
        "too long",
        "no days",
        "negative",
        "text",
        "a fraction",
        "months",
        "over a year",
        "a number",
        "misspelt",
    ],
)
def test_a_bad_read_alerts_setting_names_its_key_and_line(tmp_path, old, new, key_path, words):
    problems = problems_of(broken_halton(tmp_path, old, new))

    assert has_problem(problems, key_path, *words), problems
    line = HALTON_TEXT[: HALTON_TEXT.index(old)].count("\n") + 1
    assert any(p.startswith(key_path) and f"(line {line})" in p for p in problems), problems


def window_refused(text: str) -> list[tuple[int | str, ...]] | None:
    """Where the problems are, if `text` is refused as a window; None if it is taken."""
    try:
        ReadAlerts(window=text)
    except ValidationError as error:
        return [e["loc"] for e in error.errors()]
    return None


@given(amount=st.integers(min_value=0, max_value=60), unit=st.sampled_from(list(Unit)))
def test_a_window_is_taken_exactly_when_it_is_1_to_31_whole_days(amount, unit):
    text = f"{amount} {unit.singular if amount == 1 else unit.plural}"
    days = amount * unit.days
    fits = unit.days > 0 and 1 <= days <= 31

    refused = window_refused(text)

    assert refused == (None if fits else [("window",)]), text
    if fits:
        assert ReadAlerts(window=text).window_days == days


@given(text=st.text(max_size=80))
def test_any_text_as_a_window_is_taken_or_refused_naming_the_window(text):
    assert window_refused(text) in (None, [("window",)])
