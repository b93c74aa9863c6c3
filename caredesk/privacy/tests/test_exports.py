"""A customer's subject access export (privacy.exports): everything every app holds about
them, their files as they came, nothing of anyone else's, what a reviewer withheld left
out and listed with its reason, and an index that is a tagged PDF."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from caredesk.cases.models import Case, CaseKind, Channel
from caredesk.cases.services import case_create, note_add
from caredesk.conftest import People, SettableClock, customer_case
from caredesk.core.tests.files import PLAIN_PDF
from caredesk.customers.equality import equality_record
from caredesk.customers.models import AccessibleFormat, Customer
from caredesk.customers.vulnerabilities import household_vulnerabilities_record
from caredesk.documents.tests.test_pdf import catalog, structure_tags
from caredesk.mail.services import email_receive
from caredesk.privacy import subject_access as sar
from caredesk.privacy.exports import ItemKey, customer_data_gather, export_zip_write
from caredesk.privacy.models import ExportStatus, SubjectAccess
from caredesk.standards import load_policy
from caredesk.telephony.models import Call

pytestmark = pytest.mark.django_db
HALTON = load_policy("halton")
MADE = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def stores(settings: Any, tmp_path: Path) -> None:
    settings.CAREDESK_MAIL_STORE = tmp_path / "store"


def an_email(clock: SettableClock, sender: str, key: str, attachment: bytes | None = None) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "customer.services@halton.example"
    message["Subject"] = f"About my rent {key}"
    message["Message-ID"] = f"<{key}@example.com>"
    message.set_content(f"Please see attached. {key}")
    if attachment is not None:
        message.add_attachment(
            attachment, maintype="application", subtype="pdf", filename="rent statement.pdf"
        )
    raw = message.as_bytes()
    email_receive(raw=raw, source="test", policy=HALTON, clock=clock)
    return raw


@pytest.fixture
def jo(people: People, clock: SettableClock) -> Customer:
    clock.moment = datetime(2026, 6, 22, 13, 0, tzinfo=UTC)
    case = customer_case(people, clock, email="jo.jones@example.com", phone="01632 960001")
    assert case.customer is not None
    household_vulnerabilities_record(
        customer=case.customer, kinds=["breathing"], notes="", by=people.officer, clock=clock
    )
    equality_record(
        customer=case.customer,
        answers={"age_band": "55_64"},
        consent_given=True,
        by=people.officer,
        clock=clock,
    )
    Call.objects.create(
        source="test",
        call_key="c1",
        caller="+441632960001",
        started_at=clock.now(),
        outcome="answered",
    )
    Call.objects.create(  # the same number, written another way
        source="test",
        call_key="c3",
        caller="(01632) 960-001",
        started_at=clock.now(),
        outcome="answered",
    )
    Call.objects.create(  # somebody else's call
        source="test",
        call_key="c2",
        caller="01632 960999",
        started_at=clock.now(),
        outcome="answered",
    )
    return case.customer


def parts_by_what(customer: Customer, **more: Any) -> dict[str, Any]:
    return {part.what: part for part in customer_data_gather(customer=customer, **more)}


def test_every_app_contributes_and_nothing_of_anyone_elses(
    people: People, clock: SettableClock, jo: Customer
) -> None:
    raw = an_email(clock, "Jo Jones <jo.jones@example.com>", "jo-1", attachment=PLAIN_PDF)
    an_email(clock, "Sam Other <sam@example.com>", "sam-1")

    parts = parts_by_what(jo)

    assert parts["Your details"].items[0].words["last_name"] == "Jones"
    emails = parts["Emails you sent us"].items
    assert [item.words["from_address"] for item in emails] == ["jo.jones@example.com"]
    assert [f.path.rsplit("-", 1)[-1] for f in emails[0].files] == ["inboundemail.eml"]
    calls = parts["Calls from your phone number"].items
    assert [item.words["caller"] for item in calls] == ["+441632960001", "(01632) 960-001"]
    assert "caller_key" not in calls[0].words  # a search key, a copy of the number
    equality = parts["Your equality monitoring answers"].items[0].words
    assert equality["answers"] == {"Age": "55 to 64"}
    risk = parts["Who in your household is more at risk from a hazard in the home"].items[0]
    assert risk.words["vulnerabilities"] == [
        "A lung or breathing condition, such as asthma or COPD"
    ]
    assert "Your cases" in parts
    assert "Search index entries for your cases (copies of the text above)" not in [
        what for what, part in parts.items() if part.items and part.items[0].words.get("text")
    ]
    everything = json.dumps([p.items[0].words for p in parts.values()], default=str)
    assert "sam@example.com" not in everything
    assert raw  # the .eml is checked byte for byte in the ZIP test


def test_the_zip_holds_the_index_the_parts_the_data_and_the_files_as_they_came(
    people: People, clock: SettableClock, jo: Customer
) -> None:
    raw = an_email(clock, "Jo Jones <jo.jones@example.com>", "jo-2", attachment=PLAIN_PDF)
    parts = customer_data_gather(customer=jo)
    into = io.BytesIO()

    written = export_zip_write(
        customer=jo, parts=parts, made_at=MADE, organisation="Halton Housing Trust", into=into
    )

    archive = zipfile.ZipFile(into)
    names = archive.namelist()
    assert len(names) == written
    assert {"index.html", "index.pdf", "data.json"} <= set(names)
    assert len([n for n in names if n.startswith("parts/")]) == len(parts)
    eml = [n for n in names if n.endswith(".eml")]
    assert [archive.read(n) for n in eml] == [raw]
    statement = [n for n in names if n.endswith("rent statement.pdf")]
    assert [archive.read(n) for n in statement] == [PLAIN_PDF]
    reader = PdfReader(io.BytesIO(archive.read("index.pdf")))
    root = catalog(reader)
    assert root["/MarkInfo"]["/Marked"].value is True  # tagged: a screen reader reads it
    assert root["/Lang"] == "en-GB"
    assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/L"} <= set(structure_tags(reader))
    assert "Emails you sent us" in "".join(page.extract_text() for page in reader.pages)
    index = archive.read("index.html").decode()
    assert "Your personal information held by Halton Housing Trust" in index
    assert "Emails you sent us" in index
    data = json.loads(archive.read("data.json"))
    assert data["customer"] == jo.pk
    assert [p["what"] for p in data["parts"]] == [p.what for p in parts]
    # each part's page: each record's fields, escaped, and links to its files
    emails_page = next(n for n in names if n.startswith("parts/") and "emails-you-sent-us" in n)
    page = archive.read(emails_page).decode()
    assert "<dt>Subject</dt><dd>About my rent jo-2</dd>" in page
    attachments = next(n for n in names if n.startswith("parts/") and "attachments" in n)
    linked = archive.read(attachments).decode()
    assert f'<a href="../{statement[0].replace(" ", "%20")}">{statement[0]}</a>' in linked


def test_a_parts_page_shows_what_the_customer_wrote_as_text_never_as_markup(
    people: People, clock: SettableClock, jo: Customer
) -> None:
    message = EmailMessage()
    message["From"] = "Jo Jones <jo.jones@example.com>"
    message["Subject"] = "About my rent <b>jo-3</b> & co"
    message["Message-ID"] = "<jo-3@example.com>"
    message.set_content("Thanks.")
    email_receive(raw=message.as_bytes(), source="test", policy=HALTON, clock=clock)
    parts = customer_data_gather(customer=jo)
    into = io.BytesIO()
    export_zip_write(customer=jo, parts=parts, made_at=MADE, organisation="H", into=into)
    archive = zipfile.ZipFile(into)
    page = next(archive.read(n).decode() for n in archive.namelist() if "emails-you-sent-us" in n)
    assert "About my rent &lt;b&gt;jo-3&lt;/b&gt; &amp; co" in page
    assert "<b>jo-3</b>" not in page


def test_a_withheld_item_is_left_out_everywhere_and_listed_with_its_reason(
    people: People, clock: SettableClock, jo: Customer
) -> None:
    contact = jo.cases.get().contacts.get()
    key = ItemKey("cases.contact", contact.pk)
    why = "It is about another person, who has not agreed to it being shared."
    parts = customer_data_gather(customer=jo, withheld={key: why})
    into = io.BytesIO()
    export_zip_write(customer=jo, parts=parts, made_at=MADE, organisation="Halton", into=into)

    archive = zipfile.ZipFile(into)
    data = json.loads(archive.read("data.json"))
    contacts = next(p for p in data["parts"] if p["what"].startswith("Each time you contacted"))
    assert contacts["records"] == []
    assert contacts["withheld"] == [{"id": contact.pk, "why": why}]
    assert why in archive.read("index.html").decode()


def test_large_print_for_a_customer_who_needs_it(
    people: People, clock: SettableClock, jo: Customer
) -> None:
    jo.accessible_format = AccessibleFormat.LARGE_PRINT
    jo.save()
    into = io.BytesIO()
    export_zip_write(
        customer=jo,
        parts=customer_data_gather(customer=jo),
        made_at=MADE,
        organisation="H",
        into=into,
    )
    index = zipfile.ZipFile(into).read("index.html").decode()
    assert "font-size: 18pt" in index


def cases_by_email(clock: SettableClock, people: People, customer: Customer, count: int) -> None:
    """`count` more cases, each opened by an email from the customer with an attachment,
    answered by a second email, with a note from the officer."""
    start = Case.objects.count()
    for n in range(start, start + count):
        an_email(clock, "Jo Jones <jo.jones@example.com>", f"case-{n}", attachment=PLAIN_PDF)
        message = EmailMessage()
        message["From"] = "jo.jones@example.com"
        message["Subject"] = "More about it"
        message["Message-ID"] = f"<case-{n}-again@example.com>"
        message["In-Reply-To"] = f"<case-{n}@example.com>"
        message.set_content("And another thing.")
        email_receive(raw=message.as_bytes(), source="test", policy=HALTON, clock=clock)
    for case in Case.objects.filter(customer=customer).order_by("pk")[start:]:
        note_add(case=case, text="Rang back.", by=people.officer, clock=clock)


def test_the_queries_of_an_export_do_not_grow_with_the_customers_cases(
    people: People, clock: SettableClock, jo: Customer
) -> None:
    """The worker's whole path (privacy.subject_access.export_make) reads each part at
    once: a customer with years of cases costs no more queries than one with a few."""
    request = case_create(
        kind=CaseKind.SUBJECT_ACCESS_REQUEST,
        channel=Channel.EMAIL,
        received_at=clock.now(),
        subject="Everything you hold, please",
        customer=jo,
        by=people.officer,
        policy=HALTON,
        clock=clock,
    )
    record = sar.subject_access_of(request)

    def export_queries() -> int:
        SubjectAccess.objects.filter(pk=record.pk).update(export_status=ExportStatus.WAITING)
        with CaptureQueriesContext(connection) as captured:
            made = sar.export_make(subject_access_id=record.pk, organisation="H", clock=clock)
        assert made is not None
        return len(captured.captured_queries)

    # given: a customer with 2 cases by email, then with 6 more
    cases_by_email(clock, people, jo, 2)
    fewer = export_queries()
    cases_by_email(clock, people, jo, 6)
    # then: the export reads as many times, and holds everything
    assert export_queries() == fewer
    parts = parts_by_what(jo)
    assert len(parts["Emails you sent us"].items) == 16
    assert len(parts["Attachments to your emails"].items) == 8
