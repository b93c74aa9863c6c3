"""Merging two records of one customer: everything moves to the record kept; the merged
one stays as a tombstone with its own history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from caredesk.cases.models import Case, CaseEvent, Contact, EventKind
from caredesk.customers.duplicates import customer_duplicates_list
from caredesk.customers.merging import (
    STAYS_WITH_RECORD,
    MergeRefused,
    _relations,
    _rows,
    customer_merge,
)
from caredesk.customers.models import (
    Customer,
    CustomerAccess,
    CustomerEventKind,
    CustomerType,
    EqualityProfile,
)
from caredesk.customers.services import customer_access_record, customer_create
from caredesk.errors import NotAllowed
from caredesk.mail.letters_register import letter_log
from caredesk.mail.models import InboundEmail, ReceivedLetter, Threading
from caredesk.standards import load_policy

pytestmark = pytest.mark.django_db
HALTON = load_policy("halton")


def person(clock, **details):
    fields = {"first_name": "Jo", "last_name": "Jones", "postcode": "WA7 1AA"} | details
    return customer_create(customer_type=CustomerType.TENANT, clock=clock, **fields)


def a_letter_and_an_email_for(customer, people, clock):
    letter = letter_log(
        sender="Jo Jones",
        received_at=clock.now() - timedelta(days=1),
        customer=customer,
        by=people.officer,
        policy=HALTON,
        clock=clock,
    )
    InboundEmail.objects.create(
        message_key="m1@example.org",
        case=letter.case,
        threading=Threading.REFERENCE,
        received_at=clock.now(),
        raw_sha256="0" * 64,
        raw_size=1,
        source="test",
    )
    return letter


def test_everything_pointing_at_the_merged_record_moves_to_the_one_kept(people, clock):
    keep = person(clock, phone="0151 510 5000")
    merge = person(clock, email="jo@example.org", uprn="100012345678", language="Welsh")
    letter = a_letter_and_an_email_for(merge, people, clock)
    earlier_tombstone = person(clock, first_name="Joanne")
    Customer.objects.filter(pk=earlier_tombstone.pk).update(merged_into=merge)
    EqualityProfile.objects.create(
        customer=merge, consent_given=False, recorded_at=clock.now(), recorded_by=people.officer
    )
    customer_access_record(customers=[merge], by=people.officer, what="test", clock=clock)

    done = customer_merge(keep=keep, merge=merge, by=people.officer, clock=clock)

    assert done.plan.moves == {"cases": 1, "customers": 1, "equality profile": 1}
    assert Case.objects.get(pk=letter.case_id).customer == keep
    # contacts, emails and letters go with their case
    assert Contact.objects.filter(case__customer=keep).count() == 1
    assert InboundEmail.objects.get(case__customer=keep)
    assert ReceivedLetter.objects.get().case.customer == keep
    assert EqualityProfile.objects.get().customer == keep
    assert Customer.objects.get(pk=earlier_tombstone.pk).merged_into == keep
    # nothing else points at the tombstone but its own history
    merge.refresh_from_db()
    for relation in _relations():
        assert not _rows(relation, merge).exists(), relation
    assert CustomerAccess.objects.filter(customer=merge).count() == 1
    assert merge.events.filter(kind=CustomerEventKind.CREATED).exists()
    # the kept record's blanks are filled; its own values stay
    keep.refresh_from_db()
    assert (keep.phone, keep.email, keep.uprn, keep.language) == (
        "0151 510 5000",
        "jo@example.org",
        "100012345678",
        "Welsh",
    )
    merged_from = keep.events.get(kind=CustomerEventKind.MERGED_FROM)
    assert merged_from.other == merge
    assert merged_from.changes["email"] == {"before": "", "after": "jo@example.org"}
    merged_into = merge.events.get(kind=CustomerEventKind.MERGED_INTO)
    assert (merged_into.other, merge.merged_into) == (keep, keep)


def test_the_kept_records_equality_answers_are_kept_and_the_merged_ones_stay(people, clock):
    keep, merge = person(clock), person(clock)
    for customer in (keep, merge):
        EqualityProfile.objects.create(
            customer=customer,
            consent_given=False,
            recorded_at=clock.now(),
            recorded_by=people.officer,
        )
    done = customer_merge(keep=keep, merge=merge, by=people.officer, clock=clock)
    assert done.plan.kept_as_is == ["equality profile"]
    assert EqualityProfile.objects.get(customer=merge)
    assert EqualityProfile.objects.get(customer=keep)


def test_the_housing_systems_reference_moves_to_the_kept_record(people, clock):
    keep, merge = person(clock), person(clock, external_reference="T000101")
    customer_merge(keep=keep, merge=merge, by=people.officer, clock=clock)
    keep.refresh_from_db()
    merge.refresh_from_db()
    assert (keep.external_reference, merge.external_reference) == ("T000101", "")


def test_merging_into_itself_into_a_tombstone_or_again_is_refused(people, clock):
    keep, merge, third = person(clock), person(clock), person(clock)
    with pytest.raises(MergeRefused, match="into itself"):
        customer_merge(keep=keep, merge=keep, by=people.officer, clock=clock)
    customer_merge(keep=keep, merge=merge, by=people.officer, clock=clock)
    with pytest.raises(MergeRefused, match="already merged"):
        customer_merge(keep=keep, merge=merge, by=people.officer, clock=clock)
    with pytest.raises(MergeRefused, match="merge into that record instead"):
        customer_merge(keep=merge, merge=third, by=people.officer, clock=clock)
    assert not Customer.objects.filter(pk=third.pk, merged_into__isnull=False).exists()


def test_only_those_who_take_casework_may_merge(people, clock):
    with pytest.raises(NotAllowed):
        customer_merge(
            keep=person(clock),
            merge=person(clock),
            by=people.data_protection_officer,
            clock=clock,
        )


def test_a_tombstone_is_never_suggested_as_a_duplicate(people, clock):
    keep, merge = person(clock, phone="0151 510 5000"), person(clock, phone="0151 510 5000")
    customer_merge(keep=keep, merge=merge, by=people.officer, clock=clock)
    found = customer_duplicates_list(phone="+44 151 510 5000")
    assert [duplicate.customer for duplicate in found] == [keep]


def test_the_relations_left_behind_are_only_the_records_own_history():
    left = {(model.__name__, name) for model, name in STAYS_WITH_RECORD}
    assert left == {
        ("CustomerEvent", "customer"),
        ("CustomerEvent", "other"),
        ("CustomerAccess", "customer"),
    }
    assert any(relation.related_model is Case for relation in _relations())


def test_each_case_of_the_merged_record_says_so_on_its_timeline(people, clock, client):
    keep = person(clock, phone="0151 510 5000")
    merge = person(clock, email="jo@example.org")
    kept_case = a_letter_and_an_email_for(keep, people, clock).case
    moved_case = letter_log(
        sender="Jo Jones",
        received_at=clock.now() - timedelta(days=2),
        customer=merge,
        by=people.officer,
        policy=HALTON,
        clock=clock,
    ).case

    customer_merge(keep=keep, merge=merge, by=people.officer, clock=clock)

    told = CaseEvent.objects.get(case=moved_case, kind=EventKind.CUSTOMER_MERGED)
    assert (told.actor, told.at, told.data) == (
        people.officer,
        clock.now(),
        {"merged": merge.pk, "kept": keep.pk},
    )
    assert not CaseEvent.objects.filter(case=kept_case, kind=EventKind.CUSTOMER_MERGED).exists()
    client.force_login(people.officer)
    page = client.get(reverse("cases:case", args=[moved_case.reference])).content.decode()
    assert "Two records of the customer were merged" in page
    assert f'href="{reverse("customers:customer", args=[keep.pk])}"' in page
