"""The Code's provisions file (complaints.code_provisions): the file itself, and the
parser, with hypothesis: any file of sections and provisions in order reads back as
written, and any other text is refused with a ProvisionsError (never another error)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caredesk.complaints.code_provisions import (
    ProvisionsError,
    code_provisions,
    provision_key,
    provisions_parse,
)


def test_the_file_lists_the_codes_nine_sections_in_order() -> None:
    provisions = code_provisions()
    assert [s.number for s in provisions.sections] == list(range(1, 10))
    assert provisions.sections[7].title == "Self-assessment, reporting and compliance"
    numbers = [p.number for p in provisions.all()]
    assert len(numbers) == len(set(numbers))
    assert numbers[0] == "1.2"
    assert "5.10" in numbers
    assert "8.1" in numbers
    definition = provisions.get("1.2")
    assert definition is not None
    assert definition.quoted
    assert provisions.get("10.1") is None


def test_5_10_comes_after_5_9() -> None:
    assert provision_key("5.10") > provision_key("5.9")
    for wrong in ("5", "5.", "05.1", "5.0", "a.1", "5.1.2", " 5.1", "٥.١"):
        with pytest.raises(ValueError, match="is not a provision's number"):
            provision_key(wrong)


def toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a TOML basic string


texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40
).filter(lambda t: t.strip() != "")


@st.composite
def files(draw: st.DrawFn) -> tuple[str, list[tuple[int, str, list[tuple[str, str]]]]]:
    numbers = sorted(draw(st.sets(st.integers(1, 99), min_size=1, max_size=5)))
    sections = []
    for number in numbers:
        places = sorted(draw(st.sets(st.integers(1, 99), min_size=1, max_size=6)))
        provisions = [(f"{number}.{place}", draw(texts)) for place in places]
        sections.append((number, draw(texts), provisions))
    lines = []
    for number, title, provisions in sections:
        lines += ["[[sections]]", f"number = {number}", f"title = {toml_string(title)}"]
        for provision, requirement in provisions:
            lines += [
                "[[sections.provisions]]",
                f'number = "{provision}"',
                f"requirement = {toml_string(requirement)}",
            ]
    return "\n".join(lines), sections


@given(files())
def test_a_file_in_order_reads_back_as_written(
    drawn: tuple[str, list[tuple[int, str, list[tuple[str, str]]]]],
) -> None:
    text, sections = drawn
    parsed = provisions_parse(text)
    assert [
        (s.number, s.title, [(p.number, p.requirement) for p in s.provisions])
        for s in parsed.sections
    ] == [
        (n, title.strip(), [(p, r.strip()) for p, r in provisions])
        for n, title, provisions in sections
    ]


@given(files(), st.data())
def test_a_provision_moved_out_of_order_or_out_of_its_section_is_refused(
    drawn: tuple[str, list[tuple[int, str, list[tuple[str, str]]]]], data: st.DataObject
) -> None:
    text, sections = drawn
    number, _, provisions = data.draw(st.sampled_from(sections))
    victim = data.draw(st.sampled_from(provisions))[0]
    other = data.draw(st.integers(1, 99).filter(lambda n: n != number))
    broken = text.replace(f'number = "{victim}"', f'number = "{other}.{victim.split(".")[1]}"', 1)
    with pytest.raises(ProvisionsError, match=f"is not in section {number}"):
        provisions_parse(broken)


@given(st.text(max_size=300))
def test_any_text_is_read_or_refused_with_a_provisions_error(text: str) -> None:
    refused: ProvisionsError | None = None
    try:
        provisions_parse(text)
    except ProvisionsError as error:
        refused = error
    assert refused is None or refused.message.startswith("code_provisions.toml")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no \\[\\[sections\\]\\]"),
        ("sections = 1", "no \\[\\[sections\\]\\]"),
        ('[[sections]]\nnumber = 1\ntitle = "A"', "section 1 has no provisions"),
        (
            '[[sections]]\nnumber = 2\ntitle = "A"\n[[sections.provisions]]\nnumber = "2.1"\n'
            'requirement = "x"\n[[sections]]\nnumber = 1\ntitle = "B"',
            "section 1 comes after 2",
        ),
        (
            '[[sections]]\nnumber = 1\ntitle = "A"\n[[sections.provisions]]\nnumber = "1.2"\n'
            'requirement = "x"\n[[sections.provisions]]\nnumber = "1.2"\nrequirement = "y"',
            "provision 1.2 comes after 1.2",
        ),
        (
            '[[sections]]\nnumber = 1\ntitle = "A"\n[[sections.provisions]]\nnumber = "1.1"\n'
            'requirement = "  "',
            "sections\\[0\\].provisions\\[0\\]: give the requirement as text",
        ),
        (
            '[[sections]]\nnumber = 1\ntitle = "A"\n[[sections.provisions]]\nnumber = "1.1"\n'
            'requirement = "x"\nmust = true',
            "unknown key 'must'",
        ),
        ("[[sections]\n", "not TOML"),
    ],
)
def test_each_problem_is_named_with_its_place(text: str, message: str) -> None:
    with pytest.raises(ProvisionsError, match=message):
        provisions_parse(text)
