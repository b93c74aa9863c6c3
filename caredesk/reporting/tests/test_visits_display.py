"""Visits and appointments on the dashboard, in its downloads and in the board pack, from
visits and appointments made through the services; and no section where there are none."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from caredesk.conftest import People, SettableClock, make_staff
from caredesk.reporting.board import board_pack, board_pack_pdf
from caredesk.reporting.dashboard import dashboard_read
from caredesk.reporting.indicators import Level, Split
from caredesk.staff.models import Office, Role
from caredesk.standards import load_policy
from caredesk.visits import reception
from caredesk.visits.models import VisitStatus
from caredesk.visits.tests.test_figures import (  # noqa: F401 (fixtures)
    arrive,
    at,
    case_fixture,
    gone,
    monday_appointments_fixture,
    monday_fixture,
    offices_fixture,
    see,
)

HALTON = load_policy("halton")
JUNE = date(2026, 6, 1)
NOW = datetime(2026, 7, 10, 12, 0, tzinfo=UTC)


class FixedClock:
    def now(self) -> datetime:
        return NOW


@pytest.fixture
def june(
    people: People,
    offices: tuple[Office, Office],
    monday: SettableClock,
    monday_appointments: None,
) -> People:
    """Monday 22 June 2026: the appointments of `monday_appointments` (kept 2 of the 4
    that went ahead), and at 17:00 three visitors to Runcorn, one to Widnes: two seen
    within 5 minutes, one seen after 8 minutes, one who left after 1 minute."""
    runcorn, widnes = offices
    monday.moment = at(22, 17)
    quick = arrive(people, monday, runcorn, asked=reception.Asked(interpreter_language="Polish"))
    slow = arrive(people, monday, runcorn)
    hasty = arrive(people, monday, runcorn)
    other = arrive(people, monday, widnes, asked=reception.Asked(private_room=True))
    monday.moment += timedelta(minutes=1)
    gone(people, monday, hasty, VisitStatus.LEFT)
    monday.moment += timedelta(minutes=2)
    see(people, monday, quick, given=reception.Given(interpreter=True))
    see(people, monday, other, given=reception.Given(private_room=True))
    monday.moment += timedelta(minutes=5)
    see(people, monday, slow)
    return people


def test_the_dashboard_reads_the_visitor_waits_from_the_standards_and_counts_the_rest(
    june: People,
) -> None:
    board = dashboard_read(policy=HALTON, month=JUNE, split=Split.ALL, now=NOW)

    visits = board.visits
    assert visits is not None
    [attended] = [g for g in board.glance if g.label.startswith("Every visitor attended")]
    with_appointment, wait = visits.waits  # in the policy's order
    assert with_appointment.measured == 0  # nobody came with an appointment
    assert with_appointment.rating.text == "Nothing measured"
    assert wait.name == "Every visitor attended to within 5 minutes"
    assert (wait.met, wait.measured, wait.percent) == (2, 3, "66.7%")
    assert attended.in_time.text == wait.percent  # one count, shown twice
    assert wait.rating.text == "Below target (90%)"
    assert wait.sentence == "2 of 3 visitors were seen within 5 minutes"
    assert [(o.office, o.counts.came) for o in visits.figures.offices] == [
        ("Runcorn", 3),
        ("Widnes", 1),
    ]
    assert visits.asked[0] == ("A private room", 1, 1, 0)
    assert visits.asked[2] == ("An interpreter", 1, 1, 0)
    kept = visits.kept
    assert (kept.label, kept.booked, kept.due.due, kept.kept_rate) == (
        "All appointments",
        6,
        7,
        "50.0%",
    )
    assert (kept.rating.level, kept.rating.text) == (Level.RED, "Below target (90%)")
    assert [row.label for row in visits.appointments] == [
        "At the office",
        "Home visit",
        "All appointments",
    ]


def test_the_board_pack_says_the_visit_figures_in_sentences(june: People) -> None:
    pack = board_pack(policy=HALTON, month=JUNE, clock=FixedClock())

    assert pack.visits is not None
    assert pack.visits.sentences == [
        "4 visitors came to our offices: 3 seen, 1 left before being seen.",
        "2 of 3 visitors were seen within 5 minutes (66.7%): below target (90%).",
        "6 appointments booked. Of the 7 due, 2 were kept, 1 moved, 1 cancelled, "
        "1 missed by the customer and 1 found nobody in.",
        "2 of the 4 appointments that went ahead were kept (50.0%): below target (90%).",
    ]
    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(board_pack_pdf(pack))).pages
    )
    assert "Visits and appointments" in text
    assert "2 of 3 visitors were seen within 5 minutes" in text
    assert "Home visits by why: they prefer it 0; illness 1" in " ".join(text.split())
    assert "Olu" not in text  # no officer is named, not even one asked for by name


def test_the_dashboard_page_and_its_workbook_show_visits_and_appointments(
    june: People, client: Any
) -> None:
    client.force_login(make_staff("ana_analyst", Role.PERFORMANCE_ANALYST))
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("reporting:dashboard"), {"month": "2026-06"})
        workbook = client.get(
            reverse("reporting:dashboard"), {"month": "2026-06", "download": "xlsx"}
        )

    html = page.content.decode()
    assert '<h2 id="visits-heading">Visits and appointments</h2>' in html
    assert "4 visitors came to our offices in June 2026: 3 seen, 1 left before being seen." in html
    assert "Home visits booked in June 2026, by why a home visit" in html
    book = load_workbook(io.BytesIO(workbook.content))
    assert "visits" in book.sheetnames
    appointments = list(book["appointments"].iter_rows(min_row=3, values_only=True))
    assert appointments[-1] == (
        "All appointments",
        6,
        7,
        2,
        1,
        1,
        1,
        1,
        1,
        50.0,
        "Below target (90%)",
    )


def test_a_landlord_with_no_visits_has_no_visits_section(people: People) -> None:
    phones_only = HALTON.model_copy(
        update={"standards": [s for s in HALTON.standards if s.key.startswith("phone_")]}
    )

    board = dashboard_read(policy=phones_only, month=JUNE, split=Split.ALL, now=NOW)
    pack = board_pack(policy=phones_only, month=JUNE, clock=FixedClock())

    assert board.visits is None
    assert pack.visits is None
    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(board_pack_pdf(pack))).pages
    )
    assert "Visits and appointments" not in text


def test_a_visit_recorded_shows_the_section_whatever_the_policy_says(
    people: People, offices: tuple[Office, Office], monday: SettableClock
) -> None:
    phones_only = HALTON.model_copy(
        update={"standards": [s for s in HALTON.standards if s.key.startswith("phone_")]}
    )
    arrive(people, monday, offices[0])

    board = dashboard_read(policy=phones_only, month=JUNE, split=Split.ALL, now=NOW)

    assert board.visits is not None
    assert board.visits.waits == []


def test_the_dashboard_reads_no_more_for_more_visits(
    people: People, offices: tuple[Office, Office], monday: SettableClock
) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as read:
            dashboard_read(policy=HALTON, month=JUNE, split=Split.ALL, now=NOW)
        return len(read)

    monday.moment = at(22, 9)
    arrive(people, monday, offices[0])
    dashboard_read(policy=HALTON, month=JUNE, split=Split.ALL, now=NOW)  # counts the day
    one = queries()
    for _ in range(5):
        for office in offices:
            arrive(people, monday, office)
    dashboard_read(policy=HALTON, month=JUNE, split=Split.ALL, now=NOW)
    assert queries() == one
