import html
import re

from hypothesis import given
from hypothesis import strategies as st

from caredesk.search.excerpts import excerpt_marked


def test_the_words_found_are_marked_and_the_rest_escaped():
    marked = excerpt_marked("Boiler <b>broken</b> & leaking", ["boiler", "leak"])
    assert marked == "<mark>Boiler</mark> &lt;b&gt;broken&lt;/b&gt; &amp; <mark>leaking</mark>"


def test_a_long_text_is_cut_around_the_first_word_found():
    text = "word " * 100 + "radiator cold in the back bedroom " + "word " * 100
    marked = excerpt_marked(text, ["radiator"], width=80)
    assert marked.startswith("…")
    assert marked.endswith("…")
    assert "<mark>radiator</mark> cold in the back bedroom" in marked
    assert len(marked) < 130


def test_a_stemmed_word_is_marked_in_its_other_forms():
    assert "<mark>repaired</mark>" in excerpt_marked("It was repaired", ["repairs"])


@given(st.text(max_size=300), st.lists(st.text(max_size=8), max_size=4))
def test_whatever_the_text_only_mark_tags_are_html(text, words):
    marked = excerpt_marked(text, words, width=60)
    bare = re.sub(r"</?mark>", "", str(marked))
    assert "<" not in bare
    assert ">" not in bare
    # what is shown is a piece of the text (spaces run together)
    assert html.unescape(bare).strip("…") in " ".join(text.split())


def test_accents_do_not_matter_to_what_is_marked():
    assert excerpt_marked("Zoë Brontë", ["zoe", "brontë"]) == "<mark>Zoë</mark> <mark>Brontë</mark>"
