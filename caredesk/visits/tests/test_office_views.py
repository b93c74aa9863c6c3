"""The office pages: the desk's list and page per office for those who manage offices
(visits.office_views), and the public list and page per office (visits.public_views)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from caredesk.conftest import People, SettableClock, StaffClient
from caredesk.core.clock import system_clock
from caredesk.staff.models import Office
from caredesk.visits.models import OfficeClosure, OfficeDetails, OfficeKind, OpeningHours
from caredesk.visits.tests.factories import office_published

SPLIT = "09:30-13:00, 14:00-17:30"


@pytest.fixture
def office(people: People) -> Office:
    office = Office.objects.get(name="Runcorn")
    office.address = "Halton Lea\nRuncorn\nWA7 2HA"
    office.phone = "0151 510 5000"
    office.save()
    return office


@pytest.fixture
def now(clock: SettableClock, monkeypatch: pytest.MonkeyPatch) -> SettableClock:
    """The views' clock says the test's: Friday 20 June 2025, 13:00 in London."""
    monkeypatch.setattr(system_clock, "now", clock.now)
    return clock


@pytest.fixture
def manager(client: StaffClient, people: People, now: SettableClock) -> StaffClient:
    client.force_login(people.administrator)
    return client


@pytest.fixture
def published(office: Office) -> OfficeDetails:
    return office_published(
        office, step_free=True, access_notes="The accessible entrance is on Lea Street."
    )


def edit(office: Office) -> str:
    return reverse("visits:office", args=[office.pk])


def details_sent(**changes: str) -> dict[str, str]:
    return {
        "kind": "office",
        "slug": "runcorn",
        "emergency_phone": "0800 100 2000",
        "how_to_book": "Phone us.",
        "step_free": "on",
        "access_notes": "",
    } | changes


# -- who may -----------------------------------------------------------------------------


def test_an_officer_may_not_see_or_change_the_offices(
    client: StaffClient, people: People, office: Office
) -> None:
    client.force_login(people.officer)

    assert client.get(reverse("visits:offices")).status_code == 403
    assert client.get(edit(office)).status_code == 403
    assert client.post(edit(office), details_sent()).status_code == 403
    hours = reverse("visits:office_hours", args=[office.pk])
    assert client.post(hours, {"monday": SPLIT}).status_code == 403
    assert not OfficeDetails.objects.exists()
    assert not OpeningHours.objects.exists()


def test_a_line_manager_may_and_sees_offices_in_the_menu(
    client: StaffClient, people: People, office: Office, now: SettableClock
) -> None:
    client.force_login(people.line_manager)

    html = client.get(reverse("visits:offices")).content.decode()

    assert f'<li><a href="{reverse("visits:offices")}" aria-current="page">Offices</a></li>' in html
    assert "Save its details to give it a public page" in html
    assert '<a href="/visits/reception/">Reception</a>' in html  # not the page open
    client.force_login(people.officer)
    officer_sees = client.get(reverse("cases:my_work")).content.decode()
    assert f'href="{reverse("visits:offices")}"' not in officer_sees


# -- the desk's pages ------------------------------------------------------------------------


def test_the_list_says_which_offices_are_open_now(
    manager: StaffClient, published: OfficeDetails, now: SettableClock
) -> None:
    Office.objects.create(name="Widnes")
    now.moment = datetime(2025, 6, 20, 9, 0, tzinfo=UTC)  # 10:00 in London

    html = manager.get(reverse("visits:offices")).content.decode()

    runcorn, widnes = html.split("Runcorn", 1)[1].split("Widnes", 1)
    assert "Open" in runcorn
    assert "Closed" in widnes
    assert "No opening hours" in widnes


def test_a_new_office_s_page_offers_an_address_by_its_name_and_saving_publishes_it(
    manager: StaffClient, office: Office
) -> None:
    page = manager.get(edit(office)).content.decode()
    answer = manager.post(edit(office), details_sent(emergency_phone=" 0800  100 2000 "))

    assert 'value="runcorn"' in page
    assert "no public page yet" in page
    assert answer.status_code == 302
    details = OfficeDetails.objects.get()
    assert (details.slug, details.emergency_phone, details.step_free) == (
        "runcorn",
        "0800 100 2000",
        True,
    )
    assert "details are saved" in manager.get(edit(office)).content.decode()


def test_missing_details_are_told_at_their_fields(manager: StaffClient, office: Office) -> None:
    answer = manager.post(edit(office), {"kind": "", "slug": ""})

    assert answer.status_code == 400
    html = answer.content.decode()
    assert "<title>Error: Runcorn" in html
    assert '<a href="#id_kind_0">Choose what kind of office it is</a>' in html
    assert '<a href="#id_slug">Enter the end of its public page&#x27;s address</a>' in html


def test_an_address_taken_by_another_office_is_refused_at_the_field(
    manager: StaffClient, office: Office
) -> None:
    widnes = Office.objects.create(name="Widnes")
    OfficeDetails.objects.create(office=widnes, slug="widnes")

    answer = manager.post(edit(office), details_sent(slug="widnes"))

    assert answer.status_code == 400
    assert "/offices/widnes/ is Widnes&#x27;s page: choose another" in answer.content.decode()
    assert not OfficeDetails.objects.filter(office=office).exists()


def test_the_hours_are_shown_as_entered_and_in_words(
    manager: StaffClient, office: Office, published: OfficeDetails
) -> None:
    html = manager.get(edit(office)).content.decode()

    assert f'name="monday" value="{SPLIT}"' in html
    assert "<dt>Monday to Friday</dt><dd>9:30am to 1pm and 2pm to 5:30pm</dd>" in html


def test_each_bad_day_is_told_at_its_field_naming_the_day_and_nothing_is_saved(
    manager: StaffClient, office: Office, published: OfficeDetails
) -> None:
    hours = reverse("visits:office_hours", args=[office.pk])

    answer = manager.post(hours, {"monday": "9-5", "tuesday": SPLIT, "saturday": "17:00-10:00"})

    assert answer.status_code == 400
    html = answer.content.decode()
    assert '<a href="#id_monday">Monday: &#x27;9-5&#x27; is not an interval' in html
    assert '<a href="#id_saturday">Saturday: &#x27;17:00-10:00&#x27; closes before it opens' in html
    assert 'name="monday" value="9-5"' in html  # shown back as typed
    assert OpeningHours.objects.count() == 10


def test_hours_sent_replace_the_week(
    manager: StaffClient, office: Office, published: OfficeDetails
) -> None:
    hours = reverse("visits:office_hours", args=[office.pk])

    answer = manager.post(hours, {"monday": "10:00-12:00", "saturday": "09:00-24:00"}, follow=True)

    html = answer.content.decode()
    assert "Runcorn&#x27;s opening hours are saved" in html
    assert "<dt>Monday</dt><dd>10am to midday</dd>" in html
    assert "<dt>Saturday</dt><dd>9am to midnight</dd>" in html
    assert 'name="saturday" value="09:00-24:00"' in html


def test_a_closure_is_added_and_removed(
    manager: StaffClient, office: Office, published: OfficeDetails
) -> None:
    add = reverse("visits:office_closure_add", args=[office.pk])

    answer = manager.post(
        add, {"first_day": "2025-12-24", "last_day": "2026-01-02", "reason": "Christmas"}
    )
    closure = OfficeClosure.objects.get(reason="Christmas")
    page = manager.get(edit(office)).content.decode()
    removed = manager.post(
        reverse("visits:office_closure_remove", args=[office.pk, closure.pk]), follow=True
    )

    assert answer.status_code == 302
    assert "Runcorn is closed from 24 December 2025 to 2 January 2026 (Christmas)." in page
    assert "Wednesday 24 December 2025" in page
    assert "The closure from 24 December 2025 to 2 January 2026 (Christmas) is removed." in (
        removed.content.decode()
    )
    assert not OfficeClosure.objects.filter(reason="Christmas").exists()


def test_a_closure_ending_before_it_starts_is_refused_at_the_last_day(
    manager: StaffClient, office: Office
) -> None:
    add = reverse("visits:office_closure_add", args=[office.pk])

    answer = manager.post(add, {"first_day": "2025-07-02", "last_day": "2025-07-01"})
    empty = manager.post(add, {})

    assert answer.status_code == 400
    assert '<a href="#id_last_day">The last day of a closure cannot be before' in (
        answer.content.decode()
    )
    assert "Enter the first day the office is closed" in empty.content.decode()
    assert not OfficeClosure.objects.exists()


def test_another_office_s_closure_is_not_found_here(
    manager: StaffClient, office: Office, published: OfficeDetails
) -> None:
    widnes = Office.objects.create(name="Widnes")
    closure = OfficeClosure.objects.get()

    answer = manager.post(reverse("visits:office_closure_remove", args=[widnes.pk, closure.pk]))

    assert answer.status_code == 404
    assert OfficeClosure.objects.exists()


# -- the public pages ------------------------------------------------------------------------


def test_the_public_page_needs_no_sign_in_and_says_it_all_in_words(
    client: StaffClient, published: OfficeDetails, now: SettableClock
) -> None:
    # Friday 20 June 2025, 13:00 in London: closed for lunch
    answer = client.get("/offices/runcorn/")

    assert answer.status_code == 200
    html = answer.content.decode()
    assert "<h1>Runcorn</h1>" in html
    assert "Office, Halton Housing Trust." in html
    assert "Closed now. It opens again today at 2pm." in html
    assert "<dt>Monday to Friday</dt><dd>9:30am to 1pm and 2pm to 5:30pm</dd>" in html
    assert "<dt>Saturday and Sunday</dt><dd>Closed</dd>" in html
    assert "<strong>Wednesday 9 July 2025</strong>: Training" in html
    assert "<strong>Monday 25 August 2025</strong>: Late Summer Bank Holiday" in html
    assert "In an emergency, phone <strong>0800 100 2000</strong>." in html
    assert "You can come in without an appointment" in html
    assert "To make an appointment: Phone 0151 510 5000 or ask at reception." in html
    assert "<dt>Step-free access</dt><dd>Yes</dd>" in html
    assert "<dt>A hearing loop</dt><dd>No</dd>" in html
    assert "The accessible entrance is on Lea Street." in html
    assert "<p>Halton Lea<br>Runcorn<br>WA7 2HA</p>" in html
    assert reverse("offices:poster", args=["runcorn"]) + "?print=large" in html
    assert "no-store" not in answer.get("Cache-Control", "")


def test_the_public_page_shows_nothing_for_staff_only(
    client: StaffClient, people: People, published: OfficeDetails, now: SettableClock
) -> None:
    published.duty_officer = people.officer
    published.save()

    html = client.get("/offices/runcorn/").content.decode()

    assert "Olu" not in html
    assert "duty" not in html.lower()
    assert 'aria-label="Main"' not in html  # no desk menu
    assert reverse("visits:office", args=[published.pk]) not in html


def test_open_now_says_until_when(
    client: StaffClient, published: OfficeDetails, now: SettableClock
) -> None:
    now.moment = datetime(2025, 6, 20, 9, 0, tzinfo=UTC)  # 10:00 in London
    assert "Open now, until 1pm." in client.get("/offices/runcorn/").content.decode()
    now.moment = datetime(2025, 6, 20, 17, 0, tzinfo=UTC)  # Friday 18:00
    said = "Closed now. It opens again on Monday 23 June 2025 at 9:30am."
    assert said in client.get("/offices/runcorn/").content.decode()
    now.moment = datetime(2025, 6, 19, 17, 0, tzinfo=UTC)  # Thursday 18:00
    said = "Closed now. It opens again tomorrow (Friday 20 June 2025) at 9:30am."
    assert said in client.get("/offices/runcorn/").content.decode()


def test_an_office_by_appointment_only_says_so_plainly(
    client: StaffClient, published: OfficeDetails, now: SettableClock, settings
) -> None:
    settings.CAREDESK_POLICY = "stonewall"
    html = client.get("/offices/runcorn/").content.decode()
    assert "Visits are by appointment only." in html
    assert "Stonewall Housing" in html

    published.kind = OfficeKind.ADVICE_SURGERY
    published.save()
    html = client.get("/offices/runcorn/").content.decode()
    assert "by appointment only" not in html
    assert "Advice surgery, Stonewall Housing." in html


def test_the_public_list_shows_the_published_offices_only(
    client: StaffClient, published: OfficeDetails, now: SettableClock
) -> None:
    Office.objects.create(name="Back office")

    html = client.get("/offices/").content.decode()

    assert '<a href="/offices/runcorn/">Runcorn</a> (office): closed now' in html
    assert "Back office" not in html


def test_an_unknown_office_is_not_found(client: StaffClient, db: None) -> None:
    assert client.get("/offices/nowhere/").status_code == 404
    assert client.get("/offices/nowhere/poster/").status_code == 404
