"""The equality impact monitoring report: the right test on the right table, a flag only
for a difference both significant and material, small groups hidden everywhere."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
import pytest
import time_machine
from bs4 import BeautifulSoup
from django.urls import reverse
from pypdf import PdfReader
from scipy import stats  # type: ignore[import-untyped]

from caredesk.cases.models import Case, CaseKind, Channel, Deadline, DeadlineStatus
from caredesk.conftest import make_staff
from caredesk.customers.equality import Characteristic, equality_cipher, profile_for_new
from caredesk.customers.models import Customer, CustomerType, EqualityProfile
from caredesk.reporting.equality import (
    CHI_SQUARED,
    FISHER,
    MANN_WHITNEY,
    NOT_GIVEN,
    EqualityReport,
    GroupRow,
    Hidden,
    Measure,
    equality_report,
)
from caredesk.reporting.equality_views import last_financial_year
from caredesk.reporting.tests.factories import pdf_made
from caredesk.staff.models import Role
from caredesk.standards import load_policy

pytestmark = pytest.mark.django_db

POLICY = load_policy("halton")
WHEN = datetime(2025, 6, 10, 9, 0, tzinfo=UTC)
FIRST, LAST = date(2025, 6, 1), date(2025, 6, 30)
NOW = datetime(2025, 7, 15, 12, 0, tzinfo=UTC)
LETTER = "letter_email_response"  # 10 working days, time taken in working days
VOICEMAIL = "voicemail_return"  # 24 hours, time taken in minutes
QUERY = {"first": FIRST.isoformat(), "last": LAST.isoformat()}
serial = itertools.count(1)


def customers(count: int, answers: dict[str, str] | None, people: Any) -> list[Customer]:
    """`count` tenants, with these equality answers (None: no answers at all)."""
    made = Customer.objects.bulk_create(
        Customer(
            customer_type=CustomerType.TENANT,
            first_name="Test",
            last_name=f"Tenant {next(serial)}",
            created_at=WHEN - timedelta(days=400),
        )
        for _ in range(count)
    )
    if answers is not None:
        cipher = equality_cipher()
        EqualityProfile.objects.bulk_create(
            profile_for_new(
                customer=customer,
                answers=answers,
                by=people.officer,
                recorded_at=WHEN,
                cipher=cipher,
            )
            for customer in made
        )
    return made


def cases_for(owners: Sequence[Customer | None], *, resolved: int = 0) -> list[Case]:
    """One case each, received in June; the first `resolved` resolved at first contact."""
    return Case.objects.bulk_create(
        Case(
            reference=f"T-{next(serial)}",
            kind=CaseKind.GENERAL_ENQUIRY,
            channel=Channel.EMAIL,
            customer=owner,
            received_at=WHEN,
            subject="A test case",
            resolved_at_first_contact=number < resolved,
            created_at=WHEN,
        )
        for number, owner in enumerate(owners)
    )


def deadlines(
    owners: Sequence[Customer | None],
    *,
    in_time: int,
    late: int,
    key: str = LETTER,
    taken: int = 2,
    late_taken: int = 12,
) -> None:
    """`in_time` deadlines met in time and `late` met late, in June, shared in turn
    among the customers (one case each)."""
    cases = cases_for(owners)
    rows = []
    for number in range(in_time + late):
        on_time = number < in_time
        rows.append(
            Deadline(
                case=cases[number % len(cases)],
                standard_key=key,
                starts_at=WHEN,
                standard_due_at=WHEN + timedelta(days=10),
                due_at=WHEN + timedelta(days=10),
                met_at=WHEN + timedelta(days=2 if on_time else 12),
                status=DeadlineStatus.MET,
                time_taken=taken if on_time else late_taken,
            )
        )
    Deadline.objects.bulk_create(rows)


def report() -> EqualityReport:
    return equality_report(policy=POLICY, first=FIRST, last=LAST, now=NOW)


def row(
    found: EqualityReport, characteristic: Characteristic, measure: Measure, answer: str
) -> GroupRow:
    for section in found.sections:
        if section.characteristic is characteristic:
            for table in section.tables:
                if table.measure is measure:
                    return next(r for r in table.rows if r.answer == answer)
    raise AssertionError("no such row")


def analyst_client(client: Any) -> Any:
    client.force_login(make_staff("ana_analyst", Role.PERFORMANCE_ANALYST))
    return client


@pytest.fixture
def clearly_worse(people: Any) -> None:
    """Disabled customers: 40 of 50 in time; everyone else 190 of 200, half of them
    with no answers at all."""
    disabled = customers(10, {"disability": "yes"}, people)
    deadlines(disabled, in_time=40, late=10)
    deadlines(customers(20, {"disability": "no"}, people), in_time=95, late=5)
    deadlines(customers(20, None, people), in_time=95, late=5)


# -- the tests and the flags ------------------------------------------------------------------


def test_a_group_clearly_worse_is_flagged_with_the_p_value_scipy_gives(clearly_worse):
    found = row(report(), Characteristic.DISABILITY, Measure.IN_TIME, "yes")
    # one expected count is 4 (50 x 20 / 250): Fisher's exact test, not chi-squared
    table = np.array([[40, 10], [190, 10]])
    expected = stats.contingency.expected_freq(table)
    assert expected.min() == pytest.approx(4.0)
    assert found.test is not None
    assert found.test.name == FISHER
    assert found.test.p_value == pytest.approx(stats.fisher_exact(table).pvalue, rel=1e-12)
    assert found.value == pytest.approx(80.0)
    assert found.others_value == pytest.approx(95.0)
    assert found.difference == pytest.approx(-15.0)
    assert found.flagged
    assert found.worse
    # everyone else is every other record, those with no answers included
    assert (found.tally.people, found.others.records, found.others.people) == (10, 200, 40)


def test_chi_squared_with_yates_correction_when_every_expected_count_is_5_or_more(people):
    group = customers(20, {"ethnicity": "black"}, people)
    deadlines(group, in_time=60, late=40)
    deadlines(customers(30, {"ethnicity": "white"}, people), in_time=270, late=30)
    found = row(report(), Characteristic.ETHNICITY, Measure.IN_TIME, "black")
    table = [[60, 40], [270, 30]]
    assert found.test is not None
    assert found.test.name == CHI_SQUARED
    assert found.test.p_value == pytest.approx(
        stats.chi2_contingency(table, correction=True).pvalue, rel=1e-12
    )
    assert found.test.p_value != pytest.approx(
        stats.chi2_contingency(table, correction=False).pvalue, rel=1e-6
    )
    assert found.flagged


def test_a_significant_difference_too_small_to_be_material_is_not_flagged(people):
    # 91% against 95%: p far below 0.05 with thousands of records, but 4 points
    group = customers(10, {"sex": "male"}, people)
    deadlines(group, in_time=910, late=90)
    deadlines(customers(30, {"sex": "female"}, people), in_time=2850, late=150)
    found = row(report(), Characteristic.SEX, Measure.IN_TIME, "male")
    assert found.test is not None
    assert found.test.p_value == pytest.approx(
        stats.chi2_contingency([[910, 90], [2850, 150]]).pvalue, rel=1e-12
    )
    assert found.significant
    assert not found.material
    assert not found.flagged


def test_a_large_difference_in_a_small_group_that_is_not_significant_is_not_flagged(people):
    # 4 of 6 (66.7%) against 90 of 100 (90%): 23 points, but p is about 0.14
    group = customers(6, {"religion": "jewish"}, people)
    deadlines(group, in_time=4, late=2)
    deadlines(customers(20, {"religion": "christian"}, people), in_time=90, late=10)
    found = row(report(), Characteristic.RELIGION, Measure.IN_TIME, "jewish")
    assert found.test is not None
    assert found.test.name == FISHER
    assert found.test.p_value == pytest.approx(stats.fisher_exact([[4, 2], [90, 10]]).pvalue)
    assert found.test.p_value > 0.05
    assert found.material
    assert not found.significant
    assert not found.flagged


def test_first_contact_resolution_is_compared_the_same_way(people):
    group = customers(30, {"financial_exclusion": "yes"}, people)
    cases_for(group, resolved=12)
    cases_for(customers(100, {"financial_exclusion": "no"}, people), resolved=70)
    found = row(report(), Characteristic.FINANCIAL_EXCLUSION, Measure.FIRST_CONTACT, "yes")
    assert (found.tally.records, found.tally.yes) == (30, 12)
    assert found.test is not None
    assert found.test.p_value == pytest.approx(
        stats.chi2_contingency([[12, 18], [70, 30]]).pvalue, rel=1e-12
    )
    assert found.flagged
    assert found.worse


def test_time_taken_is_compared_by_position_within_each_standard(people):
    """Slower within its standard: flagged, with Mann-Whitney's p on the positions."""
    group = customers(10, {"age_band": "75_and_over"}, people)
    deadlines(group, in_time=50, late=0, taken=8)
    deadlines(customers(40, {"age_band": "25_34"}, people), in_time=200, late=0, taken=2)
    found = row(report(), Characteristic.AGE_BAND, Measure.TIME_TAKEN, "75_and_over")
    # 2 days: 200 of 250 tie at the bottom, position 40; 8 days: (200 + 25) / 250 = 90
    assert found.value == pytest.approx(90.0)
    assert found.others_value == pytest.approx(40.0)
    assert found.test is not None
    assert found.test.name == MANN_WHITNEY
    assert found.test.p_value == pytest.approx(
        stats.mannwhitneyu([90.0] * 50, [40.0] * 200, alternative="two-sided").pvalue
    )
    assert found.flagged
    assert found.worse


def test_time_taken_is_not_pooled_across_standards_with_different_units(people):
    """The group mostly asks for call backs (minutes), everyone else mostly writes
    (working days): within each standard they take the same time, so no flag."""
    group = customers(10, {"sexual_orientation": "bisexual"}, people)
    others = customers(40, {"sexual_orientation": "straight"}, people)
    deadlines(group, in_time=60, late=0, key=VOICEMAIL, taken=300)
    deadlines(group, in_time=10, late=0, key=LETTER, taken=3)
    deadlines(others, in_time=20, late=0, key=VOICEMAIL, taken=300)
    deadlines(others, in_time=200, late=0, key=LETTER, taken=3)
    found = row(report(), Characteristic.SEXUAL_ORIENTATION, Measure.TIME_TAKEN, "bisexual")
    assert found.value == pytest.approx(50.0)
    assert found.others_value == pytest.approx(50.0)
    assert not found.flagged


def test_only_measured_deadlines_finished_in_the_dates_count(people, clearly_worse):
    before = report().totals[Measure.IN_TIME].records
    case = cases_for(customers(1, {"disability": "yes"}, people))[0]
    Deadline.objects.bulk_create(
        [
            # ended unmet before its due time: not measured
            Deadline(
                case=case,
                standard_key=LETTER,
                starts_at=WHEN,
                due_at=WHEN + timedelta(days=10),
                ended_at=WHEN + timedelta(days=1),
                status=DeadlineStatus.ENDED_UNMET,
            ),
            # met in July: another period
            Deadline(
                case=case,
                standard_key=LETTER,
                starts_at=WHEN,
                standard_due_at=WHEN + timedelta(days=40),
                met_at=WHEN + timedelta(days=30),
                status=DeadlineStatus.MET,
                time_taken=20,
            ),
            # ended unmet after its due time: a breach, measured
            Deadline(
                case=case,
                standard_key=LETTER,
                starts_at=WHEN,
                due_at=WHEN + timedelta(days=1),
                ended_at=WHEN + timedelta(days=5),
                status=DeadlineStatus.ENDED_UNMET,
            ),
        ]
    )
    totals = report().totals
    assert totals[Measure.IN_TIME].records == before + 1
    assert totals[Measure.TIME_TAKEN].records == 250  # met in June, with a time taken


# -- small numbers ------------------------------------------------------------------------------


def test_groups_under_5_are_hidden_and_one_more_so_they_cannot_be_worked_out(people):
    # three people who prefer not to say: 1 of 3 in time (33.3%)
    deadlines(customers(3, {"disability": "prefer_not_to_say"}, people), in_time=1, late=2)
    deadlines(customers(10, {"disability": "yes"}, people), in_time=45, late=5)
    deadlines(customers(30, {"disability": "no"}, people), in_time=170, late=30)
    deadlines(customers(20, None, people), in_time=90, late=10)
    # ten deadlines, but of only three people: hidden too
    deadlines(customers(3, {"religion": "buddhist"}, people), in_time=10, late=0)
    deadlines(customers(10, {"sex": "female"}, people), in_time=10, late=0)
    deadlines(customers(10, {"sex": "male"}, people), in_time=10, late=0)
    found = report()
    hidden = row(found, Characteristic.DISABILITY, Measure.IN_TIME, "prefer_not_to_say")
    assert hidden.hidden is Hidden.SMALL
    assert hidden.value is None
    assert hidden.test is None
    assert hidden.difference is None
    # the only one hidden in its table, so "Not given" is hidden as well
    assert row(found, Characteristic.DISABILITY, Measure.IN_TIME, NOT_GIVEN).hidden is (
        Hidden.SECONDARY
    )
    assert row(found, Characteristic.DISABILITY, Measure.IN_TIME, "yes").hidden is None
    # a group with nobody in it is hidden, but needs no other group hidden to protect it
    assert row(found, Characteristic.SEX, Measure.IN_TIME, "prefer_not_to_say").hidden is (
        Hidden.SMALL
    )
    assert row(found, Characteristic.SEX, Measure.IN_TIME, NOT_GIVEN).hidden is None
    buddhist = row(found, Characteristic.RELIGION, Measure.IN_TIME, "buddhist")
    assert buddhist.tally.records == 10
    assert buddhist.hidden is Hidden.SMALL


def test_a_hidden_figure_appears_nowhere_on_the_page_the_csv_or_the_pdf(client, people):
    deadlines(customers(3, {"sexual_orientation": "other"}, people), in_time=1, late=2)
    deadlines(customers(10, {"sexual_orientation": "straight"}, people), in_time=45, late=5)
    deadlines(customers(30, None, people), in_time=180, late=20)
    analyst_client(client)
    page = client.get(reverse("reporting:equality"), QUERY).content.decode()
    text = client.get(reverse("reporting:equality_csv"), QUERY).content.decode()
    pdf = pdf_made(client, "reporting:equality_pdf", "reporting:equality_file", QUERY).content
    pdf_text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for document in (page, text, pdf_text):
        assert "33.3%" not in document  # the hidden group's share
        assert "fewer than 5" in document
    hidden = [r for r in csv.reader(io.StringIO(text)) if r[1] == "Other sexual orientation"]
    assert hidden
    for found in hidden:
        assert found[3:8] == ["fewer than 5", "fewer than 5", "–", "–", "–"]
        assert found[8] == "–"


# -- the pages ----------------------------------------------------------------------------------


def test_the_report_page_for_an_analyst_says_what_differs_in_words(client, clearly_worse):
    analyst_client(client)
    response = client.get(reverse("reporting:equality"), QUERY)
    assert response.status_code == 200
    page = response.content.decode()
    title = "Equality impact monitoring report: Halton Housing Trust, 1 June 2025 to 30 June 2025"
    assert title in page
    assert "1 group has a significant and material difference" in page
    assert "Disability, Disabled or a long-term health condition: met in time 80.0% against " in (
        page
    )
    assert "Significant and material difference: fewer met in time" in page
    assert "How this report is made" in page
    assert "Amira" not in page
    assert "Tenant 1" not in page


def test_with_nothing_to_flag_the_summary_says_so(client, people):
    deadlines(customers(20, {"sex": "female"}, people), in_time=95, late=5)
    deadlines(customers(20, {"sex": "male"}, people), in_time=94, late=6)
    analyst_client(client)
    page = client.get(reverse("reporting:equality"), QUERY).content.decode()
    assert "No group had a significant and material difference from everyone else" in page


def test_the_page_defaults_to_the_last_financial_year_and_checks_the_dates(client, people):
    assert last_financial_year(date(2025, 6, 20)) == (date(2024, 4, 1), date(2025, 3, 31))
    assert last_financial_year(date(2026, 3, 31)) == (date(2024, 4, 1), date(2025, 3, 31))
    assert last_financial_year(date(2026, 4, 1)) == (date(2025, 4, 1), date(2026, 3, 31))
    analyst_client(client)
    with time_machine.travel(datetime(2025, 6, 20, 12, 0, tzinfo=UTC), tick=False):
        response = client.get(reverse("reporting:equality"))
    assert response.status_code == 200
    assert response.context["report"].title.endswith("1 April 2024 to 31 March 2025")
    assert 'value="2024-04-01"' in response.content.decode()
    response = client.get(
        reverse("reporting:equality"), {"first": "2025-06-30", "last": "2025-06-01"}
    )
    assert response.status_code == 400
    assert "The last day is before the first." in response.content.decode()


def test_an_officer_may_not_see_the_report(client, people):
    client.force_login(people.officer)
    for name in ("reporting:equality", "reporting:equality_pdf", "reporting:equality_csv"):
        assert client.get(reverse(name)).status_code == 403


def test_only_those_who_monitor_equality_see_the_report_or_its_link(client, people):
    """Line managers see the performance figures, not the equality report (drawn from
    special-category data); analysts, the data protection officer and equality leads do."""
    client.force_login(people.line_manager)
    assert (
        "Equality impact monitoring report"
        not in client.get(reverse("reporting:dashboard")).content.decode()
    )
    for name in ("reporting:equality", "reporting:equality_pdf", "reporting:equality_csv"):
        assert client.get(reverse(name)).status_code == 403
    analyst = make_staff("ana_analyst", Role.PERFORMANCE_ANALYST)
    for reader in (
        analyst,
        people.data_protection_officer,
        make_staff("ella_lead", Role.EQUALITY_LEAD),
    ):
        client.force_login(reader)
        assert client.get(reverse("reporting:equality")).status_code == 200, reader
    # those without the dashboard find it in the menu
    client.force_login(people.data_protection_officer)
    menu = client.get(reverse("staff:home"), follow=True).content.decode()
    assert f'href="{reverse("reporting:equality")}"' in menu
    client.force_login(analyst)
    assert (
        "Equality impact monitoring report"
        in client.get(reverse("reporting:dashboard")).content.decode()
    )


def test_the_pdf_is_a_pdf_with_the_title(client, clearly_worse):
    analyst_client(client)
    response = pdf_made(client, "reporting:equality_pdf", "reporting:equality_file", QUERY)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "equality-monitoring-2025-06-01-to-2025-06-30.pdf" in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert (
        "Equality impact monitoring report: Halton Housing Trust, 1 June 2025 to 30 June 2025"
        in text
    )
    assert "Significant and material difference: fewer met in time" in text
    assert reader.metadata is not None
    assert str(reader.metadata.title).startswith("Equality impact monitoring report")


def table_cells(page: str) -> dict[str, list[list[str]]]:
    """Each table of the page by its caption: its rows, each cell's text."""
    soup = BeautifulSoup(page, "html.parser")
    found = {}
    for table in soup.select("table.equality"):
        caption = table.caption.get_text(strip=True) if table.caption else ""
        found[caption] = [
            [" ".join(cell.get_text(" ", strip=True).split()) for cell in tr.find_all(["th", "td"])]
            for tr in table.select("tbody tr")
        ]
    return found


def test_the_csv_has_the_same_numbers_as_the_page(client, clearly_worse, people):
    deadlines(customers(3, {"ethnicity": "asian"}, people), in_time=2, late=1)
    analyst_client(client)
    page = client.get(reverse("reporting:equality"), QUERY).content.decode()
    response = client.get(reverse("reporting:equality_csv"), QUERY)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    tables = table_cells(page)
    assert len(tables) == len(Characteristic) * len(Measure)
    measures = {
        "Met in time (%)": "met in time",
        "Resolved at the first contact (%)": "resolved at the first contact",
        "Time taken (average position: 0 quickest, 100 slowest)": (
            "time taken (average position among the same standard's deadlines: "
            "0 quickest, 100 slowest)"
        ),
    }
    compared = 0
    for found in rows:
        if found["Group"] == "Everyone":
            continue
        caption = f"{found['Characteristic']}: {measures[found['Measure']]}"
        cells = next(r for r in tables[caption] if r[0] == found["Group"])
        expected = [
            found["Group"],
            found["People"],
            found["Records"],
            found["Result"],
            found["Everyone else"],
            found["Difference"],
        ]
        assert cells[:6] == expected
        assert cells[6].startswith(found["p value"])
        assert cells[7] == found["Finding"]
        compared += 1
    assert compared == sum(len(table) for table in tables.values())
    flagged = next(r for r in rows if r["Finding"].startswith("Significant and material"))
    assert (flagged["Group"], flagged["Result"], flagged["Everyone else"]) == (
        "Disabled or a long-term health condition",
        "80.0%",
        "94.6%",  # 192 of 203: the three Asian customers' deadlines are everyone else's too
    )
