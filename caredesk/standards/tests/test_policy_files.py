"""The shipped policy files, and what a broken policy file reports."""

import copy
import math
import re
import tomllib
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from caredesk.errors import PolicyError, UnknownPolicy
from caredesk.standards import Duration, Unit, load_policy, parse_duration, parse_policy
from caredesk.standards.engine import elapsed_micros
from caredesk.standards.policy import (
    Basis,
    ClockEvent,
    DeadlineStandard,
    FrequencyStandard,
    Policy,
    Rule,
    ThresholdStandard,
    parse_office_hours,
)
from caredesk.standards.policy_files import (
    POLICIES_FOLDER,
    parse_policy_bytes,
    shipped_policy_names,
)

REPO_ROOT = Path(__file__).resolve().parents[3]
# CI checks out the repository with `shared/` beside it; locally the same holds.
SEEDS = REPO_ROOT.parent / "shared" / "seeds"
SEED_FILES = {"halton": "000_7aa0a792aa772feb.txt", "stonewall": "002_b6b34f42cf8728c7.txt"}
HALTON_TEXT = (POLICIES_FOLDER / "halton.toml").read_text(encoding="utf-8")
HALTON_DATA = tomllib.loads(HALTON_TEXT)

MON_TO_FRI = ["monday", "tuesday", "wednesday", "thursday", "friday"]

HALTON_TARGETS = {
    "phone_answer_rings": "4 rings",
    "phone_answer_seconds": "10 seconds",
    "voicemail_return": "24 hours",
    "voicemail_away_message": "1 working day",
    "phone_written_follow_up": "5 working days",
    "letter_email_response": "10 working days",
    "information_request": "3 working days",
    "foi_request": "20 working days",
    "out_of_office_email": "1 working day",
    "visitor_with_appointment_seen": "5 minutes",
    "visitor_attended": "5 minutes",
    "appointment_change_notice": "4 working hours",
    "no_access_follow_up": "2 working days",
    "interview_action": "10 working days",
}
STONEWALL_TARGETS = {
    "phone_answer_rings": "6 rings",
    "message_response": "24 hours",
    "caller_told_officer_away": "24 hours",
    "letter_response": "10 working days",
    "email_response": "2 working days",
    "email_checks": "4 per working day",
    "out_of_office_email": "2 working days",
}
SHARED_TARGETS = {
    "subject_access_request": "1 month",
    "complaint_stage_1_acknowledge": "5 working days",
    "complaint_stage_1_response": "10 working days",
    "complaint_stage_2_acknowledge": "5 working days",
    "complaint_stage_2_response": "20 working days",
    "translation": "10 working days",  # an assumption in both: neither sets a time
    # the Code's remedies and outstanding actions: due by the date promised (an assumption)
    "complaint_remedy": "20 working days",
    "complaint_action": "20 working days",
    # Awaab's Law
    "hazard_emergency_made_safe": "24 hours",
    "hazard_investigated": "10 working days",
    "hazard_summary_sent": "3 working days",
    "hazard_safety_work_begun": "5 working days",
    "hazard_further_work_begun": "5 working days",
    # UK GDPR: the other rights a customer may ask for, STAIRs, and breaches
    "rectification_request": "1 month",
    "erasure_request": "1 month",
    "restriction_request": "1 month",
    "stairs_request": "20 working days",
    "breach_report": "72 hours",
    # a review of the decision on a request for information (STAIRs: an assumption)
    "information_review": "20 working days",
}


def targets(policy: Policy) -> dict[str, str]:
    return {s.key: str(s.target) for s in policy.standards if hasattr(s, "target")}


def normalised(text: str) -> str:
    for curly, plain in (("\u2018", "'"), ("\u2019", "'"), ("\u201c", '"'), ("\u201d", '"')):
        text = text.replace(curly, plain)
    return " ".join(text.split())


def seed_text(policy_name: str) -> str:
    if not SEEDS.is_dir():
        pytest.fail(
            f"The policy seeds are not at {SEEDS}. Check out the shared/ folder beside the "
            f"repository (CI clones it there) so the policy quotes can be checked."
        )
    return normalised((SEEDS / SEED_FILES[policy_name]).read_text(encoding="utf-8"))


# -- the shipped policies -----------------------------------------------------------------


def test_both_policies_ship():
    assert shipped_policy_names() == ["halton", "stonewall"]


@pytest.mark.parametrize("name", ["halton", "stonewall"])
def test_a_shipped_policy_loads_by_name(name):
    policy = load_policy(name)
    assert isinstance(policy, Policy)
    assert policy.schema_version == 1
    assert load_policy(name) is policy  # cached until the file changes


def test_halton_targets_are_the_policys_own():
    policy = load_policy("halton")
    assert policy.organisation.name == "Halton Housing Trust"
    assert targets(policy) == HALTON_TARGETS | SHARED_TARGETS


def test_stonewall_targets_are_the_policys_own():
    policy = load_policy("stonewall")
    assert policy.organisation.name == "Stonewall Housing"
    assert targets(policy) == STONEWALL_TARGETS | SHARED_TARGETS


def test_halton_letters_and_emails_allow_a_holding_reply():
    standard = load_policy("halton").deadline_standard("letter_email_response")
    assert standard.target == Duration(10, Unit.WORKING_DAYS)
    assert standard.holding_reply is True
    assert standard.max_extension is None


def test_halton_absence_replies_are_thresholds():
    policy = load_policy("halton")
    for key in ("out_of_office_email", "voicemail_away_message"):
        standard = policy.standard(key)
        assert isinstance(standard, ThresholdStandard)
        assert str(standard.target) == "1 working day"


def test_halton_office_hours_are_an_assumption_recorded_in_the_file():
    calendar = load_policy("halton").calendar
    assert calendar.office_hours == ["09:00-17:00"]
    assert calendar.working_days == MON_TO_FRI
    assert calendar.intervals_by_weekday() == {day: ((9 * 3600, 17 * 3600),) for day in range(5)}
    assert calendar.region == "england-and-wales"
    assert calendar.timezone == "Europe/London"
    assert any("09:00-17:00" in assumption for assumption in calendar.assumptions)


def test_stonewall_office_closes_for_lunch():
    calendar = load_policy("stonewall").calendar
    assert calendar.office_hours == ["09:30-13:00", "14:00-17:30"]
    assert calendar.working_days == MON_TO_FRI
    hours = ((9 * 3600 + 1800, 13 * 3600), (14 * 3600, 17 * 3600 + 1800))
    assert calendar.intervals_by_weekday() == {day: hours for day in range(5)}


def test_stonewall_checks_email_four_times_a_working_day():
    standard = load_policy("stonewall").standard("email_checks")
    assert isinstance(standard, FrequencyStandard)
    assert standard.target.times == 4
    assert str(standard.target) == "4 per working day"


def test_stonewall_out_of_office_is_a_threshold_of_two_working_days():
    standard = load_policy("stonewall").standard("out_of_office_email")
    assert isinstance(standard, ThresholdStandard)
    assert standard.target == Duration(2, Unit.WORKING_DAYS)


def test_stonewall_visits_are_by_appointment_only_and_haltons_are_not():
    assert load_policy("stonewall").has_rule(Rule.APPOINTMENT_ONLY_VISITS)
    assert load_policy("stonewall").standard("visits_by_appointment").measure == "rule"
    assert not load_policy("halton").has_rule(Rule.APPOINTMENT_ONLY_VISITS)


@pytest.mark.parametrize("name", ["halton", "stonewall"])
def test_subject_access_is_one_month_extendable_by_two(name):
    standard = load_policy(name).deadline_standard("subject_access_request")
    assert str(standard.target) == "1 month"
    assert str(standard.max_extension) == "2 months"
    assert standard.holding_reply is True
    assert standard.basis is Basis.LAW


@pytest.mark.parametrize("name", ["halton", "stonewall"])
def test_complaint_stages_follow_the_ombudsman_code(name):
    policy = load_policy(name)
    stage_1_ack = policy.deadline_standard("complaint_stage_1_acknowledge")
    stage_1 = policy.deadline_standard("complaint_stage_1_response")
    stage_2_ack = policy.deadline_standard("complaint_stage_2_acknowledge")
    stage_2 = policy.deadline_standard("complaint_stage_2_response")
    assert str(stage_1_ack.target) == "5 working days"
    assert stage_1_ack.starts is ClockEvent.COMPLAINT_RECEIVED
    assert str(stage_1.target) == "10 working days"
    assert stage_1.starts is ClockEvent.STAGE_1_ACKNOWLEDGED
    assert stage_1.starts is stage_1_ack.stops
    assert str(stage_2_ack.target) == "5 working days"
    assert stage_2_ack.starts is ClockEvent.STAGE_2_REQUESTED
    assert str(stage_2.target) == "20 working days"
    assert stage_2.starts is ClockEvent.STAGE_2_ACKNOWLEDGED
    assert {s.basis for s in (stage_1_ack, stage_1, stage_2_ack, stage_2)} == {Basis.REGULATOR}


@pytest.mark.parametrize(
    ("name", "kinds"),
    [("halton", ["foi_request", "stairs_request"]), ("stonewall", ["stairs_request"])],
)
def test_a_review_of_a_request_for_information_runs_from_when_it_is_asked_for(name, kinds):
    """20 working days from the request for a review to its outcome, extendable (only
    before it is due) by 20 more, as the FOI guidance allows in complex cases; STAIRs'
    review held to the same, as an assumption until the Regulator says."""
    review = load_policy(name).deadline_standard("information_review")
    assert review.case_kinds == kinds
    assert review.starts is ClockEvent.REVIEW_REQUESTED
    assert review.stops is ClockEvent.REVIEW_DECIDED
    assert str(review.target) == "20 working days"
    assert review.holding_reply is True
    assert review.extension_before_due is True
    assert review.max_extension == parse_duration("20 working days")
    assert "STAIRs" in (review.assumption or "")
    assert load_policy(name).reporting.targets["information_review"] == 100


@pytest.mark.parametrize(("name", "rings", "seconds"), [("halton", 4, 12), ("stonewall", 6, 18)])
def test_a_ring_lasts_three_seconds(name, rings, seconds):
    policy = load_policy(name)
    target = policy.deadline_standard("phone_answer_rings").target
    assert target == Duration(rings, Unit.RINGS)
    assert elapsed_micros(target, policy.working_calendar) == seconds * 1_000_000


@pytest.mark.parametrize("name", ["halton", "stonewall"])
def test_every_standard_cites_a_clause(name):
    for standard in load_policy(name).standards:
        assert standard.clause.section.strip(), standard.key
        assert standard.clause.quote.strip(), standard.key


@pytest.mark.parametrize("name", ["halton", "stonewall"])
def test_every_deadline_standard_can_be_used_by_key(name):
    policy = load_policy(name)
    keys = [s.key for s in policy.deadline_standards()]
    assert keys
    assert all(isinstance(policy.deadline_standard(key), DeadlineStandard) for key in keys)


@pytest.mark.parametrize("name", ["halton", "stonewall"])
def test_the_document_source_is_the_seed_file(name):
    assert load_policy(name).document.source == f"shared/seeds/{SEED_FILES[name]}"


@pytest.mark.parametrize("name", ["halton", "stonewall"])
def test_quotes_from_the_policy_are_word_for_word_in_the_published_policy(name):
    text = seed_text(name)
    missing = []
    quoted = [s for s in load_policy(name).standards if s.basis is Basis.POLICY]
    assert any(isinstance(s, DeadlineStandard) for s in quoted)
    for standard in quoted:
        for fragment in standard.clause.quote.split("..."):
            if normalised(fragment) not in text:
                missing.append(f"{standard.key}: {fragment.strip()!r}")
    assert not missing, "quotes not found in the seed:\n" + "\n".join(missing)


# -- broken files -------------------------------------------------------------------------


def broken_halton(tmp_path: Path, old: str, new: str) -> Path:
    assert old in HALTON_TEXT, f"halton.toml no longer contains {old!r}"
    path = tmp_path / "broken.toml"
    path.write_text(HALTON_TEXT.replace(old, new, 1), encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(PolicyError) as raised:
        load_policy(path)
    error = raised.value
    assert str(error).startswith(str(path.resolve()))
    assert error.source == str(path.resolve())
    assert error.code == "policy_invalid"
    assert error.problems
    return error.problems


def has_problem(problems: list[str], path: str, *words: str) -> bool:
    return any(
        problem.startswith(f"{path}: ") and all(word in problem for word in words)
        for problem in problems
    )


@pytest.mark.parametrize(
    ("old", "new", "key_path", "words"),
    [
        (
            'target = "10 working days"\nholding_reply = true',
            'target = "10 workdays"\nholding_reply = true',
            "standards[letter_email_response].target",
            ["'10 workdays'", "working days", "calendar days"],
        ),
        (
            "holding_reply = true",
            "holding_replies = true",
            "standards[letter_email_response].holding_replies",
            ["did you mean 'holding_reply'?"],
        ),
        (
            'measure = "threshold"\nchannels = ["email"]',
            'measure = "thresh"\nchannels = ["email"]',
            "standards[out_of_office_email]",
            ["'thresh'", "deadline, threshold, frequency, rule"],
        ),
        (
            'office_hours = ["09:00-17:00"]',
            'office_hours = ["09:00-13:00", "12:00-17:00"]',
            "calendar.office_hours[1]",
            ["'12:00-17:00'", "overlaps"],
        ),
        (
            'office_hours = ["09:00-17:00"]',
            'office_hours = ["17:00-09:00"]',
            "calendar.office_hours[0]",
            ["'17:00-09:00'", "closes before it opens"],
        ),
        (
            'office_hours = ["09:00-17:00"]',
            'office_hours = ["09:00-25:00"]',
            "calendar.office_hours[0]",
            ["'09:00-25:00'", "does not exist"],
        ),
        (
            'office_hours = ["09:00-17:00"]',
            'office_hours = ["9am-5pm"]',
            "calendar.office_hours[0]",
            ["'9am-5pm'", "09:30-13:00"],
        ),
        (
            'timezone = "Europe/London"',
            'timezone = "Europe/Londres"',
            "calendar.timezone",
            ["'Europe/Londres'", "time zone"],
        ),
        (
            'name = "Halton Housing Trust"\n',
            "",
            "organisation.name",
            ["required", "missing"],
        ),
        (
            'target = "1 month"\nholding_reply = true',
            'target = "1 month"\nholding_reply = false',
            "standards[subject_access_request].max_extension",
            ["max_extension", "holding_reply"],
        ),
        (
            'working_days = ["monday",',
            'working_days = ["mon",',
            "calendar.working_days[0]",
            ["'mon'", "'monday'"],
        ),
        (
            'channels = ["phone"]',
            'channels = ["fax"]',
            "standards[phone_answer_rings].channels[0]",
            ["'fax'", "'phone'"],
        ),
        (
            'key = "phone_answer_seconds"',
            'key = "phone_answer_rings"',
            "standards[1].key",
            ["'phone_answer_rings'", "two standards", "standards[0]"],
        ),
        (
            'max_extension = "2 months"',
            'max_extension = "2 monthz"',
            "standards[subject_access_request].max_extension",
            ["'2 monthz'", "months"],
        ),
        (
            'short_name = "Halton"',
            'short_nam = "Halton"',
            "organisation.short_nam",
            ["did you mean 'short_name'?"],
        ),
    ],
    ids=[
        "bad duration",
        "misspelt field",
        "unknown measure",
        "overlapping hours",
        "closing before opening",
        "25:00",
        "not an interval",
        "unknown timezone",
        "missing organisation name",
        "max_extension without holding_reply",
        "unknown weekday",
        "unknown channel",
        "two standards with one key",
        "bad max_extension",
        "misspelt organisation field",
    ],
)
def test_a_broken_file_names_the_key_and_says_what_is_wrong(tmp_path, old, new, key_path, words):
    problems = problems_of(broken_halton(tmp_path, old, new))
    assert has_problem(problems, key_path, *words), problems


def test_every_problem_in_a_file_is_reported_at_once(tmp_path):
    path = tmp_path / "broken.toml"
    text = HALTON_TEXT.replace('timezone = "Europe/London"', 'timezone = "Europe/Londres"')
    text = text.replace('target = "4 rings"', 'target = "4 ringz"')
    path.write_text(text, encoding="utf-8")
    problems = problems_of(path)
    assert has_problem(problems, "calendar.timezone")
    assert has_problem(problems, "standards[phone_answer_rings].target", "'4 ringz'")
    assert len(problems) == 2


def test_an_unknown_region_names_calendar_region_and_the_allowed_values(tmp_path):
    problems = problems_of(
        broken_halton(tmp_path, 'region = "england-and-wales"', 'region = "wales"')
    )
    # one mistake, one problem, at the key the file uses: no schema internals
    assert has_problem(problems, "calendar.region", "'wales'", "'scotland'"), problems
    assert problems == [p for p in problems if p.startswith("calendar.region: ")], problems


def test_a_time_zone_folder_name_is_a_policy_error(tmp_path):
    # "Europe" is a folder of zones, not a zone
    problems = problems_of(
        broken_halton(tmp_path, 'timezone = "Europe/London"', 'timezone = "Europe"')
    )
    assert has_problem(problems, "calendar.timezone", "'Europe'")


def test_an_overlong_time_zone_name_is_a_policy_error(tmp_path):
    name = "Europe/" + "x" * 300
    problems = problems_of(
        broken_halton(tmp_path, 'timezone = "Europe/London"', f'timezone = "{name}"')
    )
    assert has_problem(problems, "calendar.timezone")


def test_a_duplicate_key_is_a_toml_error_with_its_line(tmp_path):
    problems = problems_of(
        broken_halton(
            tmp_path, 'short_name = "Halton"', 'short_name = "Halton"\nshort_name = "HHT"'
        )
    )
    assert len(problems) == 1
    assert problems[0].startswith("the file is not valid TOML")
    line = HALTON_TEXT.splitlines().index('short_name = "Halton"') + 2
    assert f"line {line}" in problems[0]


def test_invalid_toml_says_the_line_and_column(tmp_path):
    problems = problems_of(
        broken_halton(tmp_path, 'name = "Halton Housing Trust"', 'name = "Halton Housing Trust')
    )
    assert len(problems) == 1
    line = HALTON_TEXT.splitlines().index('name = "Halton Housing Trust"') + 1
    assert re.search(rf"\bline {line}, column \d+", problems[0]), problems


def test_deeply_nested_toml_is_a_policy_error(tmp_path):
    path = tmp_path / "nested.toml"
    path.write_text("x = " + "[" * 1000 + "]" * 1000 + "\n", encoding="utf-8")
    problems_of(path)


def test_a_file_that_is_not_utf8_says_which_byte_and_where(tmp_path):
    path = tmp_path / "latin1.toml"
    text = HALTON_TEXT.replace('name = "Halton Housing Trust"', 'name = "Hältön"')
    path.write_bytes(text.encode("latin-1"))
    line = text.splitlines().index('name = "Hältön"') + 1
    assert problems_of(path) == [
        f"the file cannot be read as UTF-8 text: byte 0xE4 at line {line}, column 10 is not "
        f"part of a UTF-8 character. Save the file as UTF-8 and try again."
    ]


def test_a_file_over_1_mb_is_refused_with_its_size_before_it_is_read(tmp_path):
    # given: 3.2 MB that would nest too deeply if it were parsed
    path = tmp_path / "policy.toml"
    path.write_bytes(b"x = " + b"[" * (3_200_000 - 4) + b"\n")
    # then: one problem, the size
    assert problems_of(path) == ["policy.toml is 3.1 MB: a policy file must be 1 MB or smaller."]


@pytest.mark.parametrize(
    ("size", "problem"),
    [
        # only just over still reads as over (sizes are rounded up, as on every upload form)
        (1024 * 1024 + 1, "policy.toml is 1.1 MB: a policy file must be 1 MB or smaller."),
        (int(3.2 * 1024 * 1024), "policy.toml is 3.2 MB: a policy file must be 1 MB or smaller."),
        (50 * 1024 * 1024, "policy.toml is 50 MB: a policy file must be 1 MB or smaller."),
    ],
)
def test_an_upload_over_1_mb_is_refused_with_its_size(size, problem):
    content = HALTON_TEXT.encode() + b"#" * (size - len(HALTON_TEXT.encode()))
    with pytest.raises(PolicyError) as raised:
        parse_policy_bytes(content, source="uploads/policy.toml")
    assert raised.value.problems == [problem]


def test_a_file_saved_with_a_byte_order_mark_is_read():
    content = b"\xef\xbb\xbf" + HALTON_TEXT.encode()  # as Windows Notepad saves UTF-8
    assert parse_policy_bytes(content, source="x.toml") == load_policy("halton")


def test_a_file_of_exactly_1_mb_is_read():
    padding = 1024 * 1024 - len(HALTON_TEXT.encode()) - 1
    content = HALTON_TEXT.encode() + b"#" * padding + b"\n"
    assert len(content) == 1024 * 1024
    assert parse_policy_bytes(content, source="x.toml") == load_policy("halton")


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (
            HALTON_TEXT.replace('short_name = "Halton"', 'short_name = "Hal\x00ton"').encode(),
            "the file has a NUL character (a zero byte) at line 12, column 18: a policy file is "
            "plain text and cannot hold one.",
        ),
        (
            b"schema_version = 1\nring = " + b"9" * 5000 + b"\n",
            "the file has a number too long to read at line 2: no setting needs more than a "
            "few digits.",
        ),
        (b"x = " + b"[" * 5000 + b"]" * 5000, "the file nests lists or tables too deeply"),
        (
            b"[calendar]\nregion = 'none'\n[calendar]\n",
            "the file is not valid TOML: Cannot declare ('calendar',) twice (at line 3, "
            "column 10) (a key or table is given twice)",
        ),
    ],
    ids=["nul", "huge integer", "deep nesting", "duplicate table"],
)
def test_hostile_bytes_are_refused_with_one_clear_problem(content, problem):
    with pytest.raises(PolicyError) as raised:
        parse_policy_bytes(content, source="x.toml")
    assert raised.value.problems == [problem]
    assert raised.value.paths == [()]


def test_a_huge_float_is_refused_at_its_key():
    content = HALTON_TEXT.replace("ring_seconds = 3", "ring_seconds = 1e999").encode()
    with pytest.raises(PolicyError) as raised:
        parse_policy_bytes(content, source="x.toml")
    assert raised.value.paths == [("calendar", "ring_seconds")]
    assert "inf is not allowed" in raised.value.problems[0]


def test_a_long_value_is_cut_short_in_its_problem():
    content = HALTON_TEXT.replace('"4 rings"', '"' + "4" * 100_000 + ' rings"').encode()
    with pytest.raises(PolicyError) as raised:
        parse_policy_bytes(content, source="x.toml")
    (problem,) = raised.value.problems
    assert problem.startswith("standards[phone_answer_rings].target: '4444")
    assert len(problem) < 200


def test_a_missing_file_is_an_unknown_policy(tmp_path):
    path = tmp_path / "missing.toml"
    with pytest.raises(UnknownPolicy) as raised:
        load_policy(path)
    assert str(path) in raised.value.message
    assert raised.value.code == "policy_unknown"


def test_a_folder_is_not_a_policy_file(tmp_path):
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    with pytest.raises(UnknownPolicy):
        load_policy(folder)


def test_an_unknown_policy_name_lists_the_known_ones():
    with pytest.raises(UnknownPolicy) as raised:
        load_policy("nosuch")
    assert "'nosuch'" in raised.value.message
    assert "halton, stonewall" in raised.value.message


def test_a_policy_file_is_read_again_when_it_changes(tmp_path):
    path = tmp_path / "policy.toml"
    path.write_text(HALTON_TEXT, encoding="utf-8")
    first = load_policy(path)
    path.write_text(HALTON_TEXT.replace('"4 rings"', '"5 rings"'), encoding="utf-8")
    second = load_policy(path)
    assert str(first.deadline_standard("phone_answer_rings").target) == "4 rings"
    assert str(second.deadline_standard("phone_answer_rings").target) == "5 rings"


def test_parse_policy_names_its_source_in_errors():
    with pytest.raises(PolicyError) as raised:
        parse_policy("schema_version = 1\n", source="x.toml")
    assert str(raised.value).startswith("x.toml: ")
    assert has_problem(raised.value.problems, "organisation", "missing")


# -- office hours and frequencies ---------------------------------------------------------


@pytest.mark.parametrize(
    ("intervals", "expected"),
    [
        (["09:00-17:00"], ((32_400, 61_200),)),
        (["09:30-13:00", "14:00-17:30"], ((34_200, 46_800), (50_400, 63_000))),
        (["00:00-24:00"], ((0, 86_400),)),
        ([" 08:00 - 12:00 "], ((28_800, 43_200),)),
        (["08:00-12:00", "12:00-13:00"], ((28_800, 43_200), (43_200, 46_800))),
        ([], ()),
    ],
)
def test_office_hours_read_as_seconds_after_midnight(intervals, expected):
    assert parse_office_hours(intervals) == expected


@pytest.mark.parametrize(
    ("intervals", "words"),
    [
        (["9:00-17:00"], "is not an interval"),
        (["09:00-17:00-18:00"], "is not an interval"),
        (["09.00-17.00"], "is not an interval"),
        (["24:00-24:30"], "does not exist"),
        (["09:60-17:00"], "does not exist"),
        (["09:00-24:01"], "does not exist"),
        (["09:00-09:00"], "closes before it opens"),
        (["14:00-17:00", "09:00-12:00"], "comes before"),
    ],
)
def test_impossible_office_hours_are_refused(intervals, words):
    with pytest.raises(ValueError, match=words):
        parse_office_hours(intervals)


@st.composite
def valid_hours(draw):
    """Ordered, non-overlapping intervals on whole minutes, as a policy file writes them."""
    minutes = sorted(draw(st.sets(st.integers(0, 24 * 60), min_size=2, max_size=8)))
    pairs = list(zip(minutes[::2], minutes[1::2], strict=False))
    texts = [f"{o // 60:02d}:{o % 60:02d}-{c // 60:02d}:{c % 60:02d}" for o, c in pairs]
    return texts, tuple((o * 60, c * 60) for o, c in pairs)


@given(case=valid_hours())
def test_written_office_hours_read_back_exactly(case):
    texts, expected = case
    assert parse_office_hours(texts) == expected


@given(intervals=st.lists(st.text(max_size=15) | st.from_regex(r"\A\d\d:\d\d-\d\d:\d\d\Z")))
def test_any_office_hours_are_sound_intervals_or_a_value_error(intervals):
    try:
        parsed, error = parse_office_hours(intervals), None
    except ValueError as raised:
        parsed, error = None, raised
    if error is not None:
        assert "'" in str(error)
    else:
        assert parsed is not None
        assert len(parsed) == len(intervals)
        assert all(0 <= opens < closes <= 86_400 for opens, closes in parsed)
        assert all(a[1] <= b[0] for a, b in pairwise(parsed))


STONEWALL_TEXT = (POLICIES_FOLDER / "stonewall.toml").read_text(encoding="utf-8")


def email_checks(target: str):
    text = STONEWALL_TEXT.replace('target = "4 per working day"', f"target = {target!r}")
    standard = parse_policy(text, source="stonewall.toml").standard("email_checks")
    assert isinstance(standard, FrequencyStandard)
    return standard.target


@pytest.mark.parametrize(
    "written",
    ["4 per working day", "4 times a working day", "4 a working day", "4 Per Working  Day"],
)
def test_a_frequency_can_be_written_several_ways(written):
    assert email_checks(written).times == 4


@pytest.mark.parametrize("written", ["0 per working day", "4 per day", "four per working day", "4"])
def test_a_frequency_must_be_a_positive_count_per_working_day(written):
    with pytest.raises(PolicyError) as raised:
        email_checks(written)
    assert has_problem(raised.value.problems, "standards[email_checks].target", f"'{written}'")


@given(times=st.integers(1, 999))
def test_any_count_per_working_day_reads_back(times):
    target = email_checks(f"{times} per working day")
    assert target.times == times
    assert str(target) == f"{times} per working day"


# -- properties ---------------------------------------------------------------------------


def toml_data(text: str) -> dict[str, Any] | None:
    """What tomllib reads from the text, if it reads it."""
    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError, ValueError):
        return None


def in_file(data: Any, path: tuple[str | int, ...]) -> bool:
    """The key path is in the data, or names a key missing from a table that is."""
    node = data
    for position, step in enumerate(path):
        last = position == len(path) - 1
        if isinstance(node, dict) and isinstance(step, str):
            if step not in node:
                return last
            node = node[step]
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            node = node[step]
        else:
            return False
    return True


def refused_well(error: PolicyError, text: str | None) -> None:
    """A PolicyError worth reading: one line per problem, each at a key of the file."""
    assert error.source == "x.toml"
    assert str(error).startswith("x.toml: ")
    assert error.problems
    assert len(error.paths) == len(error.problems)
    assert all(isinstance(p, str) and p.strip() for p in error.problems)
    assert len(error.message.splitlines()) == len(error.problems) + 1
    data = toml_data(text) if text is not None else None
    if data is None:
        return  # not TOML: problems with the whole file
    for path, problem in zip(error.paths, error.problems, strict=True):
        assert path, problem  # TOML that reads: every problem is at a key
        assert in_file(data, path), (path, problem)


def parses_or_refuses(text: str) -> None:
    """The one property of parse_policy: a Policy or a PolicyError, nothing else."""
    try:
        result, error = parse_policy(text, source="x.toml"), None
    except PolicyError as raised:
        result, error = None, raised
    if error is not None:
        refused_well(error, text)
    else:
        assert isinstance(result, Policy)


def bytes_parse_or_refuse(content: bytes) -> None:
    """Any bytes: a Policy or a PolicyError at keys of the file, nothing else."""
    try:
        result, error = parse_policy_bytes(content, source="x.toml"), None
    except PolicyError as raised:
        result, error = None, raised
    if error is not None:
        try:
            text: str | None = content.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        refused_well(error, text)
    else:
        assert isinstance(result, Policy)


@given(text=st.text())
@example(text="x = " + "[" * 1000 + "]" * 1000)
def test_any_text_is_a_policy_or_a_policy_error(text):
    parses_or_refuses(text)


@given(
    removed=st.sets(st.integers(0, HALTON_TEXT.count("\n"))),
    repeated=st.sets(st.integers(0, HALTON_TEXT.count("\n")), max_size=3),
)
def test_halton_with_lines_removed_or_repeated_is_a_policy_or_a_policy_error(removed, repeated):
    lines = []
    for number, line in enumerate(HALTON_TEXT.splitlines()):
        if number not in removed:
            lines.append(line)
        if number in repeated:
            lines.append(line)
    parses_or_refuses("\n".join(lines))


def toml_string(text: str) -> str:
    escaped = []
    for char in text:
        if char in '"\\':
            escaped.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            escaped.append(f"\\u{ord(char):04X}")
        else:
            escaped.append(char)
    return '"' + "".join(escaped) + '"'


def toml_value(value) -> str:
    if isinstance(value, date):
        return value.isoformat()  # a TOML local date: 2026-03-31
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "nan" if math.isnan(value) else repr(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    pairs = (f"{toml_string(key)} = {toml_value(item)}" for key, item in value.items())
    return "{" + ", ".join(pairs) + "}"


def toml_document(data: dict[str, Any]) -> str:
    return "".join(f"{toml_string(key)} = {toml_value(value)}\n" for key, value in data.items())


def test_the_test_toml_writer_round_trips_halton():
    assert tomllib.loads(toml_document(HALTON_DATA)) == HALTON_DATA
    assert parse_policy(toml_document(HALTON_DATA), source="x.toml") == load_policy("halton")


def all_paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from all_paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from all_paths(value, (*prefix, index))


HALTON_PATHS = [path for path in all_paths(HALTON_DATA) if path]
PLAUSIBLE = [
    "10 workdays",
    "10 working days",
    "1 day",
    "0 rings",
    "9999999 months",
    "25:00-26:00",
    "17:00-09:00",
    "09:00-13:00",
    "monday",
    "funday",
    "deadline",
    "threshold",
    "frequency",
    "rule",
    "scotland",
    "none",
    "Europe/London",
    "Mars/Olympus",
    "2025-02-30",
    "2025-12-25",
    "4 per working day",
    "0 per working day",
    "received",
    "response_sent",
    "any",
    "12 weeks",
    "09-30",
    "02-29",
    "09-31",
    "13-01",
    "damp_and_mould",
    "info@housing-ombudsman.org.uk",
    "https://www.housing-ombudsman.org.uk",
    "",
]
toml_scalars = (
    st.dates(date(1900, 1, 1), date(2200, 12, 31))
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_infinity=False)
    | st.text(max_size=20)
    | st.sampled_from(PLAUSIBLE)
)
toml_values = st.recursive(
    toml_scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)
mutations = st.tuples(
    st.sampled_from(HALTON_PATHS),
    st.sampled_from(["replace", "delete", "add sibling"]),
    toml_values,
    st.text(min_size=1, max_size=12),
)


def holds(node, step) -> bool:
    if isinstance(node, dict):
        return step in node
    return isinstance(node, list) and isinstance(step, int) and step < len(node)


def mutate(data: dict[str, Any], mutation) -> dict[str, Any]:
    """The data with one change; LookupError if an earlier change removed the path."""
    path, action, value, new_key = mutation
    changed = copy.deepcopy(data)
    parent: Any = changed
    for step in path[:-1]:
        if not holds(parent, step):
            raise LookupError(path)
        parent = parent[step]
    last = path[-1]
    if action == "add sibling" and isinstance(parent, dict):
        parent[new_key] = value
    elif action == "add sibling" and isinstance(parent, list):
        parent.append(value)
    elif not holds(parent, last):
        raise LookupError(path)
    elif action == "replace":
        parent[last] = value
    else:
        del parent[last]
    return changed


@given(mutations=st.lists(mutations, min_size=1, max_size=3))
@example(mutations=[(("calendar", "timezone"), "replace", "Europe", "x")])
@example(mutations=[(("standards", 3, "key"), "replace", ["x"], "x")])
@example(mutations=[(("reporting", "targets"), "replace", {"a": {"b": []}}, "x")])
def test_a_mutated_halton_file_is_a_policy_or_a_policy_error(mutations):
    data = HALTON_DATA
    for mutation in mutations:
        try:
            data = mutate(data, mutation)
        except LookupError:
            continue  # an earlier mutation removed this path
    parses_or_refuses(toml_document(data))


STONEWALL_DATA = tomllib.loads(STONEWALL_TEXT)
stonewall_mutations = st.tuples(
    st.sampled_from([path for path in all_paths(STONEWALL_DATA) if path]),
    st.sampled_from(["replace", "delete", "add sibling"]),
    toml_values,
    st.text(min_size=1, max_size=12),
)


@given(mutations=st.lists(stonewall_mutations, min_size=1, max_size=4))
@example(mutations=[(("calendar", "office_hours", 1), "replace", "12:00-18:00", "x")])
@example(mutations=[(("standards", 2, "key"), "replace", "message_response", "x")])
def test_a_mutated_stonewall_file_is_a_policy_or_a_policy_error(mutations):
    data = STONEWALL_DATA
    for mutation in mutations:
        try:
            data = mutate(data, mutation)
        except LookupError:
            continue
    parses_or_refuses(toml_document(data))


# -- any bytes --------------------------------------------------------------------------

REAL_FILES = [HALTON_TEXT.encode(), STONEWALL_TEXT.encode()]


@st.composite
def damaged_files(draw):
    """A real policy file with bytes put in, taken out or swapped at random places."""
    content = bytearray(draw(st.sampled_from(REAL_FILES)))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(content)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        junk = draw(
            st.binary(min_size=1, max_size=12)
            | st.sampled_from(
                [
                    b"\x00",
                    b"\xef\xbb\xbf",
                    b"\xff",
                    b"[",
                    b"]]",
                    b"{",
                    b"=",
                    b'"',
                    b"\n",
                    b"1" * 5000,
                    b"1e999",
                    b"nan",
                    b"-",
                    b"[[standards]]\n",
                ]
            )
        )
        if action == "insert":
            content[at:at] = junk
        elif action == "delete":
            del content[at : at + len(junk)]
        else:
            content[at : at + len(junk)] = junk
    return bytes(content)


@given(content=st.binary(max_size=2000))
@example(content=b"\xef\xbb\xbf" + HALTON_TEXT.encode())
@example(content=b"x = " + b"[" * 2000 + b"]" * 2000)
@example(content=b"x = " + b"1" * 5000)
@example(content=b"a = 1\na = 2\n")
@example(content=b"\xff\xfeschema_version = 1")
def test_any_bytes_are_a_policy_or_a_policy_error(content):
    bytes_parse_or_refuse(content)


@given(content=damaged_files())
@example(content=HALTON_TEXT.encode())
@example(content=STONEWALL_TEXT.replace("ring_seconds = 3", "ring_seconds = 1e999").encode())
def test_a_damaged_real_policy_file_is_a_policy_or_a_policy_error(content):
    bytes_parse_or_refuse(content)


def test_the_test_toml_writer_escapes_what_toml_requires():
    # keys and values with quotes, backslashes and control characters survive the writer
    data = {'a"b': "c\\d\n\x7f\x00é😀", "": [1, 2.5, True, {"k": []}, -0.0]}
    assert tomllib.loads(toml_document(data)) == data


@pytest.mark.parametrize(
    ("calendar_lines", "expected"),
    [
        (
            "office_hours_by_day = { monday = [] }",
            "calendar.office_hours_by_day.monday: a working day needs at least one",
        ),
        (
            'office_hours_by_day = { saturday = ["09:00-12:00"] }',
            "calendar.office_hours_by_day.saturday: gives hours for saturday, which is not "
            "in working_days",
        ),
        (
            "closure_days = [2025-12-24, 1850-12-24]",
            "calendar.closure_days[1]: closure day 1850-12-24 is outside the years",
        ),
    ],
)
def test_calendar_settings_that_do_not_fit_together_are_refused(tmp_path, calendar_lines, expected):
    text = HALTON_TEXT.replace("closure_days = []", calendar_lines)
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyError) as raised:
        load_policy(path)
    assert any(p.startswith(expected) for p in raised.value.problems), raised.value.problems


def test_both_policies_set_how_letters_look_and_read():
    for name in ("halton", "stonewall"):
        correspondence = load_policy(name).correspondence
        assert correspondence.large_print_pt == 16
        assert correspondence.plain_english.min_reading_ease == 60


# -- lone working ---------------------------------------------------------------------------


def test_both_policies_alert_on_lone_working_at_15_and_45_minutes_as_an_assumption():
    for name in ("halton", "stonewall"):
        lone_working = load_policy(name).lone_working
        assert (str(lone_working.alert_after), str(lone_working.second_alert_after)) == (
            "15 minutes",
            "45 minutes",
        )
        assert lone_working.assumptions, "the landlord's choice is said to be one"


def test_a_policy_without_lone_working_has_the_defaults(tmp_path):
    start = HALTON_TEXT.index("[lone_working]")
    end = HALTON_TEXT.index("]\n\n", start + len("[lone_working]")) + 3
    path = tmp_path / "policy.toml"
    path.write_text(HALTON_TEXT[:start] + HALTON_TEXT[end:], encoding="utf-8")

    lone_working = load_policy(path).lone_working

    assert "lone_working" not in tomllib.loads(path.read_text(encoding="utf-8"))
    assert (lone_working.alert_after, lone_working.second_alert_after) == (
        Duration(15, Unit.MINUTES),
        Duration(45, Unit.MINUTES),
    )


@pytest.mark.parametrize(
    ("old", "new", "key_path", "words"),
    [
        (
            'alert_after = "15 minutes"',
            'alert_after = "15 minuets"',
            "lone_working.alert_after",
            ["'15 minuets'", "minutes"],
        ),
        (
            'alert_after = "15 minutes"',
            'alert_after = "1 working day"',
            "lone_working.alert_after",
            ["'1 working day'", "real time", "minutes or hours"],
        ),
        (
            'second_alert_after = "45 minutes"',
            'second_alert_after = "2 rings"',
            "lone_working.second_alert_after",
            ["'2 rings'", "minutes or hours"],
        ),
        (
            'second_alert_after = "45 minutes"',
            'second_alert_after = "10 minutes"',
            "lone_working.second_alert_after",
            ["'10 minutes'", "later than alert_after", "'15 minutes'"],
        ),
        (
            'second_alert_after = "45 minutes"',
            'second_alert_after = "15 minutes"',
            "lone_working.second_alert_after",
            ["later than alert_after"],
        ),
        (
            'alert_after = "15 minutes"',
            "alert_after = 15",
            "lone_working.alert_after",
            ["should be text", "it is 15"],
        ),
    ],
    ids=[
        "misspelt unit",
        "working days",
        "rings",
        "second before first",
        "second with first",
        "a number",
    ],
)
def test_a_bad_lone_working_setting_names_its_key_and_line(tmp_path, old, new, key_path, words):
    problems = problems_of(broken_halton(tmp_path, old, new))

    assert has_problem(problems, key_path, *words), problems
    line = HALTON_TEXT[: HALTON_TEXT.index(old)].count("\n") + 1
    assert any(p.startswith(key_path) and p.endswith(f"(line {line}).") for p in problems), problems


# -- retention -----------------------------------------------------------------------------


def test_both_policies_keep_closed_cases_six_years_as_an_assumption():
    for name in ("halton", "stonewall"):
        retention = load_policy(name).retention
        assert str(retention.closed_cases) == "72 months"
        assert str(retention.unmatched_emails) == "12 months"
        assert retention.assumptions, "the landlord's choice is said to be one"


@pytest.mark.parametrize(
    ("old", "new", "key_path", "words"),
    [
        (
            'closed_cases = "72 months"',
            'closed_cases = "6 years"',
            "retention.closed_cases",
            ["'6 years'"],
        ),
        (
            'access_log = "24 months"',
            'access_log = "10 working days"',
            "retention.access_log",
            ["'10 working days'", "not a retention period", "months, weeks or calendar days"],
        ),
        (
            'call_numbers = "24 months"',
            'call_numbers = "0 months"',
            "retention.call_numbers",
            ["'0 months'", "not a retention period"],
        ),
        (
            'reception_log = "24 months"',
            "reception_log = 24",
            "retention.reception_log",
            ["should be text", "it is 24"],
        ),
    ],
    ids=["years", "working days", "nothing", "a number"],
)
def test_a_bad_retention_period_names_its_key_and_line(tmp_path, old, new, key_path, words):
    problems = problems_of(broken_halton(tmp_path, old, new))

    assert has_problem(problems, key_path, *words), problems
    line = HALTON_TEXT[: HALTON_TEXT.index(old)].count("\n") + 1
    assert any(p.startswith(key_path) and p.endswith(f"(line {line}).") for p in problems), problems
