"""The data protection officer's pages, and the customer page's consent and
representatives, in Chromium (Playwright), checked by axe-core at desk (1280 px) and
phone (375 px) widths, none scrolling sideways at phone width: the open requests, a
subject access request with its export made, the disclosure log and a disclosure, the
breach log, a breach and its case, the breach report form with a mistake shown; an
erasure request held by a tenancy and open cases, and one not held, erased through its
form; the retention schedule with a dry run; a request to correct, a request to restrict
with a restriction started, and a Freedom of Information request decided; and the read
log filtered to a customer.

One test, one set of records and one signed-in browser for all of them (the live
server's first page alone takes seconds on a busy machine). With CAREDESK_SCREENSHOTS
set to a folder, each page is kept there at both widths, to be looked at by a person.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from caredesk.cases.models import Case, CaseKind, CaseStatus, Channel, PauseReason
from caredesk.cases.services import case_create, case_finish, case_wait_for_customer
from caredesk.conftest import People
from caredesk.core.clock import system_clock
from caredesk.core.tests.browser import (  # noqa: F401 (fixtures)
    assert_accessible,
    browser_fixture,
    enter_app_code,
    page_fixture,
    sign_in,
)
from caredesk.customers.consent import consent_record, consent_withdraw
from caredesk.customers.models import Customer, CustomerType, Restriction
from caredesk.customers.representatives import representative_record
from caredesk.customers.services import customer_create
from caredesk.mail.services import email_receive
from caredesk.privacy import subject_access as sar
from caredesk.privacy.breaches import breach_assess, breach_report
from caredesk.privacy.disclosures import disclosure_decide, disclosure_request_log
from caredesk.privacy.models import (
    Breach,
    BreachRisk,
    DisclosureRequest,
    InformationDecision,
    InformationRequest,
)
from caredesk.standards import load_policy

pytestmark = pytest.mark.django_db(transaction=True)
HALTON = load_policy("halton")
WIDTHS = {"desk": (1280, 900), "phone": (375, 812)}
# What sticks out past the phone's right edge (a table scrolls inside its own region).
WIDEST = """[...document.querySelectorAll('body *')]
  .filter((e) => e.getBoundingClientRect().right > 375 && !e.closest('.table-wrap *'))
  .slice(0, 4)
  .map((e) => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""


@pytest.fixture(autouse=True)
def stores(settings: Any, tmp_path: Path) -> None:
    settings.CAREDESK_MAIL_STORE = tmp_path / "store"
    settings.CAREDESK_POLICY = "halton"


def looked_at(page: Page, name: str) -> None:
    """Axe-clean at both widths; nothing wider than the phone's screen; kept as pictures
    when CAREDESK_SCREENSHOTS names a folder. Back at desk width after."""
    kept = os.environ.get("CAREDESK_SCREENSHOTS", "")
    for width_name, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        if kept:
            Path(kept).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{kept}/{name}-{width_name}.png", full_page=True)
        assert_accessible(page)
        if width_name == "phone":
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= width, (
                f"{page.url} is {wide} px wide on a {width} px phone: {page.evaluate(WIDEST)}"
            )
    page.set_viewport_size({"width": WIDTHS["desk"][0], "height": WIDTHS["desk"][1]})


@pytest.fixture
def records(people: People) -> dict[str, Any]:
    """A customer with consents, representatives, a police request decided and one
    waiting, a subject access request with its export made, an erasure request waiting
    for proof of identity; two breaches, one assessed. An applicant whose one enquiry is
    closed asks to be erased; another customer asks to correct their details, to
    restrict the use of their data, and for information under the FOI Act."""
    now = system_clock.now()
    officer, dpo = people.officer, people.data_protection_officer
    jo = customer_create(
        customer_type=CustomerType.TENANT,
        title="Ms",
        first_name="Jo",
        last_name="Jones",
        email="jo.jones@example.com",
        phone="01632 960001",
        address="12 Mersey Road\nRuncorn",
        postcode="WA7 1AA",
    )
    consent_record(
        customer=jo,
        purpose="partner_sharing",
        details="Halton Borough Council's welfare rights team",
        given_how="written",
        given_at=now - timedelta(days=30),
        evidence="Signed form, scanned on case HHT-2026-000001",
        by=officer,
    )
    newsletter = consent_record(
        customer=jo,
        purpose="marketing",
        given_how="online",
        given_at=now - timedelta(days=60),
        by=officer,
    )
    consent_withdraw(
        consent=newsletter,
        customer=jo,
        withdrawn_how="verbal",
        withdrawn_at=now - timedelta(days=5),
        evidence="Said so on the phone",
        by=officer,
    )
    ada = representative_record(
        customer=jo,
        name="Ada Okafor",
        kind="advocate",
        relationship="Citizens Advice Halton",
        covers_everything=False,
        matters=["rent", "repairs"],
        given_how="written",
        starts_at=now - timedelta(days=20),
        ends_at=now + timedelta(days=340),
        evidence="Letter of authority dated last month",
        by=officer,
    )
    police = disclosure_request_log(
        customer=jo,
        requester_kind="police",
        requester_name="DC Rhodes",
        requester_organisation="Cheshire Police",
        matter="antisocial",
        asked="Dates of the reports of noise; crime number CH/123/26",
        received_at=now - timedelta(days=3),
        by=officer,
    )
    advocate = disclosure_request_log(
        customer=jo,
        requester_kind="representative",
        requester_name="Ada Okafor",
        representative=ada,
        matter="rent",
        asked="The rent account for the last three months",
        received_at=now - timedelta(days=2),
        by=officer,
    )
    disclosure_decide(
        request=advocate,
        decision="full",
        basis="representative",
        reason="Jo Jones's advocate, with written authority for rent.",
        disclosed="The rent account for September to November",
        by=dpo,
    )
    message = (
        b"From: Jo Jones <jo.jones@example.com>\r\nTo: customer.services@halton.example\r\n"
        b"Subject: My boiler\r\nMessage-ID: <boiler@example.com>\r\n\r\n"
        b"The boiler has stopped again.\r\n"
    )
    email_receive(raw=message, source="test", policy=HALTON, clock=system_clock)
    request = case_create(
        kind=CaseKind.SUBJECT_ACCESS_REQUEST,
        channel=Channel.EMAIL,
        received_at=now - timedelta(days=4),
        subject="Please send me everything you hold about me",
        customer=jo,
        by=officer,
        policy=HALTON,
    )
    record = sar.subject_access_of(request)
    sar.export_ask(subject_access=record, by=dpo, clock=system_clock)
    made = sar.export_make(subject_access_id=record.pk, organisation="Halton", clock=system_clock)
    assert made is not None
    erasure = case_create(
        kind=CaseKind.ERASURE_REQUEST,
        channel=Channel.LETTER,
        received_at=now - timedelta(days=1),
        subject="Delete my old address",
        customer=jo,
        by=officer,
        policy=HALTON,
    )
    case_wait_for_customer(
        case=erasure, reason=PauseReason.IDENTITY_CHECK, by=officer, policy=HALTON
    )
    lost = breach_report(
        became_aware_at=now - timedelta(hours=30),
        what_happened="A rent statement for 41 Castle View was posted to 14 Castle View.",
        how_discovered="The neighbour brought it to the office.",
        by=officer,
        policy=HALTON,
        clock=system_clock,
    )
    breach_assess(
        breach=lost,
        what_happened=lost.what_happened,
        how_discovered=lost.how_discovered,
        data_categories=["contact", "financial"],
        data_affected="Name, address, rent balance",
        people_affected_count=1,
        people_affected="One tenant",
        risk_likelihood="remote",
        risk_severity="minimal",
        risk=BreachRisk.UNLIKELY,
        risk_reasoning="The neighbour returned it unopened.",
        containment="The letter was collected and shredded.",
        by=dpo,
        policy=HALTON,
        clock=system_clock,
    )
    breach_report(
        became_aware_at=now - timedelta(hours=2),
        what_happened="A laptop was left on the train.",
        by=officer,
        policy=HALTON,
        clock=system_clock,
    )
    sam = customer_create(
        customer_type=CustomerType.APPLICANT,
        first_name="Sam",
        last_name="Reed",
        email="sam.reed@example.com",
        phone="01632 960123",
    )
    enquiry = case_create(
        kind=CaseKind.GENERAL_ENQUIRY,
        channel=Channel.PHONE,
        received_at=now - timedelta(days=30),
        subject="Sam Reed asks about the waiting list",
        customer=sam,
        by=officer,
        policy=HALTON,
    )
    case_finish(case=enquiry, status=CaseStatus.CLOSED, by=officer)
    ama = customer_create(
        customer_type=CustomerType.TENANT,
        first_name="Ama",
        last_name="Boateng",
        email="ama.boateng@example.com",
        address="3 Palace Fields Avenue\nRuncorn",
        postcode="WA7 2QW",
    )
    asked: dict[str, Case] = {
        kind: case_create(
            kind=kind,
            channel=Channel.EMAIL,
            received_at=now - timedelta(days=2),
            subject=subject,
            customer=ama,
            by=officer,
            policy=HALTON,
        )
        for kind, subject in (
            (CaseKind.RECTIFICATION_REQUEST, "My first name is spelt wrongly: it is Amma"),
            (CaseKind.RESTRICTION_REQUEST, "Please stop using my address until you check it"),
            (CaseKind.FOI_REQUEST, "How many homes on Palace Fields had damp reported in 2026?"),
        )
    }
    return {
        "jo": jo,
        "request": request,
        "police": police,
        "lost": lost,
        "held": erasure,
        "sam": sam,
        "not_held": case_create(
            kind=CaseKind.ERASURE_REQUEST,
            channel=Channel.EMAIL,
            received_at=now,
            subject="Please delete my details",
            customer=sam,
            by=officer,
            policy=HALTON,
        ),
        "ama": ama,
        "correct": asked[CaseKind.RECTIFICATION_REQUEST],
        "restrict": asked[CaseKind.RESTRICTION_REQUEST],
        "foi": asked[CaseKind.FOI_REQUEST],
    }


def test_the_privacy_pages_at_desk_and_phone_widths(
    page: Page, live_server: Any, people: People, records: dict[str, Any]
) -> None:
    url = live_server.url
    jo: Customer = records["jo"]
    request: Case = records["request"]
    police: DisclosureRequest = records["police"]
    lost: Breach = records["lost"]
    page.set_default_timeout(30_000)  # the live server's first page is slow on a busy machine
    page.set_viewport_size({"width": WIDTHS["desk"][0], "height": WIDTHS["desk"][1]})
    sign_in(page, url, people.data_protection_officer.username)
    enter_app_code(page, people.data_protection_officer.username)  # two-factor sign-in

    page.goto(f"{url}{reverse('privacy:requests')}")
    expect(page.get_by_role("heading", name="Requests about personal information")).to_be_visible()
    expect(page.get_by_text("Clock stopped")).to_be_visible()
    looked_at(page, "requests")

    page.get_by_role("link", name=request.reference).click()
    expect(page.get_by_role("heading", name="Jo Jones's personal information")).to_be_visible()
    expect(page.get_by_role("link", name="Download the export")).to_be_visible()
    looked_at(page, "subject-access")

    page.goto(f"{url}{reverse('privacy:disclosures')}")
    expect(page.get_by_role("heading", name="Disclosure log")).to_be_visible()
    looked_at(page, "disclosure-log")
    page.goto(f"{url}{reverse('privacy:disclosure', args=[police.pk])}")
    expect(page.get_by_text("DC Rhodes").first).to_be_visible()
    looked_at(page, "disclosure")

    page.goto(f"{url}{reverse('privacy:breaches')}")
    expect(page.get_by_role("heading", name="Data breaches")).to_be_visible()
    looked_at(page, "breach-log")
    page.goto(f"{url}{reverse('privacy:breach', args=[lost.pk])}")
    looked_at(page, "breach")
    page.goto(f"{url}{reverse('cases:case', args=[lost.case.reference])}")
    page.get_by_role("link", name="Go to the breach's page to decide or close it").click()
    expect(page).to_have_url(f"{url}{reverse('privacy:breach', args=[lost.pk])}")

    page.goto(f"{url}{reverse('privacy:breach_report')}")
    page.get_by_role("button", name="Tell the data protection officer").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.get_by_role("alert")).to_contain_text("Write what happened")
    looked_at(page, "breach-report-error")

    # an erasure request held: Jo is a tenant, and her subject access request is open
    page.goto(f"{url}{reverse('privacy:erasure', args=[records['held'].reference])}")
    held = page.get_by_role("alert")
    expect(held).to_contain_text("Their data cannot be erased yet")
    expect(held).to_contain_text("we need their details while the tenancy or lease lasts")
    expect(held.get_by_role("link", name=re.compile(request.reference))).to_be_visible()
    expect(page.get_by_role("button", name="Erase their personal data")).to_have_count(0)
    looked_at(page, "erasure-held")

    # one not held, erased through its form once Sam has been told
    sam: Customer = records["sam"]
    page.goto(f"{url}{reverse('privacy:erasure', args=[records['not_held'].reference])}")
    expect(page.get_by_text("Nothing: no tenancy or lease")).to_be_visible()
    looked_at(page, "erasure")
    erase = page.get_by_role("form", name="Erase")
    erase.get_by_label("By email").check()
    erase.get_by_label("I understand this cannot be undone").check()
    erase.get_by_role("button", name="Erase their personal data").click()
    expect(page.get_by_role("heading", name="Erased customer")).to_be_visible()
    expect(page.locator(".messages")).to_contain_text("Their personal data is erased")
    expect(page.get_by_text("Their personal data was erased on")).to_be_visible()
    expect(page.get_by_text("Sam Reed")).to_have_count(0)
    looked_at(page, "erasure-done")
    sam.refresh_from_db()
    assert sam.erased_at is not None
    assert Case.objects.get(pk=records["not_held"].pk).status == CaseStatus.RESOLVED

    # the retention schedule, and what it would do now
    page.goto(f"{url}{reverse('privacy:retention')}")
    expect(page.get_by_text("It has not run yet.")).to_be_visible()
    page.get_by_role("button", name="Show what it would do").click()
    figures = page.get_by_role("region", name="What it would do now")
    expect(figures.get_by_role("table")).to_be_visible()
    expect(
        figures.get_by_role("rowheader", name="Customers whose dealings with us ended")
    ).to_be_visible()
    expect(page.get_by_text("Nothing has been changed.")).to_be_visible()
    expect(page.get_by_role("region", name="Runs")).to_contain_text("Dry run by")
    looked_at(page, "retention-dry-run")

    # Ama's request to correct, with its answer form
    page.goto(f"{url}{reverse('privacy:rectification', args=[records['correct'].reference])}")
    expect(
        page.get_by_role("heading", name="Ama Boateng's request to correct their details")
    ).to_be_visible()
    expect(page.get_by_role("form", name="Answer the customer")).to_be_visible()
    looked_at(page, "rectification")

    # her request to restrict, and a restriction started from its page
    page.goto(f"{url}{reverse('privacy:restriction', args=[records['restrict'].reference])}")
    looked_at(page, "restriction")
    restrict = page.get_by_role("form", name="Restrict the use of their data")
    restrict.get_by_label("They say their data is wrong").check()
    restrict.get_by_label("What is restricted, and why?").fill(
        "Her address, while we check it with the council."
    )
    restrict.get_by_role("button", name="Restrict the use of their data").click()
    expect(page.locator(".messages")).to_contain_text("The use of their data is restricted")
    under = page.get_by_role("list", name="Restrictions under this request")
    expect(under).to_contain_text("In force")
    expect(under).to_contain_text("Her address, while we check it with the council.")
    looked_at(page, "restriction-started")
    assert Restriction.objects.filter(
        customer=records["ama"], request_reference=records["restrict"].reference
    ).exists()

    # her Freedom of Information request, decided through its form
    foi: Case = records["foi"]
    page.goto(f"{url}{reverse('privacy:information', args=[foi.reference])}")
    expect(page.get_by_role("heading", name=foi.subject)).to_be_visible()
    looked_at(page, "information")
    decide = page.get_by_role("form", name="The decision")
    decide.get_by_label("Given in part, the rest refused").check()
    decide.get_by_label("What did we give them?").fill("The number of homes, by month.")
    decide.get_by_label("Which exemption or exception?").fill("Section 40(2)")
    decide.get_by_label("Why? (if we refused").fill("The addresses would identify households.")
    decide.get_by_label("By email").check()
    decide.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".messages")).to_contain_text("The decision is recorded.")
    expect(page.get_by_role("form", name="Review")).to_be_visible()
    looked_at(page, "information-decided")
    decided = InformationRequest.objects.get(case=foi)
    assert decided.decision == InformationDecision.PART
    assert decided.decided_by == people.data_protection_officer

    # the read log, filtered to Ama: the officer's reads of her requests
    page.goto(f"{url}{reverse('privacy:reads')}")
    page.get_by_label("Customer", exact=True).fill("Boateng")
    page.get_by_role("button", name="Show reads").click()
    expect(page.get_by_text("Reads of Ama Boateng")).to_be_visible()
    reads = page.get_by_role("region", name="Reads, the newest first")
    for what in (
        f"request to restrict {records['restrict'].reference}",
        f"request for information {foi.reference}",
    ):
        expect(reads.get_by_role("cell", name=what).first).to_be_visible()
    expect(reads.get_by_role("cell", name="Jo Jones")).to_have_count(0)
    looked_at(page, "reads-filtered")

    # the customer page's consent and representatives, as an officer sees them (with
    # the forms to record more), the form to record a consent opened
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, url, people.officer.username)
    page.goto(f"{url}{reverse('customers:customer', args=[jo.pk])}#consent")
    consent = page.locator("#consent")
    expect(consent.get_by_role("strong").first).to_contain_text("welfare rights team")
    consent.get_by_text("Record a consent").click()
    representatives = page.locator("#representatives")
    expect(representatives.get_by_text("Ada Okafor", exact=True)).to_be_visible()
    expect(representatives.get_by_text("In force", exact=True)).to_be_visible()
    looked_at(page, "customer")
