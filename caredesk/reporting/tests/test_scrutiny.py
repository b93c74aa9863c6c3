"""The scrutiny panel sees totals only, with small numbers suppressed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from caredesk.conftest import make_staff
from caredesk.reporting.scrutiny import (
    NOT_SHOWN,
    SUPPRESSED,
    TOO_FEW,
    ScrutinyRow,
    count_text,
    percent_text,
    suppress_secondary,
)
from caredesk.reporting.tests.factories import letter_case
from caredesk.staff.models import Role

NOW = datetime(2025, 7, 10, 12, 0, tzinfo=UTC)
RECEIVED = datetime(2025, 6, 2, 10, 0, tzinfo=UTC)


@given(st.integers(0, 10_000))
def test_a_count_under_5_is_never_shown(count: int) -> None:
    text = count_text(count)
    assert (text == SUPPRESSED) == (1 <= count <= 4)
    if text != SUPPRESSED:
        assert text == f"{count:,}"


@given(st.integers(0, 4), st.floats(0, 100))
def test_a_percentage_of_fewer_than_5_is_never_shown(base: int, percent: float) -> None:
    assert "%" not in percent_text(percent, base)


def _row(label: str, received: int, measured: int, breaches: int) -> ScrutinyRow:
    return ScrutinyRow(
        label=label,
        received=count_text(received),
        measured=count_text(measured),
        in_time="90.0%",
        rating=TOO_FEW,
        by_revised="90.0%",
        breaches=count_text(breaches),
        median="3 working days",
        counts=(received, measured, breaches),
    )


def test_one_suppressed_cell_in_a_column_takes_the_next_smallest_with_it() -> None:
    rows = [_row("Email", 40, 40, 3), _row("Letter", 12, 12, 7), _row("Phone", 30, 30, 9)]
    suppress_secondary(rows)
    # breaches: Email's 3 is hidden, so Letter's 7 (the next smallest) is hidden too, or
    # the total of breaches would give Email's away.
    assert [r.breaches for r in rows] == [SUPPRESSED, NOT_SHOWN, "9"]
    assert [r.measured for r in rows] == ["40", "12", "30"]  # nothing hidden there


def test_two_suppressed_cells_in_a_column_need_nothing_more() -> None:
    rows = [_row("Email", 40, 40, 3), _row("Letter", 12, 12, 2), _row("Phone", 30, 30, 9)]
    suppress_secondary(rows)
    assert [r.breaches for r in rows] == [SUPPRESSED, SUPPRESSED, "9"]


@pytest.fixture
def panel_member(client: Any, db: None) -> Any:
    client.force_login(make_staff("tina_tenant", Role.SCRUTINY_PANEL))
    return client


@pytest.fixture
def june(people: Any) -> Any:
    """Letters in June 2025: 12 answered by Olu's team (Tenancy), 3 by Oscar's (Repairs)."""
    for officer, how_many in [(people.officer, 12), (people.outsider, 3)]:
        for _ in range(how_many):
            letter_case(received=RECEIVED, answered_after=timedelta(days=3), officer=officer)
    return people


def _page(client: Any, **query: str) -> Any:
    with time_machine.travel(NOW, tick=False):
        return client.get(reverse("reporting:scrutiny"), {"month": "2025-06", **query})


def test_the_panel_sees_totals_and_no_one_s_case_or_name(june, panel_member):
    response = _page(panel_member, split="team")
    page = response.content.decode()
    assert response.status_code == 200
    assert "TEST-" not in page  # no case reference
    assert "Olu" not in page  # no officer
    assert "Oscar" not in page
    assert reverse("reporting:behind") not in page  # no list behind a figure
    assert "Tenancy" in page  # teams are services, not people
    assert "Repairs" in page
    assert SUPPRESSED in page  # Repairs' 3 letters


def test_the_panel_cannot_split_by_officer(june, panel_member):
    response = _page(panel_member, split="officer")
    assert "Choose how to split the figures from the list." in response.content.decode()
    assert "Olu" not in response.content.decode()


def test_the_panel_cannot_reach_the_dashboard_or_the_records(june, panel_member):
    assert panel_member.get(reverse("reporting:dashboard")).status_code == 403
    assert panel_member.get(reverse("reporting:behind")).status_code == 403
    assert panel_member.get(reverse("reporting:board")).status_code == 403
    assert panel_member.get(reverse("cases:my_work")).status_code == 403


def test_a_panel_member_lands_on_the_panel_s_page(panel_member):
    response = panel_member.get(reverse("staff:home"))
    assert response["Location"] == reverse("reporting:scrutiny")


def test_an_officer_cannot_see_the_panel_s_page(people, client):
    client.force_login(people.officer)
    assert _page(client).status_code == 403
