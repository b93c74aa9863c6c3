"""The performance pages (/performance/ and /performance/behind/): who sees them, what a
month of real casework reads as, the records behind each figure, and junk in the query."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
import time_machine
from bs4 import BeautifulSoup, Tag
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caredesk.cases.models import Case, CaseKind, Channel, Deadline
from caredesk.cases.services import case_create, holding_reply_send, response_send
from caredesk.conftest import make_staff
from caredesk.core.pagination import BAD_CURSOR
from caredesk.customers.models import CustomerType
from caredesk.customers.services import customer_create
from caredesk.reporting import display
from caredesk.reporting.forms import SPLIT_CHOICES
from caredesk.reporting.tests.test_rollups import POLICY, _write_case
from caredesk.staff.models import Role, StaffMember
from caredesk.standards import taken_unit
from caredesk.telephony.figures import percentile_of_sorted

pytestmark = pytest.mark.django_db

DASHBOARD = "/performance/"
BEHIND = "/performance/behind/"
LETTERS = "Letters and emails answered within 10 working days"
ZONE = POLICY.working_calendar.zone
NOW = datetime(2025, 6, 20, 12, 0, tzinfo=UTC)  # a Friday; the clock fixture's time
MAY = {"month": "2025-05"}
FIGURE = {  # May's letters received, as the dashboard's link names them
    "standard": "letter_email_response",
    "first": "2025-05-01",
    "last": "2025-05-31",
    "split": "all",
    "behind": "received",
}


@pytest.fixture(autouse=True)
def frozen_time() -> Iterator[None]:
    """The pages read the system clock (open and overdue now, last month by default)."""
    with time_machine.travel(NOW, tick=False):
        yield


def _uk(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=ZONE)


@dataclass
class Letters:
    in_time: Case
    late: Case
    by_revised: Case
    open_no_team: Case
    april: Case


@pytest.fixture
def letters(people: Any, clock: Any) -> Letters:
    """Letters answered by the real services: in May 2025, one in time, one late, one late
    for the standard but by the date a holding reply gave, and one with nobody on it, still
    open; and one in April, answered in time."""
    customer = customer_create(
        customer_type=CustomerType.TENANT, first_name="Aisha", last_name="Begum", clock=clock
    )

    def letter(received: datetime, officer: StaffMember | None, subject: str, **more: Any) -> Case:
        return case_create(
            kind=CaseKind.GENERAL_ENQUIRY,
            channel=more.pop("channel", Channel.LETTER),
            received_at=received,
            subject=subject,
            by=people.administrator,
            assign_to=officer,
            policy=POLICY,
            clock=clock,
            **more,
        )

    def answer(case: Case, at: datetime, by: StaffMember) -> None:
        clock.moment = at
        response_send(
            case=case, channel=Channel.LETTER, summary="Answered", by=by, policy=POLICY, clock=clock
        )

    clock.moment = NOW
    april = letter(_uk(4, 1, 10), people.officer, "Bins not collected")
    in_time = letter(_uk(5, 1, 10), people.officer, "Rent statement", customer=customer)
    late = letter(_uk(5, 1, 11), people.officer, "Damp in the bathroom")
    by_revised = letter(_uk(5, 1, 12), people.outsider, "Garden fence")
    open_no_team = letter(_uk(5, 6, 9), None, "Parking bay", channel=Channel.EMAIL)
    answer(april, _uk(4, 3, 15), people.officer)
    answer(in_time, _uk(5, 8, 14), people.officer)
    answer(late, _uk(5, 28, 16), people.officer)
    clock.moment = _uk(5, 12, 11)
    holding_reply_send(
        deadline=by_revised.deadlines.get(),
        reason="Waiting for a contractor's quote",
        revised=_uk(5, 30, 17),
        by=people.outsider,
        policy=POLICY,
        clock=clock,
    )
    answer(by_revised, _uk(5, 27, 10), people.outsider)
    clock.moment = NOW
    return Letters(in_time, late, by_revised, open_no_team, april)


@pytest.fixture
def analyst() -> StaffMember:
    return make_staff("pat_analyst", Role.PERFORMANCE_ANALYST)


def _soup(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def _table(soup: BeautifulSoup, caption: str) -> Tag:
    for table in soup.find_all("table"):
        found = table.find("caption")
        if found is not None and found.get_text(" ", strip=True) == caption:
            return table
    raise AssertionError(f"No table captioned {caption!r}")


def _row(table: Tag, heading: str) -> list[Tag]:
    """The cells of the row whose heading starts with `heading`."""
    for row in table.find_all("tr"):
        th = row.find("th", scope="row")
        if th is not None and th.get_text(" ", strip=True).startswith(heading):
            return list(row.find_all("td"))
    raise AssertionError(f"No row {heading!r}")


def _text(cells: list[Tag]) -> list[str]:
    return [cell.get_text(" ", strip=True) for cell in cells]


def _link(cell: Tag) -> str:
    anchor = cell.find("a")
    assert anchor is not None, cell
    return str(anchor["href"])


def _references(client: Client, url: str) -> list[str]:
    """The case references listed behind a figure, every page of them."""
    references: list[str] = []
    while True:
        response = client.get(url)
        assert response.status_code == 200
        soup = _soup(response)
        table = soup.find("table")
        assert isinstance(table, Tag)
        references += [th.get_text(strip=True) for th in table.find_all("th", scope="row")]
        following = soup.find("a", string=lambda text: bool(text and text.startswith("Next")))
        if following is None:
            return references
        url = BEHIND + str(following["href"])


# -- who may see them -------------------------------------------------------------------------


def test_the_urls_are_named() -> None:
    assert reverse("reporting:dashboard") == DASHBOARD
    assert reverse("reporting:behind") == BEHIND


def test_an_officer_may_see_neither_page(client: Client, people: Any, letters: Letters) -> None:
    client.force_login(people.officer)
    assert client.get(DASHBOARD, MAY).status_code == 403
    assert client.get(BEHIND, FIGURE).status_code == 403


# -- a month of real casework ------------------------------------------------------------------


def test_a_line_manager_reads_a_month_of_letters(
    client: Client, people: Any, letters: Letters
) -> None:
    # given: May's letters, answered in time, late, and by a revised date; one still open
    client.force_login(people.line_manager)

    # when: the line manager opens May
    response = client.get(DASHBOARD, MAY)

    # then: 4 received, 3 measured, 1 of 3 in time (33.3%), below the 95% target; 2 of 3 by
    # the revised date; 1 breach; the open one overdue now
    assert response.status_code == 200
    soup = _soup(response)
    assert soup.find("h1").get_text(strip=True) == "Performance: May 2025"  # type: ignore[union-attr]
    glance = _table(soup, "Each standard in May 2025, against its target")
    cells = _row(glance, LETTERS)
    received, measured, in_time, rating, by_revised, breaches, median, p90, open_now, overdue = (
        cells
    )
    assert _text(cells[:6]) == ["4", "3", "33.3%", "Below target (95%)", "66.7%", "1"]
    assert _text([open_now, overdue]) == ["1", "1"]
    assert rating.find("span", class_="rag--red") is not None
    # the times taken are the engine's, as the page says them
    taken = sorted(
        d.time_taken
        for d in Deadline.objects.filter(
            case__in=[letters.in_time, letters.late, letters.by_revised]
        )
        if d.time_taken is not None
    )
    assert len(taken) == 3
    unit = POLICY.deadline_standard("letter_email_response").target.unit
    assert median.get_text(strip=True) == display.taken_text(
        percentile_of_sorted(taken, 0.5), taken_unit(unit)
    )
    assert p90.get_text(strip=True) == display.taken_text(
        percentile_of_sorted(taken, 0.9), taken_unit(unit)
    )
    assert "working day" in median.get_text()
    # a standard with nothing in May says so in words, not colour
    sar = _row(glance, "Subject access requests")
    assert _text(sar[:4]) == ["0", "0", "–", "Nothing measured"]

    # and: the trend has a title, a summary in words and the figures as a table
    trends = soup.find("section", attrs={"aria-labelledby": "trends-heading"})
    assert isinstance(trends, Tag)
    title = f"{LETTERS}: share met in time, May 2024 to May 2025"
    assert [h.get_text(strip=True) for h in trends.find_all("h3")] == [title]
    figure = trends.find("figure")
    assert isinstance(figure, Tag)
    summary = figure.find("p").get_text(" ", strip=True)  # type: ignore[union-attr]
    assert summary == (
        "33.3% met in time in May 2025, down from 100.0% in April 2025."
        " On target (95%) in 1 of the 2 months with figures."
    )
    svg = figure.find("svg")
    assert isinstance(svg, Tag)
    assert svg["role"] == "img"
    heading, description = figure.find("h3"), figure.find("p")
    assert isinstance(heading, Tag)
    assert isinstance(description, Tag)
    # the chart's accessible name is its title and its summary
    assert str(svg["aria-labelledby"]).split() == [heading["id"], description["id"]]
    data = _table(figure, title)  # type: ignore[arg-type]
    assert _text(_row(data, "April 2025")) == ["1", "1", "100.0%", "On target (95%)"]
    assert _text(_row(data, "May 2025")) == ["3", "1", "33.3%", "Below target (95%)"]
    assert _text(_row(data, "May 2024")) == ["0", "0", "–", "Nothing measured"]

    # and: the links behind the figures list the right cases
    ref = {
        name: case.reference
        for name, case in vars(letters).items()
        if isinstance(case, Case) and name != "april"
    }
    assert sorted(_references(client, _link(received))) == sorted(ref.values())
    assert sorted(_references(client, _link(measured))) == sorted(
        [ref["in_time"], ref["late"], ref["by_revised"]]
    )
    assert _references(client, _link(in_time)) == [ref["in_time"]]
    assert sorted(_references(client, _link(by_revised))) == sorted(
        [ref["in_time"], ref["by_revised"]]
    )
    assert _references(client, _link(breaches)) == [ref["late"]]
    assert _references(client, _link(open_now)) == [ref["open_no_team"]]
    assert _references(client, _link(overdue)) == [ref["open_no_team"]]
    for cell in (received, measured, in_time, by_revised, breaches, open_now, overdue):
        assert _link(cell).startswith(BEHIND + "?")
    # a line manager may read the cases, so each reference links to its case
    behind = client.get(_link(breaches)).content.decode()
    assert f'href="{reverse("cases:case", args=[ref["late"]])}"' in behind
    assert "Breaches: " + LETTERS in behind


def test_a_performance_analyst_sees_references_but_no_case_links_and_no_names(
    client: Client, analyst: StaffMember, letters: Letters
) -> None:
    client.force_login(analyst)
    dashboard = client.get(DASHBOARD, MAY)
    assert dashboard.status_code == 200
    pages = [dashboard.content.decode()]
    received = _link(
        _row(_table(_soup(dashboard), "Each standard in May 2025, against its target"), LETTERS)[0]
    )
    behind = client.get(received)
    assert behind.status_code == 200
    pages.append(behind.content.decode())
    table = _soup(behind).find("table")
    assert isinstance(table, Tag)
    listed = [th.get_text(strip=True) for th in table.find_all("th", scope="row")]
    assert letters.in_time.reference in listed
    assert table.find("a") is None  # no link to the case page
    by_customer_type = client.get(DASHBOARD, MAY | {"split": "customer_type"})
    pages.append(by_customer_type.content.decode())
    cases = client.get(
        BEHIND,
        {"first": "2025-05-01", "last": "2025-05-31", "split": "all", "behind": "cases"},
    )
    assert cases.status_code == 200
    pages.append(cases.content.decode())
    for page in pages:
        assert "/cases/" not in page
        for name in ("Aisha", "Begum"):
            assert name not in page


# -- splits ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("split", "names"),
    [
        ("team", ["Tenancy", "Repairs", "No team"]),
        ("officer", ["Olu Officer", "Oscar Outsider", "Nobody assigned"]),
        ("office", ["Runcorn", "No office"]),
        ("channel", ["Letter", "Email"]),
        ("customer_type", ["Tenant", "No customer recorded"]),
        ("case_kind", ["General enquiry"]),
    ],
)
def test_every_split_names_its_values(
    client: Client, people: Any, letters: Letters, split: str, names: list[str]
) -> None:
    client.force_login(people.line_manager)
    response = client.get(DASHBOARD, MAY | {"split": split})
    assert response.status_code == 200
    soup = _soup(response)
    label = {value: str(name) for value, name in SPLIT_CHOICES}[split]
    table = _table(soup, f"{LETTERS}, May 2025")
    heading = table.find("th", scope="col")
    assert heading is not None
    assert heading.get_text(strip=True) == label
    shown = [th.get_text(" ", strip=True) for th in table.find_all("th", scope="row")]
    assert sorted(shown) == sorted(names)
    # the rows add up to the month's total
    total = sum(int(_text(_row(table, name))[0]) for name in names)
    assert total == 4


def test_a_split_link_lists_that_values_cases(
    client: Client, people: Any, letters: Letters
) -> None:
    client.force_login(people.line_manager)
    soup = _soup(client.get(DASHBOARD, MAY | {"split": "team"}))
    table = _table(soup, f"{LETTERS}, May 2025")
    tenancy = _references(client, _link(_row(table, "Tenancy")[0]))
    assert sorted(tenancy) == sorted([letters.in_time.reference, letters.late.reference])
    no_team = _references(client, _link(_row(table, "No team")[0]))
    assert no_team == [letters.open_no_team.reference]
    page = client.get(_link(_row(table, "No team")[0])).content.decode()
    assert "team: No team" in page


# -- junk in the query --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        (
            {"month": "2025-13"},
            "month",
            "Enter the month as a year and month, for example 2025-06.",
        ),
        ({"month": "June"}, "month", "Enter the month as a year and month, for example 2025-06."),
        ({"month": "2025-06-01"}, "month", "Enter the month as a year and month"),
        ({"month": "1800-01"}, "month", "Choose a month from 1971 to 2100."),
        ({"split": "postcode"}, "split", "Choose how to split the figures from the list."),
    ],
)
def test_a_bad_choice_is_explained_next_to_its_field(
    client: Client, people: Any, query: dict[str, str], field: str, message: str
) -> None:
    client.force_login(people.line_manager)
    response = client.get(DASHBOARD, query)
    assert response.status_code == 200
    soup = _soup(response)
    error = soup.find(id=f"id_{field}_error")
    assert error is not None
    assert message in error.get_text()
    summary = soup.find(class_="error-summary")
    assert summary is not None
    assert summary.find("a", href=f"#id_{field}") is not None
    assert soup.find(id="glance-heading") is None  # no figures for a month it cannot read


@pytest.mark.parametrize("month", ["1971-01", "2100-12", "2025-06"])
def test_the_first_and_last_months_the_calendar_knows_can_be_read(
    client: Client, people: Any, month: str
) -> None:
    client.force_login(people.line_manager)
    assert client.get(DASHBOARD, {"month": month}).status_code == 200


def test_last_month_is_the_default(client: Client, people: Any, letters: Letters) -> None:
    client.force_login(people.line_manager)
    soup = _soup(client.get(DASHBOARD))
    assert soup.find("h1").get_text(strip=True) == "Performance: May 2025"  # type: ignore[union-attr]


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    month=st.one_of(
        st.text(max_size=12),
        st.from_regex(r"\A-?[0-9]{1,5}-[0-9]{1,3}\Z"),
    ),
    split=st.text(max_size=15),
)
def test_anything_in_the_query_gives_a_page_not_a_crash(
    client: Client, people: Any, month: str, split: str
) -> None:
    client.force_login(people.line_manager)
    response = client.get(
        DASHBOARD, {"month": month.replace("\x00", ""), "split": split.replace("\x00", "")}
    )
    assert response.status_code == 200


def test_a_bad_cursor_is_refused_in_plain_words(
    client: Client, people: Any, letters: Letters
) -> None:
    client.force_login(people.line_manager)
    for after in ("nonsense", "W10", "WyJ4Il0", "!!!"):
        response = client.get(BEHIND, FIGURE | {"after": after})
        assert response.status_code == 400
        assert BAD_CURSOR in response.content.decode()
        assert "Traceback" not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"first": "2025-05-31", "last": "2025-05-01"}, "The last day is before the first."),
        ({"standard": ""}, "Say which standard&#x27;s figures to list."),
        ({"behind": "everything"}, "behind:"),
        ({"first": "31/05/2025"}, "first:"),
        ({"split": "postcode"}, "split:"),
    ],
)
def test_a_link_that_names_no_figure_is_refused(
    client: Client, people: Any, query: dict[str, str], message: str
) -> None:
    client.force_login(people.line_manager)
    response = client.get(BEHIND, FIGURE | query)
    assert response.status_code == 400
    assert "This link does not name a figure" in response.content.decode()
    assert message in response.content.decode()


@pytest.mark.parametrize(
    ("split", "value"),
    [
        ("office", "abc"),  # was a ValueError (int("abc")): a 500
        ("office", "-1"),
        ("office", "99999999999999999999"),  # was an OverflowError on SQLite
        ("officer", "99999999999999999999"),  # was an OverflowError naming the officer
        ("team", "abc"),
    ],
)
@pytest.mark.parametrize("behind", ["received", "cases"])
def test_a_value_no_record_can_have_lists_nothing(
    client: Client, people: Any, letters: Letters, split: str, value: str, behind: str
) -> None:
    client.force_login(people.line_manager)
    response = client.get(BEHIND, FIGURE | {"split": split, "value": value, "behind": behind})
    assert response.status_code == 200
    table = _soup(response).find("table")
    assert isinstance(table, Tag)
    assert table.find_all("th", scope="row") == []
    assert "None." in table.get_text()


def test_a_link_to_a_standard_the_policy_lacks_is_refused(client: Client, people: Any) -> None:
    client.force_login(people.line_manager)
    client.raise_request_exception = False
    response = client.get(BEHIND, FIGURE | {"standard": "no_such_standard"})
    assert response.status_code == 400


@pytest.mark.parametrize("behind", ["received", "cases"])
def test_a_link_with_a_day_beyond_the_calendar_is_refused(
    client: Client, people: Any, behind: str
) -> None:
    client.force_login(people.line_manager)
    client.raise_request_exception = False
    response = client.get(BEHIND, FIGURE | {"last": "9999-12-31", "behind": behind})
    assert response.status_code == 400


def test_the_records_behind_a_figure_come_a_page_at_a_time(
    client: Client, people: Any, many_letters: None
) -> None:
    # given: 130 letters received in May, many at the same minute
    client.force_login(people.line_manager)
    everyone = set(Case.objects.values_list("reference", flat=True))
    assert len(everyone) == 130
    url = f"{BEHIND}?{urlencode(FIGURE)}"
    # when: the list is read from the first page to the last
    first_page = client.get(url)
    soup = _soup(first_page)
    table = soup.find("table")
    assert isinstance(table, Tag)
    assert len(table.find_all("th", scope="row")) == 50
    references = _references(client, url)
    # then: every letter once, in the order their clocks started, 50 to a page
    assert len(references) == 130
    assert set(references) == everyone
    in_order = Deadline.objects.order_by("starts_at", "pk").values_list(
        "case__reference", flat=True
    )
    assert references == list(in_order)


@pytest.fixture
def many_letters(people: Any) -> None:
    """130 letters received in May 2025, three at each minute, written as rows."""
    start = datetime(2025, 5, 6, 9, tzinfo=UTC)
    staff = {None: None, "officer": people.officer}
    teams = {None: None, "team": people.team}
    for number in range(130):
        _write_case(
            number,
            {
                "received": start + timedelta(minutes=number // 3),
                "kind": CaseKind.GENERAL_ENQUIRY,
                "channel": Channel.LETTER,
                "customer": None,
                "first_contact": False,
                "team": "team",
                "officer": "officer",
                "deadlines": [
                    {
                        "key": "letter_email_response",
                        "due_hours": 200,
                        "revised_hours": None,
                        "finish": "open",
                        "finish_hours": 0,
                        "taken": 0,
                    }
                ],
            },
            staff,
            teams,
            [],
        )
