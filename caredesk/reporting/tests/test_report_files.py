"""Reports' PDFs made in the background: asked for, claimed once, stepped through, shown
with a progress bar (htmx asks again; without JavaScript, a link to refresh), downloaded
by the person who asked and nobody else."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.urls import reverse

from caredesk.conftest import SettableClock, make_staff
from caredesk.reporting.models import ReportFile, ReportFileKind, ReportFileStatus
from caredesk.reporting.report_files import (
    STALLED_MESSAGE,
    report_file_claim,
    report_file_request,
    report_files_stalled_fail,
    report_files_to_see_to,
)
from caredesk.reporting.report_makers import report_file_make
from caredesk.staff.models import Role, StaffMember

NOW = datetime(2025, 7, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def analyst(db: None) -> StaffMember:
    return make_staff("ana_analyst", Role.PERFORMANCE_ANALYST)


def a_file(by: StaffMember, status: ReportFileStatus, **fields: Any) -> ReportFile:
    return ReportFile.objects.create(
        kind=ReportFileKind.BOARD_PACK,
        parameters={"month": "2025-06-01"},
        requested_by=by,
        requested_at=NOW,
        status=status,
        **fields,
    )


def test_asking_queues_the_making_once_the_request_is_saved(
    analyst: StaffMember, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks() as queued:
        report_file = report_file_request(
            kind=ReportFileKind.BOARD_PACK,
            parameters={"month": "2025-06-01"},
            by=analyst,
            clock=SettableClock(NOW),
        )
    assert report_file.status == ReportFileStatus.WAITING
    assert len(queued) == 1


def test_a_file_is_claimed_once(analyst: StaffMember) -> None:
    waiting = a_file(analyst, ReportFileStatus.WAITING)
    clock = SettableClock(NOW)
    claimed = report_file_claim(report_file_id=waiting.pk, clock=clock)
    assert claimed is not None
    assert claimed.status == ReportFileStatus.COUNTING
    assert report_file_claim(report_file_id=waiting.pk, clock=clock) is None
    assert report_file_make(report_file_id=waiting.pk, clock=clock) is None


def test_a_file_that_cannot_be_made_says_so_without_the_details(
    analyst: StaffMember, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**_: Any) -> None:
        raise RuntimeError("connection to 10.0.0.5 refused")

    monkeypatch.setattr("caredesk.reporting.report_makers.board_pack", broken)
    waiting = a_file(analyst, ReportFileStatus.WAITING)
    status = report_file_make(report_file_id=waiting.pk, clock=SettableClock(NOW))
    assert status == ReportFileStatus.FAILED
    waiting.refresh_from_db()
    assert waiting.error.startswith("Sorry, there was a problem making the report.")
    assert "10.0.0.5" not in waiting.error


def test_a_file_left_half_made_by_a_stopped_worker_fails_after_a_while(
    analyst: StaffMember,
) -> None:
    stalled = a_file(analyst, ReportFileStatus.PRINTING, started_at=NOW - timedelta(hours=1))
    recent = a_file(analyst, ReportFileStatus.PRINTING, started_at=NOW - timedelta(minutes=1))
    to_see_to = report_files_to_see_to(clock=SettableClock(NOW))
    assert to_see_to.stalled_ids == [stalled.pk]
    assert report_files_stalled_fail(report_file_ids=[stalled.pk], clock=SettableClock(NOW)) == 1
    stalled.refresh_from_db()
    recent.refresh_from_db()
    assert (stalled.status, stalled.error) == (ReportFileStatus.FAILED, STALLED_MESSAGE)
    assert recent.status == ReportFileStatus.PRINTING


def test_while_it_is_made_the_page_shows_its_progress_and_asks_again(
    client: Any, analyst: StaffMember
) -> None:
    a_file(analyst, ReportFileStatus.PRINTING, started_at=NOW)
    client.force_login(analyst)
    page = client.get(reverse("reporting:board_file")).content.decode()
    assert '<progress id="report-file-bar" max="3" value="2">' in page
    assert "Laying out the pages." in page
    assert 'hx-trigger="every 1s"' in page
    assert f'<a href="{reverse("reporting:board_file")}">Refresh this page</a>' in page
    panel = client.get(reverse("reporting:board_file"), headers={"HX-Request": "true"})
    assert panel.content.decode().lstrip().startswith("<div")  # only the panel
    assert "<html" not in panel.content.decode()


def test_once_ready_the_page_stops_asking_and_offers_the_download(
    client: Any, analyst: StaffMember
) -> None:
    a_file(
        analyst,
        ReportFileStatus.READY,
        content=b"%PDF-1.7 board",
        file_name="board-pack-2025-06.pdf",
    )
    client.force_login(analyst)
    panel = client.get(reverse("reporting:board_file"), headers={"HX-Request": "true"})
    text = panel.content.decode()
    assert "hx-trigger" not in text
    assert "The PDF is ready." in text  # the status line, announced once
    assert "Download board-pack-2025-06.pdf" in text
    download = client.get(reverse("reporting:board_file"), {"download": "1"})
    assert download.content == b"%PDF-1.7 board"
    assert 'filename="board-pack-2025-06.pdf"' in download["Content-Disposition"]


def test_nobody_else_sees_or_downloads_the_file(client: Any, analyst: StaffMember) -> None:
    a_file(analyst, ReportFileStatus.READY, content=b"%PDF-1.7 mine", file_name="mine.pdf")
    client.force_login(make_staff("lena_manager", Role.LINE_MANAGER))
    page = client.get(reverse("reporting:board_file"), {"download": "1"})
    assert page["Content-Type"].startswith("text/html")
    assert "You have not asked for one yet." in page.content.decode()
    assert "mine.pdf" not in page.content.decode()


def test_an_officer_may_not_ask_for_or_see_the_files(client: Any, people: Any) -> None:
    client.force_login(people.officer)
    assert client.post(reverse("reporting:board_pdf")).status_code == 403
    assert client.get(reverse("reporting:board_file")).status_code == 403
    assert client.get(reverse("reporting:equality_file")).status_code == 403


def making_recorded(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The ids of the files made, in order (each made at once, as a tiny PDF)."""
    made: list[int] = []

    def make(report_file: ReportFile, clock: Any) -> tuple[bytes, str]:
        made.append(report_file.pk)
        return b"%PDF", "pack.pdf"

    monkeypatch.setattr("caredesk.reporting.report_makers._make", make)
    return made


def test_the_sweep_leaves_a_file_just_asked_for_to_its_task(
    analyst: StaffMember, monkeypatch: pytest.MonkeyPatch
) -> None:
    from caredesk.reporting.report_makers import report_files_make_waiting

    made = making_recorded(monkeypatch)
    waiting = a_file(analyst, ReportFileStatus.WAITING)
    # a minute after it was asked for: the task's to make
    assert report_files_make_waiting(clock=SettableClock(NOW + timedelta(minutes=1))) == 0
    assert ReportFile.objects.get(pk=waiting.pk).status == ReportFileStatus.WAITING
    # six minutes after: its task was lost, so the sweep makes it
    assert report_files_make_waiting(clock=SettableClock(NOW + timedelta(minutes=6))) == 1
    assert made == [waiting.pk]
    assert ReportFile.objects.get(pk=waiting.pk).status == ReportFileStatus.READY


def test_the_sweep_makes_one_lost_file_a_pass_oldest_first(
    analyst: StaffMember, monkeypatch: pytest.MonkeyPatch
) -> None:
    from caredesk.reporting.report_makers import report_files_make_waiting

    made = making_recorded(monkeypatch)
    first, second = (a_file(analyst, ReportFileStatus.WAITING) for _ in range(2))
    later = SettableClock(NOW + timedelta(minutes=10))
    assert report_files_make_waiting(clock=later) == 1
    assert made == [first.pk]
    assert report_files_make_waiting(clock=later) == 1
    assert made == [first.pk, second.pk]
    assert report_files_make_waiting(clock=later) == 0


def test_the_sweep_claims_before_it_makes_and_leaves_a_file_its_task_took(
    analyst: StaffMember, monkeypatch: pytest.MonkeyPatch
) -> None:
    from caredesk.reporting import report_makers
    from caredesk.reporting.report_files import FilesToSeeTo

    waiting = a_file(analyst, ReportFileStatus.WAITING)
    later = SettableClock(NOW + timedelta(minutes=10))
    found = report_files_to_see_to

    def task_takes_it_meanwhile(*, clock: Any) -> FilesToSeeTo:
        to_see_to = found(clock=clock)
        assert to_see_to.lost_id == waiting.pk
        assert report_file_claim(report_file_id=waiting.pk, clock=clock) is not None
        return to_see_to

    monkeypatch.setattr(report_makers, "report_files_to_see_to", task_takes_it_meanwhile)
    monkeypatch.setattr(report_makers, "_make", lambda *_: pytest.fail("made twice"))
    assert report_makers.report_files_make_waiting(clock=later) == 0
