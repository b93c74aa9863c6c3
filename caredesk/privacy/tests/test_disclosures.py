"""The disclosure log: requests from third parties logged by any caseworker, decided
only by the data protection officer, a representative checked against the customer's
authority at the time of the decision, and every decision logged as a read."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from caredesk.conftest import People, SettableClock
from caredesk.customers.merging import customer_merge
from caredesk.customers.models import Customer, CustomerAccess, CustomerType, Representative
from caredesk.customers.representatives import representative_record, representative_revoke
from caredesk.customers.services import customer_create
from caredesk.errors import NotAllowed
from caredesk.privacy.disclosures import (
    DisclosureAlreadyDecided,
    DisclosureRefused,
    RepresentativeWithoutAuthority,
    disclosure_decide,
    disclosure_log,
    disclosure_request_log,
)
from caredesk.privacy.models import DisclosureRequest

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


def authorise(
    customer: Customer, people: People, clock: SettableClock, **given: object
) -> Representative:
    values: dict[str, object] = {
        "name": "Ada Okafor",
        "kind": "advocate",
        "covers_everything": False,
        "matters": ["rent"],
        "given_how": "written",
        "starts_at": JUNE - timedelta(days=10),
        "ends_at": JUNE + timedelta(days=10),
    } | given
    return representative_record(customer=customer, by=people.officer, clock=clock, **values)  # type: ignore[arg-type]


def ask(
    customer: Customer, people: People, clock: SettableClock, **given: object
) -> DisclosureRequest:
    values: dict[str, object] = {
        "requester_kind": "police",
        "requester_name": "DC Rhodes",
        "requester_organisation": "Cheshire Police",
        "matter": "antisocial",
        "asked": "Dates of the reports of noise; crime number CH/123/26",
        "received_at": clock.now() - timedelta(hours=1),
    } | given
    return disclosure_request_log(customer=customer, by=people.officer, clock=clock, **values)  # type: ignore[arg-type]


def decide(
    request: DisclosureRequest, people: People, clock: SettableClock, **given: object
) -> DisclosureRequest:
    values: dict[str, object] = {
        "decision": "full",
        "basis": "representative",
        "reason": "The customer's advocate, with written authority for rent.",
        "disclosed": "The rent account for May",
    } | given
    return disclosure_decide(
        request=request,
        by=people.data_protection_officer,
        clock=clock,
        **values,  # type: ignore[arg-type]
    )


def test_a_police_request_is_decided_by_the_dpo_and_logged_as_a_read(
    people: People, clock: SettableClock, customer: Customer
) -> None:
    request = ask(customer, people, clock)
    assert list(disclosure_log().open) == [request]
    decided = decide(
        request,
        people,
        clock,
        decision="part",
        basis="legitimate_interests",
        exemption="crime_taxation",
        reason="Needed to investigate harassment; only the dates are relevant.",
        disclosed="The dates of three reports",
    )
    assert decided.decided_by == people.data_protection_officer
    assert decided.decided_at == JUNE
    assert list(disclosure_log().decided) == [decided]
    read = CustomerAccess.objects.get(customer=customer, staff=people.data_protection_officer)
    assert (
        read.what
        == f"disclosure request {decided.pk} from DC Rhodes, Cheshire Police: disclose in part"
    )
    with pytest.raises(DisclosureAlreadyDecided):
        decide(decided, people, clock, decision="refuse", basis="", disclosed="")


def test_a_refusal_is_logged_as_a_read_too(
    people: People, clock: SettableClock, customer: Customer
) -> None:
    decide(
        ask(customer, people, clock),
        people,
        clock,
        decision="refuse",
        basis="",
        disclosed="",
        reason="No crime number and no exemption applies.",
    )
    assert CustomerAccess.objects.filter(staff=people.data_protection_officer).count() == 1


@pytest.mark.parametrize("who", ["officer", "line_manager", "administrator"])
def test_only_the_data_protection_officer_decides(
    people: People, clock: SettableClock, customer: Customer, who: str
) -> None:
    request = ask(customer, people, clock)
    with pytest.raises(NotAllowed):
        disclosure_decide(
            request=request,
            decision="refuse",
            basis="",
            reason="I would rather not say.",
            by=getattr(people, who),
            clock=clock,
        )
    request.refresh_from_db()
    assert request.decided_at is None


def test_a_representative_with_authority_for_the_matter_is_told(
    people: People, clock: SettableClock, customer: Customer
) -> None:
    ada = authorise(customer, people, clock)
    request = ask(
        customer, people, clock, requester_kind="representative", representative=ada, matter="rent"
    )
    assert decide(request, people, clock).decision == "full"


@pytest.mark.parametrize(
    ("change", "matter", "why"),
    [
        ({}, "repairs", "covers rent, service charges and arrears, not repairs"),
        ({"ends_at": JUNE}, "rent", "ended at the end of"),  # ends at the decision: not in force
        ({"starts_at": JUNE + timedelta(seconds=1)}, "rent", "starts on"),
        ("revoked", "rent", "was revoked on 3 June 2026"),
        ("nobody", "rent", "has not authorised this person"),
    ],
)
def test_a_representative_without_authority_in_force_for_the_matter_is_refused(
    people: People,
    clock: SettableClock,
    customer: Customer,
    change: object,
    matter: str,
    why: str,
) -> None:
    ada = None
    if change != "nobody":
        ada = authorise(customer, people, clock, **(change if isinstance(change, dict) else {}))
    request = ask(
        customer, people, clock, requester_kind="representative", representative=ada, matter=matter
    )
    if change == "revoked":
        assert ada is not None
        representative_revoke(representative=ada, customer=customer, by=people.officer, clock=clock)
    with pytest.raises(RepresentativeWithoutAuthority, match=why):
        decide(request, people, clock)
    request.refresh_from_db()
    assert request.decided_at is None
    assert not CustomerAccess.objects.filter(staff=people.data_protection_officer).exists()
    # another lawful basis, chosen and explained, is the officer's to take
    decided = decide(
        request,
        people,
        clock,
        basis="vital_interests",
        reason="The advocate reported a risk to the customer's life; the welfare team agreed.",
        disclosed="That the customer is safe and where to reach the welfare team",
    )
    assert decided.basis == "vital_interests"


def test_the_authority_is_checked_when_the_decision_is_made_not_when_the_request_came(
    people: People, clock: SettableClock, customer: Customer
) -> None:
    ada = authorise(customer, people, clock, ends_at=JUNE + timedelta(days=1))
    request = ask(
        customer, people, clock, requester_kind="representative", representative=ada, matter="rent"
    )
    clock.moment = JUNE + timedelta(days=1)  # the authority's end: no longer in force
    with pytest.raises(RepresentativeWithoutAuthority):
        decide(request, people, clock)


@pytest.mark.parametrize(
    ("given", "why"),
    [
        ({"decision": "full", "basis": ""}, "Choose the lawful basis"),
        ({"decision": "full", "disclosed": ""}, "Enter what was disclosed."),
        ({"decision": "refuse", "basis": ""}, "nothing was disclosed"),
        ({"decision": "maybe"}, "Not a decision"),
        ({"basis": "vibes"}, "Not a lawful basis"),
        ({"reason": "No."}, "in a sentence"),
        (
            {"reason": "Because\x00"},
            "The reason for your decision contains a NUL character, which cannot be stored. "
            "Remove it and try again.",
        ),
        ({"basis": "representative"}, "not from the customer's representative"),
    ],
)
def test_a_decision_that_cannot_be_kept_is_refused(
    people: People, clock: SettableClock, customer: Customer, given: dict[str, object], why: str
) -> None:
    with pytest.raises(DisclosureRefused, match=re.escape(why)):
        decide(ask(customer, people, clock), people, clock, **({"basis": "consent"} | given))


@pytest.mark.parametrize(
    ("given", "why"),
    [
        ({"requester_kind": "journalist"}, "Not a kind of requester"),
        ({"matter": "gossip"}, "Not a matter"),
        ({"requester_name": " "}, "Enter the name of the person asking."),
        ({"asked": "x" * 5001}, "What they asked for must be 5,000 characters or fewer."),
        ({"received_at": JUNE + timedelta(seconds=1)}, "in the future"),
    ],
)
def test_a_request_that_cannot_be_kept_is_refused(
    people: People, clock: SettableClock, customer: Customer, given: dict[str, object], why: str
) -> None:
    with pytest.raises(DisclosureRefused, match=re.escape(why)):
        ask(customer, people, clock, **given)


def test_the_analyst_and_the_scrutiny_panel_cannot_log_a_request(
    people: People, clock: SettableClock, customer: Customer
) -> None:
    for person in (people.analyst, people.scrutiny_member):
        with pytest.raises(NotAllowed):
            disclosure_request_log(
                customer=customer,
                requester_kind="police",
                requester_name="DC Rhodes",
                matter="rent",
                asked="Anything",
                received_at=JUNE,
                by=person,
                clock=clock,
            )


def test_a_merge_moves_the_requests_to_the_record_kept(
    people: People, clock: SettableClock, customer: Customer
) -> None:
    other = customer_create(customer_type=CustomerType.TENANT, last_name="Okafor", clock=clock)
    request = ask(other, people, clock)
    customer_merge(keep=customer, merge=other, by=people.officer, clock=clock)
    request.refresh_from_db()
    assert request.customer == customer


# -- the pages ----------------------------------------------------------------------------


def test_logged_from_the_customer_page_and_decided_on_the_request_page(
    client: Client, frozen: None, people: People, clock: SettableClock, customer: Customer
) -> None:
    ada = authorise(customer, people, clock)
    client.force_login(people.officer)
    new = reverse("privacy:disclosure_new", args=[customer.pk])
    shown = client.get(reverse("customers:customer", args=[customer.pk])).content.decode()
    assert "Log a request for information from a third party" in shown
    refused = client.post(new, {"requester_kind": "police", "representative": str(ada.pk)})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "There is a problem" in page
    assert "Enter the name of the person asking" in page
    assert "choose that" in page  # a representative's request is from a representative
    logged = client.post(
        new,
        {
            "requester_kind": "representative",
            "representative": str(ada.pk),
            "requester_name": "Ada Okafor",
            "matter": "repairs",
            "asked": "When the damp will be fixed",
            "received_on": "2026-06-03",
        },
    )
    assert logged.status_code == 302
    request = DisclosureRequest.objects.get()
    assert request.representative == ada
    assert request.received_at == JUNE  # today: when it was logged
    client.get(reverse("customers:customer", args=[customer.pk]))

    client.force_login(people.data_protection_officer)
    log = client.get(reverse("privacy:disclosures")).content.decode()
    assert "Waiting for a decision (1)" in log
    address = reverse("privacy:disclosure", args=[request.pk])
    page = client.get(address).content.decode()
    assert "covers rent, service charges and arrears, not repairs" in page
    bad = client.post(address, {"decision": "full", "basis": "representative"})
    assert bad.status_code == 400
    assert "Enter the reason for your decision" in bad.content.decode()
    no_authority = client.post(
        address,
        {
            "decision": "full",
            "basis": "representative",
            "reason": "Ada is the customer's advocate.",
            "disclosed": "The repairs history",
        },
    )
    assert no_authority.status_code == 400
    assert "Refused: Ada Okafor&#x27;s authority covers" in no_authority.content.decode()
    done = client.post(
        address,
        {
            "decision": "refuse",
            "reason": "Ada's authority does not cover repairs; told her to ask Sam.",
        },
    )
    assert done.status_code == 302

    client.force_login(people.officer)
    shown = client.get(reverse("customers:customer", args=[customer.pk])).content.decode()
    assert "Ada Okafor" in shown
    assert "Refuse: decided by" in shown


def test_the_pages_are_the_dpos_and_the_analyst_and_panel_see_nothing(
    client: Client, frozen: None, people: People, clock: SettableClock, customer: Customer
) -> None:
    request = ask(customer, people, clock)
    pages = [
        reverse("privacy:disclosures"),
        reverse("privacy:disclosure", args=[request.pk]),
    ]
    for person in (people.officer, people.analyst, people.scrutiny_member):
        client.force_login(person)
        for page in pages:
            assert client.get(page).status_code == 403
    for person in (people.analyst, people.scrutiny_member):
        client.force_login(person)
        assert client.get(reverse("privacy:disclosure_new", args=[customer.pk])).status_code == 403
        assert client.get(reverse("customers:customer", args=[customer.pk])).status_code == 403
    client.force_login(people.data_protection_officer)
    for page in pages:
        assert client.get(page).status_code == 200
