"""The case page's queries: the same few whatever the case's history, its panels (mail's
emails, documents' letters: cases.panels) included.

DESIGN's budget is at most 10. The page took 19 when this test was written (the
session, the user and their groups, the case, the access record, the unread count, the
deadlines twice, absences and the staff to assign to, the timeline, the contacts, and
the panels' 8: emails and their attachments, emails sent, letters received, letters and
their files and translations); the test keeps it from growing while it is brought down.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caredesk.cases.models import Case, CaseKind, Channel
from caredesk.cases.services import case_create, contact_log, note_add
from caredesk.customers.models import CustomerType
from caredesk.customers.services import customer_create
from caredesk.documents.models import CaseDocument, DocumentFormat
from caredesk.documents.services import letter_write
from caredesk.mail.letters_register import letter_log
from caredesk.mail.replies import email_reply_write
from caredesk.mail.services import email_receive
from caredesk.standards import load_policy

HALTON = load_policy("halton")
BUDGET = 19  # DESIGN: 10


@pytest.fixture(autouse=True)
def store(settings, tmp_path):
    settings.CAREDESK_MAIL_STORE = tmp_path / "store"


def _case(people, clock) -> Case:
    people.officer.phone = "0151 510 1234"
    people.officer.save()
    customer = customer_create(
        customer_type=CustomerType.TENANT,
        title="Mr",
        first_name="Tomasz",
        last_name="Nowak",
        email="tomasz@example.org",
        language="Polish",  # each letter asks for a translation
    )
    return case_create(
        kind=CaseKind.GENERAL_ENQUIRY,
        channel=Channel.EMAIL,
        received_at=clock.now() - timedelta(days=2),
        subject="Rent statement",
        by=people.officer,
        customer=customer,
        assign_to=people.officer,
        policy=HALTON,
        clock=clock,
    )


def _history(case: Case, people, clock, numbers: range) -> None:
    """For each of `numbers`, one of everything the page lists: emails in (with an
    attachment) and out, letters written (with a file and a translation), letters
    received, notes, contacts."""
    for n in numbers:
        raw = (
            "From: tomasz@example.org\r\nTo: info@haltonhousing.org\r\n"
            f"Subject: Re {case.reference}\r\nMessage-ID: <ask-{n}@example.org>\r\n"
            'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n'
            f"--b\r\nContent-Type: text/plain\r\n\r\nQuestion {n}\r\n"
            "--b\r\nContent-Type: application/pdf\r\n"
            'Content-Disposition: attachment; filename="s.pdf"\r\n'
            f"\r\n%PDF-1.7 {n}\r\n--b--\r\n"
        ).encode()
        email_receive(raw=raw, source="t", policy=HALTON, clock=clock)
        email_reply_write(
            case=case, draft=f"Answer {n}.", by=people.officer, policy=HALTON, clock=clock
        )
        written = letter_write(
            case=case, draft=f"Letter {n}.", by=people.officer, policy=HALTON, clock=clock
        )
        CaseDocument.objects.create(
            case=case,
            letter=written,
            format=DocumentFormat.STANDARD_PRINT,
            file_name=f"letter {n}.pdf",
            content_type="application/pdf",
            size=1,
            sha256=f"{n:064x}",
            created_at=clock.now(),
        )
        letter_log(
            sender="Mr T. Nowak",
            received_at=clock.now() - timedelta(hours=1),
            case=case,
            by=people.officer,
            policy=HALTON,
            clock=clock,
        )
        note_add(case=case, text=f"Note {n}", by=people.officer, clock=clock)
        contact_log(
            case=case,
            channel=Channel.PHONE,
            direction="outbound",
            summary=f"Call {n}",
            by=people.officer,
            clock=clock,
        )


def _queries(client, case: Case) -> int:
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("cases:case", args=[case.reference]))
    assert page.status_code == 200
    return len(queries)


def test_the_case_page_takes_the_same_few_queries_whatever_its_history(client, people, clock):
    client.force_login(people.officer)
    case = _case(people, clock)
    _history(case, people, clock, range(1))
    short = _queries(client, case)
    _history(case, people, clock, range(1, 5))
    long = _queries(client, case)
    page = client.get(reverse("cases:case", args=[case.reference])).content.decode()
    for shown in ("1 attachment", "Response sent", "Translation into Polish", "Mr T. Nowak"):
        assert shown in page
    for shown in ("Note 4", "Call 4"):
        assert shown in page
    assert (short, long) == (long, long)
    assert long <= BUDGET
