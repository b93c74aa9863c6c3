"""Officers' calendar feeds (visits.calendar_feeds): the page that makes the secret
address (shown once), a new one and off; the feed, read without signing in."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.urls import reverse
from icalendar import Calendar

from caredesk.cases.models import Case
from caredesk.conftest import People, SettableClock, customer_case, make_staff
from caredesk.core.clock import system_clock
from caredesk.errors import NotAllowed
from caredesk.staff.models import Office, Role
from caredesk.visits.calendar_feeds import calendar_feed_make, postcode_district
from caredesk.visits.models import Appointment, AppointmentStatus, CalendarFeed

NOW = datetime(2026, 6, 22, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock_at_now(clock: SettableClock, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pages' clock says NOW."""
    clock.moment = NOW
    monkeypatch.setattr(system_clock, "now", clock.now)


def appointment(
    people: People, case: Case, starts_at: datetime, *, home: bool = False, **more: Any
) -> Appointment:
    return Appointment.objects.create(
        case=case,
        officer=more.pop("officer", people.officer),
        kind="home_visit" if home else "office",
        office=None if home else Office.objects.get(name="Runcorn"),
        home_visit_why="illness" if home else "",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
        booked_by=people.officer,
        booked_at=NOW - timedelta(days=40),
        **more,
    )


def feed_address(client: Any, person: Any) -> str:
    client.force_login(person)
    page = client.post(reverse("visits:calendar"), {"action": "make"})
    assert page.status_code == 200
    found = re.search(r'value="(http[^"]+\.ics)"', page.content.decode())
    assert found, "the address is shown"
    client.logout()
    return found.group(1).removeprefix("http://testserver")


def events(response: Any) -> list[Any]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return list(Calendar.from_ical(response.content).walk("VEVENT"))


def test_the_feed_has_the_officers_booked_appointments_in_utc_and_nobodys_name(
    people: People, clock: SettableClock, client: Any
) -> None:
    case = customer_case(people, clock)  # Ms Jo Jones, 12 Mersey Road, Runcorn, WA7 1AA
    office = appointment(people, case, datetime(2026, 6, 23, 9, 0, tzinfo=UTC))
    home = appointment(people, case, datetime(2026, 6, 24, 13, 30, tzinfo=UTC), home=True)
    appointment(people, case, NOW - timedelta(days=40))  # over a month ago
    appointment(people, case, NOW + timedelta(days=100))  # over three months ahead
    appointment(people, case, NOW + timedelta(days=2), status=AppointmentStatus.CANCELLED)
    appointment(people, case, NOW + timedelta(days=3), officer=people.teammate)  # not theirs
    address = feed_address(client, people.officer)

    response = client.get(address)

    found = events(response)
    assert [event.decoded("dtstart") for event in found] == [office.starts_at, home.starts_at]
    assert found[0].decoded("dtstart").utcoffset() == timedelta(0)
    assert "DTSTART:20260623T090000Z" in response.content.decode()
    assert [str(event["summary"]) for event in found] == [
        f"{case.reference}: At the office",
        f"{case.reference}: Home visit",
    ]
    assert [str(event["location"]) for event in found] == ["Runcorn", "Home visit WA7"]
    assert str(found[0]["url"]).endswith(reverse("visits:appointment", args=[office.pk]))
    text = response.content.decode().replace("\r\n ", "")
    for personal in ("Jones", "Jo ", "Mersey", "WA7 1AA", case.subject):
        assert personal not in text
    assert "no-store" in response["Cache-Control"]


def test_the_address_is_shown_once_and_only_its_digest_is_kept(
    people: People, clock: SettableClock, client: Any
) -> None:
    address = feed_address(client, people.officer)
    secret = address.rsplit("/", 1)[1].removesuffix(".ics")

    feed = CalendarFeed.objects.get(staff=people.officer)
    assert feed.secret_sha256 == hashlib.sha256(secret.encode()).hexdigest()
    client.force_login(people.officer)
    page = client.get(reverse("visits:calendar")).content.decode()
    assert secret not in page
    assert "address on 22 June 2026" in page, page


def test_a_new_address_stops_the_old_one_and_turning_it_off_stops_both(
    people: People, clock: SettableClock, client: Any
) -> None:
    old = feed_address(client, people.officer)
    new = feed_address(client, people.officer)

    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200

    client.force_login(people.officer)
    client.post(reverse("visits:calendar"), {"action": "stop"})
    client.logout()
    assert client.get(new).status_code == 404
    assert not CalendarFeed.objects.exists()


def test_an_unknown_secret_and_someone_who_no_longer_takes_casework_get_404(
    people: People, clock: SettableClock, client: Any
) -> None:
    assert client.get(reverse("visits:calendar_feed", args=["nonsense"])).status_code == 404
    address = feed_address(client, people.officer)
    people.officer.groups.clear()
    assert client.get(address).status_code == 404


def test_each_read_of_the_feed_is_a_fixed_number_of_queries(
    people: People, clock: SettableClock, client: Any, django_assert_num_queries: Any
) -> None:
    case = customer_case(people, clock)
    address = feed_address(client, people.officer)
    appointment(people, case, NOW + timedelta(days=1))
    # the feed and its owner, the owner's roles, the appointments
    with django_assert_num_queries(3):
        client.get(address)
    for day in range(2, 12):
        appointment(people, case, NOW + timedelta(days=day), home=day % 2 == 0)
    with django_assert_num_queries(3):
        assert len(events(client.get(address))) == 11


def test_only_staff_who_take_casework_make_a_feed(people: People) -> None:
    analyst = make_staff("pat_analyst", Role.PERFORMANCE_ANALYST)
    with pytest.raises(NotAllowed):
        calendar_feed_make(staff=analyst, now=NOW)


@pytest.mark.parametrize(
    ("postcode", "district"),
    [("WA7 1AA", "WA7"), ("wa71aa", "WA7"), ("SW1A 1AA", "SW1A"), ("M1 1AE", "M1"), ("", "")],
)
def test_a_postcode_district_is_its_outward_code(postcode: str, district: str) -> None:
    assert postcode_district(postcode) == district
