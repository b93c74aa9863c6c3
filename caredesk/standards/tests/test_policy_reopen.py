"""restarts_on_reopen: which promises a reopened case owes again (cases.rules)."""

from __future__ import annotations

import pytest

from caredesk.errors import PolicyError
from caredesk.standards import load_policy, parse_policy
from caredesk.standards.policy_files import POLICIES_FOLDER

HALTON_TEXT = (POLICIES_FOLDER / "halton.toml").read_text(encoding="utf-8")


def test_a_standard_owes_nothing_again_unless_the_policy_says_so():
    halton = load_policy("halton")
    assert not halton.deadline_standard("letter_email_response").restarts_on_reopen
    assert halton.deadline_standard("complaint_stage_1_response").restarts_on_reopen


def test_only_a_promise_met_by_answering_or_contacting_can_restart():
    # given: the stage 1 acknowledgement (met by acknowledging, not answering) marked
    text = HALTON_TEXT.replace(
        'stops = "stage_1_acknowledged"\ntarget = "5 working days"\n',
        'stops = "stage_1_acknowledged"\ntarget = "5 working days"\nrestarts_on_reopen = true\n',
        1,
    )
    assert text != HALTON_TEXT
    with pytest.raises(PolicyError) as raised:
        parse_policy(text, source="policy.toml")
    assert raised.value.problems[0].startswith(
        "standards[complaint_stage_1_acknowledge].restarts_on_reopen: restarts_on_reopen is "
        "true but the standard stops on 'stage_1_acknowledged': only a promise met by "
        "answering or contacting the customer can be owed again when a case is reopened"
    )


def test_restarts_on_reopen_is_true_or_false():
    text = HALTON_TEXT.replace("restarts_on_reopen = true", 'restarts_on_reopen = "yes"', 1)
    with pytest.raises(PolicyError, match="restarts_on_reopen"):
        parse_policy(text, source="policy.toml")
