"""Every problem in a policy file, each at the key path where it is."""

from __future__ import annotations

import tomllib

import pytest

from caredesk.errors import PolicyError
from caredesk.standards import load_policy, parse_policy
from caredesk.standards.policy import Policy
from caredesk.standards.policy_checks import Problem, policy_problems
from caredesk.standards.policy_files import POLICIES_FOLDER

HALTON_TEXT = (POLICIES_FOLDER / "halton.toml").read_text(encoding="utf-8")
STONEWALL_TEXT = (POLICIES_FOLDER / "stonewall.toml").read_text(encoding="utf-8")


def changed(text: str, *changes: tuple[str, str]) -> str:
    for old, new in changes:
        assert old in text, f"the policy no longer contains {old!r}"
        text = text.replace(old, new, 1)
    return text


def refused(text: str) -> PolicyError:
    with pytest.raises(PolicyError) as raised:
        parse_policy(text, source="policy.toml")
    error = raised.value
    assert len(error.paths) == len(error.problems)
    return error


def line_of(text: str, written: str) -> int:
    return text.splitlines().index(written) + 1


def starting(problems: list[str], prefix: str) -> list[str]:
    return [problem for problem in problems if problem.startswith(prefix)]


def test_three_bad_standards_an_office_interval_and_a_closure_day_are_five_problems():
    # given: three standards wrong in three ways, hours that overlap, a day that is not one
    text = changed(
        HALTON_TEXT,
        ('target = "4 rings"', 'target = "4 ringz"'),
        (
            'channels = ["phone"]\nstarts = "call_offered"\nstops = "call_answered"\ntarget = "10',
            'channels = ["fax"]\nstarts = "call_offered"\nstops = "call_answered"\ntarget = "10',
        ),
        ('target = "1 month"\nholding_reply = true', 'target = "1 month"\nholding_reply = false'),
        ('office_hours = ["09:00-17:00"]', 'office_hours = ["09:00-17:00", "16:00-18:00"]'),
        ("closure_days = []", 'closure_days = [2025-12-24, "Christmas Eve"]'),
    )
    # when
    error = refused(text)
    # then: five problems, each with its own message, in file order
    office = line_of(text, 'office_hours = ["09:00-17:00", "16:00-18:00"]')
    closure = line_of(text, 'closure_days = [2025-12-24, "Christmas Eve"]')
    target = line_of(text, 'target = "4 ringz"')
    channels = line_of(text, 'channels = ["fax"]')
    extension = line_of(text, 'max_extension = "2 months"')
    assert error.problems == [
        f"calendar.office_hours[1]: '16:00-18:00' overlaps or comes before the interval "
        f"before it (line {office}).",
        f"calendar.closure_days[1]: should be a date such as 2025-12-25; it is "
        f"'Christmas Eve' (line {closure})",
        "standards[phone_answer_rings].target: '4 ringz' has a unit I do not know ('ringz'). "
        "Use one of: seconds, minutes, hours, rings, working days, working hours, working "
        f"minutes, calendar days, weeks, months (line {target}).",
        "standards[phone_answer_seconds].channels[0]: 'fax' is not allowed: 'phone', "
        "'voicemail', 'message', 'letter', 'email', 'web', 'visit', 'home_visit' or 'any' "
        f"(line {channels})",
        "standards[subject_access_request].max_extension: max_extension is set but "
        "holding_reply is not true: a deadline can only be extended by a holding reply "
        f"(line {extension}).",
    ]
    assert error.paths == [
        ("calendar", "office_hours", 1),
        ("calendar", "closure_days", 1),
        ("standards", 0, "target"),
        ("standards", 1, "channels", 0),
        ("standards", _place_of("subject_access_request"), "max_extension"),
    ]
    assert error.message.splitlines()[0] == "policy.toml: 5 problems"


def _place_of(key: str) -> int:
    """Where Halton's file lists the standard `key` (the paths count from 0)."""
    return [standard.key for standard in load_policy("halton").standards].index(key)


def test_every_bad_interval_of_a_list_is_reported_not_only_the_first():
    text = changed(
        STONEWALL_TEXT,
        (
            'office_hours = ["09:30-13:00", "14:00-17:30"]',
            'office_hours = ["9.30-13:00", "14:00-13:00", "12:00-17:30", "17:00-25:00"]',
        ),
    )
    problems = refused(text).problems
    assert [problem.split(": ")[0] for problem in problems] == [
        "calendar.office_hours[0]",
        "calendar.office_hours[1]",
        "calendar.office_hours[3]",
    ]
    assert "'9.30-13:00' is not an interval" in problems[0]
    assert "'14:00-13:00' closes before it opens" in problems[1]
    assert "'17:00-25:00' has a time that does not exist" in problems[2]


def test_intervals_out_of_order_each_name_their_place():
    text = changed(
        HALTON_TEXT,
        (
            'office_hours = ["09:00-17:00"]',
            'office_hours = ["09:00-12:00", "11:00-12:30", "12:15-13:00", "14:00-17:00"]',
        ),
    )
    error = refused(text)
    assert error.paths == [("calendar", "office_hours", 1), ("calendar", "office_hours", 2)]


def test_problems_across_standards_are_found_beside_problems_within_them():
    # two standards with one key, a target naming no standard and a bad duration: the
    # checks across settings still run although one standard is broken
    text = changed(
        HALTON_TEXT,
        ('key = "phone_answer_seconds"', 'key = "phone_answer_rings"'),
        ('target = "24 hours"', 'target = "24 hourz"'),
    )
    problems = refused(text).problems
    assert len(starting(problems, "standards[1].key: the key 'phone_answer_rings' is used")) == 1
    assert len(starting(problems, "reporting.targets.phone_answer_seconds: ")) == 1
    assert len(starting(problems, "standards[voicemail_return].target: '24 hourz'")) == 1
    assert len(problems) == 3


def test_each_day_given_hours_that_is_not_a_working_day_is_named():
    text = changed(
        HALTON_TEXT,
        (
            "closure_days = []",
            'closure_days = []\noffice_hours_by_day = { saturday = ["09:00-12:00"], '
            'sunday = ["10:00-12:00"], monday = [] }',
        ),
    )
    assert sorted(refused(text).paths) == [
        ("calendar", "office_hours_by_day", "monday"),
        ("calendar", "office_hours_by_day", "saturday"),
        ("calendar", "office_hours_by_day", "sunday"),
    ]


@pytest.mark.parametrize(
    ("old", "new", "path", "words"),
    [
        (
            "large_print_pt = 16",
            'large_print_pt = "16"',
            "correspondence.large_print_pt",
            "should be a whole number; it is '16'",
        ),
        (
            "ring_seconds = 3",
            "ring_seconds = true",
            "calendar.ring_seconds",
            "should be a number; it is true",
        ),
        ("ring_seconds = 3", "ring_seconds = inf", "calendar.ring_seconds", "inf is not allowed"),
        (
            "holding_reply = true",
            'holding_reply = "yes"',
            "standards[letter_email_response].holding_reply",
            "should be true or false",
        ),
        (
            'target = "4 rings"',
            "target = 4",
            "standards[phone_answer_rings].target",
            "should be text such as '10 working days'; it is 4",
        ),
        (
            'timezone = "Europe/London"',
            "timezone = 2025-01-01",
            "calendar.timezone",
            "should be text in quotes; it is a date (2025-01-01)",
        ),
        (
            'channels = ["phone"]',
            'channels = "phone"',
            "standards[phone_answer_rings].channels",
            "should be a list in square brackets",
        ),
        (
            "[organisation]",
            "organisation = 5\n[organisation_]",
            "organisation",
            "should be a table",
        ),
        (
            "amber_within = 5",
            "amber_within = 1e999",
            "reporting.amber_within",
            "inf is not allowed",
        ),
        (
            "first_contact_resolution = 70",
            "first_contact_resolution = 170",
            "reporting.targets.first_contact_resolution",
            "170 is not a percentage",
        ),
        (
            "appointments_kept = 90",
            "appointments_kept = -1",
            "reporting.targets.appointments_kept",
            "-1 is not a percentage",
        ),
        (
            "closure_days = []",
            "closure_days = [2025-12-24T09:00:00]",
            "calendar.closure_days[0]",
            "should be a date",
        ),
    ],
)
def test_a_value_of_the_wrong_type_is_refused_at_its_key(old, new, path, words):
    problems = refused(changed(HALTON_TEXT, (old, new))).problems
    assert any(p.startswith(f"{path}: ") and words in p for p in problems), problems


def test_wrong_types_everywhere_are_each_reported():
    text = changed(
        STONEWALL_TEXT,
        ('name = "Stonewall Housing"', "name = 1"),
        ('issued = "2003-11"', "issued = 2003-11-01"),
        ("working_days = [", "working_days = [1, "),
        ("large_print_pt = 16", "large_print_pt = 16.5"),
        ('channels = ["visit"]', "channels = [true]"),
        ('target = "6 rings"', "target = [6]"),
    )
    assert refused(text).paths == [
        ("organisation", "name"),
        ("document", "issued"),
        ("calendar", "working_days", 0),
        ("correspondence", "large_print_pt"),
        ("standards", 0, "channels", 0),
        ("standards", 1, "target"),
    ]


def test_an_odd_key_is_written_as_toml_quotes_it_and_cut_short():
    text = changed(HALTON_TEXT, ("[organisation]", '[organisation]\n"a.b c" = 1'))
    problems = refused(text).problems
    assert problems[0].startswith("organisation.\"a.b c\": 'a.b c' is not a setting here")
    long_key = "k" * 500
    error = refused(changed(HALTON_TEXT, ("[organisation]", f"[organisation]\n{long_key} = 1")))
    assert error.problems[0].startswith("organisation." + "k" * 39 + "…: ")
    assert len(error.problems[0]) < 200


def test_a_standard_without_a_usable_key_is_named_by_its_place():
    text = changed(HALTON_TEXT, ('key = "phone_answer_seconds"\n', 'key = "Phone Answer"\n'))
    problems = refused(text).problems
    assert starting(problems, "standards[1].key: 'Phone Answer' is not allowed"), problems
    # and its reporting target no longer names a deadline standard
    assert starting(problems, "reporting.targets.phone_answer_seconds: "), problems


def test_checks_across_settings_find_nothing_in_the_shipped_policies():
    for text in (HALTON_TEXT, STONEWALL_TEXT):
        assert policy_problems(tomllib.loads(text)) == []


def test_checks_across_settings_take_any_data_without_failing():
    odd: list[object] = [
        None,
        [],
        {"calendar": 5, "standards": {"a": 1}, "reporting": []},
        {"calendar": {"office_hours": [1, None, "x", "09:00-10:00"], "office_hours_by_day": []}},
        {"calendar": {"office_hours_by_day": {"monday": 5}, "working_days": "monday"}},
        {"standards": [5, {"key": ["unhashable"]}, {"key": "a"}, {"key": "a", "measure": 3}]},
        {"standards": [{"key": {"x": 1}}], "reporting": {"targets": {"x": 1}}},
    ]
    for data in odd:
        assert all(isinstance(problem, Problem) for problem in policy_problems(data))


def test_a_policy_made_without_the_loader_is_still_checked_across_settings():
    text = changed(HALTON_TEXT, ('key = "phone_answer_seconds"', 'key = "phone_answer_rings"'))
    data = tomllib.loads(text)
    with pytest.raises(ValueError, match="used by two standards"):
        Policy.model_validate(data)
