"""Erasure (privacy.erasure): a customer's personal data gone from every table and from
the file store, everything the figures count kept, and legal holds that stop it.

The customer erased here is a demo customer with a year of dealings (cases, contacts,
complaints, visits, appointments, letters, equality answers), given emails, a letter, a
call and a consent besides, so that every app holds something about them."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from hashlib import sha256
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.db.models import Model

from caredesk.cases.models import Case, CaseKind, CaseStatus, Channel, Deadline
from caredesk.cases.services import case_create, case_finish
from caredesk.conftest import People, SettableClock
from caredesk.core.store import store_files, store_get, store_put, store_remove
from caredesk.customers.consent import consent_record
from caredesk.customers.holdings import Holding, holdings
from caredesk.customers.models import Customer, CustomerType, phone_key
from caredesk.customers.services import customer_create
from caredesk.demo.build import DemoSize, build_demo
from caredesk.errors import NotAllowed
from caredesk.mail.models import InboundEmail
from caredesk.mail.services import email_receive
from caredesk.privacy.erasure import (
    ERASED,
    ErasureError,
    ToldHow,
    customers_erase,
    erased_value,
    erasure_carry_out,
    erasure_holds,
    erasure_refuse,
)
from caredesk.privacy.models import Erasure, ErasureBasis
from caredesk.reporting.models import DailyCaseFigure, DailyFigure
from caredesk.reporting.rollups import figures_rebuild
from caredesk.standards import load_policy
from caredesk.telephony.models import Call

pytestmark = pytest.mark.django_db(transaction=False)
HALTON = load_policy("halton")
NOW = datetime(2026, 6, 17, 10, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def store(settings: Any, tmp_path: Path) -> Path:
    settings.CAREDESK_MAIL_STORE = tmp_path / "store"
    settings.CAREDESK_STORE_UNUSED_FOR = 600
    return tmp_path / "store"


def store_age(store: Path, seconds: float = 3600) -> None:
    """Make every file of the store look unused for a while (erasure leaves alone a file
    written or reused in the last few minutes)."""
    then = time.time() - seconds
    for path in store.rglob("*"):
        if path.is_file():
            os.utime(path, (then, then))


def an_email(sender: str, subject: str, body: str, attachment: bytes | None = None) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "customer.services@halton.example"
    message["Subject"] = subject
    message["Message-ID"] = f"<{abs(hash((sender, subject)))}@mail.example>"
    message.set_content(body)
    if attachment is not None:
        message.add_attachment(attachment, maintype="application", subtype="pdf", filename="a.pdf")
    return message.as_bytes()


def every_table() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table in the database, as it is stored."""
    found = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            found[table] = cursor.fetchall()
    return found


def text_of(value: Any) -> str:
    if isinstance(value, bytes | memoryview):
        return bytes(value).decode("latin-1")
    return str(value)


def where_found(markers: list[str], tables: dict[str, list[tuple[Any, ...]]]) -> list[str]:
    hits = []
    for table, rows in tables.items():
        for row in rows:
            for value in row:
                text = text_of(value).casefold()
                hits += [f"{table}: {m}" for m in markers if m.casefold() in text]
    return hits


def figures() -> list[tuple[Any, ...]]:
    """The daily roll-ups, without their ids (a rebuild makes the rows anew)."""
    return sorted(
        tuple(value for name, value in row.items() if name != "id")
        for model in (DailyFigure, DailyCaseFigure)
        for row in model.objects.values()
    )


@pytest.fixture
def demo(db: None) -> SettableClock:
    clock = SettableClock(NOW)
    build_demo(policy="halton", seed=5, clock=clock, size=DemoSize(cases=240, customers=60))
    return clock


def busiest(demo_clock: SettableClock) -> Customer:
    """The demo customer with the most cases, whose name and email are theirs alone."""
    customers = list(Customer.objects.exclude(first_name="").exclude(email=""))
    names = [(c.first_name, c.last_name) for c in customers]
    emails = [c.email.lower() for c in customers]
    alone = [
        c
        for c in customers
        if names.count((c.first_name, c.last_name)) == 1 and emails.count(c.email.lower()) == 1
    ]
    return max(alone, key=lambda c: (c.cases.count(), -c.pk))


def given_more(customer: Customer, people: People, clock: SettableClock) -> None:
    """What the demo does not make: emails (one matched, one never matched, with an
    attachment only they sent), a call from their number written with spaces, a consent."""
    case = customer.cases.order_by("pk").first()
    assert case is not None
    matched = an_email(
        f"{customer.name} <{customer.email}>",
        f"Re: [{case.reference}] my repair",
        f"Hello, this is {customer.first_name} {customer.last_name} at {customer.postcode}.",
    )
    email_receive(raw=matched, source="test", policy=HALTON, clock=clock)
    unmatched = an_email(
        customer.email.upper(),  # their address, written otherwise
        "Something else",
        f"Call me on {customer.phone}.",
        attachment=f"%PDF-1.4 statement for {customer.last_name}".encode(),
    )
    email_receive(raw=unmatched, source="test", policy=HALTON, clock=clock)
    Call.objects.create(
        source="test",
        call_key=f"erase-{customer.pk}",
        caller=phone_key(customer.phone),
        caller_name=customer.last_name.upper(),
        started_at=clock.now(),
        outcome="answered",
    )
    consent_record(
        customer=customer,
        purpose="partner_sharing",
        details="Halton Borough Council",
        given_how="written",
        given_at=clock.now(),
        evidence=f"Form signed by {customer.first_name} {customer.last_name}",
        by=people.officer,
        clock=clock,
    )


def markers_of(customer: Customer) -> list[str]:
    return [
        f"{customer.first_name} {customer.last_name}",
        customer.email,
        phone_key(customer.phone),
        customer.address.splitlines()[0],
    ]


def assert_erased(holding: Holding, row: Model, name: str) -> None:
    value = getattr(row, name)
    if isinstance(value, memoryview):
        value = bytes(value)
    expected = erased_value(holding.model, name)
    if isinstance(value, str) and value.startswith(ERASED):
        assert value == f"{ERASED}{row.pk}", f"{holding.key}.{name}"
    else:
        assert value == expected, f"{holding.key}.{name}: {value!r}"


def rows_of(customer: Customer) -> dict[str, list[int]]:
    return {h.key: list(h.rows(customer).values_list("pk", flat=True)) for h in holdings()}


def test_erasure_leaves_no_personal_data_in_any_table_or_the_store_and_the_figures_unchanged(
    demo: SettableClock, people: People, store: Path, django_capture_on_commit_callbacks: Any
) -> None:
    customer = busiest(demo)
    given_more(customer, people, demo)
    figures_rebuild(policy=HALTON)
    markers = markers_of(customer)
    found = rows_of(customer)
    mine = {
        getattr(row, stored.sha)
        for holding in holdings()
        for row in holding.rows(customer)
        for stored in holding.files
        if getattr(row, stored.sha)
    }
    before_tables, before_figures = every_table(), figures()
    before_counts = {table: len(rows) for table, rows in before_tables.items()}
    assert set(where_found(markers, before_tables)), "the markers must be there to begin with"
    assert {"customers.customer", "cases.case", "mail.inboundemail", "telephony.call"} <= {
        key for key, ids in found.items() if ids
    }
    assert mine
    assert mine <= {digest for digest, _ in store_files()}
    store_age(store)

    with django_capture_on_commit_callbacks(execute=True):
        erased = customers_erase([customer], at=demo.now(), basis=ErasureBasis.REQUEST)
    assert sum(erased.rows.values()) > 20

    after = every_table()
    assert where_found(markers, after) == []
    # each row found before is kept, every personal field emptied; but the search
    # index, whose triggers remove an entry when its source's text is emptied
    for holding in holdings():
        rows = holding.model._default_manager.filter(pk__in=found[holding.key])
        if holding.key != "search.searchentry":
            assert rows.count() == len(found[holding.key]), holding.key
        for row in rows:
            for name in holding.personal:
                assert_erased(holding, row, name)
    # rows kept: the same number in every table, but the erasure's own records
    changed = {
        table
        for table, rows in after.items()
        if len(rows) != before_counts.get(table, 0)
        and not table.startswith("search_")
        and "_fts" not in table  # full-text indexes (SQLite), kept by triggers
    }
    assert changed <= {"customers_customerevent", "privacy_erasure"}
    assert figures() == before_figures
    figures_rebuild(policy=HALTON)
    assert figures() == before_figures
    # the files only they used are gone; no file left holds their details
    left = {digest for digest, _ in store_files()}
    assert not mine & left
    for digest in left:
        data = store_get(digest).decode("latin-1").casefold()
        assert not [m for m in markers if m.casefold() in data], digest
    assert Customer.objects.get(pk=customer.pk).erased_at == demo.now()


# -- legal holds and the request -------------------------------------------------------------


@pytest.fixture
def request_to_erase(people: People, clock: SettableClock) -> Case:
    """Mr Sam Reed, an applicant who never became a tenant, asks to be erased; his one
    enquiry was answered and closed."""
    clock.moment = NOW
    customer = customer_create(
        customer_type=CustomerType.APPLICANT,
        first_name="Sam",
        last_name="Reed",
        email="sam.reed@example.com",
        phone="01632 960123",
        clock=clock,
    )
    enquiry = case_create(
        kind=CaseKind.GENERAL_ENQUIRY,
        channel=Channel.PHONE,
        received_at=clock.now() - timedelta(days=30),
        subject="Sam Reed asks about the waiting list",
        customer=customer,
        by=people.officer,
        policy=HALTON,
        clock=clock,
    )
    case_finish(case=enquiry, status=CaseStatus.CLOSED, by=people.officer, clock=clock)
    return case_create(
        kind=CaseKind.ERASURE_REQUEST,
        channel=Channel.EMAIL,
        received_at=clock.now(),
        subject="Please delete my details",
        customer=customer,
        by=people.officer,
        policy=HALTON,
        clock=clock,
    )


def test_a_tenancy_an_open_case_and_a_promise_owed_each_hold_erasure(
    request_to_erase: Case, people: People, clock: SettableClock
) -> None:
    customer = request_to_erase.customer
    assert customer is not None
    assert erasure_holds(customer, request=request_to_erase) == []

    customer.customer_type = CustomerType.TENANT
    customer.save()
    other = case_create(
        kind=CaseKind.COMPLAINT,
        channel=Channel.LETTER,
        received_at=clock.now(),
        subject="Complaint about the repair",
        customer=customer,
        by=people.officer,
        policy=HALTON,
        clock=clock,
    )
    holds = [hold.why for hold in erasure_holds(customer, request=request_to_erase)]
    assert holds[0].startswith("Their record says they are a tenant")
    assert holds[1] == f"Complaint {other.reference} is still open."
    assert len(holds) == 2

    # the complaint closed, but a promise made on it still owed (it outlives the case)
    customer.customer_type = CustomerType.APPLICANT
    customer.save()
    Case.objects.filter(pk=other.pk).update(status=CaseStatus.CLOSED)
    Deadline.objects.filter(case=other).update(status="open")
    holds = [hold.why for hold in erasure_holds(customer, request=request_to_erase)]
    assert holds
    assert all(why.startswith(f"A promise made on {other.reference}") for why in holds)


def test_the_officer_erases_on_request_which_answers_it_in_time(
    request_to_erase: Case,
    people: People,
    clock: SettableClock,
    django_capture_on_commit_callbacks: Any,
) -> None:
    customer = request_to_erase.customer
    assert customer is not None
    deadline = Deadline.objects.get(case=request_to_erase)
    with pytest.raises(NotAllowed):
        erasure_carry_out(
            request=request_to_erase, told_how=ToldHow.EMAIL, by=people.officer, clock=clock
        )
    with pytest.raises(ErasureError, match="Say how the customer was told"):
        erasure_carry_out(
            request=request_to_erase, told_how="", by=people.data_protection_officer, clock=clock
        )

    with django_capture_on_commit_callbacks(execute=True):
        erased = erasure_carry_out(
            request=request_to_erase,
            told_how=ToldHow.EMAIL,
            by=people.data_protection_officer,
            clock=clock,
        )

    customer.refresh_from_db()
    assert customer.erased_at == clock.now()
    assert (customer.first_name, customer.email, customer.phone) == ("", "", "")
    assert customer.customer_type == CustomerType.APPLICANT  # counted as before
    assert erased.rows["cases.case"] == 2
    assert set(Case.objects.filter(customer=customer).values_list("subject", flat=True)) == {""}
    deadline.refresh_from_db()
    assert deadline.met_at == clock.now()
    request_to_erase.refresh_from_db()
    assert request_to_erase.status == CaseStatus.RESOLVED
    record = Erasure.objects.get(customer=customer)
    assert (record.basis, record.by, record.request) == (
        ErasureBasis.REQUEST,
        people.data_protection_officer,
        request_to_erase,
    )
    with pytest.raises(ErasureError, match="erased already"):
        erasure_carry_out(
            request=request_to_erase,
            told_how=ToldHow.EMAIL,
            by=people.data_protection_officer,
            clock=clock,
        )


def test_a_held_customer_is_not_erased_and_the_refusal_answers_the_request(
    request_to_erase: Case, people: People, clock: SettableClock
) -> None:
    customer = request_to_erase.customer
    assert customer is not None
    Customer.objects.filter(pk=customer.pk).update(customer_type=CustomerType.TENANT)

    with pytest.raises(ErasureError, match="tenancy or lease lasts"):
        erasure_carry_out(
            request=request_to_erase,
            told_how=ToldHow.LETTER,
            by=people.data_protection_officer,
            clock=clock,
        )
    customer.refresh_from_db()
    assert customer.first_name == "Sam"
    assert not Erasure.objects.exists()

    with pytest.raises(ErasureError, match="Enter why their data will not be erased"):
        erasure_refuse(
            request=request_to_erase,
            reason="  ",
            told_how=ToldHow.LETTER,
            by=people.data_protection_officer,
            clock=clock,
        )
    erasure_refuse(
        request=request_to_erase,
        reason="You are our tenant: we need your details to manage your tenancy.",
        told_how=ToldHow.LETTER,
        by=people.data_protection_officer,
        clock=clock,
    )
    request_to_erase.refresh_from_db()
    assert request_to_erase.status == CaseStatus.RESOLVED
    assert request_to_erase.outcome.startswith("Not erased: You are our tenant")
    assert Deadline.objects.get(case=request_to_erase).met_at == clock.now()


# -- the store ---------------------------------------------------------------------------------


def test_a_file_someone_else_also_sent_stays_and_one_just_reused_is_kept_for_now(
    people: People,
    clock: SettableClock,
    store: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    clock.moment = NOW
    shared = b"%PDF-1.4 the tenants' newsletter"
    theirs = b"%PDF-1.4 a letter only Sam has"
    sam = customer_create(
        customer_type=CustomerType.APPLICANT, last_name="Reed", email="sam@example.com"
    )
    for sender, subject, files in (
        ("sam@example.com", "one", [shared, theirs]),
        ("kim@example.com", "two", [shared]),
    ):
        message = EmailMessage()
        message["From"], message["Subject"] = sender, subject
        message["Message-ID"] = f"<{subject}@example.com>"
        message.set_content("See attached.")
        for data in files:
            message.add_attachment(data, maintype="application", subtype="pdf", filename="a.pdf")
        email_receive(raw=message.as_bytes(), source="test", policy=HALTON, clock=clock)
    digests = {digest for digest, _ in store_files()}
    store_age(store)
    sam_eml = InboundEmail.objects.get(subject="one").raw_sha256
    os.utime(store / sam_eml[:2] / sam_eml)  # reused a moment ago: an arrival may name it

    with django_capture_on_commit_callbacks(execute=True):
        erased = customers_erase([sam], at=clock.now(), basis=ErasureBasis.REQUEST)

    left = {digest for digest, _ in store_files()}
    assert erased.files == [sha256(theirs).hexdigest()]
    assert Erasure.objects.get(customer=sam).files_removed == 1  # counted on its record
    assert left == digests - {sha256(theirs).hexdigest()}
    assert sha256(shared).hexdigest() in left  # Kim's email names it too
    assert sam_eml in left  # kept for now; the retention run's sweep of the store removes it


def test_writing_a_file_again_marks_it_used(store: Path) -> None:
    digest = store_put(b"the same bytes")
    store_age(store)
    assert store_remove([digest], unused_for=60) == [digest]
    digest = store_put(b"the same bytes")
    store_age(store)
    assert store_put(b"the same bytes") == digest
    assert store_remove([digest], unused_for=60) == []
    assert store_get(digest) == b"the same bytes"
