"""The annual complaints report's pages (complaints.annual_report_views), with the
Django test client: the years and when each is due, assessing a provision (errors named
for the provision), writing the learning and the governing body's response, publishing,
the PDF, and the published report at its public address without signing in."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from caredesk.complaints.annual_report import report_part_record, self_assessment_record
from caredesk.complaints.code_provisions import code_provisions
from caredesk.complaints.models import AnnualComplaintsReport, CodeSelfAssessment
from caredesk.conftest import People, SettableClock, StaffClient

NOW = datetime(2025, 6, 20, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fixed_time() -> Iterator[None]:
    """The pages read the system's clock: 20 June 2025, noon (the `clock` fixture's)."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def manager(client: StaffClient, people: People) -> People:
    client.force_login(people.line_manager)
    return people


def test_the_list_shows_each_year_and_when_its_report_is_due(
    client: StaffClient, manager: People
) -> None:
    page = client.get(reverse("complaints:annual_reports")).content.decode()
    assert "2024 to 2025" in page
    assert "2025 to 2026" in page
    assert "The 2024 to 2025 annual complaints report is due by 30 September 2025." in page
    assert "we have 7,300 homes, over 1,000" in page


def test_an_officer_may_not_open_it(client: StaffClient, people: People) -> None:
    client.force_login(people.officer)
    assert client.get(reverse("complaints:annual_reports")).status_code == 403


def test_assessing_a_provision_says_what_is_missing_then_saves_it(
    client: StaffClient, manager: People
) -> None:
    address = reverse("complaints:annual_provision", args=[2024, "5.10"])
    page = client.get(address)
    assert "Reasonable adjustments are agreed, recorded" in page.content.decode()

    refused = client.post(address, {"evidence": ""})
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "<title>Error: Provision 5.10" in text
    assert "Select yes if we comply with provision 5.10, or no if we do not" in text

    refused = client.post(address, {"complies": "no", "evidence": "Audit 2024"})
    assert "Explain why we do not comply with provision 5.10, and by when we will" in (
        refused.content.decode()
    )

    done = client.post(
        address, {"complies": "no", "evidence": "Audit 2024", "commentary": "Training by May."}
    )
    assert done.status_code == 302
    assert done["Location"].endswith("/complaints/annual/2024/#provision-5-10")
    kept = CodeSelfAssessment.objects.get(report__year=2024, provision="5.10")
    assert (kept.complies, kept.evidence, kept.updated_by) == (
        False,
        "Audit 2024",
        manager.line_manager,
    )
    report = client.get(reverse("complaints:annual_report", args=[2024])).content.decode()
    assert "Does not comply" in report
    assert "Training by May." in report
    assert "Self-assessment of 5.10: complies: no, evidence, commentary" in report


def test_an_unknown_provision_or_year_is_not_found(client: StaffClient, manager: People) -> None:
    assert (
        client.get(reverse("complaints:annual_provision", args=[2024, "10.1"])).status_code == 404
    )
    assert client.get(reverse("complaints:annual_report", args=[2023])).status_code == 404
    assert client.get(reverse("complaints:annual_report", args=[2026])).status_code == 404


def test_the_whole_report_is_written_published_and_read_by_anyone(
    client: StaffClient, manager: People, clock: SettableClock
) -> None:
    public = reverse("complaints:annual_public", args=[2024])
    assert client.get(public).status_code == 404  # nothing published yet

    for provision in code_provisions().all():
        self_assessment_record(
            year=2024,
            provision=provision.number,
            complies=True,
            evidence="Our policy",
            commentary="",
            by=manager.line_manager,
            clock=clock,
        )
    client.post(reverse("complaints:annual_learning", args=[2024]), {"text": "We call back."})
    refused = client.post(reverse("complaints:annual_publish", args=[2024]), {"action": "publish"})
    assert refused.status_code == 302
    shown = client.get(reverse("complaints:annual_report", args=[2024])).content.decode()
    assert "Enter the governing body&#x27;s response." in shown
    assert AnnualComplaintsReport.objects.get(year=2024).published_at is None

    client.post(
        reverse("complaints:annual_response", args=[2024]),
        {"text": "The Board welcomed the report on 1 May 2025."},
    )
    client.post(reverse("complaints:annual_publish", args=[2024]), {"action": "publish"})
    assert AnnualComplaintsReport.objects.get(year=2024).published_at == NOW

    client.logout()
    page = client.get(public)
    assert page.status_code == 200
    text = page.content.decode()
    assert "We comply with 72 of the Code's 72 provisions" in text
    assert "The Board welcomed the report on 1 May 2025." in text
    assert "Lena" not in text  # who entered it stays on the desk
    pdf = client.get(reverse("complaints:annual_public_pdf", args=[2024]))
    assert pdf["Content-Type"] == "application/pdf"
    assert 'filename="complaints-annual-report-2024-2025.pdf"' in pdf["Content-Disposition"]
    assert client.get(reverse("complaints:annual_report", args=[2024])).status_code == 302


def test_the_desk_pdf_is_a_draft_until_published(
    client: StaffClient, manager: People, clock: SettableClock
) -> None:
    report_part_record(year=2025, part="learning", text="x", by=manager.line_manager, clock=clock)
    pdf = client.get(reverse("complaints:annual_pdf", args=[2025]))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF-")
    assert "draft.pdf" in pdf["Content-Disposition"]


def test_the_menu_links_the_reports_for_those_who_manage_complaints_only(
    client: StaffClient, people: People
) -> None:
    link = f'href="{reverse("complaints:annual_reports")}"'
    client.force_login(people.officer)
    assert link not in client.get(reverse("cases:my_work")).content.decode()
    client.force_login(people.line_manager)
    page = client.get(reverse("complaints:annual_report", args=[2025])).content.decode()
    assert f'<a {link} aria-current="page">Complaints report</a>' in page
