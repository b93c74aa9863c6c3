"""Telling the customer (visits.telling): a confirmation when an appointment is booked or
moved and word when we cancel it, by email with an invitation or by letter in their
format; and the worker's reminder the day before, sent once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, connections
from django.urls import reverse
from icalendar import Calendar

from caredesk.cases.models import Case, Channel, DeadlineStatus
from caredesk.conftest import People, SettableClock, customer_case, letter_writer
from caredesk.core.sweeps import SweepRun
from caredesk.documents.models import CaseLetter, DocumentFormat, DocumentKind, TranslationRequest
from caredesk.documents.services import wanted_formats
from caredesk.mail.models import OutboundEmail
from caredesk.mail.outbound import _message
from caredesk.staff.models import Office
from caredesk.standards import load_policy
from caredesk.visits import appointments
from caredesk.visits.appointments import Wanted
from caredesk.visits.models import Appointment, AppointmentKind
from caredesk.visits.sweeps import SWEEPS
from caredesk.visits.telling import NO_WAY
from caredesk.visits.tests.factories import office_for_appointments
from caredesk.worker.runner import sweeps_run

HALTON = load_policy("halton")
LONDON = ZoneInfo("Europe/London")
MONDAY_8AM = datetime(2026, 6, 22, 7, 0, tzinfo=UTC)  # 08:00 in London
WEDNESDAY_10AM = datetime(2026, 6, 24, 10, 0, tzinfo=LONDON)


@pytest.fixture
def office(people: People) -> Office:
    return office_for_appointments(people)


@pytest.fixture
def monday(clock: SettableClock) -> SettableClock:
    clock.moment = MONDAY_8AM
    return clock


def a_case(people: People, clock: SettableClock, **customer: Any) -> Case:
    letter_writer(people)
    return customer_case(people, clock, **customer)


def emailed(**more: Any) -> dict[str, Any]:
    return {"email": "jo@example.org", "preferred_channel": "email"} | more


def book(
    people: People,
    case: Case,
    clock: SettableClock,
    starts_at: datetime = WEDNESDAY_10AM,
    *,
    office: Office | None = None,
    home: bool = False,
) -> Appointment:
    wanted = (
        Wanted(AppointmentKind.HOME_VISIT, 60)
        if home
        else Wanted(AppointmentKind.OFFICE, 30, office)
    )
    return appointments.appointment_book(
        case=case,
        wanted=wanted,
        starts_at=starts_at,
        officer=people.officer,
        by=people.officer,
        policy=HALTON,
        clock=clock,
        home_visit_why="disability" if home else "",
    )


def invitation(email: OutboundEmail) -> Any:
    calendar = Calendar.from_ical(email.calendar)
    [event] = calendar.walk("VEVENT")
    return calendar, event


# -- confirmation ---------------------------------------------------------------------------


def test_booking_emails_a_customer_who_prefers_email_with_an_invitation(
    people: People, office: Office, monday: SettableClock
) -> None:
    case = a_case(people, monday, **emailed())

    booked = book(people, case, monday, office=office)

    email = OutboundEmail.objects.get(case=case)
    assert email.kind == DocumentKind.APPOINTMENT_CONFIRMATION
    assert email.to_address == "jo@example.org"
    assert "Your appointment is on Wednesday 24 June 2026 at 10am at Runcorn" in email.body
    assert "with Olu Officer. It will take about 30 minutes." in email.body
    assert "The address is Halton Lea, Runcorn." in email.body
    assert "If you cannot come, or want to change the time, call 0151 510 5000" in email.body
    calendar, event = invitation(email)
    assert str(calendar["method"]) == "REQUEST"
    assert event.decoded("dtstart") == datetime(2026, 6, 24, 9, 0, tzinfo=UTC)
    assert event.decoded("dtend") == datetime(2026, 6, 24, 9, 30, tzinfo=UTC)
    assert str(event["uid"]).startswith(f"appointment-{booked.pk}@")
    assert str(event["location"]) == "Runcorn, Halton Lea, Runcorn"
    assert str(event["attendee"]) == "mailto:jo@example.org"
    # recorded as an outbound contact on the case, which the email points at
    assert email.contact is not None
    assert (email.contact.channel, email.contact.direction) == (Channel.EMAIL, "outbound")
    booked.refresh_from_db()
    assert booked.confirmed_at == monday.now()
    assert booked.reminded_at is None  # not tomorrow: the worker reminds them


def test_the_email_goes_with_a_text_calendar_part_naming_its_method(
    people: People, office: Office, monday: SettableClock
) -> None:
    case = a_case(people, monday, **emailed())
    book(people, case, monday, office=office)

    message = _message(OutboundEmail.objects.get(case=case), HALTON).message()

    parts = {part.get_content_type(): part for part in message.walk()}
    assert parts["text/calendar"].get_param("method") == "REQUEST"
    assert "BEGIN:VEVENT" in parts["text/calendar"].get_payload(decode=True).decode()
    assert "text/plain" in parts


def test_booking_writes_a_letter_in_their_format_and_language_when_they_prefer_letters(
    people: People, office: Office, monday: SettableClock
) -> None:
    case = a_case(
        people, monday, email="jo@example.org", accessible_format="large_print", language="Polish"
    )

    book(people, case, monday, office=office)

    assert not OutboundEmail.objects.exists()
    letter = CaseLetter.objects.get(case=case)
    assert letter.kind == DocumentKind.APPOINTMENT_CONFIRMATION
    assert letter.subject == "Your appointment on Wednesday 24 June 2026"
    assert "Your appointment is on Wednesday 24 June 2026 at 10am at Runcorn" in letter.body
    assert wanted_formats(letter) == [DocumentFormat.STANDARD_PRINT, DocumentFormat.LARGE_PRINT]
    assert TranslationRequest.objects.get(letter=letter).language == "Polish"
    contact = case.contacts.latest("pk")
    assert (contact.channel, contact.summary) == (Channel.LETTER, f"Letter: {letter.subject}")


def test_a_home_visit_says_the_officer_will_show_their_identity_card(
    people: People, office: Office, monday: SettableClock
) -> None:
    case = a_case(people, monday, **emailed())

    book(people, case, monday, home=True)

    email = OutboundEmail.objects.get(case=case)
    assert "at 10am at your home, with Olu Officer" in email.body
    assert "Olu Officer will show you their identity card when they arrive" in email.body
    assert "about 1 hour" in email.body
    assert str(invitation(email)[1]["location"]) == "Your home"


def test_a_customer_we_cannot_reach_is_told_nothing_and_the_page_says_so(
    people: People, office: Office, monday: SettableClock, client: Any
) -> None:
    case = a_case(people, monday, address="", postcode="")
    contacts = case.contacts.count()

    booked = book(people, case, monday, office=office)

    booked.refresh_from_db()
    assert booked.confirmed_at is None
    assert case.contacts.count() == contacts  # nothing recorded as sent
    assert not CaseLetter.objects.exists()
    assert not OutboundEmail.objects.exists()
    client.force_login(people.officer)
    page = client.get(reverse("visits:appointment", args=[booked.pk]))
    assert NO_WAY in page.content.decode()
    assert NO_WAY == "Not told: no address or email on their record"


def test_an_unsigned_letter_does_not_undo_the_booking(
    people: People, office: Office, monday: SettableClock
) -> None:
    case = a_case(people, monday)
    people.officer.phone = people.officer.email = ""
    people.officer.save()

    booked = book(people, case, monday, office=office)

    booked.refresh_from_db()
    assert booked.confirmed_at is None
    assert not CaseLetter.objects.exists()
    assert Appointment.objects.filter(pk=booked.pk).exists()


def test_a_move_updates_the_same_event_and_a_cancellation_cancels_it(
    people: People, office: Office, monday: SettableClock
) -> None:
    case = a_case(people, monday, **emailed())
    first = book(people, case, monday, office=office)

    moved = appointments.appointment_move(
        appointment=first,
        starts_at=datetime(2026, 6, 25, 14, 0, tzinfo=LONDON),
        officer=people.officer,
        reason="Your officer is at court",
        by=people.officer,
        policy=HALTON,
        clock=monday,
    )
    appointments.appointment_cancel(
        appointment=moved,
        reason="The office is closed",
        by=people.officer,
        policy=HALTON,
        clock=monday,
    )

    emails = list(OutboundEmail.objects.filter(case=case).order_by("pk"))
    assert [email.kind for email in emails] == [
        DocumentKind.APPOINTMENT_CONFIRMATION,
        DocumentKind.APPOINTMENT_CONFIRMATION,
        DocumentKind.APPOINTMENT_CANCELLATION,
    ]
    events = [invitation(email) for email in emails]
    assert len({str(event["uid"]) for _, event in events}) == 1  # one event, updated
    assert [int(event["sequence"]) for _, event in events] == [0, 1, 2]
    assert [str(calendar["method"]) for calendar, _ in events] == ["REQUEST", "REQUEST", "CANCEL"]
    assert events[1][1].decoded("dtstart") == datetime(2026, 6, 25, 13, 0, tzinfo=UTC)
    assert "We are sorry, but we have had to change your appointment." in emails[1].body
    assert "Your officer is at court." in emails[1].body
    assert "we have had to cancel your appointment on Thursday 25 June 2026" in emails[2].body
    # the email tells them at once, with its apology: the standard of telling them is met
    notices = case.deadlines.filter(standard_key="appointment_change_notice")
    assert {notice.status for notice in notices} == {DeadlineStatus.MET}


def test_a_letter_does_not_meet_the_standard_of_telling_them_at_once(
    people: People, office: Office, monday: SettableClock
) -> None:
    case = a_case(people, monday)
    booked = book(people, case, monday, office=office)

    appointments.appointment_cancel(
        appointment=booked,
        reason="Officer off sick",
        by=people.officer,
        policy=HALTON,
        clock=monday,
    )

    kinds = set(CaseLetter.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds == {DocumentKind.APPOINTMENT_CONFIRMATION, DocumentKind.APPOINTMENT_CANCELLATION}
    notice = case.deadlines.get(standard_key="appointment_change_notice")
    assert notice.status == DeadlineStatus.OPEN  # posted: the officer still owes the call


# -- the reminder ---------------------------------------------------------------------------


def sweep(at: datetime) -> None:
    sweeps_run(sweeps=SWEEPS, run=SweepRun(now=at, clock=SettableClock(at), policy=HALTON))


def reminders() -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(kind=DocumentKind.APPOINTMENT_REMINDER))


def test_the_worker_reminds_the_customer_the_day_before_once_however_often_it_runs(
    people: People, office: Office, monday: SettableClock
) -> None:
    case = a_case(people, monday, **emailed())
    booked = book(people, case, monday, office=office)
    later = book(people, case, monday, WEDNESDAY_10AM + timedelta(days=1), office=office)

    sweep(datetime(2026, 6, 22, 12, 0, tzinfo=LONDON))  # Monday: Wednesday is not tomorrow
    assert reminders() == []
    sweep(datetime(2026, 6, 23, 7, 0, tzinfo=LONDON))  # Tuesday, before 8am
    assert reminders() == []
    sweep(datetime(2026, 6, 23, 9, 0, tzinfo=LONDON))
    sweep(datetime(2026, 6, 23, 9, 1, tzinfo=LONDON))

    [reminder] = reminders()
    assert "This is a reminder of your appointment tomorrow, Wednesday 24 June 2026, at 10am" in (
        reminder.body
    )
    assert reminder.contact is not None
    booked.refresh_from_db()
    later.refresh_from_db()
    assert booked.reminded_at == datetime(2026, 6, 23, 9, 0, tzinfo=LONDON)
    assert later.reminded_at is None  # Thursday's, on Wednesday


def test_a_reminder_goes_by_letter_to_those_who_prefer_letters(
    people: People, office: Office, monday: SettableClock
) -> None:
    case = a_case(people, monday)
    book(people, case, monday, office=office)

    sweep(datetime(2026, 6, 23, 9, 0, tzinfo=LONDON))

    reminder = CaseLetter.objects.get(case=case, kind=DocumentKind.APPOINTMENT_REMINDER)
    assert reminder.signed_by == people.officer
    assert "This is a reminder of your appointment tomorrow" in reminder.body


def test_booked_for_tomorrow_the_confirmation_is_the_reminder(
    people: People, office: Office, monday: SettableClock
) -> None:
    case = a_case(people, monday, **emailed())
    booked = book(people, case, monday, datetime(2026, 6, 23, 10, 0, tzinfo=LONDON), office=office)

    sweep(datetime(2026, 6, 22, 12, 0, tzinfo=LONDON))

    booked.refresh_from_db()
    assert booked.reminded_at == booked.confirmed_at == monday.now()
    assert reminders() == []


def test_a_cancelled_appointment_is_not_reminded(
    people: People, office: Office, monday: SettableClock
) -> None:
    case = a_case(people, monday, **emailed())
    booked = book(people, case, monday, office=office)
    appointments.appointment_cancel(
        appointment=booked, reason="Not needed", by=people.officer, policy=HALTON, clock=monday
    )

    sweep(datetime(2026, 6, 23, 9, 0, tzinfo=LONDON))

    assert reminders() == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_two_workers_at_once_send_each_reminder_once(
    people: People, office: Office, monday: SettableClock
) -> None:
    case = a_case(people, monday, **emailed())
    for hour in range(9, 16):
        book(people, case, monday, datetime(2026, 6, 24, hour, 0, tzinfo=LONDON), office=office)
    at = datetime(2026, 6, 23, 9, 0, tzinfo=LONDON)
    start = threading.Barrier(2)
    failed: list[BaseException] = []

    def worker() -> None:
        try:
            start.wait()
            run = SweepRun(now=at, clock=SettableClock(at), policy=HALTON, batch_size=2)
            report = sweeps_run(sweeps=SWEEPS, run=run)
            failed.extend(RuntimeError(o.error) for o in report.outcomes if o.error)
        except BaseException as error:  # reported by the test
            failed.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failed == []
    sent = reminders()
    assert len(sent) == 7
    assert len({email.body for email in sent}) == 7  # each appointment's once
