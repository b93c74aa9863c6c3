"""A draft that repeats the greeting or sign-off the template adds is flagged."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from caredesk.documents.framing import SIGN_OFFS, repeated_framing

# Sentences of words that are neither greetings nor sign-offs.
word = st.sampled_from(["rent", "repair", "boiler", "your", "we", "will", "visit", "on", "the"])
sentence = st.lists(word, min_size=3, max_size=12).map(lambda ws: " ".join(ws).capitalize() + ".")
body = st.lists(sentence, min_size=1, max_size=8).map("\n\n".join)
name = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz '-", max_size=30)
sign_off = st.sampled_from(sorted(SIGN_OFFS))


def test_the_greeting_and_the_sign_off_the_officer_typed_are_named():
    draft = "Dear Mrs Harris,\n\nYour boiler will be fixed on Monday.\n\nKind regards"
    assert repeated_framing(draft) == ["Dear Mrs Harris,", "Kind regards"]


def test_a_draft_that_starts_with_the_answer_is_not_flagged():
    assert repeated_framing("Your boiler will be fixed on Monday.\nThank you for waiting.") == []


def test_dear_inside_a_sentence_is_not_a_greeting():
    assert repeated_framing("Your rent is dear, we know.\n\nWe can help.") == []


@given(body)
def test_plain_text_repeats_nothing(text):
    assert repeated_framing(text) == []


@given(body, name)
def test_a_greeting_typed_first_is_always_found(text, who):
    greeting = f"Dear {who},".replace("  ", " ")
    assert repeated_framing(f"  {greeting}\n\n{text}")[0] == greeting.strip()


@given(body, sign_off, st.sampled_from(["", ",", ".", "!"]), st.booleans())
def test_a_sign_off_typed_last_is_always_found_however_it_is_written(text, words, mark, upper):
    typed = (words.upper() if upper else words.capitalize()) + mark
    assert repeated_framing(f"{text}\n\n{typed}\nJo Bloggs") == [typed]


@given(st.text(max_size=300))
def test_any_text_gives_lines_of_the_draft(text):
    lines = [line.strip() for line in text.splitlines()]
    assert all(line in lines for line in repeated_framing(text))
