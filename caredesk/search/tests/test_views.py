"""The search page: one box for customers and cases, the words found marked, every
customer shown logged, a whole reference straight to its case."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from caredesk.cases.models import CaseKind, Channel
from caredesk.cases.services import case_create, note_add
from caredesk.customers.models import CustomerAccess, CustomerType
from caredesk.customers.services import customer_create

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


@pytest.fixture
def harrison(db):
    return customer_create(
        customer_type=CustomerType.TENANT,
        first_name="Harriet",
        last_name="Harrison",
        postcode="WA7 1AB",
    )


def case_for(people, customer, subject):
    return case_create(
        kind=CaseKind.GENERAL_ENQUIRY,
        channel=Channel.PHONE,
        received_at=NOW - timedelta(days=1),
        subject=subject,
        customer=customer,
        assign_to=people.officer,
        by=people.officer,
    )


def search(client, person, text, **headers):
    client.force_login(person)
    return client.get(reverse("search:search"), {"q": text}, **headers)


def test_a_name_prefix_lists_the_customer_with_the_words_marked(client, people, harrison):
    page = search(client, people.officer, "harr").content.decode()
    assert reverse("customers:customer", args=[harrison.pk]) in page
    assert "<mark>Harriet</mark> <mark>Harrison</mark>" in page


def test_every_customer_shown_is_logged_and_nobody_else(client, people, harrison):
    other = customer_create(customer_type=CustomerType.TENANT, first_name="Zoe", last_name="Ng")
    case = case_for(people, other, "Broken gate")
    note_add(case=case, text="Gate hinge snapped", by=people.officer)
    search(client, people.officer, "harr")
    search(client, people.officer, "hinge")
    logged = set(CustomerAccess.objects.values_list("customer_id", "staff_id", "what"))
    assert logged == {
        (harrison.pk, people.officer.pk, "search results"),
        (other.pk, people.officer.pk, "search results"),
    }


def test_a_case_found_by_its_words_shows_where_with_an_escaped_excerpt(client, people):
    case = case_for(people, None, "Noise")
    note_add(case=case, text="Neighbour plays <script>drums</script> at night", by=people.officer)
    page = search(client, people.officer, "drums").content.decode()
    assert case.reference in page
    assert "Note:" in page
    assert "&lt;script&gt;<mark>drums</mark>&lt;/script&gt;" in page
    assert "<script>drums" not in page


def test_a_whole_reference_opens_the_case_and_htmx_lists_it_instead(client, people):
    case = case_for(people, None, "Noise")
    response = search(client, people.officer, case.reference.lower())
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:case", args=[case.reference])
    listed = search(client, people.officer, case.reference, HTTP_HX_REQUEST="true")
    assert listed.status_code == 200
    assert case.reference in listed.content.decode()
    assert "<html" not in listed.content.decode()  # only the results, for htmx to swap in


def test_more_than_fifty_says_so(client, people):
    for number in range(51):
        customer_create(
            customer_type=CustomerType.TENANT, first_name="Sam", last_name=f"Lee{number}"
        )
    page = search(client, people.officer, "sam").content.decode()
    assert "Showing the first 50 customers. Refine your search to find others." in page
    assert page.count('href="/customers/') == 50


def test_nothing_found_says_so_in_plain_words(client, people):
    page = search(client, people.officer, "zzzz").content.decode()
    assert "No customers found." in page
    assert "No cases found." in page


def test_the_header_has_a_search_box_for_those_who_may_read_cases(client, people):
    client.force_login(people.officer)
    page = client.get(reverse("cases:my_work")).content.decode()
    assert 'id="header-search"' in page
    assert f'action="{reverse("search:search")}"' in page


def test_someone_who_may_not_read_cases_cannot_search(client, db):
    from caredesk.conftest import make_staff
    from caredesk.staff.models import Role

    analyst = make_staff("ana_analyst", Role.PERFORMANCE_ANALYST)
    assert search(client, analyst, "harr").status_code == 403
