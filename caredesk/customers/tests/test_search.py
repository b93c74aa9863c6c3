"""customers_search: any part of a name in any order, organisation, phone, postcode and
email however typed; merged records left out; kept up to date by the database (run on
SQLite and on PostgreSQL: the indexes differ, the answers must not)."""

from typing import Any

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caredesk.customers.models import Customer, CustomerEventSource, CustomerType
from caredesk.customers.selectors import customers_search
from caredesk.customers.services import customer_create, customer_update

pytestmark = pytest.mark.django_db


def person(first: str = "", last: str = "", **details: Any) -> Customer:
    return customer_create(
        customer_type=CustomerType.TENANT, first_name=first, last_name=last, **details
    )


def names(text: str) -> list[str]:
    return [c.name for c in customers_search(text=text)]


def test_the_start_of_a_surname_finds_every_surname_that_begins_so():
    harris, harrison = person("Ann", "Harris"), person("Bob", "Harrison")
    person("Cat", "Hartley")
    found = list(customers_search(text="Harr"))
    assert set(found) == {harris, harrison}


def test_words_in_any_order_each_the_start_of_a_name():
    person("John", "Smith")
    person("Johnny", "Smith")
    person("John", "Smithers")
    person("John", "Jones")
    person("Jane", "Smith")
    assert set(names("john smi")) == {"John Smith", "Johnny Smith", "John Smithers"}
    assert set(names("smith john")) == {"John Smith", "Johnny Smith", "John Smithers"}
    assert set(names("jones j")) == {"John Jones"}
    assert set(names("SMITH, Johnny")) == {"Johnny Smith"}


def test_an_exact_surname_comes_before_longer_surnames_and_first_names():
    person("Smith", "Jones")  # a first name that starts like the surname searched for
    person("Ann", "Smithers")
    person("Ann", "Smith")
    assert names("smith") == ["Ann Smith", "Ann Smithers", "Smith Jones"]


def test_names_are_not_stemmed_and_accents_and_apostrophes_do_not_matter():
    person("Siobhán", "O'Brien-Hughes")
    person("Ann", "Hughe")
    assert names("siobhán brien") == ["Siobhán O'Brien-Hughes"]
    assert names("o'brien") == ["Siobhán O'Brien-Hughes"]
    assert names("hughes") == ["Siobhán O'Brien-Hughes"]


def test_a_name_is_found_with_or_without_its_accents():
    person("Zoë", "Brontë")
    person("Zoe", "Bronte")
    assert set(names("zoe")) == {"Zoë Brontë", "Zoe Bronte"}
    assert set(names("Zoë bront")) == {"Zoë Brontë", "Zoe Bronte"}
    person("Siobhán", "O'Brien")
    assert names("siobhan") == ["Siobhán O'Brien"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigrams are PostgreSQL's")
def test_a_near_miss_of_a_name_is_found_whatever_its_accents():
    zoe = person("Zoë", "Brontë")
    assert list(customers_search(text="Brontte")) == [zoe]


def test_an_organisation_by_any_of_its_words():
    agency = customer_create(
        customer_type=CustomerType.OTHER, organisation="Halton Citizens Advice"
    )
    assert list(customers_search(text="citizens adv")) == [agency]


@pytest.mark.parametrize(
    "typed", ["01928 123456", "01928123456", "+44 1928 123456", "+441928-123-456", "0192 812 3456"]
)
def test_a_phone_number_however_it_is_typed(typed):
    aisha = person("Aisha", "Begum", phone="01928 123456")
    assert list(customers_search(text=typed)) == [aisha]


@pytest.mark.parametrize("typed", ["WA7 1AB", "wa71ab", " wa7  1ab ", "WA7"])
def test_a_postcode_however_it_is_typed_or_its_outward_code(typed):
    aisha = person("Aisha", "Begum", postcode="WA7 1AB")
    person("Other", "Person", postcode="WA8 1AB")
    assert list(customers_search(text=typed)) == [aisha]


@pytest.mark.parametrize(
    "typed", ["aisha.begum@example.net", "AISHA.BEGUM@EXAMPLE.NET", "aisha.be"]
)
def test_an_email_address_or_its_start(typed):
    aisha = person("Aisha", "Begum", email="aisha.begum@example.net")
    assert list(customers_search(text=typed)) == [aisha]


def test_a_record_merged_into_another_is_left_out():
    kept, tombstone = person("Grace", "Nwosu"), person("Grace", "Nwosu")
    Customer.objects.filter(pk=tombstone.pk).update(merged_into=kept)
    assert list(customers_search(text="grace nwo")) == [kept]


def test_a_change_of_name_is_found_at_once_and_the_old_name_no_longer_is():
    # given
    customer = person("Mary", "Jones")
    # when
    customer_update(
        customer=customer,
        changes={"last_name": "Okafor"},
        by=None,
        source=CustomerEventSource.DESK,
    )
    # then
    assert list(customers_search(text="okaf")) == [customer]
    assert list(customers_search(text="jones")) == []


def test_a_bulk_update_and_a_deletion_are_followed_by_the_index():
    customer = person("Mary", "Jones")
    Customer.objects.filter(pk=customer.pk).update(first_name="Marigold")
    assert list(customers_search(text="marig jon")) == [customer]
    Customer.objects.filter(pk=customer.pk).delete()
    assert list(customers_search(text="marig")) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigrams are PostgreSQL's")
def test_a_near_miss_of_a_name_is_found_when_nothing_else_is():
    harrison = person("Bob", "Harrison")
    assert list(customers_search(text="Harison")) == [harrison]
    assert list(customers_search(text="Harr")) == [harrison]


def test_nothing_typed_finds_nobody():
    person("Ann", "Smith")
    assert list(customers_search(text="   ")) == []
    assert list(customers_search(text="-- '' ")) == []


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=60).map(lambda t: t.replace("\x00", "")))
def test_any_text_is_searched_without_an_error(text):
    # no operator, quote or bracket typed can break the full-text query
    list(customers_search(text=text)[:5])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's indexes")
@pytest.mark.parametrize(
    ("typed", "index"),
    [
        ("john smi", "customer_names_words"),
        ("Harison", "customer_names_trigrams"),
        ("aisha.be", "customer_email_prefix"),
        ("WA7", "customer_postcode_prefix"),
    ],
)
def test_the_search_uses_the_indexes_of_migration_0005(typed, index):
    # The selector must write each expression exactly as its index does, or PostgreSQL
    # reads every customer. With sequential scans off, the plan shows which it can use.
    person("John", "Smith", email="aisha.begum@example.net", postcode="WA7 1AB")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        # On a table of one row the planner would rather walk the tombstones' index (rolled
        # back with the test's transaction).
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'customers_customer' "
            "AND indexdef LIKE '%%(merged_into_id)%%'"
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{name}"')
        plan = customers_search(text=typed).explain()
    assert index in plan, plan
