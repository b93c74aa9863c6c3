"""The call figures page (/calls/): who sees it, what it shows, the CSV, and junk input."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from caredesk.conftest import make_staff
from caredesk.staff.models import Role
from caredesk.telephony.models import CallOutcome, Line
from caredesk.telephony.tests.figures_data import Spec, bst, make_calls

pytestmark = pytest.mark.django_db

URL = "/calls/"
WEEK = {"start": "2025-06-02", "end": "2025-06-08"}
A, AB = CallOutcome.ANSWERED, CallOutcome.ABANDONED


@pytest.fixture
def analyst():
    return make_staff("pat_analyst", Role.PERFORMANCE_ANALYST)


@pytest.fixture
def calls(people):
    line = Line.objects.create(name="Switchboard", team=people.team)
    make_calls(
        Spec(bst(2025, 6, 2, 9, 15), A, 2, line),  # Monday
        Spec(bst(2025, 6, 2, 9, 40), A, 4, line),
        Spec(bst(2025, 6, 2, 10, 20), AB, 20, line),
        Spec(bst(2025, 6, 3, 9, 5), A, 30, None),  # Tuesday, no line
    )
    return line


def test_the_url_is_named_and_needs_see_performance():
    assert reverse("telephony:figures") == URL


def test_a_performance_analyst_sees_the_table_and_the_heat_map(client, analyst, calls):
    client.force_login(analyst)
    response = client.get(URL, WEEK)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Calls by day, 2 June 2025 to 8 June 2025" in page
    assert "Mon 2 Jun 2025" in page
    assert "Sun 8 Jun 2025" in page
    # Monday: 3 offered, 2 answered in 2 and 4 seconds; 4 rings (12 s) met by both of 3
    assert "66.7%" in page
    assert "2 of 3" in page
    assert "3.0" in page  # average seconds to answer on Monday
    assert "Within 4 rings" in page
    assert "Within 10 seconds" in page
    assert "Phone calls answered within 4 rings" in page  # the policy's name, in the key
    # the heat map: Monday 09:00 to 10:00 had 2 calls, answered in 3 s on average
    assert "09:00 to 10:00" in page
    assert "Before 09:00" in page
    assert "From 17:00" in page
    assert '<td class="heat heat--4">2 calls<br><span class="heat-answer">3.0 seconds' in page
    assert 'scope="row"' in page
    assert "<caption" in page
    assert "telephony/figures.css" in page


def test_a_line_manager_sees_it_by_line_and_by_team(client, people, calls):
    client.force_login(people.line_manager)
    by_line = client.get(URL, {**WEEK, "period": "week", "split": "line"})
    assert by_line.status_code == 200
    assert "Switchboard" in by_line.content.decode()
    assert "No line" in by_line.content.decode()
    by_team = client.get(URL, {**WEEK, "period": "month", "split": "team"})
    assert "Tenancy" in by_team.content.decode()
    assert "only 2 Jun to 8 Jun counted" in by_team.content.decode()


def test_an_officer_is_refused(client, people):
    client.force_login(people.officer)
    assert client.get(URL).status_code == 403
    assert client.get(URL, {"format": "csv"}).status_code == 403


def test_the_page_is_read_only(client, analyst):
    client.force_login(analyst)
    assert client.post(URL, WEEK).status_code == 405


def test_with_no_query_it_shows_the_last_four_weeks_by_day(client, analyst):
    client.force_login(analyst)
    with time_machine.travel(datetime(2025, 6, 30, 23, 30, tzinfo=UTC), tick=False):
        response = client.get(URL)  # 00:30 on 1 July in the UK
    page = response.content.decode()
    assert 'value="2025-06-04"' in page
    assert 'value="2025-07-01"' in page
    assert "Calls by day, 4 June 2025 to 1 July 2025" in page
    assert page.count('<th scope="row">') >= 28


def test_csv_download_has_the_same_figures(client, analyst, calls):
    client.force_login(analyst)
    response = client.get(URL, {**WEEK, "period": "week", "split": "line", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="call-figures-2025-06-02-to-2025-06-08.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "Period from",
        "Period to",
        "Line",
        "Offered",
        "Answered",
        "Abandoned",
        "Voicemail",
        "Transferred",
        "Phone calls answered within 4 rings: met",
        "Phone calls answered within 4 rings: measured",
        "Phone calls answered within 4 rings: percent",
        "Phone calls answered within 10 seconds: met",
        "Phone calls answered within 10 seconds: measured",
        "Phone calls answered within 10 seconds: percent",
        "Average speed of answer (seconds)",
        "90th percentile speed of answer (seconds)",
    ]
    # [2, 4]: average 3, 90th percentile 2 + 0.9 × 2 = 3.8;
    # total [2, 4, 30]: average 12, position 1.8: 4 + 0.8 × 26 = 24.8
    assert [row[:8] for row in rows[1:]] == [
        ["2025-06-02", "2025-06-08", "Switchboard", "3", "2", "1", "0", "0"],
        ["2025-06-02", "2025-06-08", "No line", "1", "1", "0", "0", "0"],
        ["2025-06-02", "2025-06-08", "Total", "4", "3", "1", "0", "0"],
    ]
    assert [row[8:] for row in rows[1:]] == [
        ["2", "3", "66.7", "2", "3", "66.7", "3.0", "3.8"],
        ["0", "1", "0.0", "0", "1", "0.0", "30.0", "30.0"],
        ["2", "4", "50.0", "2", "4", "50.0", "12.0", "24.8"],
    ]


def test_a_line_name_cannot_become_a_spreadsheet_formula(client, analyst):
    line = Line.objects.create(name="=HYPERLINK(1)")
    make_calls(Spec(bst(2025, 6, 2, 9, 0), A, 2, line))
    client.force_login(analyst)
    response = client.get(URL, {**WEEK, "split": "line", "period": "week", "format": "csv"})
    assert "'=HYPERLINK(1)" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start": "yesterday"}, "Enter the first day as a date"),
        ({"start": "2025-02-30"}, "Enter the first day as a date"),
        ({"start": ""}, "Enter the first day."),
        ({"end": "99999-01-01"}, "Enter the last day as a date"),
        ({"start": "0001-01-01"}, "Choose a date from 1971 to 2100."),
        ({"start": "2025-06-09", "end": "2025-06-02"}, "same as or after the first"),
        ({"start": "2020-01-01", "end": "2025-01-01"}, "at most two years"),
        ({"period": "fortnight"}, "Choose day, week or month."),
        ({"split": "office"}, "Choose all lines together, each line or each team."),
        ({"start": "²⁰²⁵-06-02"}, "Enter the first day as a date"),
    ],
)
@pytest.mark.parametrize("as_csv", [False, True])
def test_bad_input_is_a_form_error_not_a_failure(client, analyst, query, message, as_csv):
    client.force_login(analyst)
    response = client.get(URL, {**WEEK, **query, **({"format": "csv"} if as_csv else {})})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    assert "Calls and speed of answer" not in page


def test_a_nul_in_a_date_is_refused_with_the_field_named(client, analyst):
    client.force_login(analyst)
    response = client.get(URL, {**WEEK, "start": "2025-06-02\x00"})
    assert response.status_code == 400
    assert "start (in the address)" in response.content.decode()


def test_repeated_and_unknown_parameters_are_harmless(client, analyst, calls):
    client.force_login(analyst)
    response = client.get(
        URL + "?start=2025-06-02&start=2025-06-01&end=2025-06-08&format=pdf&page=9"
    )
    assert response.status_code == 200
    assert "Calls by day, 1 June 2025 to 8 June 2025" in response.content.decode()
