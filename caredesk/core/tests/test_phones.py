"""A phone number's key (core.phones): the ways one number is written give one key."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caredesk.core.phones import phone_key

ASCII_DIGITS = "0123456789"
# Digits of other scripts: Arabic-Indic, Devanagari, full-width. Python's \d matches them.
OTHER_DIGITS = "٠١٢٣٤٥٦٧٨٩०१२३४५६७८९０１２３４５６７８９"
# What a customer's phone number may hold (customers.details_check: forms, import, API).
CUSTOMER_PHONE = re.compile(r"[0-9 +()\-.]+")


@pytest.mark.parametrize(
    "written",
    [
        "01632960001",
        "01632 960001",
        "01632 960 001",
        "(01632) 960-001",
        "01632.960.001",
        "+441632960001",
        "+44 1632 960001",
        "441632960001",
        " 01632 960001 ",
    ],
)
def test_the_ways_a_uk_number_is_written_give_one_key(written):
    assert phone_key(written) == "01632960001"


def test_a_number_without_digits_has_no_key():
    assert phone_key("") == ""
    assert phone_key("Anonymous") == ""
    assert phone_key("withheld") == ""


def test_only_ascii_digits_count():
    assert phone_key("٠١٦٣٢ ٩٦٠٠٠١") == ""
    assert phone_key("０１６３２９６０００１") == ""
    assert phone_key("0163٢ 960001") == "0163960001"


def reference(text: str) -> str:
    """The rule, said the slow way."""
    digits = "".join(character for character in text if character in ASCII_DIGITS)
    return "0" + digits[2:] if digits[:2] == "44" else digits


numbers = st.text(
    st.one_of(
        st.sampled_from(ASCII_DIGITS + OTHER_DIGITS + " +()-.\t"),
        st.characters(codec="utf-8"),
    ),
    max_size=30,
)


@given(numbers)
def test_the_key_is_the_ascii_digits_with_a_leading_44_made_0(text):
    key = phone_key(text)
    assert key == reference(text)
    assert set(key) <= set(ASCII_DIGITS)
    assert phone_key(key) == key  # a key is its own key


@given(st.from_regex(CUSTOMER_PHONE, fullmatch=True))
def test_customers_phone_keys_are_what_they_were_before_only_ascii_counted(phone):
    # Before, every Unicode digit counted (re.sub(r"\D", ...)); a customer's number can
    # hold only ASCII digits, so their `phone_search` keys are the same as before.
    digits = re.sub(r"\D", "", phone)
    assert phone_key(phone) == ("0" + digits[2:] if digits.startswith("44") else digits)
