"""A subject access request end to end: the month from the engine, records withheld with
the reason, the export made by the worker's task, downloaded (logged), and sent, which
meets the deadline."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from caredesk.cases.models import Case, CaseKind, Channel, DeadlineStatus, PauseReason
from caredesk.cases.services import case_create, case_wait_for_customer
from caredesk.conftest import People, SettableClock
from caredesk.core.sweeps import Wanted
from caredesk.customers.models import CustomerAccess, CustomerType
from caredesk.customers.services import customer_create
from caredesk.errors import NotAllowed
from caredesk.privacy import subject_access as sar
from caredesk.privacy.models import ExportStatus, SubjectAccess
from caredesk.standards import load_policy

pytestmark = pytest.mark.django_db
HALTON = load_policy("halton")
LONDON_NOON = datetime(2026, 1, 31, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def stores(settings: Any, tmp_path: Path) -> None:
    settings.CAREDESK_MAIL_STORE = tmp_path / "store"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def request_case(people: People, clock: SettableClock) -> Case:
    clock.moment = LONDON_NOON  # Saturday 31 January 2026
    customer = customer_create(
        customer_type=CustomerType.TENANT, first_name="Jo", last_name="Jones", clock=clock
    )
    return case_create(
        kind=CaseKind.SUBJECT_ACCESS_REQUEST,
        channel=Channel.EMAIL,
        received_at=clock.now(),
        subject="Please send me everything you hold about me",
        customer=customer,
        by=people.officer,
        policy=HALTON,
        clock=clock,
    )


def test_the_month_runs_by_the_corresponding_date_rule(request_case: Case) -> None:
    """Received Saturday 31 January 2026: there is no 31 February, so the month ends on
    the last day of February (the ICO's rule); 28 February is a Saturday, so it is due on
    the next working day, Monday 2 March, at the close of the day."""
    deadline = request_case.deadlines.get(standard_key="subject_access_request")
    assert deadline.due_at == datetime(2026, 3, 2, 17, 0, tzinfo=UTC)  # GMT in March


def test_only_the_data_protection_officer_reviews_and_exports(
    people: People, clock: SettableClock, request_case: Case
) -> None:
    record = sar.subject_access_of(request_case)
    with pytest.raises(NotAllowed):
        sar.export_ask(subject_access=record, by=people.officer, clock=clock)
    with pytest.raises(NotAllowed):
        sar.item_withhold(
            subject_access=record,
            holding="cases.contact",
            record_id=1,
            reason="x",
            by=people.line_manager,
            clock=clock,
        )


def test_withhold_export_download_and_send_from_the_page(
    client: Client,
    people: People,
    clock: SettableClock,
    request_case: Case,
    monkeypatch: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from caredesk.core.clock import system_clock

    monkeypatch.setattr(system_clock, "now", clock.now)
    dpo = people.data_protection_officer
    client.force_login(dpo)
    page = reverse("privacy:subject_access", args=[request_case.reference])
    contact = request_case.contacts.get()

    listed = client.get(reverse("privacy:requests")).content.decode()
    assert request_case.reference in listed
    shown = client.get(page).content.decode()
    assert "Each time you contacted us, or we contacted you" in shown

    refused = client.post(
        page, {"action": "withhold", "holding": "cases.contact", "record_id": "abc"}
    )
    assert refused.status_code == 400
    assert "Enter the record number in figures" in refused.content.decode()
    not_theirs = client.post(
        page,
        {"action": "withhold", "holding": "cases.contact", "record_id": "999999", "reason": "x"},
    )
    assert not_theirs.status_code == 400
    assert "There is no record 999999 about this customer" in not_theirs.content.decode()
    why = "It names a neighbour, who has not agreed to it being shared."
    kept = client.post(
        page,
        {"action": "withhold", "holding": "cases.contact", "record_id": contact.pk, "reason": why},
    )
    assert kept.status_code == 302

    sent_too_soon = client.post(page, {"action": "sent", "how": "secure_link"})
    assert sent_too_soon.status_code == 400
    assert "Make the export and check it before it is sent" in sent_too_soon.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(page, {"action": "export"}).status_code == 302
    record = SubjectAccess.objects.get(case=request_case)
    assert record.export_status == ExportStatus.READY  # the task ran (immediate backend)

    CustomerAccess.objects.all().delete()
    download = client.get(reverse("privacy:subject_access_download", args=[request_case.reference]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))  # type: ignore[attr-defined]
    data = json.loads(archive.read("data.json"))
    contacts = next(p for p in data["parts"] if p["what"].startswith("Each time you contacted"))
    assert contacts["withheld"] == [{"id": contact.pk, "why": why}]
    assert CustomerAccess.objects.filter(staff=dpo, what__contains="downloaded").count() == 1

    assert client.post(page, {"action": "sent", "how": "secure_link"}).status_code == 302
    deadline = request_case.deadlines.get(standard_key="subject_access_request")
    assert deadline.status == DeadlineStatus.MET
    record.refresh_from_db()
    assert record.sent_by == dpo
    later = client.post(
        page,
        {"action": "withhold", "holding": "cases.contact", "record_id": contact.pk, "reason": "y"},
    )
    assert "nothing more can be withheld" in later.content.decode()


def test_a_lost_export_is_made_by_the_sweep(
    people: People, clock: SettableClock, request_case: Case, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    record = sar.subject_access_of(request_case)
    sar.export_ask(subject_access=record, by=people.data_protection_officer, clock=clock)
    assert sar.exports_lost(now=clock.now(), wanted=Wanted(limit=10)) == []
    later = datetime(2026, 1, 31, 12, 30, tzinfo=UTC)
    assert sar.exports_lost(now=later, wanted=Wanted(limit=10)) == [record.pk]
    made = sar.export_make(subject_access_id=record.pk, organisation="Halton", clock=clock)
    assert made is not None
    assert made.files >= 4
    assert sar.export_make(subject_access_id=record.pk, organisation="Halton", clock=clock) is None


def test_others_cannot_open_the_pages(client: Client, people: People, request_case: Case) -> None:
    for who in (people.officer, people.line_manager, people.analyst):
        client.force_login(who)
        assert client.get(reverse("privacy:requests")).status_code == 403
        page = reverse("privacy:subject_access", args=[request_case.reference])
        assert client.get(page).status_code == 403


def test_a_paused_request_is_listed_after_those_with_a_due_time(
    client: Client, people: People, clock: SettableClock, request_case: Case
) -> None:
    """A request waiting for proof of identity has no due time while it waits: it comes
    after every request that has one, on SQLite as on PostgreSQL (which put NULLs at
    opposite ends of an ascending order)."""
    # given: two requests, the earlier one waiting for proof of identity
    paused = request_case
    case_wait_for_customer(
        case=paused,
        reason=PauseReason.IDENTITY_CHECK,
        by=people.officer,
        policy=HALTON,
        clock=clock,
    )
    assert paused.deadlines.get().due_at is None
    clock.moment = datetime(2026, 2, 10, 12, 0, tzinfo=UTC)
    running = case_create(
        kind=CaseKind.ERASURE_REQUEST,
        channel=Channel.EMAIL,
        received_at=clock.now(),
        subject="Please delete my details",
        customer=paused.customer,
        by=people.officer,
        policy=HALTON,
        clock=clock,
    )
    # when
    client.force_login(people.data_protection_officer)
    listed = client.get(reverse("privacy:requests")).content.decode()
    # then
    assert listed.index(running.reference) < listed.index(paused.reference)
    assert "Clock stopped" in listed
