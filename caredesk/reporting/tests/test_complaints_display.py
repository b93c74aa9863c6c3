"""Complaints and compliments on the dashboard, in its downloads and in the board pack;
and the Tenant Satisfaction Measures' complaint returns (CH01, CH02) as a page, a CSV
and a section of the board pack. The complaints are `two_years` of
complaints/tests/test_returns.py, whose figures are worked out by hand there."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from caredesk.cases.models import Case
from caredesk.complaints.tests.test_returns import two_years_fixture  # noqa: F401
from caredesk.conftest import People, make_staff
from caredesk.reporting.board import board_pack, board_pack_pdf
from caredesk.reporting.complaints_display import NOT_RECORDED, named
from caredesk.reporting.dashboard import dashboard_read
from caredesk.reporting.indicators import Split
from caredesk.reporting.tables import dashboard_tables
from caredesk.staff.models import Role
from caredesk.standards import load_policy

HALTON = load_policy("halton")
NOW = datetime(2026, 5, 10, 12, 0, tzinfo=UTC)
SEPTEMBER, OCTOBER, MARCH = date(2025, 9, 1), date(2025, 10, 1), date(2026, 3, 1)


class FixedClock:
    def now(self) -> datetime:
        return NOW


def test_the_dashboard_counts_the_month_s_complaints(two_years: dict[str, Case]) -> None:
    """October 2025: B's stage 1 answer, late (due 15 September). March 2026: E and F
    received, F not accepted (already considered)."""
    october = dashboard_read(policy=HALTON, month=OCTOBER, split=Split.ALL, now=NOW).complaints
    march = dashboard_read(policy=HALTON, month=MARCH, split=Split.ALL, now=NOW).complaints

    assert october is not None
    assert march is not None
    stage_1, stage_2 = october.stages
    assert (stage_1.label, stage_1.received, stage_1.answered, stage_1.outcomes) == (
        "Stage 1",
        0,
        1,
        (1, 0, 0),
    )
    assert (stage_1.in_time, stage_1.late, stage_1.in_time_text) == (0, 1, "0 of 1 (0.0%)")
    assert stage_1.median.endswith("working days")
    assert (stage_2.answered, stage_2.in_time_text, stage_2.median) == (0, "0 of 0", "–")
    [delay] = [row for row in october.by_cause if row.count]
    assert (delay.label, delay.count) == ("Delay", 1)
    [repairs] = [row for row in october.by_area if row.count]
    assert (repairs.label, repairs.count) == ("Repairs and maintenance", 1)
    assert march.stages[0].received == 2
    assert [(row.label, row.count) for row in march.not_accepted] == [
        ("The issue arose more than 12 months ago", 0),
        ("Legal proceedings have started", 0),
        ("Already considered under the complaints procedure", 1),
    ]
    assert march.not_accepted_total == 1
    # the annual report of the last year ended: October 2025 is in 2025-26, so 2024-25's,
    # due on 30 September 2025; Halton's 7,300 homes are over 1,000, so it is required
    assert (october.annual_due.year, october.annual_due.due_on) == (2024, date(2025, 9, 30))
    assert october.annual_due.required
    assert (march.annual_due.year, march.annual_due.due_on) == (2024, date(2025, 9, 30))


def test_a_key_the_policy_no_longer_has_and_one_not_recorded_are_still_shown() -> None:
    rows = named({"delay": 2, "gone": 1, "": 3}, HALTON.complaints.root_causes)

    assert [(r.label, r.count) for r in rows if r.count] == [
        ("Delay", 2),
        ("gone", 1),
        (NOT_RECORDED, 3),
    ]


def test_the_downloads_have_the_complaint_tables(two_years: dict[str, Case]) -> None:
    board = dashboard_read(policy=HALTON, month=OCTOBER, split=Split.ALL, now=NOW)

    tables = {table.name: table for table in dashboard_tables(board)}

    complaints = tables["complaints"]
    assert complaints.rows[0][:9] == ["Stage 1", 0, 1, 1, 0, 0, 0, 1, 0.0]
    assert ["Root cause", "Delay", 1] in tables["complaints-learning"].rows
    assert ["Service area", "Repairs and maintenance", 1] in tables["complaints-learning"].rows
    assert "complaints-not-accepted" in tables
    assert "compliments" in tables


def test_the_board_pack_has_the_month_s_complaints_and_the_year_s_returns(
    two_years: dict[str, Case],
) -> None:
    pack = board_pack(policy=HALTON, month=MARCH, clock=FixedClock())

    assert pack.complaints is not None
    assert pack.complaints.sentences[0] == (
        "2 complaints received, and 0 requests for stage 2. 1 complaint not accepted under "
        "the complaints procedure. 0 compliments received."
    )
    assert pack.returns is not None
    assert pack.returns.returns.complete  # March is the year's last month
    assert [(r.measure, r.tenure[-5:], r.value_text) for r in pack.returns.ch01] == [
        ("CH01 (1)", "LCRA)", "0.6"),
        ("CH01 (1)", "LCHO)", "10.0"),
        ("CH01 (2)", "LCRA)", "0.1"),
        ("CH01 (2)", "LCHO)", "10.0"),
    ]
    text = " ".join(
        " ".join(
            page.extract_text() for page in PdfReader(io.BytesIO(board_pack_pdf(pack))).pages
        ).split()
    )
    assert "Complaints and compliments" in text
    assert "Tenant Satisfaction Measures: complaints, 2025 to 2026" in text
    assert "CH02 (1): Stage 1 complaints responded to within the Code's timescale" in text


def test_the_board_pack_for_september_counts_the_year_to_its_end(
    two_years: dict[str, Case],
) -> None:
    pack = board_pack(policy=HALTON, month=SEPTEMBER, clock=FixedClock())

    assert pack.returns is not None
    assert pack.returns.title == (
        "Tenant Satisfaction Measures: complaints, 2025 to 2026, to 30 September 2025"
    )
    # received to 30 September: A and B (tenants)
    assert (pack.returns.ch01[0].numerator, pack.returns.ch01[0].value_text) == (2, "0.3")


@pytest.fixture
def analyst(client: Any) -> Any:
    client.force_login(make_staff("ana_analyst", Role.PERFORMANCE_ANALYST))
    return client


def returns_page(client: Any, **query: str) -> Any:
    with time_machine.travel(NOW, tick=False):
        return client.get(reverse("reporting:returns"), query)


def test_the_returns_page_shows_each_measure_with_its_numerator_and_denominator(
    two_years: dict[str, Case], analyst: Any
) -> None:
    page = returns_page(analyst, year="2026")

    assert page.status_code == 200
    html = " ".join(page.content.decode().split())
    assert "<h1>Tenant Satisfaction Measures: complaints, 2025 to 2026</h1>" in html
    assert "7,200 low-cost rental, 100 low-cost home ownership" in html
    assert (
        '<th scope="row">CH01 (1): Stage 1 complaints received per 1,000 homes</th>'
        '<td>Low-cost rental accommodation (LCRA)</td><td class="number">4</td>'
        '<td class="number">7200</td><td class="number">0.6 per 1,000 homes</td>'
    ) in html
    assert (
        '<td>Low-cost rental accommodation (LCRA)</td><td class="number">2</td>'
        '<td class="number">4</td><td class="number">50.0%</td>'
    ) in html
    assert "No figure: no responses sent" in html
    assert "1 complaint received in the year and not accepted" in html


def test_the_returns_page_by_default_shows_the_last_year_ended(
    two_years: dict[str, Case], analyst: Any
) -> None:
    page = returns_page(analyst)

    assert "complaints, 2025 to 2026</h1>" in page.content.decode()


def test_a_year_without_a_count_of_homes_says_so_instead_of_dividing(
    two_years: dict[str, Case], analyst: Any
) -> None:
    page = returns_page(analyst, year="2025")

    html = " ".join(page.content.decode().split())
    assert "The policy file has no count of homes on or before 31 March 2025" in html
    assert "No figure: no count of homes" in html
    assert "per 1,000 homes</td>" not in html


def test_the_returns_as_csv(two_years: dict[str, Case], analyst: Any) -> None:
    response = returns_page(analyst, year="2026", download="csv")

    assert response["Content-Disposition"] == ('attachment; filename="tsm-complaints-2026.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Tenant Satisfaction Measures: complaints, 2025 to 2026"]
    assert rows[1][3:] == [
        "Numerator",
        "Numerator counts",
        "Denominator",
        "Denominator counts",
        "Result",
    ]
    by_measure = {(row[0], row[2][-5:]): row[3:] for row in rows[2:]}
    assert by_measure[("CH01 (1)", "LCRA)")] == ["4", "Complaints", "7200", "Homes", "0.6"]
    assert by_measure[("CH02 (2)", "LCHO)")] == [
        "0",
        "Within the timescale",
        "0",
        "Responses sent",
        "",
    ]


def test_a_year_not_offered_is_refused_and_the_page_is_the_performance_team_s(
    people: People, client: Any, analyst: Any
) -> None:
    assert returns_page(analyst, year="1999").status_code == 400
    client.force_login(people.officer)
    assert returns_page(client, year="2026").status_code == 403
