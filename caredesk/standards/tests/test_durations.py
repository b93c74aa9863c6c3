"""parse_duration: the way a policy file (and a person) writes a target."""

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from caredesk.errors import DurationError
from caredesk.standards.durations import Duration, Family, Unit, parse_duration

EXPECTED_FAMILY = {
    Unit.SECONDS: Family.ELAPSED,
    Unit.MINUTES: Family.ELAPSED,
    Unit.HOURS: Family.ELAPSED,
    Unit.RINGS: Family.ELAPSED,
    Unit.WORKING_DAYS: Family.WORKING_DAYS,
    Unit.WORKING_HOURS: Family.WORKING_TIME,
    Unit.WORKING_MINUTES: Family.WORKING_TIME,
    Unit.CALENDAR_DAYS: Family.CALENDAR_DAYS,
    Unit.WEEKS: Family.CALENDAR_DAYS,
    Unit.MONTHS: Family.MONTHS,
}


def test_every_unit_has_the_family_the_engine_rules_expect():
    assert {unit: unit.family for unit in Unit} == EXPECTED_FAMILY


@pytest.mark.parametrize("unit", list(Unit), ids=lambda unit: unit.name)
def test_every_unit_reads_in_the_plural(unit):
    assert parse_duration(f"7 {unit.plural}") == Duration(7, unit)


@pytest.mark.parametrize("unit", list(Unit), ids=lambda unit: unit.name)
def test_every_unit_reads_in_the_singular(unit):
    assert parse_duration(f"1 {unit.singular}") == Duration(1, unit)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10 WORKING DAYS", Duration(10, Unit.WORKING_DAYS)),
        ("10 Working Days", Duration(10, Unit.WORKING_DAYS)),
        ("  24 hours  ", Duration(24, Unit.HOURS)),
        ("24\thours", Duration(24, Unit.HOURS)),
        ("10   working \n days", Duration(10, Unit.WORKING_DAYS)),
        ("\n4 Rings\n", Duration(4, Unit.RINGS)),
        ("1 Month", Duration(1, Unit.MONTHS)),
        ("0 seconds", Duration(0, Unit.SECONDS)),
        ("007 minutes", Duration(7, Unit.MINUTES)),
        ("9999999 calendar days", Duration(9_999_999, Unit.CALENDAR_DAYS)),
        ("12 Weeks", Duration(12, Unit.WEEKS)),
        ("1 week", Duration(1, Unit.WEEKS)),
    ],
)
def test_case_and_whitespace_do_not_matter(text, expected):
    assert parse_duration(text) == expected


def test_singular_and_plural_are_interchangeable():
    # "1 hours" and "2 hour" are sloppy but unambiguous
    assert parse_duration("1 hours") == Duration(1, Unit.HOURS)
    assert parse_duration("2 hour") == Duration(2, Unit.HOURS)


def test_a_week_is_seven_calendar_days_and_only_days_units_have_days():
    assert parse_duration("12 weeks").calendar_days == 84
    assert parse_duration("3 calendar days").calendar_days == 3
    assert {unit: unit.days for unit in Unit if unit.days} == {
        Unit.CALENDAR_DAYS: 1,
        Unit.WEEKS: 7,
    }
    assert parse_duration("2 working days").calendar_days == 0


@given(weeks=st.integers(min_value=0, max_value=9_999_999))
def test_n_weeks_read_back_as_n_weeks_of_seven_days(weeks):
    for text in (f"{weeks} weeks", f"{weeks} week", f" {weeks}\tWEEKS "):
        duration = parse_duration(text)
        assert duration == Duration(weeks, Unit.WEEKS)
        assert duration.family is Family.CALENDAR_DAYS
        assert duration.calendar_days == 7 * weeks
        assert parse_duration(str(duration)) == duration


def test_a_parsed_duration_knows_its_family():
    assert parse_duration("3 working days").family is Family.WORKING_DAYS
    assert parse_duration("2 working hours").family is Family.WORKING_TIME


@pytest.mark.parametrize(
    "text",
    [
        "1 day",
        "10 days",
        "10 DAYS",
        "1 workday",
        "10 workdays",
        "1 business day",
        "10 business days",
        "10 working",
    ],
)
def test_days_without_saying_which_kind_are_refused_as_ambiguous(text):
    with pytest.raises(DurationError) as raised:
        parse_duration(text)
    message = raised.value.message
    assert "ambiguous" in message
    assert "working days" in message
    assert "calendar days" in message
    assert text in message


@pytest.mark.parametrize(
    "text",
    [
        "10 fortnights",
        "2 years",
        "5 secs",
        "5 hrs",
        "5 working weeks",
    ],
)
def test_an_unknown_unit_is_refused_naming_the_known_ones(text):
    with pytest.raises(DurationError) as raised:
        parse_duration(text)
    message = raised.value.message
    assert text in message
    assert "working days" in message  # the list of units it does know


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "-1 hours",
        "- 1 hours",
        "1.5 hours",
        "1,5 hours",
        "½ hour",
        "1e3 hours",
        "hours",
        "10",
        "ten working days",
        "10working days",
        "10 working days and 2 hours",
        "10000000 hours",  # more than seven digits
        "+3 hours",
        "10 working day s",
    ],
)
def test_text_that_is_not_a_whole_number_and_a_unit_raises_duration_error(text):
    with pytest.raises(DurationError) as raised:
        parse_duration(text)
    assert f"'{text}'" in raised.value.message


@pytest.mark.parametrize(
    "value", [None, 10, 10.0, b"10 hours", ["10 hours"], Duration(1, Unit.HOURS)]
)
def test_input_that_is_not_text_raises_duration_error(value):
    with pytest.raises(DurationError) as raised:
        parse_duration(value)
    assert repr(value) in raised.value.message


def test_a_negative_duration_cannot_be_built():
    with pytest.raises(DurationError) as raised:
        Duration(-1, Unit.HOURS)
    assert "-1" in raised.value.message


def test_duration_error_has_a_stable_code():
    with pytest.raises(DurationError) as raised:
        parse_duration("10 workdays")
    assert raised.value.code == "duration_invalid"
    assert str(raised.value) == raised.value.message


@pytest.mark.parametrize(
    ("duration", "text"),
    [
        (Duration(1, Unit.WORKING_DAYS), "1 working day"),
        (Duration(2, Unit.WORKING_DAYS), "2 working days"),
        (Duration(0, Unit.RINGS), "0 rings"),
        (Duration(1, Unit.MONTHS), "1 month"),
        (Duration(12, Unit.WEEKS), "12 weeks"),
    ],
)
def test_a_duration_prints_as_a_policy_would_write_it(duration, text):
    assert str(duration) == text


@given(unit=st.sampled_from(Unit), amount=st.integers(min_value=0, max_value=9_999_999))
def test_printing_then_parsing_gives_the_same_duration(unit, amount):
    duration = Duration(amount, unit)
    assert parse_duration(str(duration)) == duration


@given(
    unit=st.sampled_from(Unit),
    amount=st.integers(min_value=0, max_value=9_999_999),
    before=st.sampled_from(["", " ", "\t", "\n ", "  "]),
    between=st.sampled_from([" ", "  ", "\t", " \n "]),
    upper=st.booleans(),
)
def test_parsing_ignores_case_and_surrounding_whitespace(unit, amount, before, between, upper):
    word = unit.plural.upper() if upper else unit.plural.title()
    text = f"{before}{amount}{between}{word.replace(' ', between)}{before}"
    assert parse_duration(text) == Duration(amount, unit)


def parse_or_error(text):
    """(duration, None) or (None, the DurationError); any other exception escapes."""
    try:
        return parse_duration(text), None
    except DurationError as error:
        return None, error


@given(text=st.text())
@example(text="١٠ working days")  # Arabic-Indic digits
@example(text="10 \u212aelvin")  # the Kelvin sign lowercases to ASCII 'k'
@example(text="10 working\x00days")
@example(text="9" * 5000)
def test_any_text_is_either_a_duration_or_a_duration_error(text):
    result, error = parse_or_error(text)
    if error is not None:
        assert error.message
    else:
        assert isinstance(result, Duration)
        assert 0 <= result.amount <= 9_999_999
        assert parse_duration(str(result)) == result


@given(
    text=st.from_regex(r"\A\s*[0-9]{1,8}\s+[a-zA-Z]{1,10}(\s+[a-zA-Z]{1,10})?\s*\Z"),
)
def test_number_and_word_text_is_either_a_duration_or_a_duration_error(text):
    # text shaped like a duration, to reach past the first pattern check
    result, error = parse_or_error(text)
    if error is not None:
        assert text in error.message
    else:
        assert result.amount == int(text.split()[0])
        assert parse_duration(str(result)) == result
