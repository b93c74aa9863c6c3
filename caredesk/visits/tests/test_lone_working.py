"""Lone working on home visits (visits.lone_working): checking out, and the worker's
alerts to the line manager at 15 and 45 minutes after the visit's end (the policy's),
once each, and never after check-out."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, time, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from caredesk.cases.models import Case
from caredesk.conftest import People, SettableClock, StaffClient, customer_case, letter_writer
from caredesk.core.clock import system_clock
from caredesk.core.sweeps import Wanted
from caredesk.errors import NotAllowed
from caredesk.notifications.models import Notification, NotificationKind
from caredesk.staff.models import Office, StaffMember
from caredesk.standards import load_policy
from caredesk.visits import appointments, lone_working
from caredesk.visits.appointments import Wanted as Needs
from caredesk.visits.models import Appointment, AppointmentKind, AppointmentStatus, OpeningHours
from caredesk.worker.tests.helpers import only, sweep_pass

HALTON = load_policy("halton")
MONDAY_8AM = datetime(2026, 6, 22, 7, 0, tzinfo=UTC)
ENDS = datetime(2026, 6, 22, 10, 0, tzinfo=UTC)  # the visit: 10:00 to 11:00 in London


@pytest.fixture
def visit(people: People, clock: SettableClock) -> Appointment:
    """A home visit by the officer, 10:00 to 11:00 on Monday 22 June 2026."""
    clock.moment = MONDAY_8AM
    office = Office.objects.get(name="Runcorn")
    for weekday in range(5):
        OpeningHours.objects.create(office=office, weekday=weekday, opens=time(9), closes=time(17))
    letter_writer(people)
    case = customer_case(people, clock, home_visits_needed=True, home_visit_reason="illness")
    return appointments.appointment_book(
        case=case,
        wanted=Needs(AppointmentKind.HOME_VISIT, 60),
        starts_at=ENDS - timedelta(hours=1),
        officer=people.officer,
        by=people.officer,
        policy=HALTON,
        clock=clock,
        home_visit_why="illness",
    )


def sweep_at(clock: SettableClock, minutes_after_the_end: int) -> dict[str, int]:
    clock.moment = ENDS + timedelta(minutes=minutes_after_the_end)
    report = sweep_pass(clock=clock, policy=HALTON, sweeps=only("lone_working_alerts"))
    return dict(report["lone_working_alerts"].counts)


def alerts(case: Case) -> list[tuple[str, str]]:
    return list(
        Notification.objects.filter(case=case)
        .order_by("pk")
        .values_list("kind", "recipient__username")
    )


def test_the_manager_is_alerted_at_15_minutes_once_then_again_at_45(
    people: People, clock: SettableClock, visit: Appointment
) -> None:
    assert sweep_at(clock, 14) == {}
    assert alerts(visit.case) == []

    assert sweep_at(clock, 16) == {"first": 1}
    assert sweep_at(clock, 17) == {}  # run again: nothing more
    assert alerts(visit.case) == [(NotificationKind.LONE_WORKING, "lena_manager")]
    first = Notification.objects.get()
    assert first.message.startswith(
        f"Olu Officer has not checked out of a home visit ({visit.case.reference}) that was "
        "due to end at 11:00, 16 minutes ago."
    )
    assert "Their phone: 0151 510 1234." in first.message
    assert first.links == [["The visit", reverse("visits:appointment", args=[visit.pk])]]

    assert sweep_at(clock, 46) == {"second": 1}
    assert sweep_at(clock, 90) == {}
    assert alerts(visit.case) == [
        (NotificationKind.LONE_WORKING, "lena_manager"),
        (NotificationKind.LONE_WORKING_AGAIN, "lena_manager"),
    ]
    assert "has still not checked out" in Notification.objects.latest("pk").message
    visit.refresh_from_db()
    assert visit.lone_working_alerts == 2
    # each by email too, once (notifications' machinery)
    sweep_pass(clock=clock, policy=HALTON, sweeps=only("staff_emails"))
    assert sorted(email.subject for email in mail.outbox) == [
        f"Not back from a home visit: {visit.case.reference}",
        f"Still not back from a home visit: {visit.case.reference}",
    ]


def test_nobody_is_alerted_after_check_out(
    people: People, clock: SettableClock, visit: Appointment
) -> None:
    assert sweep_at(clock, 16) == {"first": 1}
    clock.moment = ENDS + timedelta(minutes=20)
    lone_working.appointment_check_out(
        appointment=visit, by=people.officer, policy=HALTON, clock=clock
    )

    assert sweep_at(clock, 46) == {}
    assert sweep_at(clock, 120) == {}
    assert len(alerts(visit.case)) == 1


def test_a_visit_kept_but_not_checked_out_still_alerts_and_a_missed_one_does_not(
    people: People, clock: SettableClock, visit: Appointment
) -> None:
    clock.moment = ENDS
    appointments.appointment_outcome(
        appointment=visit,
        status=AppointmentStatus.KEPT,
        by=people.officer,
        policy=HALTON,
        clock=clock,
        id_shown=True,
    )
    assert sweep_at(clock, 16) == {"first": 1}
    Appointment.objects.filter(pk=visit.pk).update(status=AppointmentStatus.CANCELLED)
    assert sweep_at(clock, 46) == {}


def test_a_visit_that_ended_long_ago_is_not_alerted_on(
    people: People, clock: SettableClock, visit: Appointment
) -> None:
    assert sweep_at(clock, 45 + 12 * 60 + 1) == {}


def test_with_no_line_manager_the_teams_managers_are_alerted(
    people: People, clock: SettableClock, visit: Appointment
) -> None:
    people.officer.line_manager = None
    people.officer.save()

    sweep_at(clock, 16)

    assert alerts(visit.case) == [(NotificationKind.LONE_WORKING, "lena_manager")]


def test_with_no_manager_at_all_the_administrators_are_alerted(
    people: People, clock: SettableClock, visit: Appointment
) -> None:
    StaffMember.objects.filter(pk=people.officer.pk).update(line_manager=None, team=None)

    sweep_at(clock, 16)

    assert alerts(visit.case) == [(NotificationKind.LONE_WORKING, "ada_admin")]


def test_only_the_officer_or_their_line_manager_checks_out_and_only_once(
    people: People, clock: SettableClock, visit: Appointment
) -> None:
    early = ENDS - timedelta(hours=2)
    clock.moment = early
    with pytest.raises(lone_working.CheckOutError, match="starts at 10:00"):
        lone_working.appointment_check_out(
            appointment=visit, by=people.officer, policy=HALTON, clock=clock
        )
    clock.moment = ENDS
    with pytest.raises(NotAllowed):
        lone_working.appointment_check_out(
            appointment=visit, by=people.teammate, policy=HALTON, clock=clock
        )

    lone_working.appointment_check_out(
        appointment=visit, by=people.line_manager, policy=HALTON, clock=clock
    )

    with pytest.raises(lone_working.CheckOutError, match="already left this visit, at 11:00"):
        lone_working.appointment_check_out(
            appointment=visit, by=people.officer, policy=HALTON, clock=clock
        )
    visit.refresh_from_db()
    assert visit.checked_out_at == ENDS


@pytest.fixture
def on_the_phone(
    client: StaffClient, people: People, clock: SettableClock, monkeypatch
) -> StaffClient:
    monkeypatch.setattr(system_clock, "now", clock.now)
    client.force_login(people.officer)
    return client


def test_the_officer_checks_out_on_the_appointment_page(
    on_the_phone: StaffClient, people: People, clock: SettableClock, visit: Appointment
) -> None:
    page = reverse("visits:appointment", args=[visit.pk])
    assert "I have left the visit" not in on_the_phone.get(page).content.decode()  # not begun
    clock.moment = ENDS - timedelta(minutes=5)
    on_the_phone.force_login(people.officer)
    before = on_the_phone.get(page).content.decode()

    done = on_the_phone.post(page, {"action": "check_out"}, follow=True).content.decode()
    again = on_the_phone.post(page, {"action": "check_out"})

    assert "I have left the visit" in before
    assert "You are expected back by 11:00" in before
    assert "You left the visit at 10:55. Nobody will be alerted about it." in done
    assert "I have left the visit" not in done
    assert again.status_code == 400
    assert "The officer already left this visit, at 10:55." in again.content.decode()


def test_a_colleague_is_not_offered_the_check_out(
    client: StaffClient, people: People, clock: SettableClock, visit: Appointment, monkeypatch
) -> None:
    clock.moment = ENDS
    monkeypatch.setattr(system_clock, "now", clock.now)
    client.force_login(people.teammate)
    page = reverse("visits:appointment", args=[visit.pk])

    shown = client.get(page).content.decode()
    refused = client.post(page, {"action": "check_out"})

    assert "has left the visit" not in shown
    assert refused.status_code == 400
    assert "Only the officer on the visit or their line manager" in refused.content.decode()
    visit.refresh_from_db()
    assert visit.checked_out_at is None


# -- two workers at once (PostgreSQL) -------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite lets one writer in at a time: the race needs PostgreSQL's row locks",
)
def test_two_workers_at_once_alert_once(people: People, clock: SettableClock) -> None:
    """Both read the visit as not yet alerted; the claim lets one of them alert."""
    visits = []
    for _ in range(20):
        visit = _visit(people, clock)
        visits.append(visit)
        Appointment.objects.filter(pk=visit.pk).update(
            starts_at=ENDS - timedelta(hours=1), ends_at=ENDS
        )
    now = ENDS + timedelta(minutes=16)
    problems: list[str] = []
    for visit in visits:
        said, errors = _two_workers(visit.pk, now)
        told = Notification.objects.filter(case=visit.case).count()
        if errors or said.count("first") != 1 or said.count(None) != 1 or told != 1:
            problems.append(f"visit {visit.pk}: {said} {errors} {told} notices")
    assert not problems, "\n".join(problems)


def _two_workers(appointment_id: int, now: datetime) -> tuple[list[str | None], list[object]]:
    """Two workers' sweeps alert on one visit at the same moment: what each said."""
    said: list[str | None] = []
    errors: list[object] = []
    barrier = threading.Barrier(2)

    def alert() -> None:
        try:
            barrier.wait(timeout=30)
            said.append(
                lone_working.lone_working_alert(
                    appointment_id=appointment_id, now=now, policy=HALTON
                )
            )
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=alert) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
        assert not thread.is_alive(), "a worker is stuck"
    return said, errors


def _visit(people: People, clock: SettableClock) -> Appointment:
    """A home visit of a case of its own, booked at the first free time."""
    clock.moment = MONDAY_8AM
    if not OpeningHours.objects.exists():
        office = Office.objects.get(name="Runcorn")
        for weekday in range(5):
            OpeningHours.objects.create(
                office=office, weekday=weekday, opens=time(9), closes=time(17)
            )
    letter_writer(people)
    case = customer_case(people, clock)
    wanted = Needs(AppointmentKind.HOME_VISIT, 60)
    [slot] = appointments.slots_offer(wanted=wanted, policy=HALTON, now=clock.now(), count=1)
    return appointments.appointment_book(
        case=case,
        wanted=wanted,
        starts_at=slot.starts,
        officer=StaffMember.objects.get(pk=slot.officer),
        by=people.officer,
        policy=HALTON,
        clock=clock,
        home_visit_why="illness",
    )


def test_candidates_leave_out_those_waiting_to_be_tried_again(
    people: People, clock: SettableClock, visit: Appointment
) -> None:
    now = ENDS + timedelta(minutes=16)
    assert lone_working.lone_working_candidates(
        now=now, policy=HALTON, wanted=Wanted(limit=10)
    ) == [visit.pk]
    assert (
        lone_working.lone_working_candidates(
            now=now, policy=HALTON, wanted=Wanted(limit=10, skip={visit.pk})
        )
        == []
    )
