"""max_revision: how far a holding reply may move a due date, checked where it is written."""

from __future__ import annotations

import pytest

from caredesk.errors import PolicyError
from caredesk.standards import parse_duration, parse_policy
from caredesk.standards.policy_files import POLICIES_FOLDER, load_policy

HALTON_TEXT = (POLICIES_FOLDER / "halton.toml").read_text(encoding="utf-8")
LETTERS_LIMIT = 'max_revision = "10 working days"'
DEFAULT_LIMIT = 'max_revision = "20 working days"'


def problems_of(text: str) -> list[str]:
    with pytest.raises(PolicyError) as raised:
        parse_policy(text, source="policy.toml")
    return raised.value.problems


def line_of(text: str, written: str) -> int:
    return text.splitlines().index(written) + 1


def test_halton_letters_may_be_revised_by_10_working_days_and_others_by_the_default():
    policy = load_policy("halton")
    letters = policy.deadline_standard("letter_email_response")
    assert policy.revision_limit(letters) == parse_duration("10 working days")
    assert policy.holding_replies.max_revision == parse_duration("20 working days")
    assert letters.assumption
    assert "no limit" in letters.assumption


@pytest.mark.parametrize("name", ["halton", "stonewall"])
def test_a_legal_or_regulatory_extension_is_the_limit_where_there_is_one(name):
    policy = load_policy(name)
    for key, limit in [
        ("subject_access_request", "2 months"),
        ("complaint_stage_1_response", "10 working days"),
        ("complaint_stage_2_response", "20 working days"),
    ]:
        assert policy.revision_limit(policy.deadline_standard(key)) == parse_duration(limit)


def test_a_policy_without_holding_replies_settings_has_a_20_working_day_default():
    text = HALTON_TEXT.replace(f"[holding_replies]\n{DEFAULT_LIMIT}\n", "[holding_replies]\n", 1)
    assert parse_policy(text, source="policy.toml").holding_replies.max_revision == (
        parse_duration("20 working days")
    )


@pytest.mark.parametrize(
    ("written", "words"),
    [
        ('max_revision = "ten days"', "'ten days' is not a duration"),
        ('max_revision = "0 working days"', "'0 working days' cannot limit a revised date"),
        ('max_revision = "3 rings"', "'3 rings' cannot limit a revised date"),
        ("max_revision = 10", "should be text such as '10 working days'"),
    ],
)
def test_a_broken_max_revision_is_named_by_its_key_and_line(written, words):
    text = HALTON_TEXT.replace(LETTERS_LIMIT, written, 1)
    [problem] = problems_of(text)
    assert problem.startswith("standards[letter_email_response].max_revision: ")
    assert words in problem
    assert problem.endswith(f"(line {line_of(text, written)}).")


def test_a_broken_default_is_named_by_its_key_and_line():
    written = 'max_revision = "-3 working days"'
    text = HALTON_TEXT.replace(DEFAULT_LIMIT, written, 1)
    [problem] = problems_of(text)
    assert problem.startswith("holding_replies.max_revision: ")
    assert problem.endswith(f"(line {line_of(text, written)}).")


def test_max_revision_without_holding_replies_is_a_problem():
    text = HALTON_TEXT.replace(
        'target = "3 working days"\n', f'target = "3 working days"\n{LETTERS_LIMIT}\n', 1
    )
    [problem] = problems_of(text)
    assert problem.startswith("standards[information_request].max_revision: ")
    assert "holding_reply is not true" in problem


def test_max_revision_beside_max_extension_is_a_problem():
    text = HALTON_TEXT.replace(
        'max_extension = "10 working days"\n',
        'max_extension = "10 working days"\nmax_revision = "5 working days"\n',
        1,
    )
    [problem] = problems_of(text)
    assert problem.startswith("standards[complaint_stage_1_response].max_revision: ")
    assert "both set" in problem
