"""Polling a real IMAP mailbox (Dovecot, started by the tests)."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django_tasks_db.models import DBTaskResult

from caredesk.cases.models import Case
from caredesk.core.store import store_get
from caredesk.mail.mailbox import MailboxError, mailbox_address, mailbox_poll
from caredesk.mail.models import InboundEmail, Threading
from caredesk.mail.tests.busy import BusyDatabase
from caredesk.mail.tests.test_services import parkable
from caredesk.notifications.tasks import send_notification_email
from caredesk.standards import load_policy
from caredesk.worker.loop import Worker

pytestmark = pytest.mark.usefixtures("worker_in_this_process")

HALTON = load_policy("halton")
MESSAGES = Path(__file__).parent / "messages"
DONE = "caredesk-received"


def url_of(dovecot, user: str, folder: str = "INBOX") -> str:
    """The mailbox's address as CAREDESK_MAILBOX gives it."""
    user_part = user.replace("@", "%40")
    return f"imap://{user_part}:secret@127.0.0.1:{dovecot.port}/{folder}"


def address_of(dovecot, user: str, folder: str = "INBOX"):
    return mailbox_address(url_of(dovecot, user, folder))


def poll(dovecot, user: str, clock, **options):
    return mailbox_poll(
        address=address_of(dovecot, user), done_folder=DONE, policy=HALTON, clock=clock, **options
    )


def test_each_message_becomes_a_case_or_contact_and_is_moved_out_of_the_inbox(
    dovecot, imap_user, people, clock
):
    # given: a new enquiry and a reply to it, delivered 2 June 2025
    arrived = datetime(2025, 6, 2, 9, 30, tzinfo=UTC).timestamp()
    for name in ("plain.eml", "reply.eml", "html_only.eml"):
        dovecot.deliver(imap_user, (MESSAGES / name).read_bytes(), when=arrived)
    # when
    report = poll(dovecot, imap_user, clock)
    # then
    assert (report.received, report.known, report.moved, report.errors) == (3, 0, 3, [])
    assert dovecot.count(imap_user, "INBOX") == 0
    assert dovecot.count(imap_user, DONE) == 3
    plain = InboundEmail.objects.get(subject="Broken boiler at 12 Mersey Road")
    reply = InboundEmail.objects.get(message_key="reply-1@example.org")
    assert reply.case == plain.case
    assert Case.objects.count() == 2
    assert plain.source.startswith(f"mailbox imap://{imap_user}@127.0.0.1")
    assert "secret" not in plain.source


def test_the_bytes_are_kept_exactly_and_not_marked_read(dovecot, imap_user, people, clock):
    # IMAP carries messages with CRLF line ends, as they travel between mail servers.
    raw = (MESSAGES / "broken_mime.eml").read_bytes().replace(b"\n", b"\r\n")
    dovecot.deliver(imap_user, raw)
    poll(dovecot, imap_user, clock)
    email = InboundEmail.objects.get()
    assert store_get(email.raw_sha256) == raw
    (flags,) = dovecot.flags(imap_user, DONE)
    assert b"\\Seen" not in flags  # people sharing the mailbox still see it as new


def test_the_time_of_arrival_at_the_mailbox_is_the_time_of_receipt(
    dovecot, imap_user, people, clock
):
    # The email says it was sent at 08:14 UTC; it reached the mailbox at 10:00.
    arrived = datetime(2025, 6, 2, 10, 0, tzinfo=UTC)
    dovecot.deliver(imap_user, (MESSAGES / "plain.eml").read_bytes(), when=arrived.timestamp())
    poll(dovecot, imap_user, clock)
    assert InboundEmail.objects.get().received_at == arrived
    assert InboundEmail.objects.get().case.received_at == arrived  # type: ignore[union-attr]


def test_a_message_fetched_again_after_a_poll_stopped_is_stored_once(
    dovecot, imap_user, people, clock
):
    # given: a poll received the message but stopped before moving it (the same message
    # delivered twice stands in for it: the second copy is fetched again)
    raw = (MESSAGES / "plain.eml").read_bytes()
    dovecot.deliver(imap_user, raw)
    dovecot.deliver(imap_user, raw)
    # when
    report = poll(dovecot, imap_user, clock)
    # then
    assert (report.received, report.known, report.moved) == (1, 1, 2)
    assert InboundEmail.objects.count() == 1
    assert dovecot.count(imap_user, "INBOX") == 0


def test_a_poll_stopped_part_way_moves_what_it_received_and_leaves_the_rest(
    dovecot, imap_user, people, clock
):
    for name in ("plain.eml", "html_only.eml", "latin1.eml"):
        dovecot.deliver(imap_user, (MESSAGES / name).read_bytes())
    seen: list[int] = []

    class Stop(Exception):
        pass

    def stop_after_two():
        if len(seen) == 2:
            raise Stop
        seen.append(1)

    with pytest.raises(Stop):
        poll(dovecot, imap_user, clock, between_messages=stop_after_two)
    assert InboundEmail.objects.count() == 2
    assert (dovecot.count(imap_user, "INBOX"), dovecot.count(imap_user, DONE)) == (1, 2)
    # the next poll takes the rest
    report = poll(dovecot, imap_user, clock)
    assert (report.received, report.moved) == (1, 1)
    assert InboundEmail.objects.count() == 3


def test_a_poll_takes_at_most_its_limit(dovecot, imap_user, people, clock):
    for name in ("plain.eml", "html_only.eml", "latin1.eml"):
        dovecot.deliver(imap_user, (MESSAGES / name).read_bytes())
    assert poll(dovecot, imap_user, clock, limit=2).received == 2
    assert dovecot.count(imap_user, "INBOX") == 1


def test_a_wrong_password_is_a_clear_error(dovecot, imap_user, people, clock):
    address = mailbox_address(f"imap://someone:wrong@127.0.0.1:{dovecot.port}/INBOX")
    with pytest.raises(MailboxError, match="could not be read"):
        mailbox_poll(address=address, done_folder=DONE, policy=HALTON, clock=clock)


def test_a_server_that_is_not_there_is_a_clear_error(people, clock):
    address = mailbox_address("imap://someone:secret@127.0.0.1:1/INBOX")
    with pytest.raises(MailboxError, match="could not be read") as raised:
        mailbox_poll(address=address, done_folder=DONE, policy=HALTON, clock=clock)
    assert "secret" not in raised.value.message


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "imaps://care%40example.org:p%40ss@mail.example.org/INBOX",
            ("imaps", "mail.example.org", 993, "care@example.org", "p@ss", "INBOX"),
        ),
        (
            "imap+starttls://u:p@mail.example.org:1143",
            ("imap+starttls", "mail.example.org", 1143, "u", "p", "INBOX"),
        ),
        ("imap://u:p@h/Shared%20care", ("imap", "h", 143, "u", "p", "Shared care")),
    ],
)
def test_mailbox_addresses_are_read(url, expected):
    a = mailbox_address(url)
    assert (a.scheme, a.host, a.port, a.user, a.password, a.folder) == expected
    assert "password" not in repr(a)


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("pop3://u:p@h/", "must start imaps://"),
        ("imaps://mail.example.org/INBOX", "must name the user and server"),
        ("imaps://care@mail.example.org/INBOX", "the password must be in"),
        ("imaps://u:s/cret@h/INBOX", "percent-encode"),
        ("imaps://u:p@h:notaport/", "not a mailbox address"),
    ],
)
def test_bad_mailbox_addresses_say_what_is_wrong(url, says):
    with pytest.raises(MailboxError, match=says) as raised:
        mailbox_address(url)
    assert "cret" not in raised.value.message  # never the password, even in pieces


def test_the_password_can_be_kept_apart_from_the_address():
    address = mailbox_address("imaps://care%40example.org@mail.example.org/", password="p/w#1")
    assert (address.user, address.password) == ("care@example.org", "p/w#1")


def test_the_done_folder_cannot_be_the_folder_read(dovecot, imap_user, people, clock):
    address = address_of(dovecot, imap_user)
    with pytest.raises(MailboxError, match="the folder being read"):
        mailbox_poll(address=address, done_folder="inbox", policy=HALTON, clock=clock)


def test_a_done_folder_the_server_refuses_is_a_mailbox_error_not_a_crash(
    dovecot, imap_user, people, clock
):
    dovecot.deliver(imap_user, (MESSAGES / "plain.eml").read_bytes())
    address = address_of(dovecot, imap_user)
    with pytest.raises(MailboxError, match="could not be read"):
        mailbox_poll(address=address, done_folder="a..b/", policy=HALTON, clock=clock)
    assert dovecot.count(imap_user, "INBOX") == 1  # left for when the setting is put right


def test_the_worker_reads_the_mailbox_at_each_sweep(dovecot, imap_user, people, clock, settings):
    dovecot.deliver(imap_user, (MESSAGES / "plain.eml").read_bytes())
    settings.CAREDESK_MAILBOX, settings.CAREDESK_MAILBOX_DONE = url_of(dovecot, imap_user), DONE
    lines: list[str] = []
    worker = Worker(clock=clock, policy=HALTON, worker_id="test", report=lines.append)
    report = worker.run_once()
    assert report["mailbox_read"].rows == 1
    assert InboundEmail.objects.count() == 1
    assert "Mailbox: 1 new email, 0 already here, 1 moved." in lines


@pytest.mark.parametrize("unreadable", ["nothing listening", "a folder the server refuses"])
def test_a_mailbox_the_worker_cannot_read_does_not_stop_its_work(
    dovecot, imap_user, people, clock, settings, unreadable
):
    # given: a task waiting, and a mailbox that cannot be read
    waiting = send_notification_email.enqueue(999_999)  # no such notification: a no-op
    if unreadable == "nothing listening":
        mailbox, done = "imap://someone:secret@127.0.0.1:1/INBOX", DONE
    else:
        mailbox, done = url_of(dovecot, imap_user), "a..b/"
    settings.CAREDESK_MAILBOX, settings.CAREDESK_MAILBOX_DONE = mailbox, done
    lines: list[str] = []
    worker = Worker(clock=clock, policy=HALTON, worker_id="test", report=lines.append)
    # when
    report = worker.run_once()
    # then: the failure is reported, the sweeps after it ran, and so did the tasks
    assert any("could not be read" in line for line in lines)
    assert report["mailbox_read"].error.startswith("MailboxError: The mailbox")
    assert report["figures_refresh"].error == ""
    assert DBTaskResult.objects.get(id=waiting.id).status == "SUCCESSFUL"


def test_the_worker_command_refuses_a_bad_mailbox_address(settings):
    settings.CAREDESK_MAILBOX = "pop3://u:p@h/"
    with pytest.raises(CommandError, match="must start imaps://"):
        call_command("worker", "--once")


# -- nothing lost (issue 15) --------------------------------------------------------------


def test_a_message_that_cannot_be_stored_is_parked_moved_and_never_fetched_again(
    dovecot, imap_user, people, clock
):
    # given: a message the store cannot keep an attachment of, then an ordinary one
    dovecot.deliver(imap_user, parkable())
    dovecot.deliver(imap_user, (MESSAGES / "plain.eml").read_bytes())
    # when
    report = poll(dovecot, imap_user, clock)
    # then: both are in, the first parked for review; neither waits in the inbox
    assert (report.received, report.parked, report.moved, report.errors) == (2, 1, 2, [])
    assert str(report).endswith(
        "1 could not be read (kept as they came, on the emails to review page)"
    )
    assert "park" not in str(report)
    assert InboundEmail.objects.filter(threading=Threading.PARKED).count() == 1
    assert InboundEmail.objects.filter(threading=Threading.NEW_CASE).count() == 1
    assert dovecot.count(imap_user, "INBOX") == 0
    # and the next poll has nothing to fetch
    again = poll(dovecot, imap_user, clock)
    assert (again.received, again.known, again.moved) == (0, 0, 0)


@pytest.mark.django_db(transaction=True)
def test_a_database_busy_for_a_moment_leaves_the_message_for_the_next_poll_and_goes_on(
    dovecot, imap_user, people, clock
):
    # given: two new enquiries; the database is busy while the first comes in
    dovecot.deliver(imap_user, (MESSAGES / "plain.eml").read_bytes())
    dovecot.deliver(imap_user, (MESSAGES / "html_only.eml").read_bytes())
    busy = BusyDatabase()
    turns = iter([busy.hold, busy.release])
    # when
    report = poll(dovecot, imap_user, clock, between_messages=lambda: next(turns)())
    # then: the first waits in the inbox, not parked; the second is in
    assert (report.received, report.parked, report.moved, len(report.errors)) == (1, 0, 1, 1)
    assert "OperationalError" in report.errors[0]
    assert dovecot.count(imap_user, "INBOX") == 1
    assert not InboundEmail.objects.filter(threading=Threading.PARKED).exists()
    # and the next poll receives it
    again = poll(dovecot, imap_user, clock)
    assert (again.received, again.parked, again.moved, again.errors) == (1, 0, 1, [])
    assert InboundEmail.objects.filter(threading=Threading.NEW_CASE).count() == 2
    assert dovecot.count(imap_user, "INBOX") == 0
