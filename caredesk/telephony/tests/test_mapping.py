"""Mapping files: the shipped ones are valid, a bad one says every problem plainly."""

import pytest

from caredesk.telephony.mapping import MappingError, load_mapping, parse_mapping


def test_the_shipped_mappings_are_valid():
    assert load_mapping("teams").format.source == "teams"
    assert load_mapping("generic").outcome_of("  MISSED ") == "abandoned"


def test_a_bad_mapping_lists_every_problem_in_plain_english():
    with pytest.raises(MappingError) as caught:
        parse_mapping(
            '[format]\nsource = "Mitel PBX"\nzoen = "UTC"\n[columns]\ncall_id = "id"\n'
            'answered = "a"\nseconds_to_answer = "w"\n[outcomes]\nok = "fine"\n',
            source="bad.toml",
        )
    problems = caught.value.problems
    assert "format.zoen: 'zoen' is not a setting here (did you mean 'zone'?)" in problems
    assert "columns.started: is required but missing" in problems
    assert "outcomes.ok: 'fine' is not one of answered, abandoned, voicemail, transferred" in (
        problems
    )
    assert any(p.startswith("format.source: 'Mitel PBX' is not a source name") for p in problems)


def test_a_mapping_needs_exactly_one_way_to_tell_the_answer_time():
    with pytest.raises(MappingError, match="either 'answered'"):
        parse_mapping(
            '[format]\nsource = "x"\n[columns]\ncall_id = "id"\nstarted = "s"\n', source="m.toml"
        )


def test_an_unknown_mapping_name_says_which_exist():
    with pytest.raises(MappingError, match="Known: generic, teams"):
        load_mapping("avaya")
