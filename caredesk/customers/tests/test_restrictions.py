"""Restricting the use of a customer's data (UK GDPR Article 18; customers.restrictions):
only the data protection officer starts and lifts one, and changes the details while it
is in force (the desk, the import and merging refuse everyone else); it is lifted only
once the customer has been told; and a change may answer an open request to correct
their data (customers.answering), recorded on its event."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from caredesk.conftest import People, SettableClock
from caredesk.customers.answering import OpenRequest, _lookups, open_requests_lookup_register
from caredesk.customers.history import customer_history_list
from caredesk.customers.merging import MergeRefused, customer_merge_plan
from caredesk.customers.models import (
    Customer,
    CustomerEvent,
    CustomerEventSource,
    CustomerType,
    Restriction,
)
from caredesk.customers.restrictions import (
    RestrictionRefused,
    restriction_lift,
    restriction_start,
    restrictions_in_force,
)
from caredesk.customers.services import (
    CustomerRestricted,
    NotAnOpenRequest,
    customer_create,
    customer_update,
)
from caredesk.customers.tests.test_importing import rejects, row, run, write
from caredesk.errors import NotAllowed

pytestmark = pytest.mark.django_db
WARNING = "Use of this person's data is restricted"


def _jo(clock: SettableClock, **details: str) -> Customer:
    fields: dict[str, Any] = {"first_name": "Jo", "last_name": "Jones", "phone": "0151 510 5000"}
    fields |= details
    return customer_create(customer_type=CustomerType.TENANT, clock=clock, **fields)


def _restrict(customer: Customer, people: People, clock: SettableClock) -> Restriction:
    return restriction_start(
        customer=customer,
        ground="accuracy",
        reason="Their address, while we check it with the council.",
        by=people.data_protection_officer,
        clock=clock,
    )


def test_only_the_data_protection_officer_restricts_and_lifts(
    people: People, clock: SettableClock
) -> None:
    customer = _jo(clock)
    with pytest.raises(NotAllowed):
        restriction_start(
            customer=customer, ground="accuracy", reason="x", by=people.officer, clock=clock
        )
    with pytest.raises(RestrictionRefused, match="Choose why"):
        restriction_start(
            customer=customer,
            ground="because",
            reason="x",
            by=people.data_protection_officer,
            clock=clock,
        )
    restriction = _restrict(customer, people, clock)
    with pytest.raises(NotAllowed):
        restriction_lift(
            restriction=restriction,
            told_at=clock.now(),
            told_how="Letter",
            told_before_lifting=True,
            reason="Checked",
            by=people.line_manager,
            clock=clock,
        )
    assert restrictions_in_force(customer) == [restriction]


def test_a_restriction_is_lifted_only_once_the_customer_was_told(
    people: People, clock: SettableClock
) -> None:
    customer = _jo(clock)
    restriction = _restrict(customer, people, clock)
    dpo = people.data_protection_officer
    lift: dict[str, Any] = {
        "restriction": restriction,
        "told_how": "Letter to their home",
        "reason": "The council confirmed the address.",
        "by": dpo,
    }
    clock.moment += timedelta(days=5)
    with pytest.raises(RestrictionRefused, match="Article 18"):
        restriction_lift(told_at=clock.now(), told_before_lifting=False, clock=clock, **lift)
    with pytest.raises(RestrictionRefused, match="today or in the past"):
        restriction_lift(
            told_at=clock.now() + timedelta(days=1), told_before_lifting=True, clock=clock, **lift
        )
    with pytest.raises(RestrictionRefused, match="before the restriction started"):
        restriction_lift(
            told_at=clock.now() - timedelta(days=9), told_before_lifting=True, clock=clock, **lift
        )
    told = clock.now() - timedelta(days=1)
    lifted = restriction_lift(told_at=told, told_before_lifting=True, clock=clock, **lift)
    assert (lifted.lifted_at, lifted.lifted_by, lifted.told_at) == (clock.now(), dpo, told)
    assert lifted.told_before_lifting
    assert restrictions_in_force(customer) == []
    with pytest.raises(RestrictionRefused, match="lifted already"):
        restriction_lift(told_at=told, told_before_lifting=True, clock=clock, **lift)
    history = customer_history_list(customer=customer)
    assert history[0].headline == "Restriction changed"
    assert (
        "restriction lifted, the customer told first (Letter to their home)"
        in (history[0].changes[0])
    )


def test_the_database_keeps_a_lifted_restriction_whole(
    people: People, clock: SettableClock
) -> None:
    """A restriction lifted without the customer told first is refused by the database too."""
    restriction = _restrict(_jo(clock), people, clock)
    with pytest.raises(IntegrityError), transaction.atomic():
        Restriction.objects.filter(pk=restriction.pk).update(
            lifted_at=clock.now(), lifted_by=people.data_protection_officer
        )


def test_while_restricted_only_the_data_protection_officer_changes_the_details(
    people: People, clock: SettableClock
) -> None:
    customer = _jo(clock)
    _restrict(customer, people, clock)
    with pytest.raises(CustomerRestricted, match="Only the data protection officer"):
        customer_update(
            customer=customer,
            changes={"phone": "0151 000 0000"},
            by=people.officer,
            source=CustomerEventSource.DESK,
        )
    assert (
        customer_update(  # nothing to change: nothing refused, nothing written
            customer=customer,
            changes={"phone": "0151 510 5000"},
            by=people.officer,
            source=CustomerEventSource.DESK,
        )
        is None
    )
    changed = customer_update(
        customer=customer,
        changes={"phone": "0151 000 0000"},
        by=people.data_protection_officer,
        source=CustomerEventSource.DESK,
    )
    assert changed is not None
    customer.refresh_from_db()
    assert customer.phone == "0151 000 0000"


def test_the_import_refuses_a_change_to_a_restricted_record_and_no_other(
    tmp_path: Path, people: People, clock: SettableClock
) -> None:
    run(write(tmp_path, row("T1"), row("T2", "Nowak")), clock)
    _restrict(Customer.objects.get(external_reference="T1"), people, clock)
    summary = run(
        write(tmp_path, row("T1", "Khan-Ali"), row("T2", "Nowak-Smith"), name="again.csv"), clock
    )
    assert (summary.changed, summary.refused) == (1, 1)
    assert Customer.objects.get(external_reference="T1").last_name == "Khan"
    assert Customer.objects.get(external_reference="T2").last_name == "Nowak-Smith"
    refused = rejects(Path(summary.rejects_file))
    assert "restricted" in refused[1][1]
    # the same row unchanged is no change, so it is not refused
    again = run(write(tmp_path, row("T1"), name="same.csv"), clock)
    assert (again.unchanged, again.refused) == (1, 0)


def test_a_restricted_record_is_not_merged(people: People, clock: SettableClock) -> None:
    keep, other = _jo(clock), _jo(clock, first_name="Joanne")
    _restrict(other, people, clock)
    for first, second in ((keep, other), (other, keep)):
        with pytest.raises(MergeRefused, match="restricted"):
            customer_merge_plan(keep=first, merge=second)


def test_the_pages_say_so_and_refuse_the_officers_change(
    client, people: People, clock: SettableClock
) -> None:
    customer = _jo(clock)
    client.force_login(people.officer)
    page = reverse("customers:customer", args=[customer.pk])
    assert WARNING not in client.get(page).content.decode()
    _restrict(customer, people, clock)
    shown = client.get(page).content.decode()
    assert WARNING in shown
    assert "They say their data is wrong, and we are checking it" in shown
    edit = reverse("customers:edit", args=[customer.pk])
    assert WARNING in client.get(edit).content.decode()
    form = {
        "customer_type": "tenant",
        "first_name": "Jo",
        "last_name": "Jones",
        "phone": "0151 000 0000",
        "accessible_format": "standard",
    }
    refused = client.post(edit, form)
    assert refused.status_code == 400
    assert "Only the data protection officer can change them" in refused.content.decode()
    client.force_login(people.data_protection_officer)
    assert client.post(edit, form).status_code == 302
    customer.refresh_from_db()
    assert customer.phone == "0151 000 0000"


@pytest.fixture
def one_open_request() -> object:
    """A lookup, as privacy registers, offering request HHT-2026-000009 for every customer."""

    def lookup(customer: Customer) -> list[OpenRequest]:
        return [OpenRequest("HHT-2026-000009", "My surname is spelt wrongly")]

    open_requests_lookup_register(lookup)
    yield lookup
    _lookups.remove(lookup)


def test_a_change_records_the_open_request_it_answers(
    people: People, clock: SettableClock, one_open_request: object
) -> None:
    customer = _jo(clock)
    with pytest.raises(NotAnOpenRequest):
        customer_update(
            customer=customer,
            changes={"last_name": "Jonas"},
            by=people.officer,
            source=CustomerEventSource.DESK,
            answers="HHT-2026-000001",
        )
    event = customer_update(
        customer=customer,
        changes={"last_name": "Jonas"},
        by=people.officer,
        source=CustomerEventSource.DESK,
        answers="HHT-2026-000009",
    )
    assert event is not None
    assert CustomerEvent.objects.get(pk=event.pk).request_reference == "HHT-2026-000009"
    assert customer_history_list(customer=customer)[0].answers == "HHT-2026-000009"
