"""Who in a customer's household is more at risk from a hazard in the home: recorded
from the customer page, on the record's history, shown on the hazard pages, and each
showing of it logged as a read of the customer."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client
from django.urls import reverse

from caredesk.cases.models import Case
from caredesk.complaints.hazards import hazard_report
from caredesk.conftest import People, SettableClock, customer_case
from caredesk.customers.history import customer_history_list
from caredesk.customers.merging import customer_merge
from caredesk.customers.models import CustomerAccess, HouseholdVulnerabilities, Vulnerability
from caredesk.customers.vulnerabilities import (
    NOTES_MAX,
    VulnerabilitiesRefused,
    household_vulnerabilities_of,
    household_vulnerabilities_record,
    vulnerability_words,
)
from caredesk.standards import load_policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(people: People, clock: SettableClock) -> Case:
    clock.moment = datetime(2026, 6, 22, 13, 0, tzinfo=UTC)
    return customer_case(people, clock)


def test_recorded_in_words_in_the_lists_order_with_the_notes_last(
    people: People, clock: SettableClock, case
) -> None:
    household_vulnerabilities_record(
        customer=case.customer,
        kinds=[Vulnerability.BREATHING, Vulnerability.YOUNG_CHILD, Vulnerability.BREATHING],
        notes="  Baby due in March  ",
        by=people.officer,
        clock=clock,
    )
    kept = household_vulnerabilities_of(case.customer)
    assert kept is not None
    assert kept.kinds == ["breathing", "young_child"]
    assert vulnerability_words(kept) == [
        "A baby or a child under 5",
        "A lung or breathing condition, such as asthma or COPD",
        "Baby due in March",
    ]
    assert kept.recorded_by == people.officer
    assert kept.recorded_at == clock.now()


def test_each_change_is_on_the_history_and_nothing_ticked_removes_the_record(
    people: People, clock: SettableClock, case
) -> None:
    customer = case.customer
    household_vulnerabilities_record(
        customer=customer, kinds=["pregnancy"], notes="", by=people.officer, clock=clock
    )
    household_vulnerabilities_record(  # the same again: no new history
        customer=customer, kinds=["pregnancy"], notes="", by=people.officer, clock=clock
    )
    household_vulnerabilities_record(
        customer=customer, kinds=[], notes="", by=people.officer, clock=clock
    )
    assert household_vulnerabilities_of(customer) is None
    history = customer_history_list(customer=customer)
    said = [change for entry in history for change in entry.changes if "Household" in change]
    assert said == [
        "Household vulnerabilities removed (was Someone who is pregnant)",
        "Household vulnerabilities set to Someone who is pregnant",
    ]


@pytest.mark.parametrize(
    ("kinds", "notes", "why"),
    [
        (["asthma"], "", "Not a vulnerability caredesk knows: asthma"),
        ([], "Uses oxygen\x00 at night", "NUL"),
        ([], "x" * (NOTES_MAX + 1), f"{NOTES_MAX:,} characters or fewer"),
    ],
)
def test_what_cannot_be_kept_is_refused_and_nothing_changes(
    people: People, clock: SettableClock, case: Case, kinds: list[str], notes: str, why: str
) -> None:
    assert case.customer is not None
    household_vulnerabilities_record(
        customer=case.customer, kinds=["skin"], notes="", by=people.officer, clock=clock
    )
    with pytest.raises(VulnerabilitiesRefused, match=why):
        household_vulnerabilities_record(
            customer=case.customer, kinds=kinds, notes=notes, by=people.officer, clock=clock
        )
    assert HouseholdVulnerabilities.objects.get().kinds == ["skin"]


def test_a_merged_record_cannot_be_changed(
    people: People, clock: SettableClock, case: Case
) -> None:
    other = customer_case(people, clock, first_name="Joanne").customer
    assert other is not None
    assert case.customer is not None
    customer_merge(keep=other, merge=case.customer, by=people.officer, clock=clock)
    case.customer.refresh_from_db()
    with pytest.raises(Exception, match="merged"):
        household_vulnerabilities_record(
            customer=case.customer, kinds=["skin"], notes="", by=people.officer, clock=clock
        )


def test_recorded_from_the_customer_page_and_shown_on_the_hazard_pages_each_read_logged(
    client: Client, people: People, clock: SettableClock, case
) -> None:
    client.force_login(people.officer)
    customer = case.customer
    page = reverse("customers:customer", args=[customer.pk])
    refused = client.post(
        reverse("customers:vulnerabilities_record", args=[customer.pk]), {"kinds": ["nonsense"]}
    )
    assert refused.status_code == 400
    assert "Choose from the list" in refused.content.decode()
    saved = client.post(
        reverse("customers:vulnerabilities_record", args=[customer.pk]),
        {"kinds": ["older_person", "breathing"], "notes": "Uses oxygen at night"},
    )
    assert saved.status_code == 302
    assert saved["Location"].endswith("#vulnerabilities")
    shown = client.get(page).content.decode()
    assert "Someone aged 65 or over" in shown
    assert "Uses oxygen at night" in shown

    hazard = hazard_report(
        case=case,
        hazard_type="damp_and_mould",
        severity="significant",
        description="Mould in the bedroom",
        where="bedroom",
        by=people.officer,
        policy=load_policy("halton"),
        clock=clock,
    )
    CustomerAccess.objects.all().delete()
    for address in (
        reverse("complaints:hazard", args=[hazard.pk]),
        reverse("complaints:hazard_new", args=[case.reference]),
    ):
        page_text = client.get(address).content.decode()
        assert "Who in the household is more at risk" in page_text
        assert "A lung or breathing condition, such as asthma or COPD" in page_text
        assert "Uses oxygen at night" in page_text
    assert CustomerAccess.objects.filter(customer=customer, staff=people.officer).count() == 2


def test_the_hazard_page_says_to_ask_when_nothing_is_recorded(
    client: Client, people: People, clock: SettableClock, case
) -> None:
    client.force_login(people.officer)
    shown = client.get(reverse("complaints:hazard_new", args=[case.reference])).content.decode()
    assert "Nothing recorded. Ask whether anyone at home" in shown
