"""The line each key of a policy file is on."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caredesk.standards.policy_files import POLICIES_FOLDER
from caredesk.standards.policy_lines import key_lines, line_of

HALTON_TEXT = (POLICIES_FOLDER / "halton.toml").read_text(encoding="utf-8")
STONEWALL_TEXT = (POLICIES_FOLDER / "stonewall.toml").read_text(encoding="utf-8")


def lines_of(text: str) -> dict[tuple[str | int, ...], int]:
    return key_lines(text, tomllib.loads(text))


def written(text: str, line: str, after: int = 0) -> int:
    return text.splitlines().index(line, after) + 1


def test_tables_keys_and_each_standard_have_their_lines_in_halton():
    lines = lines_of(HALTON_TEXT)
    assert lines[("calendar",)] == written(HALTON_TEXT, "[calendar]")
    assert lines[("calendar", "timezone")] == written(HALTON_TEXT, 'timezone = "Europe/London"')
    first = written(HALTON_TEXT, "[[standards]]")
    second = written(HALTON_TEXT, "[[standards]]", first)
    assert lines[("standards", 0)] == first
    assert lines[("standards", 1)] == second
    assert lines[("standards", 1, "target")] == written(HALTON_TEXT, 'target = "10 seconds"')
    data = tomllib.loads(HALTON_TEXT)
    assert len([path for path in lines if len(path) == 2 and path[0] == "standards"]) == len(
        data["standards"]
    )


def test_a_key_inside_an_inline_table_is_on_the_line_that_opens_it():
    lines = lines_of(STONEWALL_TEXT)
    plain = written(
        STONEWALL_TEXT,
        "plain_english = { min_reading_ease = 60, "
        "max_average_sentence_words = 20, long_sentence_words = 25 }",
    )
    assert line_of(("correspondence", "plain_english", "min_reading_ease"), lines) == plain


def test_each_item_of_a_list_over_several_lines_is_on_its_own_line():
    lines = lines_of(STONEWALL_TEXT)
    opens = written(STONEWALL_TEXT, "assumptions = [", written(STONEWALL_TEXT, "[reporting]"))
    assert line_of(("reporting", "assumptions"), lines) == opens
    assert line_of(("reporting", "assumptions", 0), lines) == opens + 1
    assert line_of(("reporting", "assumptions", 1), lines) == opens + 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an item after a comma on the line before, and one after a leading comma
        ("a = [\n  1,\n  2\n  , 3\n]\n", {("a", 0): 2, ("a", 1): 3, ("a", 2): 4}),
        # commas inside strings, inline tables and inner lists do not count
        (
            'a = [\n  "x, y",\n  { b = 1, c = 2 },\n  [1, 2],\n  "z"]\n',
            {("a", 0): 2, ("a", 1): 3, ("a", 2): 4, ("a", 3): 5},
        ),
        # blank lines, comments and the first item on the key's own line
        ("a = [1,\n\n  # two:\n  2, # not 3\n]\nb = 1\n", {("a", 1): 4}),
        # a list of lists: only the outer list's items
        ("a = [\n  [\n    1,\n    2,\n  ],\n  [3],\n]\n", {("a", 0): 2, ("a", 1): 6}),
    ],
    ids=["commas", "nested commas", "comments", "lists of lists"],
)
def test_items_are_counted_by_the_commas_between_them(text, expected):
    lines = lines_of(text)
    assert {path: line for path, line in lines.items() if len(path) == 2} == expected


def test_a_missing_key_is_placed_at_the_table_it_belongs_in():
    lines = lines_of(HALTON_TEXT)
    assert line_of(("document", "missing"), lines) == written(HALTON_TEXT, "[document]")
    assert line_of(("nowhere",), lines) is None
    assert line_of((), lines) is None


def test_strings_and_lists_over_several_lines_hide_what_looks_like_keys():
    text = (
        'a = """\n'
        "b = 1\n"
        '"""\n'
        "c = [\n"
        "  'd = 2', \"e = [\",\n"
        "  { f = 3 },\n"
        "]  # g = 4\n"
        "'h.i' = '''x\n"
        "j = 5'''\n"
        '[k."l m"]\n'
        "n.o = 6\n"
        "[[p]]\n"
        "[[p]]\n"
        "q = 7\n"
        "[p.r]\n"
        "s = 8\n"
    )
    assert lines_of(text) == {
        ("a",): 1,
        ("c",): 4,
        ("c", 0): 5,  # two items on one line: the line gives the first
        ("c", 2): 6,
        ("h.i",): 8,
        ("k", "l m"): 10,
        ("k", "l m", "n"): 11,
        ("k", "l m", "n", "o"): 11,
        ("p", 0): 12,
        ("p", 1): 13,
        ("p", 1, "q"): 14,
        ("p", 1, "r"): 15,
        ("p", 1, "r", "s"): 16,
    }


@pytest.mark.parametrize(
    "text",
    [
        "a = 1\n",
        "[[a]]\nb = 1\n[[a]]\n",
        'x = """\nsay = "hi"\n"""\ny = 2\n',
    ],
)
def test_every_line_found_is_a_key_the_file_has(text):
    data = tomllib.loads(text)
    for path in lines_of(text):
        node: Any = data
        for step in path:
            node = node[step]


def test_lines_that_do_not_match_the_data_are_not_given():
    # the data is not what this text says: better no line than a wrong one
    assert key_lines("a = 1\nb = 2\n", {"a": 1}) == {}


_ITEMS = st.one_of(
    st.integers(-99, 99).map(str),
    st.text("ab ,[]{}#=", max_size=6).map(lambda text: '"' + text + '"'),
    st.just("{ b = 1, c = [2, 3] }"),
    st.just("[1, [2, 3]]"),
)


@given(
    items=st.lists(st.tuples(_ITEMS, st.booleans(), st.booleans()), min_size=1, max_size=8),
    trailing=st.booleans(),
)
def test_an_item_that_starts_a_line_is_found_on_that_line(items, trailing):
    # given: a list laid out with some items on a line of their own, some comments
    rows = ["a = ["]
    starts: dict[int, int] = {}
    for index, (item, new_line, comment) in enumerate(items):
        if new_line or index == 0 or "#" in rows[-1]:  # nothing may follow a comment
            starts[index] = len(rows) + 1
            rows.append(f"  {item}")
        else:
            rows[-1] += f" {item}"
        if index < len(items) - 1 or trailing:
            rows[-1] += ","
        if comment:
            rows[-1] += "  # a, [comment"
    rows.append("]")
    text = "\n".join(rows) + "\nb = 1\n"
    # when
    lines = lines_of(text)
    # then: each item that starts a line is there, and no other item of the list is
    assert {
        path[1]: line for path, line in lines.items() if path[:1] == ("a",) and len(path) == 2
    } == starts
    assert lines[("b",)] == len(rows) + 1
