"""Representatives: a customer's authority for someone to act for them, in force from
its start up to (not including) its end and its revocation; the desk's "until 30 June"
is to the end of 30 June, office time."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from caredesk.conftest import People, SettableClock
from caredesk.customers.history import customer_history_list
from caredesk.customers.merging import customer_merge
from caredesk.customers.models import Customer, CustomerType, Matter, Representative
from caredesk.customers.representatives import (
    RepresentativeNotInForce,
    RepresentativeRefused,
    authority_check,
    representative_authority,
    representative_record,
    representative_revoke,
)
from caredesk.customers.services import customer_create

JUNE = datetime(2026, 6, 3, 10, 0, tzinfo=UTC)


@pytest.fixture
def frozen() -> Iterator[None]:
    """The pages read the system clock: it says JUNE, as the tests' clock does."""
    with time_machine.travel(JUNE, tick=False):
        yield


@pytest.fixture
def customer(clock: SettableClock, db: None) -> Customer:
    clock.moment = JUNE
    return customer_create(
        customer_type=CustomerType.TENANT, first_name="Sam", last_name="Okafor", clock=clock
    )


def authorise(
    customer: Customer, people: People, clock: SettableClock, **given: object
) -> Representative:
    values: dict[str, object] = {
        "name": "Ada Okafor",
        "kind": "family",
        "relationship": "Daughter",
        "covers_everything": False,
        "matters": [Matter.RENT, Matter.REPAIRS],
        "given_how": "written",
        "starts_at": datetime(2026, 5, 31, 23, 0, tzinfo=UTC),  # 1 June, London
        "ends_at": datetime(2026, 6, 30, 23, 0, tzinfo=UTC),  # until 30 June inclusive
        "evidence": "Signed authority form on the case",
    } | given
    return representative_record(customer=customer, by=people.officer, clock=clock, **values)  # type: ignore[arg-type]


@pytest.mark.django_db
def test_in_force_from_its_start_to_the_end_of_its_last_day_not_at_midnight_after(
    people: People, clock: SettableClock, customer: Customer
) -> None:
    ada = authorise(customer, people, clock)
    last_moment = datetime(2026, 6, 30, 22, 59, 59, 999999, tzinfo=UTC)  # 23:59:59 London
    ends = datetime(2026, 6, 30, 23, 0, tzinfo=UTC)  # midnight, 1 July London
    assert representative_authority(customer=customer, representative=ada, at=ada.starts_at)
    assert representative_authority(customer=customer, representative=ada, at=last_moment)
    assert representative_authority(customer=customer, representative=ada, at=ends) is None
    assert (
        representative_authority(
            customer=customer, representative=ada, at=ada.starts_at - timedelta(microseconds=1)
        )
        is None
    )
    assert ada.last_day is not None
    assert ada.last_day.isoformat() == "2026-06-30"
    check = authority_check(customer=customer, representative=ada, at=ends, matter="rent")
    assert not check.in_force
    assert check.reason == "Ada Okafor's authority ended at the end of 30 June 2026."


@pytest.mark.django_db
def test_it_covers_only_the_matters_named_unless_it_covers_everything(
    people: People, clock: SettableClock, customer: Customer
) -> None:
    ada = authorise(customer, people, clock)
    assert representative_authority(customer=customer, representative=ada, at=JUNE, matter="rent")
    assert (
        representative_authority(
            customer=customer, representative=ada, at=JUNE, matter="antisocial"
        )
        is None
    )
    check = authority_check(customer=customer, representative=ada, at=JUNE, matter="antisocial")
    assert check.reason == (
        "Ada Okafor's authority covers rent, service charges and arrears; repairs and the "
        "condition of the home, not anti-social behaviour."
    )
    solicitor = authorise(
        customer,
        people,
        clock,
        name="Kim Lee",
        kind="solicitor",
        covers_everything=True,
        matters=[],
    )
    for matter in Matter.values:
        assert representative_authority(
            customer=customer, representative=solicitor, at=JUNE, matter=matter
        )


@pytest.mark.django_db
def test_revoked_it_is_not_in_force_from_that_moment_and_is_on_the_history(
    people: People, clock: SettableClock, customer: Customer
) -> None:
    ada = authorise(customer, people, clock, ends_at=None)
    representative_revoke(
        representative=ada, customer=customer, evidence="Phoned", by=people.teammate, clock=clock
    )
    ada.refresh_from_db()
    assert ada.revoked_at == JUNE
    assert ada.revoked_by == people.teammate
    assert representative_authority(
        customer=customer, representative=ada, at=JUNE - timedelta(microseconds=1)
    )
    assert representative_authority(customer=customer, representative=ada, at=JUNE) is None
    assert (
        "revoked on 3 June 2026"
        in authority_check(customer=customer, representative=ada, at=JUNE, matter=None).reason
    )
    with pytest.raises(RepresentativeNotInForce):
        representative_revoke(representative=ada, customer=customer, by=people.officer, clock=clock)
    said = [
        c
        for entry in customer_history_list(customer=customer)
        for c in entry.changes
        if c.startswith("Representative")
    ]
    assert said == [
        "Representative: authority of Ada Okafor revoked on 3 June 2026 (evidence: Phoned)",
        "Representative: authorised: Ada Okafor (Daughter), for rent, service charges and "
        "arrears; repairs and the condition of the home, in writing, signed by the customer, "
        "from 1 June 2026 (evidence: Signed authority form on the case)",
    ]


@pytest.mark.django_db
def test_another_customers_representative_has_no_authority(
    people: People, clock: SettableClock, customer: Customer
) -> None:
    other = customer_create(customer_type=CustomerType.TENANT, last_name="Ng", clock=clock)
    ada = authorise(other, people, clock, covers_everything=True, matters=[])
    assert representative_authority(customer=customer, representative=ada, at=JUNE) is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("given", "why"),
    [
        ({"name": "  "}, "Enter the representative's name"),
        ({"kind": "wizard"}, "Not a kind of representative"),
        ({"given_how": "hunch"}, "Not a way of giving authority"),
        ({"matters": ["gossip"]}, "Not a matter caredesk knows: gossip"),
        ({"matters": []}, "Say what the authority covers"),
        ({"covers_everything": True}, "not both"),
        ({"ends_at": datetime(2026, 5, 31, 23, 0, tzinfo=UTC)}, "must end after it starts"),
        (
            {"evidence": "Signed \ud800"},
            "The evidence contains a character that is not valid text (at position 8). "
            "Remove it and try again.",
        ),
    ],
)
def test_what_cannot_be_kept_is_refused(
    people: People, clock: SettableClock, customer: Customer, given: dict[str, object], why: str
) -> None:
    with pytest.raises(RepresentativeRefused, match=re.escape(why)):
        authorise(customer, people, clock, **given)
    assert not Representative.objects.exists()


@pytest.mark.django_db
def test_a_merge_moves_the_representatives_to_the_record_kept(
    people: People, clock: SettableClock, customer: Customer
) -> None:
    other = customer_create(customer_type=CustomerType.TENANT, last_name="Okafor", clock=clock)
    ada = authorise(other, people, clock)
    customer_merge(keep=customer, merge=other, by=people.officer, clock=clock)
    ada.refresh_from_db()
    assert ada.customer == customer
    assert representative_authority(customer=customer, representative=ada, at=JUNE)


@pytest.mark.django_db
def test_recorded_and_revoked_from_the_customer_page(
    client: Client, frozen: None, people: People, clock: SettableClock, customer: Customer
) -> None:
    client.force_login(people.officer)
    record = reverse("customers:representative_record", args=[customer.pk])
    refused = client.post(
        record,
        {
            "representative-name": "Ada Okafor",
            "representative-kind": "family",
            "representative-scope": "named",
            "representative-given_how": "written",
            "representative-starts_on": "2026-06-10",
            "representative-ends_on": "2026-06-01",
        },
    )
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "There is a problem" in page
    assert "Choose at least one matter the authority covers" in page
    assert "The last day must be the same as or after the first" in page

    saved = client.post(
        record,
        {
            "representative-name": "Ada Okafor",
            "representative-kind": "family",
            "representative-scope": "named",
            "representative-matters": ["rent"],
            "representative-given_how": "power_of_attorney",
            "representative-starts_on": "2026-06-01",
            "representative-ends_on": "2026-06-30",
        },
    )
    assert saved.status_code == 302
    ada = Representative.objects.get()
    assert ada.ends_at == datetime(2026, 6, 30, 23, 0, tzinfo=UTC)  # the end of 30 June
    shown = client.get(reverse("customers:customer", args=[customer.pk])).content.decode()
    assert "Ada Okafor" in shown
    assert "until the end of 30 June 2026" in shown
    assert "In force" in shown

    revoke = reverse("customers:representative_revoke", args=[customer.pk, ada.pk])
    assert client.post(revoke, {f"revoke{ada.pk}-evidence": "By letter"}).status_code == 302
    assert client.post(revoke, {}).status_code == 400  # revoked already: said on the page
    assert (
        "Revoked 3 June 2026"
        in client.get(reverse("customers:customer", args=[customer.pk])).content.decode()
    )


# -- the rule against a reference, over any instants --------------------------------------

instants = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)
)


def reference(
    starts: datetime, ends: datetime | None, revoked: datetime | None, at: datetime
) -> bool:
    """In force: at or after the start, before the end, before the revocation."""
    if at < starts:
        return False
    if ends is not None and not at < ends:
        return False
    return revoked is None or at < revoked


@given(
    starts=instants,
    ends=st.none() | instants,
    revoked=st.none() | instants,
    at=instants,
    everything=st.booleans(),
    matters=st.lists(st.sampled_from([m for m in Matter.values if m != "other"]), unique=True),
    asked=st.none() | st.sampled_from(Matter.values),
)
def test_authority_matches_the_reference_at_any_instant(
    starts: datetime,
    ends: datetime | None,
    revoked: datetime | None,
    at: datetime,
    everything: bool,
    matters: list[str],
    asked: str | None,
) -> None:
    customer = Customer(pk=1)
    representative = Representative(
        customer_id=1,
        starts_at=starts,
        ends_at=ends,
        revoked_at=revoked,
        covers_everything=everything,
        matters=matters,
    )
    found = representative_authority(
        customer=customer, representative=representative, at=at, matter=asked
    )
    covered = asked is None or everything or (asked != "other" and asked in matters)
    assert (found is not None) == (reference(starts, ends, revoked, at) and covered)
    check = authority_check(customer=customer, representative=representative, at=at, matter=asked)
    if asked is not None:
        assert check.in_force == (found is not None)
