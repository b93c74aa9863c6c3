"""A customer's consents: recorded and withdrawn from the customer page, one current
per purpose, each change on the record's history, withdrawn ones kept; merges keep one
current per purpose."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from caredesk.conftest import People, SettableClock
from caredesk.customers.consent import (
    ConsentAlreadyCurrent,
    ConsentNotCurrent,
    ConsentRefused,
    consent_record,
    consent_withdraw,
    consents_current,
    consents_withdrawn,
)
from caredesk.customers.history import customer_history_list
from caredesk.customers.merging import customer_merge
from caredesk.customers.models import (
    Consent,
    ConsentEnd,
    ConsentPurpose,
    Customer,
    CustomerType,
)
from caredesk.customers.services import CustomerMerged, customer_create

pytestmark = pytest.mark.django_db
JUNE = datetime(2026, 6, 3, 10, 0, tzinfo=UTC)


@pytest.fixture
def frozen() -> Iterator[None]:
    """The pages read the system clock: it says JUNE, as the tests' clock does."""
    with time_machine.travel(JUNE, tick=False):
        yield


@pytest.fixture
def customer(clock: SettableClock) -> Customer:
    clock.moment = JUNE
    return customer_create(
        customer_type=CustomerType.TENANT, first_name="Sam", last_name="Okafor", clock=clock
    )


def give(customer: Customer, people: People, clock: SettableClock, **given: object) -> Consent:
    values: dict[str, object] = {
        "purpose": ConsentPurpose.TEXT_MESSAGES,
        "given_how": "written",
        "given_at": clock.now() - timedelta(days=1),
        "evidence": "Signed form scanned to the case",
    } | given
    return consent_record(customer=customer, by=people.officer, clock=clock, **values)  # type: ignore[arg-type]


def changes(customer: Customer) -> list[str]:
    return [c for entry in customer_history_list(customer=customer) for c in entry.changes]


def test_recorded_with_how_when_who_and_evidence_and_on_the_history(
    people: People, clock: SettableClock, customer: Customer
) -> None:
    consent = give(customer, people, clock)
    assert consent.recorded_by == people.officer
    assert consent.recorded_at == clock.now()
    assert consents_current(customer) == [consent]
    assert changes(customer)[0] == (
        "Consent: Contacting them by text message: given in writing on 2 June 2026 "
        "(evidence: Signed form scanned to the case)"
    )


def test_a_purpose_has_one_current_consent_until_it_is_withdrawn(
    people: People, clock: SettableClock, customer: Customer
) -> None:
    first = give(customer, people, clock)
    with pytest.raises(ConsentAlreadyCurrent, match="Withdraw it first"):
        give(customer, people, clock, given_how="verbal")
    give(customer, people, clock, purpose=ConsentPurpose.SURVEYS)  # another purpose: fine

    consent_withdraw(
        consent=first,
        customer=customer,
        withdrawn_how=ConsentEnd.VERBAL,
        withdrawn_at=clock.now(),
        evidence="Phoned to say stop",
        by=people.teammate,
        clock=clock,
    )
    again = give(customer, people, clock, given_how="online")

    first.refresh_from_db()
    assert first.withdrawn_at == clock.now()
    assert first.withdrawal_recorded_by == people.teammate
    assert consents_withdrawn(customer) == [first]
    assert {c.pk for c in consents_current(customer)} == {
        again.pk,
        Consent.objects.get(purpose="surveys").pk,
    }
    assert (
        "Consent: Contacting them by text message: withdrawn verbally, in person or on the "
        "phone on 3 June 2026 (evidence: Phoned to say stop)" in changes(customer)
    )
    with pytest.raises(ConsentNotCurrent):
        consent_withdraw(
            consent=first,
            customer=customer,
            withdrawn_how="written",
            withdrawn_at=clock.now(),
            by=people.officer,
            clock=clock,
        )


def test_the_database_holds_one_current_consent_per_purpose_too(
    people: People, clock: SettableClock, customer: Customer
) -> None:
    from django.db import IntegrityError, transaction

    consent = give(customer, people, clock)
    consent.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        consent.save()


def test_something_else_is_one_current_consent_for_each_thing_named(
    people: People, clock: SettableClock, customer: Customer
) -> None:
    give(customer, people, clock, purpose="other", details="Photos in the newsletter")
    give(customer, people, clock, purpose="other", details="Filming for a training video")
    with pytest.raises(ConsentAlreadyCurrent):
        give(customer, people, clock, purpose="other", details="photos in the newsletter")
    assert [c.purpose_words for c in consents_current(customer)] == [
        "Filming for a training video",
        "Photos in the newsletter",
    ]


@pytest.mark.parametrize(
    ("given", "why"),
    [
        ({"purpose": "astrology"}, "Not a purpose caredesk knows"),
        ({"given_how": "telepathy"}, "Not a way of giving consent"),
        ({"purpose": "other", "details": ""}, "Say what the customer agreed to"),
        ({"purpose": "partner_sharing"}, "Name the partner agencies"),
        (
            {"evidence": "Form\x00"},
            "The evidence contains a NUL character, which cannot be stored. "
            "Remove it and try again.",
        ),
        (
            {"details": "x" * 301, "purpose": "other"},
            "What they agreed to must be 300 characters or fewer.",
        ),
        ({"given_at": JUNE + timedelta(minutes=1)}, "in the future"),
    ],
)
def test_what_cannot_be_kept_is_refused(
    people: People, clock: SettableClock, customer: Customer, given: dict[str, object], why: str
) -> None:
    with pytest.raises(ConsentRefused, match=re.escape(why)):
        give(customer, people, clock, **given)
    assert not Consent.objects.exists()


def test_a_withdrawal_before_the_consent_was_given_is_refused(
    people: People, clock: SettableClock, customer: Customer
) -> None:
    consent = give(customer, people, clock)
    with pytest.raises(ConsentRefused, match="cannot have been withdrawn before"):
        consent_withdraw(
            consent=consent,
            customer=customer,
            withdrawn_how="written",
            withdrawn_at=consent.given_at - timedelta(seconds=1),
            by=people.officer,
            clock=clock,
        )


def test_a_merged_record_takes_no_consent_and_a_merge_keeps_one_current_per_purpose(
    people: People, clock: SettableClock, customer: Customer
) -> None:
    other = customer_create(customer_type=CustomerType.TENANT, last_name="Okafor", clock=clock)
    older = give(customer, people, clock, given_at=JUNE - timedelta(days=30))
    newer = give(other, people, clock, given_how="online")
    surveys = give(other, people, clock, purpose="surveys")

    customer_merge(keep=customer, merge=other, by=people.officer, clock=clock)

    older.refresh_from_db()
    assert older.withdrawn_how == ConsentEnd.SUPERSEDED
    assert {c.pk for c in consents_current(customer)} == {newer.pk, surveys.pk}
    other.refresh_from_db()
    with pytest.raises(CustomerMerged):
        give(other, people, clock, purpose="marketing")


def test_recorded_and_withdrawn_from_the_customer_page(
    client: Client, frozen: None, people: People, clock: SettableClock, customer: Customer
) -> None:
    client.force_login(people.officer)
    record = reverse("customers:consent_record", args=[customer.pk])
    refused = client.post(record, {"consent-purpose": "other", "consent-given_how": "written"})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "There is a problem" in page
    assert "Enter the date they agreed" in page
    assert "Say what the customer agreed to" in page

    saved = client.post(
        record,
        {
            "consent-purpose": "marketing",
            "consent-given_how": "written",
            "consent-given_on": "2026-06-01",
            "consent-evidence": "Form in the post",
        },
    )
    assert saved.status_code == 302
    assert saved["Location"].endswith("#consent")
    consent = Consent.objects.get()
    assert consent.given_at == datetime(2026, 5, 31, 23, 0, tzinfo=UTC)  # 1 June, London
    shown = client.get(reverse("customers:customer", args=[customer.pk])).content.decode()
    assert "Marketing and newsletters" in shown
    assert "Form in the post" in shown

    again = client.post(
        record,
        {
            "consent-purpose": "marketing",
            "consent-given_how": "verbal",
            "consent-given_on": "2026-06-02",
        },
    )
    assert again.status_code == 400
    assert "Withdraw it first" in again.content.decode()

    withdraw = reverse("customers:consent_withdraw", args=[customer.pk, consent.pk])
    prefix = f"withdraw{consent.pk}"
    assert client.post(withdraw, {f"{prefix}-withdrawn_how": "written"}).status_code == 400
    done = client.post(
        withdraw, {f"{prefix}-withdrawn_how": "online", f"{prefix}-withdrawn_on": "2026-06-03"}
    )
    assert done.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at == clock.now()  # today: the moment it was recorded
    assert (
        "Withdrawn consents (1)"
        in client.get(reverse("customers:customer", args=[customer.pk])).content.decode()
    )


def test_those_who_do_not_take_casework_cannot_record_consent(
    client: Client, people: People, customer: Customer
) -> None:
    for person in (people.analyst, people.scrutiny_member, people.data_protection_officer):
        client.force_login(person)
        answer = client.post(
            reverse("customers:consent_record", args=[customer.pk]),
            {"consent-purpose": "marketing"},
        )
        assert answer.status_code == 403
    assert not Consent.objects.exists()
