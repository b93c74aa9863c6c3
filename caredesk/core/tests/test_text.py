"""Text every database can hold: characters that cannot be stored are removed, and
counted, for machine input; typed input is refused with the reason."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caredesk.core.text import has_unstorable, storable, storable_text, unstorable_reason
from caredesk.customers.models import Customer, CustomerType
from caredesk.customers.services import customer_create


def unstorable(character: str) -> bool:
    return character == "\x00" or 0xD800 <= ord(character) <= 0xDFFF


# Any text at all: surrogates (which st.text leaves out by default) and NULs included, and
# often, so that most examples have some.
any_character = st.one_of(
    st.characters(exclude_categories=()),
    st.sampled_from(["\x00", "\ud800", "\udbff", "\udc00", "\udfff"]),
)
any_text = st.text(alphabet=any_character, max_size=200)


@given(any_text)
def test_storable_text_has_no_nul_or_surrogate(value):
    assert not any(unstorable(character) for character in storable(value).text)


@given(any_text)
def test_storable_text_is_the_value_with_exactly_removed_characters_taken_out(value):
    made = storable(value)
    assert len(made.text) == len(value) - made.removed
    # the text is the value in order (a subsequence), with only unstorable characters gone
    position = 0
    for character in value:
        if position < len(made.text) and made.text[position] == character:
            position += 1
        else:
            assert unstorable(character), repr(character)
    assert position == len(made.text)
    assert made.removed == sum(unstorable(character) for character in value)
    assert storable_text(value) == made.text
    assert has_unstorable(value) == (made.removed > 0)


@given(any_text)
def test_the_note_says_how_many_were_removed_and_is_empty_when_none_were(value):
    made = storable(value)
    if made.removed:
        assert made.note.startswith(f"{made.removed} character")
        verb = "was" if made.removed == 1 else "were"
        assert made.note.endswith(f"that cannot be stored {verb} removed")
    else:
        assert made.note == ""
        assert made.text == value


@given(any_text)
def test_typed_text_is_refused_with_a_reason_exactly_when_it_cannot_be_stored(value):
    reason = unstorable_reason(value)
    assert bool(reason) == any(unstorable(character) for character in value)
    if reason:
        assert reason.endswith("Remove it and try again.")


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("a\x00b", "It contains a NUL character"),
        ("ab\ud800", "not valid text (at position 3)"),
    ],
)
def test_the_reason_names_the_character_or_its_place(value, says):
    assert says in unstorable_reason(value)


@pytest.mark.django_db
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
@given(value=any_text)
def test_storable_text_saves_to_a_text_field_and_reads_back_the_same(value):
    # given: a customer's address, a text field (on PostgreSQL, text cannot hold NUL)
    customer = Customer.objects.first() or customer_create(
        customer_type=CustomerType.TENANT, first_name="Alex"
    )
    # when
    Customer.objects.filter(pk=customer.pk).update(address=storable(value).text)
    # then: whatever the value, it is stored, and read back as it was made
    assert Customer.objects.get(pk=customer.pk).address == storable(value).text
