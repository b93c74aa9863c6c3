"""The board pack (PDF, command and desk page), its commentary, and the tables' downloads."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from caredesk.conftest import make_staff
from caredesk.reporting.board import board_pack, board_pack_pdf
from caredesk.reporting.models import BoardCommentary
from caredesk.reporting.rollups import figures_refresh
from caredesk.reporting.services import CommentaryError, board_commentary_save
from caredesk.reporting.tests.factories import letter_case, pdf_made
from caredesk.staff.models import Role, Team
from caredesk.standards import load_policy

HALTON = load_policy("halton")
JUNE = date(2025, 6, 1)
NOW = datetime(2025, 7, 10, 12, 0, tzinfo=UTC)
RECEIVED = datetime(2025, 6, 2, 10, 0, tzinfo=UTC)


class FixedClock:
    def now(self) -> datetime:
        return NOW


@pytest.fixture
def june(people: Any) -> Any:
    """Letters answered in June 2025: Tenancy 10 in time and 3 late; Repairs 5 in time and
    20 late (the area furthest below target)."""
    for answered, officer, how_many in [
        (timedelta(days=3), people.officer, 10),
        (timedelta(days=20), people.officer, 3),
        (timedelta(days=3), people.outsider, 5),
        (timedelta(days=20), people.outsider, 20),
    ]:
        for _ in range(how_many):
            letter_case(received=RECEIVED, answered_after=answered, officer=officer)
    # Counted, as the worker would have by the time anyone reads them: a page counts for
    # half a second at most before it reads, the latest days first, so on a busy machine
    # it could show June 22nd's figures without June 5th's.
    figures_refresh(policy=HALTON)
    return people


def test_the_pack_sets_each_standard_against_its_target_and_names_the_worst_area(june):
    pack = board_pack(policy=HALTON, month=JUNE, clock=FixedClock())

    [letters] = [row for row in pack.summary if row.name.startswith("Letters and emails")]
    assert (letters.measured, letters.in_time, letters.breaches) == (38, "39.5%", 23)
    assert letters.rating.text == "Below target (95%)"
    assert letters.previous == "–"  # nothing measured in May
    [worst, *_] = pack.areas
    assert (worst.split, worst.value, worst.in_time) == ("Team", "Repairs", "20.0%")
    assert all(area.split != "Officer" for area in pack.areas)  # services, not people


def test_an_area_with_fewer_than_20_measured_is_not_called_out(june):
    pack = board_pack(policy=HALTON, month=JUNE, clock=FixedClock())
    assert "Tenancy" not in {area.value for area in pack.areas if area.split == "Team"}


def test_the_pdf_is_tagged_and_says_it_all_in_words(june):
    board_commentary_save(
        month=JUNE,
        text="Repairs lost two officers in June.\nAgency cover starts in July.",
        by=june.line_manager,
        clock=FixedClock(),
    )
    pack = board_pack(policy=HALTON, month=JUNE, clock=FixedClock())

    pdf = board_pack_pdf(pack)

    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Customer care performance: June 2025" in text
    assert "Repairs lost two officers in June." in text
    assert "Below target (95%)" in text
    assert "Lena Manager" in text  # who wrote the commentary
    assert "Olu" not in text  # no officer is named
    assert "Oscar" not in text
    assert "/StructTreeRoot" in reader.root_object  # tagged: a screen reader can read it
    assert reader.metadata is not None
    assert reader.metadata.title == "Customer care performance: June 2025"


def test_the_command_writes_the_pack(june, tmp_path: Path):
    out = tmp_path / "pack.pdf"
    with time_machine.travel(NOW, tick=False):
        call_command(
            "report", "board", "--month", "2025-06", "--out", str(out), "--policy", "halton"
        )
    assert out.read_bytes().startswith(b"%PDF")


def test_the_command_says_when_it_cannot_write(june, tmp_path: Path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command(
            "report", "board", "--month", "2025-06", "--out", str(tmp_path / "no" / "pack.pdf")
        )


def test_the_command_refuses_a_month_that_is_not_one(db):
    with pytest.raises(CommandError, match="'2025-13' is not a month"):
        call_command("report", "board", "--month", "2025-13", "--out", "/tmp/pack.pdf")


# -- the commentary ---------------------------------------------------------------------


def test_commentary_is_kept_per_month_and_emptied_out(people):
    clock = FixedClock()
    board_commentary_save(month=date(2025, 6, 17), text=" First. ", by=people.officer, clock=clock)
    board_commentary_save(month=JUNE, text="Second.", by=people.teammate, clock=clock)
    kept = BoardCommentary.objects.get()
    assert (kept.month, kept.text, kept.written_by) == (JUNE, "Second.", people.teammate)
    board_commentary_save(month=JUNE, text="   ", by=people.officer, clock=clock)
    assert not BoardCommentary.objects.exists()


def test_commentary_longer_than_two_pages_is_refused(people):
    with pytest.raises(CommentaryError, match="keep it to 10,000"):
        board_commentary_save(month=JUNE, text="x" * 10_001, by=people.officer, clock=FixedClock())
    assert not BoardCommentary.objects.exists()


def _analyst(client: Any) -> Any:
    client.force_login(make_staff("ana_analyst", Role.PERFORMANCE_ANALYST))
    return client


def test_an_analyst_writes_the_commentary_in_the_desk_and_downloads_the_pack(june, client):
    _analyst(client)
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("reporting:board"), {"month": "2025-06"})
        saved = client.post(
            reverse("reporting:board"), {"month": "2025-06", "text": "Better in July."}
        )
        pdf = pdf_made(client, "reporting:board_pdf", "reporting:board_file", {"month": "2025-06"})
    assert page.status_code == 200
    assert "Make the board pack for June 2025 (PDF)" in page.content.decode()
    assert saved.status_code == 302
    assert BoardCommentary.objects.get().text == "Better in July."
    assert pdf["Content-Type"] == "application/pdf"
    assert 'filename="board-pack-2025-06.pdf"' in pdf["Content-Disposition"]
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Better in July." in text


def test_a_commentary_too_long_is_shown_again_with_the_reason(people, client):
    _analyst(client)
    response = client.post(reverse("reporting:board"), {"month": "2025-06", "text": "x" * 10_001})
    assert response.status_code == 400
    assert "Keep the commentary to 10,000 characters" in response.content.decode()


def test_an_officer_cannot_see_or_write_the_board_pack(people, client):
    client.force_login(people.officer)
    assert client.get(reverse("reporting:board")).status_code == 403
    assert client.post(reverse("reporting:board"), {"month": "2025-06"}).status_code == 403
    assert client.get(reverse("reporting:board_pdf")).status_code == 403


# -- downloads of the dashboard's tables ----------------------------------------------------


def _download(client: Any, **query: str) -> Any:
    with time_machine.travel(NOW, tick=False):
        return client.get(reverse("reporting:dashboard"), {"month": "2025-06", **query})


def test_the_workbook_has_every_table_with_numbers_as_numbers(june, client):
    _analyst(client)
    response = _download(client, split="team", download="xlsx")
    assert response["Content-Disposition"].endswith('performance-2025-06-team.xlsx"')
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "at-a-glance",
        "by-team",
        "first-contact",
        "phones",
        "visits",  # Halton has visits
        "appointments",
        "complaints",  # and complaints
        "complaints-learning",
        "complaints-not-accepted",
        "compliments",
        "trends",
    ]
    glance = book["at-a-glance"]
    headers = [cell.value for cell in glance[2]]
    letters = next(
        row for row in glance.iter_rows(min_row=3, values_only=True) if "Letters" in row[0]
    )
    record = dict(zip(headers, letters, strict=True))
    assert record["Measured"] == 38
    assert record["Met in time (%)"] == 39.5
    assert record["Breaches"] == 23
    by_team = {
        row[1]: row for row in book["by-team"].iter_rows(min_row=3, values_only=True) if row[0]
    }
    assert by_team["Repairs"][headers.index("Measured") - 1] == 25


def test_a_table_as_csv_has_the_page_s_figures(june, client):
    _analyst(client)
    response = _download(client, download="csv", table="at-a-glance")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Each standard in June 2025, against its target"]
    record = dict(
        zip(rows[1], next(r for r in rows[2:] if r[0].startswith("Letters")), strict=True)
    )
    assert (record["Measured"], record["Met in time (%)"], record["Against target"]) == (
        "38",
        "39.5",
        "Below target (95%)",
    )


def test_a_cell_a_spreadsheet_would_run_is_written_as_text(june, client):
    Team.objects.filter(name="Repairs").update(name="=HYPERLINK(1)")
    _analyst(client)
    response = _download(client, split="team", download="csv", table="by-team")
    assert "'=HYPERLINK(1)" in response.content.decode()


def test_an_unknown_table_is_named_as_unknown(june, client):
    _analyst(client)
    response = _download(client, download="csv", table="nonsense")
    assert response.status_code == 404
    assert "There is no table 'nonsense'" in response.content.decode()
