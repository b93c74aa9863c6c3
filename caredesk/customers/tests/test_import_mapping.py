"""Customer mapping files (customers.import_mapping): every problem listed, by key path."""

from __future__ import annotations

import pytest

from caredesk.customers.import_mapping import (
    CustomerMappingError,
    load_customer_mapping,
    parse_customer_mapping,
)


def test_a_mapping_with_problems_lists_each_by_its_key_path():
    text = """
[format]
encoding = "klingon"
[columns]
external_referenc = "Ref"
address = []
[values.customer_type]
T = "tennant"
[yes_no]
yes = ["Y"]
no = ["y"]
"""
    with pytest.raises(CustomerMappingError) as raised:
        parse_customer_mapping(text, source="bad.toml")

    problems = raised.value.problems
    assert "format.encoding: 'klingon' is not a text encoding such as 'utf-8'." in problems
    assert "columns.external_reference: is required but missing" in problems
    assert (
        "columns.external_referenc: 'external_referenc' is not a setting here "
        "(did you mean 'external_reference'?)" in problems
    )
    assert any(problem.startswith("columns.address:") for problem in problems)
    assert any(
        problem.startswith("values.customer_type.T: 'tennant' is not one of tenant,")
        for problem in problems
    )


def test_a_word_both_yes_and_no_is_refused():
    text = '[columns]\nexternal_reference = "Ref"\n[yes_no]\nyes = ["Y"]\nno = [" y "]\n'
    with pytest.raises(CustomerMappingError, match="yes_no: y is both yes and no"):
        parse_customer_mapping(text, source="both.toml")


def test_an_unknown_shipped_name_lists_the_known_ones():
    with pytest.raises(
        CustomerMappingError, match=r"there is no mapping called 'nope'\. Known: housing"
    ):
        load_customer_mapping("nope")


def test_choices_take_the_mappings_words_then_the_choices_own_case_and_spaces_ignored():
    mapping = load_customer_mapping("housing")
    assert mapping.choice_of("customer_type", " lic ") == "licensee"
    assert mapping.choice_of("customer_type", "Advice client") == "advice_client"
    assert mapping.choice_of("preferred_channel", "sms") == "text_message"
    assert mapping.choice_of("customer_type", "X") is None
    assert mapping.yes_or_no("TRUE") is True
    assert mapping.yes_or_no("") is False
    assert mapping.yes_or_no("maybe") is None
