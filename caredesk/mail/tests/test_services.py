"""Receiving emails: kept whole, threaded onto their case, each stored once."""

import errno
import hashlib
import itertools
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.db import InterfaceError, OperationalError
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from caredesk.cases.models import Case, CaseEvent, Contact, Deadline
from caredesk.core.store import store_folder, store_get
from caredesk.customers.models import CustomerType
from caredesk.customers.services import customer_create
from caredesk.mail.importing import mail_files_import
from caredesk.mail.models import EmailAttachment, InboundEmail, Threading
from caredesk.mail.parsing import email_key, email_parse
from caredesk.mail.services import email_receive, transient
from caredesk.mail.tests.busy import BusyDatabase
from caredesk.standards import load_policy

HALTON = load_policy("halton")
MESSAGES = Path(__file__).parent / "messages"


def receive(name: str, clock, **options):
    raw = (MESSAGES / name).read_bytes()
    return email_receive(raw=raw, source=name, policy=HALTON, clock=clock, **options)


def test_a_new_email_opens_a_case_for_the_customer_with_its_deadlines(people, clock):
    jo = customer_create(
        customer_type=CustomerType.TENANT, first_name="Jo", email="JO.BLOGGS@example.org"
    )
    received = receive("plain.eml", clock)
    assert received.new
    email = received.email
    case = email.case
    assert (case.channel, case.kind, case.customer) == ("email", "general_enquiry", jo)
    assert case.subject == "Broken boiler at 12 Mersey Road"
    assert case.received_at == datetime(2025, 6, 2, 8, 14, tzinfo=UTC)
    assert email.threading == Threading.NEW_CASE
    assert email.contact == case.contacts.get()
    assert "My boiler stopped working" in email.contact.summary
    assert Deadline.objects.filter(case=case, standard_key="letter_email_response").exists()


def test_the_message_is_kept_exactly_as_it_came(people, clock):
    email = receive("broken_mime.eml", clock).email
    assert store_get(email.raw_sha256) == (MESSAGES / "broken_mime.eml").read_bytes()
    assert email.raw_size == (MESSAGES / "broken_mime.eml").stat().st_size
    assert "not well formed" in email.problems
    assert "parts of this email could not be read" in email.contact.summary.lower()


def test_a_message_received_twice_is_stored_once(people, clock):
    first = receive("plain.eml", clock)
    again = receive("plain.eml", clock)
    assert not again.new
    assert again.email == first.email
    assert (InboundEmail.objects.count(), Case.objects.count(), Contact.objects.count()) == (
        1,
        1,
        1,
    )


def test_a_message_without_an_id_received_twice_is_stored_once(people, clock):
    receive("no_message_id.eml", clock)
    assert not receive("no_message_id.eml", clock).new
    assert InboundEmail.objects.count() == 1


def test_a_reply_joins_the_case_of_the_email_it_answers(people, clock):
    first = receive("plain.eml", clock).email
    reply = receive("reply.eml", clock).email
    assert reply.case == first.case
    assert reply.threading == Threading.REPLY
    assert first.case.contacts.count() == 2
    assert CaseEvent.objects.filter(case=first.case, kind="contact").count() == 1


def test_the_case_reference_in_the_subject_finds_the_case(people, clock):
    case = receive("plain.eml", clock).email.case
    assert case.reference == "HHT-2025-000001"
    letter = (
        b"From: Jo Bloggs <jo.bloggs@example.org>\n"
        b"Subject: About my case HHT-2025-000001, again\n"
        b"Message-ID: <new-thread@example.org>\n\n"
        b"Any news?\n"
    )
    email = email_receive(raw=letter, source="test", policy=HALTON, clock=clock).email
    assert email.case == case
    assert email.threading == Threading.REFERENCE


def test_an_auto_reply_joins_its_case_and_is_marked(people, clock):
    case = receive("plain.eml", clock).email.case
    auto = receive("auto_reply.eml", clock).email
    assert auto.case == case
    assert auto.threading == Threading.REPLY  # its References name plain.eml's message
    assert auto.automatic == "Auto-Submitted: auto-replied"
    assert "it is not acknowledged" in auto.contact.summary


def test_machine_mail_about_no_case_waits_for_review_and_opens_no_case(people, clock):
    auto = receive("auto_reply.eml", clock).email  # HHT-2025-000001 does not exist yet
    assert auto.threading == Threading.FOR_REVIEW
    assert (auto.case, auto.contact) == (None, None)
    assert "never answered" in auto.not_acknowledged
    assert not Case.objects.exists()
    assert not Deadline.objects.exists()


def test_machine_mail_about_a_case_joins_it_and_is_not_answered(people, clock):
    first = receive("plain.eml", clock).email  # opens HHT-2025-000001
    auto = receive("auto_reply.eml", clock).email  # an out-of-office answering it
    assert (auto.case, auto.threading) == (first.case, Threading.REPLY)
    assert not auto.answers.exists()


def test_attachments_are_kept_with_their_names_and_types(people, clock):
    email = receive("forwarded.eml", clock).email
    forwarded, agreement = EmailAttachment.objects.filter(email=email).order_by("pk")
    assert forwarded.content_type == "message/rfc822"
    assert (agreement.file_name, agreement.content_type) == (
        "tenancy agreement.pdf",
        "application/pdf",
    )
    assert store_get(agreement.sha256).startswith(b"%PDF")
    assert agreement.size == len(store_get(agreement.sha256))


def test_a_message_dated_in_the_future_is_received_now(people, clock):
    clock.moment = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)  # before plain.eml's Date
    email = receive("plain.eml", clock).email
    assert email.received_at == clock.now()
    assert email.case.received_at == clock.now()


def test_the_mail_servers_time_of_receipt_comes_first(people, clock):
    server_time = datetime(2025, 6, 2, 8, 20, tzinfo=UTC)
    email = receive("plain.eml", clock, received_at=server_time).email
    assert email.received_at == server_time


def test_two_customers_with_the_address_leave_the_case_unmatched(people, clock):
    for name in ("Jo", "Joanne"):
        customer_create(
            customer_type=CustomerType.TENANT, first_name=name, email="jo.bloggs@example.org"
        )
    assert receive("plain.eml", clock).email.case.customer is None


def test_a_folder_an_mbox_and_a_file_import_each_message_once(people, clock, tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    for name in ("plain.eml", "html_only.eml", "bulk.eml"):
        shutil.copy(MESSAGES / name, folder / name)
    first = mail_files_import(path=folder, policy=HALTON, clock=clock)
    assert (first.read, first.new_cases, first.added_to_cases, first.already_here) == (3, 2, 0, 0)
    assert (first.automatic, first.for_review) == (1, 1)
    mbox = mail_files_import(path=MESSAGES / "three.mbox", policy=HALTON, clock=clock)
    assert (mbox.read, mbox.new_cases, mbox.added_to_cases, mbox.already_here) == (3, 0, 1, 2)
    assert str(mbox) == (
        "three.mbox: 3 messages read, 0 new cases, 1 added to cases, 2 already here"
    )
    assert InboundEmail.objects.count() == 4


def test_a_maildir_is_read(people, clock, tmp_path):
    import mailbox

    box = mailbox.Maildir(tmp_path / "Maildir", create=True)
    box.add((MESSAGES / "plain.eml").read_bytes())
    box.add((MESSAGES / "reply.eml").read_bytes())
    result = mail_files_import(path=tmp_path / "Maildir", policy=HALTON, clock=clock)
    assert (result.read, result.new_cases, result.added_to_cases) == (2, 1, 1)


def test_every_sample_message_is_received(people, clock):
    names = sorted(path.name for path in MESSAGES.glob("*.eml"))
    for name in names:
        receive(name, clock)
    assert InboundEmail.objects.count() == len(names)
    assert clock.now() - timedelta(days=400) < min(
        e.received_at for e in InboundEmail.objects.all()
    )


def test_one_message_that_cannot_be_received_does_not_stop_the_others(
    people, clock, tmp_path, monkeypatch
):
    from caredesk.mail import importing

    def receive_or_fail(*, raw, source, **options):
        if "message 2" in source:
            raise RuntimeError("the database went away")
        return email_receive(raw=raw, source=source, **options)

    monkeypatch.setattr(importing, "email_receive", receive_or_fail)
    result = mail_files_import(path=MESSAGES / "three.mbox", policy=HALTON, clock=clock)
    assert result.read == 2
    assert result.errors == [
        "three.mbox message 2: not received (RuntimeError: the database went away)"
    ]
    assert str(result).endswith("1 not received (see below; import again)")


def test_a_message_dated_1970_is_received_when_it_arrives(people, clock):
    raw = b"Date: Thu, 01 Jan 1970 00:00:00 +0000\nMessage-ID: <epoch@x>\n\nhello\n"
    email = email_receive(raw=raw, source="t", policy=HALTON, clock=clock).email
    assert email.received_at == clock.now()
    assert "not believable" in email.problems


def test_a_folder_reads_only_its_email_files(people, clock, tmp_path):
    shutil.copy(MESSAGES / "plain.eml", tmp_path / "plain.eml")
    (tmp_path / "README.txt").write_text("not an email")
    assert mail_files_import(path=tmp_path, policy=HALTON, clock=clock).read == 1


def test_an_email_joining_a_case_from_another_address_is_flagged(people, clock):
    customer_create(
        customer_type=CustomerType.TENANT, first_name="Jo", email="jo.bloggs@example.org"
    )
    case = receive("plain.eml", clock).email.case
    stranger = (
        b"From: stranger@evil.example\nSubject: Re: HHT-2025-000001\n"
        b"Message-ID: <s@evil.example>\n\nSend me the details.\n"
    )
    email = email_receive(raw=stranger, source="t", policy=HALTON, clock=clock).email
    assert email.case == case
    assert "not the customer's email address" in email.problems
    assert email.contact is not None
    assert "Sent from stranger@evil.example" in email.contact.summary
    assert "not the customer's" not in receive("reply.eml", clock).email.problems


def test_a_maildir_is_read_in_delivery_order_not_name_order():
    from caredesk.mail.importing import _delivery_order

    # delivered 0.099999 s and 0.1 s into the same second: as text, M100000 sorts first
    names = ["1700000000.M100000P7Q2.host", "1700000000.M99999P7Q1.host", "1699999999.M5P7Q9.h"]
    assert sorted(names, key=_delivery_order) == [names[2], names[1], names[0]]


# -- nothing lost (issue 15) --------------------------------------------------------------

WITH_A_NUL = (
    b"From: Jo Bloggs <jo.bloggs@example.org>\nSubject: Scan of my letter\n"
    b"Message-ID: <nul-1@example.org>\nDate: Mon, 2 Jun 2025 09:14:00 +0100\n"
    b'Content-Type: multipart/mixed; boundary="b"; charset="ut\x00f-8"\n\n'
    b"--b\nContent-Type: text/plain\n\nMy letter is attached.\n"
    b'--b\nContent-Type: application/p\x00df; name="let\x00ter.pdf"\n'
    b"Content-ID: <scan\x00@example.org>\n"
    b'Content-Disposition: attachment; filename="let\x00ter.pdf"\n\n%PDF-1.4 the scan\n--b--\n'
)


def test_a_nul_in_a_mime_parameter_or_attachment_type_does_not_stop_the_email(people, clock):
    received = receive_raw(WITH_A_NUL, clock)
    assert received.new
    assert not received.parked
    email = InboundEmail.objects.get(pk=received.email.pk)
    assert email.case is not None
    (attachment,) = email.attachments.all()
    assert (attachment.file_name, attachment.content_type, attachment.content_id) == (
        "letter.pdf",
        "application/pdf",
        "scan@example.org",
    )
    assert "Attachment 1's type: 1 character that cannot be stored" in email.problems
    assert store_get(attachment.sha256) == b"%PDF-1.4 the scan"


def receive_raw(raw: bytes, clock, source: str = "test", **options):
    return email_receive(raw=raw, source=source, policy=HALTON, clock=clock, **options)


def store_cannot_keep(data: bytes) -> None:
    """Make the real file store fail for these bytes: where their folder should be,
    there is a file."""
    digest = hashlib.sha256(data).hexdigest()
    folder = store_folder() / digest[:2]
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.write_text("not a folder")


def with_attachment(text: bytes, n: int = 1) -> bytes:
    return (
        b"From: Jo Bloggs <jo.bloggs@example.org>\nSubject: Photos of the damp\n"
        b"Message-ID: <photos-%d@example.org>\nDate: Mon, 2 Jun 2025 09:14:00 +0100\n"
        b'Content-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/plain\n\n'
        b"Photos attached.\n--b\nContent-Type: application/octet-stream\n"
        b'Content-Disposition: attachment; filename="damp.bin"\n\n%s\n--b--\n' % (n, text)
    )


def parkable(n: int = 1) -> bytes:
    """A message whose attachment the store cannot keep (its bytes, it can)."""
    for attempt in range(50):
        raw = with_attachment(b"attempt %d" % attempt, n)
        (attachment,) = email_parse(raw).attachments
        raw_digest = hashlib.sha256(raw).hexdigest()
        if hashlib.sha256(attachment.data).hexdigest()[:2] != raw_digest[:2]:
            store_cannot_keep(attachment.data)
            return raw
    raise AssertionError("no message whose bytes and attachment share no folder")


def test_a_message_that_cannot_be_stored_is_parked_with_its_reason(people, clock):
    raw = parkable()
    received = receive_raw(raw, clock, source="inbox.mbox message 1")
    assert received.new
    assert received.parked
    email = InboundEmail.objects.get(pk=received.email.pk)
    assert (email.threading, email.case, email.reviewed_at) == (Threading.PARKED, None, None)
    assert email.parked_reason.startswith("Could not be saved as an email: ")
    assert "park" not in email.parked_reason + email.not_acknowledged
    assert email.parked_reason.endswith("It is kept as it came.")
    assert store_get(email.raw_sha256) == raw
    # what its headers say is kept, for the reviewer
    assert (email.from_address, email.subject) == ("jo.bloggs@example.org", "Photos of the damp")
    assert (Case.objects.count(), email.attachments.count()) == (0, 0)
    # it is known when it comes again: not tried again and again
    again = receive_raw(raw, clock)
    assert (again.new, again.email) == (False, email)


def test_one_message_that_cannot_be_stored_never_costs_the_next_in_a_file(people, clock, tmp_path):
    mbox = tmp_path / "inbox.mbox"
    mbox.write_bytes(
        b"From jo@example.org Mon Jun  2 09:14:03 2025\n"
        + parkable()
        + b"\nFrom jo@example.org Mon Jun  2 09:15:03 2025\n"
        + (MESSAGES / "plain.eml").read_bytes()
    )
    first = mail_files_import(path=mbox, policy=HALTON, clock=clock)
    assert (first.read, first.parked, first.new_cases, first.errors) == (2, 1, 1, [])
    assert str(first).endswith(
        "1 could not be read (kept as they came, on the emails to review page)"
    )
    again = mail_files_import(path=mbox, policy=HALTON, clock=clock)
    assert (again.read, again.already_here, again.parked) == (2, 2, 0)


def test_a_file_name_that_is_not_text_is_stored_as_the_source(people, clock):
    received = receive_raw((MESSAGES / "plain.eml").read_bytes(), clock, source="in\udcff.eml")
    assert InboundEmail.objects.get(pk=received.email.pk).source == "in.eml"


# -- any bytes, in any field (both databases) ---------------------------------------------

REAL = (
    b"Return-Path: <jo.bloggs@example.org>\n"
    b"From: <NAME> <<ADDRESS>@example.org>\nTo: Customer Services <<TO>@halton.example>\n"
    b"Subject: <SUBJECT>\nDate: <DATE>\nMessage-ID: <<ID>@example.org>\n"
    b"In-Reply-To: <<REPLY>@example.org>\nMIME-Version: 1.0\n"
    b'Content-Type: multipart/mixed; boundary="<BOUNDARY>"; <PARAMETER>\n\n'
    b"--<BOUNDARY>\nContent-Type: text/plain; charset=<CHARSET>\n"
    b"Content-Transfer-Encoding: <ENCODING>\n\n<BODY>\n"
    b"--<BOUNDARY>\nContent-Type: <TYPE>; name=<FILENAME>\nContent-ID: <<CID>>\n"
    b'Content-Disposition: attachment; filename="<FILENAME>"\n\n<DATA>\n--<BOUNDARY>--\n'
)
FIELDS = {
    b"<NAME>": b"Jo Bloggs",
    b"<ADDRESS>": b"jo.bloggs",
    b"<TO>": b"customer.services",
    b"<SUBJECT>": b"Damp in the bathroom",
    b"<DATE>": b"Mon, 2 Jun 2025 09:14:00 +0100",
    b"<ID>": b"any",
    b"<REPLY>": b"earlier",
    b"<BOUNDARY>": b"part",
    b"<PARAMETER>": b'x-note="none"',
    b"<CHARSET>": b"utf-8",
    b"<ENCODING>": b"8bit",
    b"<BODY>": b"There is black mould on the ceiling.",
    b"<TYPE>": b"image/jpeg",
    b"<FILENAME>": b"ceiling.jpg",
    b"<CID>": b"ceiling@example.org",
    b"<DATA>": b"\xff\xd8\xff\xe0 a photo",
}
NASTY = [
    b"\x00",
    b"\xed\xa0\x80",  # a surrogate, encoded
    b"\xff\xfe",
    b"\r\n",
    b"\n\n",
    b"=?utf-8?q?a=00b?=",
    b"=?utf-8?q?Jane=0D=0ASmith?=",
    b"=?unicode-escape?q?=5Cud800?=",
    b"=?x-no-such?q?abc?=",
    b'"',
    b"<>",
    b";",
    b"=?utf-8?b?////?=",
    b"\t",
    b"--part--",
    b"x" * 400,
]
insertions = st.dictionaries(
    st.sampled_from(sorted(FIELDS)),
    st.tuples(
        st.one_of(st.binary(max_size=40), st.sampled_from(NASTY)),
        st.sampled_from(["replace", "before", "after", "middle"]),
    ),
    min_size=1,
    max_size=4,
)
HYPOTHESIS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_next = itertools.count(1)


def hostile(changes: dict[bytes, tuple[bytes, str]]) -> bytes:
    raw = REAL
    fields = FIELDS | {b"<ID>": b"hostile-%d" % next(_next)}
    for field, value in fields.items():
        inserted, where = changes.get(field, (value, "replace"))
        if where == "before":
            inserted = inserted + value
        elif where == "after":
            inserted = value + inserted
        elif where == "middle":
            inserted = value[: len(value) // 2] + inserted + value[len(value) // 2 :]
        raw = raw.replace(field, inserted)
    return raw


def received_or_parked_and_the_next_one_too(raw: bytes, clock, source: str) -> None:
    received = receive_raw(raw, clock, source=source, acknowledge=True)
    email = InboundEmail.objects.get(pk=received.email.pk)
    assert email.message_key == email_key(raw)
    if received.new:  # else a message with its key came in an earlier example
        assert store_get(email.raw_sha256) == raw
    if email.threading == Threading.PARKED:
        assert email.parked_reason
    # the next message is not the worse for it
    number = next(_next)
    following = (
        (MESSAGES / "plain.eml")
        .read_bytes()
        .replace(b"<20250602091400.1@example.org>", b"<next-%d@example.org>" % number)
    )
    after = receive_raw(following, clock)
    assert after.new
    assert after.email.case is not None


@HYPOTHESIS
@given(changes=insertions)
@example(changes={b"<TYPE>": (b"\x00", "middle")})  # the email was never received
@example(changes={b"<PARAMETER>": (b"\x00", "middle"), b"<FILENAME>": (b"\xed\xa0\x80", "after")})
@example(changes={b"<NAME>": (b"=?unicode-escape?q?=5Cud800?=", "replace")})
def test_any_bytes_in_any_field_of_a_real_message_are_received_or_parked(people, clock, changes):
    received_or_parked_and_the_next_one_too(hostile(changes), clock, source="hostile.eml")


@HYPOTHESIS
@given(raw=st.binary(max_size=3_000), source=st.text(max_size=30))
def test_any_bytes_as_an_email_are_received_or_parked(people, clock, raw, source):
    received_or_parked_and_the_next_one_too(raw, clock, source=source)


# -- a database busy for a moment: tried again, never parked (issue 15) -------------------


@pytest.mark.django_db(transaction=True)
def test_a_database_busy_for_a_moment_parks_nothing_and_the_email_comes_in_next_time(people, clock):
    raw = (MESSAGES / "plain.eml").read_bytes()
    # when: another connection holds, for a moment, the lock receiving needs ("database
    # is locked" on SQLite, a lock timeout on PostgreSQL)
    with BusyDatabase() as busy, pytest.raises(OperationalError):
        receive_raw(raw, clock, acknowledge=True)
    assert busy.failed == 1  # and the lock was gone straight after
    # then: nothing is kept of it, so the next try receives it whole
    assert not InboundEmail.objects.exists()
    received = receive_raw(raw, clock, acknowledge=True)
    assert (received.new, received.parked) == (True, False)
    assert received.email.threading == Threading.NEW_CASE
    assert Case.objects.count() == 1


def test_transient_errors_are_those_of_the_database_or_the_store_not_of_the_message(
    settings, tmp_path, mail_store
):
    mail_store.mkdir(parents=True)
    assert transient(OperationalError("database is locked"))
    assert transient(InterfaceError("connection already closed"))
    assert transient(OSError(errno.ENOSPC, "No space left on device"))
    assert not transient(ValueError("A string literal cannot contain NUL (0x00) characters."))
    assert not transient(NotADirectoryError(errno.ENOTDIR, "Not a directory"))
    settings.CAREDESK_MAIL_STORE = tmp_path / "unmounted"  # the store is gone
    assert transient(NotADirectoryError(errno.ENOTDIR, "Not a directory"))
