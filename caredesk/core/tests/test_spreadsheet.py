"""CSV that a spreadsheet opens as data, never as formulas: one writer for every CSV."""

from __future__ import annotations

import ast
import csv
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caredesk.core.spreadsheet import cell_safe, csv_writer

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CAREDESK = Path(__file__).resolve().parents[2]


def plain_number(text: str) -> bool:
    """Digits, a sign, a decimal part (a space makes it text: a spreadsheet's operator)."""
    body = text[1:] if text[:1] in "+-" else text
    whole, point, decimals = body.partition(".")
    digits = "0123456789"
    return (
        whole[:1] in tuple(digits)
        and all(character in digits for character in whole)
        and (not point or (bool(decimals) and all(c in digits for c in decimals)))
    )


def written_and_read(row: list[object], **options: object) -> list[str]:
    out = io.StringIO(newline="")
    csv_writer(out, **options).writerow(row)
    return next(csv.reader(io.StringIO(out.getvalue(), newline="")))


# Cells that start like formulas far more often than any text would.
cell_text = st.one_of(
    st.text(),
    st.builds(lambda start, rest: start + rest, st.sampled_from(FORMULA_START), st.text()),
    st.from_regex(r"[+-]?[0-9][0-9 ]{0,12}(\.[0-9]{1,3})?", fullmatch=True),
)


@given(st.lists(cell_text, min_size=1, max_size=6))
def test_no_cell_read_back_starts_a_formula_unless_it_is_a_plain_number(row):
    read = written_and_read(row)
    assert len(read) == len(row)
    for original, cell in zip(row, read, strict=True):
        if cell.startswith(FORMULA_START):
            assert plain_number(cell), repr(cell)
            assert cell == original
        elif cell != original:
            # escaped: an apostrophe, then the cell exactly as it was
            assert cell.startswith("'")
            assert cell[1:] == original
            assert original.startswith(FORMULA_START)


@given(st.lists(st.one_of(st.integers(), st.floats(), st.none()), min_size=1, max_size=6))
def test_numbers_are_written_as_they_are(row):
    plain, safe = io.StringIO(), io.StringIO()
    csv.writer(plain).writerow(row)  # the standard writer, for what a number looks like
    csv_writer(safe).writerow(row)
    assert safe.getvalue() == plain.getvalue()


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        (
            '=HYPERLINK("http://evil.example","Click")',
            '\'=HYPERLINK("http://evil.example","Click")',
        ),
        ("+44 151 000 0000", "'+44 151 000 0000"),
        ("+441510000000", "+441510000000"),
        ("-5", "-5"),
        ("-5 days", "'-5 days"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("Mrs Hughes", "Mrs Hughes"),
    ],
)
def test_the_cells_a_spreadsheet_would_run(cell, shown):
    assert cell_safe(cell) == shown
    assert written_and_read([cell]) == [shown]


def test_options_pass_to_the_csv_writer():
    out = io.StringIO()
    csv_writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL).writerows([["=1", 2]])
    assert out.getvalue() == '"\'=1","2"\r\n'


# -- one helper, used everywhere ------------------------------------------------------------


def direct_csv_writers(root: Path) -> list[str]:
    """Where a module calls csv.writer or csv.DictWriter itself ("file:line")."""
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root.parent)
        if "tests" in path.parts or relative == Path("caredesk/core/spreadsheet.py"):
            continue  # tests write their input files; spreadsheet.py is the helper
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "csv":
                names = {alias.name for alias in node.names}
                if names & {"writer", "DictWriter"}:
                    found.append(f"{relative}:{node.lineno} imports csv.writer")
            if (
                isinstance(node, ast.Attribute)
                and node.attr in ("writer", "DictWriter")
                and isinstance(node.value, ast.Name)
                and node.value.id == "csv"
            ):
                found.append(f"{relative}:{node.lineno} uses csv.{node.attr}")
    return found


def test_every_csv_caredesk_writes_goes_through_the_one_helper():
    assert direct_csv_writers(CAREDESK) == [], (
        "Write CSV with caredesk.core.spreadsheet.csv_writer, which escapes formulas"
    )


def test_the_search_finds_a_direct_writer(tmp_path):
    package = tmp_path / "caredesk"
    (package / "reports").mkdir(parents=True)
    (package / "reports" / "rejects.py").write_text("import csv\nw = csv.writer(f)\n")
    (package / "reports" / "other.py").write_text("from csv import DictWriter\n")
    assert direct_csv_writers(package) == [
        "caredesk/reports/other.py:1 imports csv.writer",
        "caredesk/reports/rejects.py:2 uses csv.writer",
    ]
