"""One customer panel, from one selector and one template, on the case page, the reply
page and Log a contact: the needs first, and never "no needs" for a Braille reader."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caredesk.cases.customer_panel import OPEN_CASES_SHOWN, customer_panel_get
from caredesk.conftest import customer_case, letter_writer
from caredesk.customers.models import AccessibleFormat, ContactChannel, CustomerAccess

TEMPLATES = Path(__file__).parents[2]


@pytest.fixture
def braille_case(people, clock):
    letter_writer(people)
    return customer_case(
        people,
        clock,
        subject="Rent statement",
        accessible_format=AccessibleFormat.BRAILLE,
        interpreter_needed=True,
        language="Polish",
        preferred_channel=ContactChannel.LETTER,
    )


def pages(case):
    return [
        reverse("cases:case", args=[case.reference]),
        reverse("mail:reply", args=[case.reference]),
        reverse("cases:log_contact") + f"?customer={case.customer.pk}",
    ]


def test_the_three_pages_include_the_one_panel_template():
    including = {
        path.relative_to(TEMPLATES).as_posix()
        for path in TEMPLATES.glob("*/templates/**/*.html")
        if '"cases/customer_panel.html"' in path.read_text()
    }
    assert {
        "cases/templates/cases/case.html",
        "cases/templates/cases/log_contact.html",
        "mail/templates/mail/write_reply.html",
    } <= including
    assert not list(TEMPLATES.glob("*/templates/**/customer_card.html"))


def test_a_braille_reader_is_never_said_to_have_no_needs_on_any_page(client, people, braille_case):
    client.force_login(people.officer)
    for url in pages(braille_case):
        html = client.get(url).content.decode()
        assert "Needs letters and information in braille" in html, url
        assert "Needs an interpreter" in html, url
        assert "Prefers contact by letter" in html, url
        assert "No needs recorded" not in html, url
        assert "no special needs" not in html.lower(), url
    # every page logged its read of the customer
    assert CustomerAccess.objects.filter(customer=braille_case.customer).count() >= 3


def test_a_customer_with_no_needs_is_said_so_plainly(client, people, clock):
    case = customer_case(people, clock)
    client.force_login(people.officer)
    html = client.get(reverse("cases:case", args=[case.reference])).content.decode()
    assert "No needs recorded: standard print, in English" in html


def test_the_panel_lists_other_open_cases_capped_with_a_count_in_three_queries(people, clock):
    first = customer_case(people, clock, subject="Case 0")
    for number in range(1, OPEN_CASES_SHOWN + 3):
        case = customer_case(people, clock, subject=f"Case {number}")
        case.customer = first.customer
        case.save()
    with CaptureQueriesContext(connection) as queries:
        panel = customer_panel_get(customer=first.customer, exclude_case=first)
    assert len(queries) <= 3
    assert len(panel.open_cases) == OPEN_CASES_SHOWN
    assert panel.open_cases_count == OPEN_CASES_SHOWN + 2
    assert panel.more_open_cases == 2
    assert first not in panel.open_cases


def test_without_a_customer_the_panel_says_so():
    panel = customer_panel_get(customer=None)
    assert panel.customer is None
    assert panel.needs == []
    assert panel.open_cases == []
