"""The case page's queries: the same few whatever the case's history, its panels (mail's
emails, documents' letters: cases.panels) included.

DESIGN's budget is at most 10, counting everything: the session, the member (their roles
and unread count read with them: staff.backends), the case, the access record, the
deadlines, the newest contacts and the newest events (each page with its total), and the
customer panel's two. The panels other apps add load after the page (htmx, cases:panel),
as do the actions' forms (cases:action_form: the people to assign to are read when
Assign is opened); each of those answers takes the same few queries whatever the
history too.
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
BUDGET = 10  # DESIGN section 6
PANEL_BUDGET = 10  # each panel loaded after the page


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


def _queries(client, case: Case, *, path: str = "", htmx: bool = False) -> int:
    address = reverse("cases:case", args=[case.reference]) + path
    headers = {"HX-Request": "true"} if htmx else {}
    with CaptureQueriesContext(connection) as queries:
        page = client.get(address, headers=headers)
    assert page.status_code == 200
    return len(queries)


def _panels(client, case: Case) -> str:
    shown = ""
    for key in ("mail.emails", "documents.letters"):
        answer = client.get(
            reverse("cases:panel", args=[case.reference, key]), headers={"HX-Request": "true"}
        )
        assert answer.status_code == 200
        shown += answer.content.decode()
    return shown


def _panel_queries(client, case: Case) -> list[int]:
    counted = []
    for key in ("mail.emails", "documents.letters"):
        with CaptureQueriesContext(connection) as queries:
            client.get(
                reverse("cases:panel", args=[case.reference, key]),
                headers={"HX-Request": "true"},
            )
        counted.append(len(queries))
    return counted


def test_the_case_page_takes_the_same_few_queries_whatever_its_history(client, people, clock):
    client.force_login(people.officer)
    case = _case(people, clock)
    plain = _queries(client, case)
    _history(case, people, clock, range(1))
    short = _queries(client, case)
    short_panels = _panel_queries(client, case)
    _history(case, people, clock, range(1, 5))
    long = _queries(client, case)
    page = client.get(reverse("cases:case", args=[case.reference])).content.decode()
    panels = _panels(client, case)
    for shown in ("1 attachment", "Response sent", "Translation into Polish", "Mr T. Nowak"):
        assert shown in panels
    for shown in ("Note 4", "Call 4"):
        assert shown in page
    assert (plain, short, long) == (long, long, long)
    assert long <= BUDGET
    assert _panel_queries(client, case) == short_panels
    assert max(short_panels) <= PANEL_BUDGET


def test_a_long_history_is_paged_in_the_same_few_queries(client, people, clock):
    """More events and contacts than a page shows, and many letters and emails: the page
    shows the newest, says how many there are in all, and links to the older ones."""
    client.force_login(people.officer)
    case = _case(people, clock)
    _history(case, people, clock, range(3))
    short = _queries(client, case)
    _history(case, people, clock, range(3, 25))
    long = _queries(client, case)
    assert short == long <= BUDGET
    assert _queries(client, case, path="?timeline=2&contacts=2") == long
    page = client.get(reverse("cases:case", args=[case.reference])).content.decode()
    contacts = case.contacts.count()
    events = case.events.count()
    assert contacts > 20
    assert events > 30
    assert f"Showing 1 to 20 of {contacts} contacts" in page
    assert f"Showing 1 to 30 of {events} events" in page
    assert "Call 24" in page
    assert "Call 1<" not in page
    assert "?contacts=2#contacts-heading" in page
    assert "?timeline=2#timeline-heading" in page
    older = client.get(reverse("cases:case", args=[case.reference]) + "?contacts=2")
    assert f"Showing 21 to {min(40, contacts)} of {contacts} contacts" in older.content.decode()
    # Without JavaScript, the panels are one link away, in the page.
    assert "?panels=all#panel-mail-emails" in page
    everything = client.get(reverse("cases:case", args=[case.reference]) + "?panels=all")
    assert "Translation into Polish" in everything.content.decode()
    assert "Mr T. Nowak" in _panels(client, case)
