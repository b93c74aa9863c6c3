"""The data protection officer's erasure request page and retention schedule page."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from caredesk.cases.models import Case, CaseStatus
from caredesk.conftest import People, SettableClock, StaffClient
from caredesk.customers.models import Customer, CustomerAccess, CustomerType
from caredesk.privacy.models import Erasure, RetentionRun
from caredesk.privacy.tests.test_erasure import request_to_erase  # noqa: F401 -- a fixture

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def store(settings: Any, tmp_path: Any) -> None:
    settings.CAREDESK_MAIL_STORE = tmp_path / "store"


def test_the_page_shows_what_holds_and_what_would_go_then_erases(
    client: StaffClient,
    people: People,
    request_to_erase: Case,  # noqa: F811
    django_capture_on_commit_callbacks: Any,
) -> None:
    customer = request_to_erase.customer
    assert customer is not None
    url = reverse("privacy:erasure", args=[request_to_erase.reference])
    client.force_login(people.data_protection_officer)
    Customer.objects.filter(pk=customer.pk).update(customer_type=CustomerType.TENANT)

    page = client.get(url).content.decode()
    assert "Their data cannot be erased yet" in page
    assert "tenancy or lease lasts" in page
    assert "Erase their personal data" not in page  # no button while held
    assert "Your cases" in page  # what would be erased, by part
    assert CustomerAccess.objects.filter(customer=customer, what__contains="erasure").exists()

    Customer.objects.filter(pk=customer.pk).update(customer_type=CustomerType.APPLICANT)
    page = client.get(url).content.decode()
    assert "Nothing: no tenancy or lease" in page
    assert "ask for proof of identity" in page  # what may still be done on the case
    refused = client.post(url, {"action": "erase", "told_how": "email"})
    assert refused.status_code == 400
    assert "Confirm you understand this cannot be undone" in refused.content.decode()
    customer.refresh_from_db()
    assert customer.erased_at is None

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {"action": "erase", "told_how": "email", "sure": "on"})
    assert done.status_code == 302
    erased = Customer.objects.get(pk=customer.pk)
    assert erased.erased_at is not None
    assert erased.last_name == ""
    page = client.get(url).content.decode()
    assert "Their personal data was erased on" in page
    assert "Reed" not in page
    assert "ask for proof of identity" not in page  # answered: nothing more to ask
    request_to_erase.refresh_from_db()
    assert request_to_erase.status == CaseStatus.RESOLVED


def test_refusing_records_the_reason(
    client: StaffClient,
    people: People,
    request_to_erase: Case,  # noqa: F811
) -> None:
    url = reverse("privacy:erasure", args=[request_to_erase.reference])
    client.force_login(people.data_protection_officer)
    missing = client.post(url, {"action": "refuse", "reason": "", "told_how": "letter"})
    assert missing.status_code == 400
    assert "Enter why their data will not be erased" in missing.content.decode()
    done = client.post(
        url, {"action": "refuse", "reason": "We need it for a legal claim.", "told_how": "letter"}
    )
    assert done.status_code == 302
    request_to_erase.refresh_from_db()
    assert request_to_erase.outcome == "Not erased: We need it for a legal claim."
    assert not Erasure.objects.exists()


def test_only_the_data_protection_officer_may_erase(
    client: StaffClient,
    people: People,
    request_to_erase: Case,  # noqa: F811
) -> None:
    url = reverse("privacy:erasure", args=[request_to_erase.reference])
    for person in (people.officer, people.line_manager):
        client.force_login(person)
        assert client.get(url).status_code == 403
        assert (
            client.post(url, {"action": "erase", "told_how": "email", "sure": "on"}).status_code
            == 403
        )
    assert not Erasure.objects.exists()


def test_the_retention_page_shows_the_periods_and_a_dry_run(
    client: StaffClient, people: People, clock: SettableClock
) -> None:
    url = reverse("privacy:retention")
    client.force_login(people.data_protection_officer)
    page = client.get(url).content.decode()
    assert "Customers whose dealings with us ended" in page
    assert "72 months after their last use" in page
    assert "It has not run yet." in page

    page = client.post(url).content.decode()
    assert "Nothing has been changed." in page
    run = RetentionRun.objects.get()
    assert run.dry_run
    assert run.by == people.data_protection_officer
    assert "Dry run by" in page

    client.force_login(people.officer)
    assert client.get(url).status_code == 403
