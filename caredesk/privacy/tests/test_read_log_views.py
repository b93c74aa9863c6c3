"""The read log page (`/privacy/reads/`): the data protection officer's alone, its
filters and their errors, the reads in London time with "No case", the alerts to look
into, and its own reads logged when it shows a customer's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from django.urls import reverse

from caredesk.customers.models import CustomerAccess
from caredesk.privacy.models import ReadingAlert
from caredesk.privacy.read_log import READ_LOG_WHAT
from caredesk.privacy.tests.test_read_log import case_for, customer, read

pytestmark = pytest.mark.django_db

PAGE = "/privacy/reads/"
SUMMER = datetime(2025, 6, 20, 22, 30, tzinfo=UTC)  # 23:30 in London (BST)


def page(client, **query) -> tuple[int, str]:
    response = client.get(PAGE, query)
    return response.status_code, unescape(response.content.decode())


@pytest.fixture
def dpo_client(client, people):
    client.force_login(people.data_protection_officer)
    return client


def test_the_page_is_the_data_protection_officers_alone(client, people):
    assert reverse("privacy:reads") == PAGE
    for person in (people.officer, people.line_manager, people.administrator, people.analyst):
        client.force_login(person)
        assert client.get(PAGE).status_code == 403, person
    client.force_login(people.data_protection_officer)
    assert client.get(PAGE).status_code == 200


def test_the_data_protection_page_links_to_it(dpo_client):
    assert f'href="{PAGE}"' in dpo_client.get(reverse("privacy:requests")).content.decode()


def test_reads_are_shown_in_london_time_with_no_case_where_there_was_none(dpo_client, people):
    jo = customer("Jones", first_name="Jo")
    case_for(jo, officer=people.officer, at=SUMMER - timedelta(days=1))
    read(jo, people.officer, SUMMER, what="case HHT-2025-000001")
    read(jo, people.outsider, SUMMER + timedelta(minutes=1), what="customer page")

    status, html = page(dpo_client)

    assert status == 200
    rows = html.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    assert "20 Jun 2025, 23:31:00" in rows[0]
    assert "Oscar Outsider" in rows[0]
    assert "Repairs" in rows[0]
    assert "No case" in rows[0]
    assert "20 Jun 2025, 23:30:00" in rows[1]
    assert "Olu Officer" in rows[1]
    assert "Tenancy" in rows[1]
    assert "No case" not in rows[1]
    assert "case HHT-2025-000001" in rows[1]


def test_the_filters_narrow_the_reads_and_the_to_day_includes_its_evening(dpo_client, people):
    jo, sam = customer("Jones", first_name="Jo"), customer("Okafor", first_name="Sam")
    read(jo, people.officer, SUMMER, what="the evening read")
    read(jo, people.officer, SUMMER + timedelta(hours=2), what="the next day's read")
    read(sam, people.officer, SUMMER - timedelta(hours=1), what="Sam's read")
    read(jo, people.outsider, SUMMER - timedelta(hours=2), what="the outsider's read")

    status, html = page(
        dpo_client,
        customer="jones",
        staff=people.officer.pk,
        from_day="2025-06-20",
        to_day="2025-06-20",
    )

    assert status == 200
    assert "the evening read" in html
    for other in ("the next day's read", "Sam's read", "the outsider's read"):
        assert other not in html
    assert "Reads of" in html
    assert "Jo Jones" in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from_day": "31/06/2025"}, "Enter the first day as a date, for example 2025-06-02"),
        ({"to_day": "yesterday"}, "Enter the last day as a date, for example 2025-06-13"),
        (
            {"from_day": "2025-06-20", "to_day": "2025-06-19"},
            "The last day must be the same as or after the first day (20 June 2025)",
        ),
        ({"from_day": "1066-10-14"}, "Enter the first day between"),
        ({"staff": "99999"}, "Choose a member of staff from the list"),
        ({"customer": "Nobody Here"}, "No customer matches “Nobody Here”"),
    ],
    ids=["bad date", "not a date", "to before from", "too long ago", "no such staff", "nobody"],
)
def test_a_bad_filter_is_told_at_the_top_and_by_its_field(dpo_client, people, query, message):
    read(customer(), people.officer, SUMMER)

    status, html = page(dpo_client, **query)

    assert status == 400
    assert html.count(message) == 2  # in the error summary, and by the field
    assert 'class="error-summary"' in html
    assert "<tbody>" not in html  # no reads shown for filters that cannot be used


def test_an_edited_page_link_is_refused_with_a_way_back(dpo_client):
    status, html = page(dpo_client, after="edited")

    assert status == 400
    assert "start again without one" in html


def test_pages_follow_on_with_the_filters_kept(dpo_client, people, monkeypatch):
    monkeypatch.setattr("caredesk.privacy.read_log.PAGE_SIZE", 2)
    jo = customer()
    for minute in range(3):
        read(jo, people.officer, SUMMER + timedelta(minutes=minute), what=f"read {minute}")

    status, html = page(dpo_client, staff=people.officer.pk)
    assert status == 200
    assert "read 2" in html
    assert "read 1" in html
    assert "read 0" not in html
    following = html.split('<a href="?')[-1].split('"')[0]
    assert following.startswith(f"staff={people.officer.pk}&after=")

    status, html = page(dpo_client, **dict(p.split("=", 1) for p in following.split("&")))
    assert "read 0" in html
    assert "read 1" not in html


def test_a_customers_reads_shown_are_a_read_of_their_record_and_the_whole_log_is_not(
    dpo_client, people
):
    jo = customer("Jones", first_name="Jo")
    read(jo, people.officer, SUMMER)

    page(dpo_client)
    page(dpo_client, staff=people.officer.pk)
    assert not CustomerAccess.objects.filter(staff=people.data_protection_officer).exists()

    page(dpo_client, customer=str(jo.pk))
    logged = CustomerAccess.objects.get(staff=people.data_protection_officer)
    assert (logged.customer, logged.what) == (jo, READ_LOG_WHAT)


# -- the alerts ------------------------------------------------------------------------------


@pytest.fixture
def alert(people):
    return ReadingAlert.objects.create(
        staff=people.outsider,
        window_starts=datetime(2025, 6, 2, 23, 0, tzinfo=UTC),
        window_ends=datetime(2025, 6, 3, 23, 0, tzinfo=UTC),
        raised_at=datetime(2025, 6, 4, 1, 0, tzinfo=UTC),
        customers=34,
        no_case_at_all=6,
    )


def test_open_alerts_are_at_the_top_with_a_link_to_the_reads(dpo_client, people, alert):
    status, html = page(dpo_client)

    assert status == 200
    assert html.index("Unusual reading to look into (1)") < html.index("Find reads")
    assert (
        "Oscar Outsider opened the records of 34 customers with no case of theirs or their "
        "team's on Tuesday 3 June 2025. 6 of them had no case with anyone."
    ) in html
    link = f"{PAGE}?staff={people.outsider.pk}&from_day=2025-06-03&to_day=2025-06-03"
    assert f'href="{link}"' in html
    requests = unescape(dpo_client.get(reverse("privacy:requests")).content.decode())
    assert "1 alert of unusual reading to look into" in requests


def test_the_officer_marks_an_alert_looked_into_with_a_note(dpo_client, people, alert):
    address = reverse("privacy:reading_alert", args=[alert.pk])

    response = dpo_client.post(address, {f"alert{alert.pk}-note": "Covering Repairs' phones"})

    assert response.status_code == 302
    assert response["Location"] == PAGE
    alert.refresh_from_db()
    assert alert.looked_into_by == people.data_protection_officer
    assert alert.note == "Covering Repairs' phones"
    _, html = page(dpo_client)
    assert "Unusual reading to look into" not in html
    assert "marked as looked into" in html


def test_an_alert_without_a_note_is_not_marked(dpo_client, alert):
    response = dpo_client.post(
        reverse("privacy:reading_alert", args=[alert.pk]), {f"alert{alert.pk}-note": " "}
    )

    assert response.status_code == 400
    html = unescape(response.content.decode())
    assert html.count("Enter what you found") == 2
    assert "<details open>" in html
    alert.refresh_from_db()
    assert alert.looked_into_at is None


def test_marking_needs_a_post_and_the_officer(client, people, alert):
    address = reverse("privacy:reading_alert", args=[alert.pk])
    client.force_login(people.line_manager)
    assert client.post(address, {f"alert{alert.pk}-note": "Fine"}).status_code == 403
    client.force_login(people.data_protection_officer)
    assert client.get(address).status_code == 405
    assert client.post(reverse("privacy:reading_alert", args=[alert.pk + 1])).status_code == 404
