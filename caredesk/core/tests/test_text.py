"""Text every database can hold: characters that cannot be stored are removed, and
counted, for machine input; typed input is refused with the reason."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caredesk.core.text import (
    has_unstorable,
    storable,
    storable_text,
    typed_text_check,
    unstorable_reason,
)
from caredesk.customers.consent import ConsentRefused
from caredesk.customers.models import Customer, CustomerType
from caredesk.customers.services import customer_create
from caredesk.privacy.breaches import BreachError
from caredesk.privacy.disclosures import DisclosureRefused


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


# -- what a person typed into one field (typed_text_check) ---------------------------------

REFUSALS = (ConsentRefused, DisclosureRefused, BreachError)  # services' own errors
LABELS = ("What happened", "The evidence", "The ICO's reference")


@given(
    value=any_text,
    label=st.sampled_from(LABELS),
    error=st.sampled_from(REFUSALS),
    limit=st.integers(min_value=1, max_value=250),
    # True, False, no sentence (not required), or the sentence that asks for it
    required=st.one_of(st.booleans(), st.sampled_from(["", "Say why they ask for a review."])),
)
def test_typed_text_is_kept_trimmed_or_refused_with_the_fields_label_and_why(
    value, label, error, limit, required
):
    # what must happen, worked out character by character
    within = label if label[1].isupper() else label[0].lower() + label[1:]
    bad = [i for i, character in enumerate(value) if unstorable(character)]
    refusal = ""
    if bad:
        what = (
            "a NUL character, which cannot be stored"
            if value[bad[0]] == "\x00"
            else f"a character that is not valid text (at position {bad[0] + 1})"
        )
        refusal = f"{label} contains {what}. Remove it and try again."
    elif required and not value.strip():
        refusal = required if isinstance(required, str) else f"Enter {within}."
    elif len(value.strip()) > limit:
        refusal = f"{label} must be {limit:,} characters or fewer."
    if refusal:
        # refused: with the service's own error, naming the field, saying what to do
        with pytest.raises(error) as refused:
            typed_text_check(value, label=label, error=error, limit=limit, required=required)
        assert type(refused.value) is error
        assert refused.value.message == refusal
    else:
        # kept: trimmed, within its limit, there if required, and storable anywhere
        kept = typed_text_check(value, label=label, error=error, limit=limit, required=required)
        assert kept == value.strip()
        assert not has_unstorable(kept)
        assert len(kept) <= limit
        assert kept or not required


def test_the_label_starts_the_sentence_or_sits_inside_it():
    def refusal(value: str, label: str, limit: int = 10) -> str:
        with pytest.raises(BreachError) as refused:
            typed_text_check(value, label=label, error=BreachError, limit=limit, required=True)
        return refused.value.message

    assert refusal("  ", "What happened") == "Enter what happened."
    assert refusal("", "ICO reference") == "Enter ICO reference."
    assert refusal("x" * 1001, "The note", 1000) == "The note must be 1,000 characters or fewer."
    assert refusal(" a\ud800", "The note") == (
        "The note contains a character that is not valid text (at position 3). "
        "Remove it and try again."
    )


@pytest.mark.django_db
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
@given(value=any_text)
def test_typed_text_kept_saves_to_a_text_field_and_reads_back_the_same(value):
    # given: what a person typed, checked
    try:
        kept = typed_text_check(
            value, label="The notes", error=ConsentRefused, limit=1000, required=False
        )
    except ConsentRefused:
        return  # refused: nothing is written
    customer = Customer.objects.first() or customer_create(
        customer_type=CustomerType.TENANT, first_name="Alex"
    )
    # when: written to a text field (on PostgreSQL, text cannot hold NUL)
    Customer.objects.filter(pk=customer.pk).update(address=kept)
    # then: stored, and read back as it was
    assert Customer.objects.get(pk=customer.pk).address == kept
