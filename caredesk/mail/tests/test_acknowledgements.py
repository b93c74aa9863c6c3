"""The automatic reply to an email that opens a case, sent through a real SMTP server."""

from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import pytest

from caredesk.cases.models import Deadline
from caredesk.customers.models import CustomerType
from caredesk.customers.services import customer_create
from caredesk.documents.models import DocumentKind, DocumentTemplate, Medium
from caredesk.mail.models import InboundEmail, OutboundEmail
from caredesk.mail.services import email_receive
from caredesk.notifications.models import EmailStatus
from caredesk.notifications.tests.helpers import SMTPServer
from caredesk.staff.models import AbsenceKind
from caredesk.staff.services import absence_record
from caredesk.standards import load_policy
from caredesk.worker.loop import Worker

pytestmark = pytest.mark.usefixtures("worker_in_this_process")

HALTON = load_policy("halton")
MESSAGES = Path(__file__).parent / "messages"


@pytest.fixture(autouse=True)
def monday_morning(clock):
    """Monday 2 June 2025, 10:00: the sample emails came in this morning."""
    clock.moment = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)


def receive_file(name: str, clock, *, acknowledge=True):
    """As the mailbox receives a message (the only way in that acknowledges)."""
    raw = (MESSAGES / name).read_bytes()
    return email_receive(
        raw=raw, source=name, policy=HALTON, clock=clock, acknowledge=acknowledge
    ).email


def receive_new(
    clock, *, sender="jo.bloggs@example.org", to="info@haltonhousing.org", n=1, **headers
):
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = f"Damp in the bathroom ({n})"
    message["Date"] = format_datetime(clock.now() - timedelta(minutes=5))
    message["Message-ID"] = f"<damp-{n}.{sender}>"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content("There is black mould on the bathroom ceiling again.")
    raw = message.as_bytes()
    return email_receive(raw=raw, source="test", policy=HALTON, clock=clock, acknowledge=True).email


def send_all(clock):
    Worker(clock=clock, policy=HALTON, worker_id="test", report=lambda line: None).run_once()


def test_a_new_case_by_email_is_acknowledged_with_its_reference_and_reply_date(people, clock, smtp):
    customer_create(
        customer_type=CustomerType.TENANT,
        title="Ms",
        first_name="Jo",
        last_name="Bloggs",
        email="jo.bloggs@example.org",
    )
    email = receive_file("plain.eml", clock)
    case = email.case
    due = Deadline.objects.get(case=case, standard_key="letter_email_response").due_at
    assert due is not None
    reply = OutboundEmail.objects.get()
    assert (reply.kind, reply.to_address, reply.automatic) == (
        DocumentKind.ACKNOWLEDGEMENT,
        "jo.bloggs@example.org",
        True,
    )
    assert reply.subject == f"We have your email: {case.reference}"
    assert reply.body.startswith("Dear Ms Bloggs,")
    assert f"Your reference is {case.reference}." in reply.body
    assert "We received it on Monday 2 June 2025." in reply.body
    assert f"We will reply by {due.astimezone(HALTON.working_calendar.zone):%A} " in reply.body
    assert "Monday 16 June 2025" in reply.body  # 10 working days on from 2 June
    assert "Our Halton Housing Trust team is dealing with it." in reply.body
    assert "call 0151 510 5000 or email info@haltonhousing.org" in reply.body
    assert "Broken boiler" not in reply.body + reply.subject  # never repeats the sender

    send_all(clock)

    (sent,) = smtp.mailbox.messages
    reply.refresh_from_db()
    assert reply.email_status == EmailStatus.SENT
    assert sent["To"] == "jo.bloggs@example.org"
    assert sent["From"] == '"Halton Housing Trust" <info@haltonhousing.org>'
    assert sent["Auto-Submitted"] == "auto-replied"
    assert sent["In-Reply-To"] == "<20250602091400.1@example.org>"
    assert sent["References"] == "<20250602091400.1@example.org>"
    assert sent["Message-ID"] == f"<{reply.message_key}>"
    assert case.reference in sent.get_payload(decode=True).decode()


def test_the_customers_reply_to_the_acknowledgement_joins_the_case(people, clock, smtp):
    email = receive_new(clock)
    reply = OutboundEmail.objects.get()
    answer = EmailMessage()
    answer["From"] = "jo.bloggs@example.org"
    answer["To"] = "info@haltonhousing.org"
    answer["Subject"] = "Re: photos"  # no reference in the subject: only the header links it
    answer["Message-ID"] = "<answer-1@example.org>"
    answer["In-Reply-To"] = f"<{reply.message_key}>"
    answer.set_content("Photos attached.")
    joined = email_receive(raw=answer.as_bytes(), source="t", policy=HALTON, clock=clock).email
    assert joined.case == email.case
    assert OutboundEmail.objects.count() == 1  # a reply on a case is not acknowledged again


def test_an_email_to_an_officer_goes_to_them_and_names_them(people, clock, smtp):
    officer = people.officer
    officer.phone = "0151 510 1234"
    officer.save()
    email = receive_new(clock, to=f"Olu <{officer.email.upper()}>")
    assert email.case is not None
    assert email.case.assigned_to == officer
    body = OutboundEmail.objects.get().body
    assert "Olu Officer, Tenancy Officer, is dealing with it." in body
    # anyone can write to us: the reply gives the organisation's line, not the officer's
    assert "call 0151 510 5000" in body
    assert "1234" not in body


def test_an_officer_away_beyond_the_threshold_sends_the_out_of_office_reply(people, clock, smtp):
    # given: Olu is away Monday 2 to Friday 6 June 2025 (5 working days; Halton's
    # threshold is 1), with Tia covering
    officer, cover = people.officer, people.teammate
    absence_record(
        staff=officer,
        kind=AbsenceKind.ANNUAL_LEAVE,
        first_day=date(2025, 6, 2),
        last_day=date(2025, 6, 6),
        cover=cover,
        out_of_office_message="I am on leave this week.",
        by=people.administrator,
        clock=clock,
    )
    # when
    email = receive_new(clock, to=officer.email)
    # then
    assert email.case.assigned_to == cover
    reply = OutboundEmail.objects.get()
    assert reply.kind == DocumentKind.OUT_OF_OFFICE
    assert reply.subject == f"Olu Officer is away: {email.case.reference}"
    assert "Olu Officer is away and back on Monday 9 June 2025." in reply.body
    assert "I am on leave this week." in reply.body
    assert "Tia Teammate" in reply.body
    send_all(clock)
    assert smtp.mailbox.messages[0]["Auto-Submitted"] == "auto-replied"


def test_an_absence_within_the_threshold_gets_the_usual_acknowledgement(people, clock, smtp):
    absence_record(
        staff=people.officer,
        kind=AbsenceKind.ANNUAL_LEAVE,
        first_day=date(2025, 6, 2),
        last_day=date(2025, 6, 2),  # 1 working day: not more than Halton's 1
        by=people.administrator,
        clock=clock,
    )
    receive_new(clock, to=people.officer.email)
    assert OutboundEmail.objects.get().kind == DocumentKind.ACKNOWLEDGEMENT


@pytest.mark.parametrize("name", ["bulk.eml", "auto_reply.eml"])
def test_machines_are_never_answered(people, clock, smtp, name):
    receive_file(name, clock)
    send_all(clock)
    assert not OutboundEmail.objects.exists()
    assert smtp.mailbox.messages == []


@pytest.mark.parametrize(
    "sender",
    [
        "noreply@bank.example",
        "no-reply@council.example",
        "do-not-reply@portal.example",
        "MAILER-DAEMON@mx.example",
        "postmaster@mx.example",
        "tenants-forum-request@lists.example",
        "owner-tenants@lists.example",
        "info@haltonhousing.org",  # our own address: a loop
    ],
)
def test_addresses_of_mail_software_and_our_own_get_no_reply(people, clock, sender):
    email = receive_new(clock, sender=sender)
    assert not OutboundEmail.objects.exists()
    assert email.not_acknowledged


def test_one_address_gets_at_most_three_automatic_replies_a_day(people, clock):
    emails = [receive_new(clock, n=n) for n in range(1, 6)]
    assert OutboundEmail.objects.count() == 3
    assert "3 automatic replies in the last 24 hours" in emails[3].not_acknowledged
    # a day later, replies start again
    clock.moment += timedelta(days=1, minutes=1)
    receive_new(clock, n=6)
    assert OutboundEmail.objects.count() == 4


def test_a_message_received_twice_is_acknowledged_once(people, clock, smtp):
    receive_file("plain.eml", clock)
    receive_file("plain.eml", clock)
    send_all(clock)
    send_all(clock)
    assert OutboundEmail.objects.count() == 1
    assert len(smtp.mailbox.messages) == 1


def test_a_refused_acknowledgement_is_sent_at_a_later_sweep(people, clock, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1  # nothing listens there
    receive_new(clock)
    send_all(clock)
    reply = OutboundEmail.objects.get()
    assert (reply.email_status, reply.email_attempts) == (EmailStatus.PENDING, 1)
    assert reply.email_error
    # the server is back; once the failed claim is stale, the next sweep sends it
    with SMTPServer() as server:
        settings.EMAIL_PORT = server.port
        clock.moment += timedelta(minutes=6)
        send_all(clock)
        assert len(server.mailbox.messages) == 1
    reply.refresh_from_db()
    assert (reply.email_status, reply.email_attempts) == (EmailStatus.SENT, 2)


def test_old_mail_and_mail_from_files_get_no_automatic_reply(people, clock):
    # a backlog: the email reached the mailbox two days ago
    clock.moment += timedelta(days=2)
    old = receive_file("plain.eml", clock)
    assert old.not_acknowledged
    # a file of emails imported from the command line
    imported = receive_file("html_only.eml", clock, acknowledge=False)
    assert "no automatic reply" in imported.not_acknowledged
    assert not OutboundEmail.objects.exists()


def test_a_template_that_fails_never_stops_the_email_being_received(people, clock):
    DocumentTemplate.objects.create(
        kind=DocumentKind.ACKNOWLEDGEMENT,
        medium=Medium.EMAIL,
        subject="Re {{ case.reference }}",
        body="{% for x in 5 %}{{ x }}{% endfor %}",  # got past a check some other way
        updated_at=clock.now(),
    )
    email = receive_new(clock)
    assert email.case is not None
    assert email.not_acknowledged.startswith("The automatic reply could not be made")
    assert not OutboundEmail.objects.exists()


def test_mail_through_a_mailing_list_opens_a_case_but_is_not_answered(people, clock):
    email = receive_new(clock, List_Id="<tenants.halton.example>")
    assert email.case is not None
    assert "mailing list" in email.not_acknowledged
    assert not OutboundEmail.objects.exists()


@pytest.mark.parametrize("sender", ['"a b"@example.org', "@example.org", "jo@localhost"])
def test_an_address_an_email_cannot_go_to_gets_no_reply(people, clock, sender):
    email = receive_new(clock, sender=sender)
    assert not OutboundEmail.objects.exists()
    assert "cannot be replied to" in email.not_acknowledged


def test_staff_writing_in_get_no_automatic_reply(people, clock):
    email = receive_new(clock, sender=people.teammate.email)
    assert "member of staff" in email.not_acknowledged


def test_automatic_replies_stop_for_the_hour_after_sixty(people, clock):
    for n in range(61):
        receive_new(clock, sender=f"forged{n}@example.org", n=n)
    assert OutboundEmail.objects.count() == 60
    last = InboundEmail.objects.get(message_key="damp-60.forged60@example.org")
    assert "in the last hour" in last.not_acknowledged
