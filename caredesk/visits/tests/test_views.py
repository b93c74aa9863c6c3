"""The reception page (visits.views): log, greet, see and send away visitors, without
JavaScript; the board alone for htmx."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caredesk.cases.models import DeadlineStatus
from caredesk.conftest import People, SettableClock, StaffClient
from caredesk.core.clock import system_clock
from caredesk.customers.models import CustomerAccess
from caredesk.customers.services import customer_create
from caredesk.staff.models import Office
from caredesk.standards import load_policy
from caredesk.visits import reception
from caredesk.visits.models import OfficeDetails, OfficeKind, Visit, VisitStatus


@pytest.fixture
def office(people: People) -> Office:
    return Office.objects.get(name="Runcorn")


@pytest.fixture
def desk(client: StaffClient, people: People, clock: SettableClock, monkeypatch) -> StaffClient:
    monkeypatch.setattr(system_clock, "now", clock.now)  # the views' clock says the test's
    client.force_login(people.officer)
    return client


HALTON = load_policy("halton")


def page(office: Office) -> str:
    return reverse("visits:reception", args=[office.pk])


def test_an_officer_with_an_office_goes_straight_to_its_reception(
    client: StaffClient, people: People, office: Office
) -> None:
    people.officer.office = office
    people.officer.save()
    client.force_login(people.officer)

    answer = client.get(reverse("visits:reception_choose"))

    assert answer.status_code == 302
    assert answer["Location"] == page(office)


def test_logging_a_visitor_puts_them_on_the_board(
    desk: StaffClient, office: Office, clock: SettableClock
) -> None:
    answer = desk.post(
        page(office),
        {"visitor_name": "Jo Jones", "reason": "Rent statement", "interpreter_language": "Polish"},
        follow=True,
    )

    assert answer.status_code == 200
    visit = Visit.objects.get()
    assert visit.arrived_at == clock.now()
    html = answer.content.decode()
    assert "Jo Jones is on the board" in html
    assert "Waiting now: 1" in html
    assert "An interpreter: Polish" in html
    assert "To be seen by" in html


def test_a_visitor_with_no_name_and_no_customer_is_refused_at_the_field(
    desk: StaffClient, office: Office
) -> None:
    answer = desk.post(page(office), {"reason": "Rent"})

    assert answer.status_code == 400
    html = answer.content.decode()
    assert "<title>Error: Reception at Runcorn" in html
    assert "Enter the visitor&#x27;s name" in html
    assert not Visit.objects.exists()


def test_an_appointment_time_is_read_as_today_local_time(
    desk: StaffClient, office: Office, clock: SettableClock
) -> None:
    desk.post(page(office), {"visitor_name": "Jo", "appointment_time": "1:30pm"})

    visit = Visit.objects.get()
    # 20 June 2025 is British Summer Time: 13:30 local is 12:30 UTC
    assert visit.appointment_at == clock.now().replace(hour=12, minute=30)


def test_the_board_shows_who_has_waited_too_long(
    desk: StaffClient, office: Office, clock: SettableClock
) -> None:
    desk.post(page(office), {"visitor_name": "Jo Jones"})
    clock.moment += timedelta(minutes=4)
    soon = desk.get(reverse("visits:board", args=[office.pk])).content.decode()
    clock.moment += timedelta(minutes=2)
    late = desk.get(reverse("visits:board", args=[office.pk])).content.decode()

    assert "4 minutes since" in soon
    assert 'class="tag tag--today">To be seen by' in soon
    assert "Waited too long" in late
    assert "<html" not in late  # the board alone, for htmx


def test_greet_then_see_from_the_board(
    desk: StaffClient, people: People, office: Office, clock: SettableClock
) -> None:
    desk.post(page(office), {"visitor_name": "Jo Jones"})
    visit = Visit.objects.get()

    desk.post(reverse("visits:greeted", args=[office.pk, visit.pk]))
    clock.moment += timedelta(minutes=3)
    answer = desk.post(reverse("visits:seen", args=[office.pk, visit.pk]), follow=True)

    visit.refresh_from_db()
    assert visit.acknowledged_by == people.officer
    assert visit.status == VisitStatus.SEEN
    assert visit.deadlines.get().status == DeadlineStatus.MET
    assert "Jo Jones has been seen" in answer.content.decode()
    assert "Nobody is waiting" in answer.content.decode()


def test_seen_asks_what_was_given_of_what_they_asked_for(desk: StaffClient, office: Office) -> None:
    desk.post(page(office), {"visitor_name": "Jo", "private_room": "on"})
    visit = Visit.objects.get()
    seen = reverse("visits:seen", args=[office.pk, visit.pk])

    form = desk.get(seen).content.decode()
    desk.post(seen, {"private_room_given": "on"})

    assert "They had a private room" in form
    assert "We helped with the form" not in form
    visit.refresh_from_db()
    assert visit.private_room_given is True


def test_at_an_appointment_only_office_seen_without_a_reason_is_refused_at_the_field(
    desk: StaffClient, office: Office, settings
) -> None:
    settings.CAREDESK_POLICY = "stonewall"
    desk.post(page(office), {"visitor_name": "Jo"})
    visit = Visit.objects.get()

    answer = desk.post(reverse("visits:seen", args=[office.pk, visit.pk]))

    assert answer.status_code == 400
    assert "open by appointment only" in answer.content.decode()
    visit.refresh_from_db()
    assert visit.status == VisitStatus.WAITING


def test_asked_to_book_is_offered_only_where_appointments_are_needed(
    desk: StaffClient, office: Office, settings
) -> None:
    desk.post(page(office), {"visitor_name": "Jo"})
    assert "Asked to phone to book" not in desk.get(page(office)).content.decode()

    settings.CAREDESK_POLICY = "stonewall"
    html = desk.get(page(office)).content.decode()
    assert "Asked to phone to book" in html
    assert "open by appointment only" in html

    OfficeDetails.objects.create(office=office, kind=OfficeKind.OFFICE_IN_A_HOUSE, slug="house")
    assert "Asked to phone to book" not in desk.get(page(office)).content.decode()


def test_a_visitor_who_left(desk: StaffClient, office: Office) -> None:
    desk.post(page(office), {"visitor_name": "Jo"})
    visit = Visit.objects.get()

    answer = desk.post(
        reverse("visits:gone", args=[office.pk, visit.pk]), {"status": "left"}, follow=True
    )

    visit.refresh_from_db()
    assert visit.status == VisitStatus.LEFT
    assert "Jo: left before being seen" in answer.content.decode()


def test_taking_duty_makes_the_next_waits_yours(
    desk: StaffClient, people: People, office: Office
) -> None:
    desk.post(reverse("visits:duty", args=[office.pk]))
    html = desk.get(page(office)).content.decode()
    desk.post(page(office), {"visitor_name": "Jo"})

    assert "On duty at reception: <strong>Olu Officer</strong> (you)" in html
    assert Visit.objects.get().deadlines.get().assigned_to == people.officer
    assert OfficeDetails.objects.get().slug == "runcorn"


def test_the_customers_on_the_board_are_logged_as_read(
    desk: StaffClient, people: People, office: Office
) -> None:
    customer = customer_create(customer_type="tenant", first_name="Ada", last_name="Obi")
    desk.post(page(office), {"customer": customer.pk})

    desk.get(reverse("visits:board", args=[office.pk]))

    assert CustomerAccess.objects.filter(
        customer=customer, staff=people.officer, what="reception board"
    ).exists()


def test_another_offices_visitor_is_not_found_here(desk: StaffClient, office: Office) -> None:
    desk.post(page(office), {"visitor_name": "Jo"})
    elsewhere = Office.objects.create(name="Widnes")

    answer = desk.post(reverse("visits:seen", args=[elsewhere.pk, Visit.objects.get().pk]))

    assert answer.status_code == 404


def test_the_menu_links_to_reception_for_those_who_take_casework(
    desk: StaffClient, client: StaffClient, people: People, office: Office
) -> None:
    assert reverse("visits:reception_choose") in desk.get(page(office)).content.decode()
    client.force_login(people.analyst)
    assert client.get(page(office)).status_code == 403


def test_the_board_reads_in_the_same_few_queries_however_many_are_waiting(
    desk: StaffClient, office: Office, people: People, clock: SettableClock
) -> None:
    """The board is asked for every 15 seconds: each visitor's case, customer, greeter,
    appointment and waits are read with the rest, never a query a row (issue 17)."""
    board = reverse("visits:board", args=[office.pk])

    def arrive(number: int) -> None:
        customer = customer_create(
            customer_type="tenant", first_name=f"Ada{number}", last_name="Obi"
        )
        visit = reception.visitor_arrive(
            office=office,
            visitor_name="",
            reason="Rent statement",
            arrived_at=clock.now(),
            customer=customer,
            appointment_at=clock.now() + timedelta(minutes=5),
            appointment_with=people.teammate,
            by=people.officer,
            policy=HALTON,
            clock=clock,
        )
        reception.visitor_acknowledge(visit=visit, by=people.teammate, clock=clock)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert desk.get(board).status_code == 200
        return len(captured.captured_queries)

    arrive(0)
    one = queries()
    for number in range(1, 8):
        arrive(number)
    eight = queries()

    assert one == eight
    assert eight <= 10
