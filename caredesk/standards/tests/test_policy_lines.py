"""The line each key of a policy file is on."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest

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


def test_a_key_inside_a_list_or_inline_table_is_on_the_line_that_opens_it():
    lines = lines_of(STONEWALL_TEXT)
    plain = written(
        STONEWALL_TEXT,
        "plain_english = { min_reading_ease = 60, "
        "max_average_sentence_words = 20, long_sentence_words = 25 }",
    )
    assert line_of(("correspondence", "plain_english", "min_reading_ease"), lines) == plain
    assumptions = written(STONEWALL_TEXT, "assumptions = [")
    assert line_of(("reporting", "assumptions", 0), lines) == assumptions


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
