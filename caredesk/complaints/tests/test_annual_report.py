"""The annual complaints performance and service improvement report
(complaints.annual_report): when it is due across years, the self-assessment kept per
year with every change audited, publishing, the report read with the year's figures, and
its tagged PDF. Run on SQLite and on PostgreSQL (DATABASE_URL)."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader

from caredesk.cases.models import Case, CaseKind, Channel
from caredesk.cases.services import case_create
from caredesk.complaints.annual_report import (
    AnnualReportError,
    annual_report_read,
    publish_problems,
    report_due,
    report_part_record,
    report_publish,
    report_withdraw,
    self_assessment_record,
    year_first_last,
    year_of,
)
from caredesk.complaints.annual_report_pdf import annual_report_pdf
from caredesk.complaints.code_provisions import code_provisions
from caredesk.complaints.models import AnnualComplaintsReport, AnnualReportChange, Complaint
from caredesk.conftest import People, SettableClock
from caredesk.documents.tests.test_pdf import catalog, structure_tags
from caredesk.errors import NotAllowed
from caredesk.standards import Policy, load_policy
from caredesk.standards.policy_complaints import AnnualReport, HomesCount

HALTON = load_policy("halton")
STONEWALL = load_policy("stonewall")


def with_report(due: str, homes: list[tuple[date, int]] | None = None) -> Policy:
    complaints = HALTON.complaints.model_copy(
        update={
            "annual_report": AnnualReport(due=due),
            **(
                {
                    "homes": [
                        HomesCount(as_at=day, low_cost_rental=n, low_cost_home_ownership=0)
                        for day, n in homes
                    ]
                }
                if homes is not None
                else {}
            ),
        }
    )
    return HALTON.model_copy(update={"complaints": complaints})


# -- the year and when its report is due ----------------------------------------------------


def test_a_year_runs_from_1_april_to_31_march() -> None:
    assert year_first_last(2025) == (date(2025, 4, 1), date(2026, 3, 31))
    assert year_of(date(2026, 3, 31)) == 2025
    assert year_of(date(2026, 4, 1)) == 2026


def test_halton_with_7300_homes_owes_the_report_by_30_september_after_the_year() -> None:
    due = report_due(year=2025, policy=HALTON)
    assert due.due_on == date(2026, 9, 30)
    assert due.required
    assert due.homes == 7300
    assert due.over_homes == 1000


def test_stonewall_under_1000_homes_sees_it_as_optional() -> None:
    due = report_due(year=2025, policy=STONEWALL)
    assert not due.required
    assert due.homes is not None
    assert due.homes <= 1000
    assert due.due_on == date(2026, 9, 30)


@pytest.mark.parametrize(
    ("due", "year", "expected"),
    [
        ("09-30", 2024, date(2025, 9, 30)),
        ("09-30", 2027, date(2028, 9, 30)),  # the year 2027 to 2028 has 29 February 2028
        ("03-31", 2025, date(2027, 3, 31)),  # on the year's last day is not after it
        ("04-01", 2025, date(2026, 4, 1)),  # the day after the year ends
        ("02-28", 2027, date(2029, 2, 28)),  # after the leap year's 29 February
        ("03-01", 2027, date(2029, 3, 1)),
        ("01-31", 2023, date(2025, 1, 31)),
    ],
)
def test_the_report_is_due_on_the_policys_day_next_after_the_year_ends(
    due: str, year: int, expected: date
) -> None:
    assert report_due(year=year, policy=with_report(due)).due_on == expected


def test_29_february_is_refused_as_a_due_date_by_the_policy() -> None:
    with pytest.raises(ValueError, match="not a day every year has"):
        AnnualReport(due="02-29")


def test_the_latest_count_of_homes_decides_whether_the_report_is_required() -> None:
    grew = with_report("09-30", [(date(2024, 3, 31), 900), (date(2026, 3, 31), 1001)])
    shrank = with_report("09-30", [(date(2024, 3, 31), 1200), (date(2026, 3, 31), 1000)])
    uncounted = with_report("09-30", [])
    assert report_due(year=2024, policy=grew).required
    assert not report_due(year=2024, policy=shrank).required  # 1,000 is not over 1,000
    assert report_due(year=2024, policy=uncounted).homes is None
    assert not report_due(year=2024, policy=uncounted).required


# -- the self-assessment, kept per year and audited -----------------------------------------


def test_each_provision_is_kept_per_year_and_each_change_audited(
    people: People, clock: SettableClock
) -> None:
    manager = people.line_manager
    self_assessment_record(
        year=2024,
        provision="1.2",
        complies=True,
        evidence="Policy 3.1",
        commentary="",
        by=manager,
        clock=clock,
    )
    clock.moment = datetime(2025, 6, 21, 9, 0, tzinfo=UTC)
    kept = self_assessment_record(
        year=2024,
        provision="1.2",
        complies=False,
        evidence="Policy 3.1",
        commentary="The definition differs; corrected by July.",
        by=people.administrator,
        clock=clock,
    )
    self_assessment_record(
        year=2025,
        provision="1.2",
        complies=True,
        evidence="",
        commentary="",
        by=manager,
        clock=clock,
    )

    assert not kept.complies
    assert kept.updated_by == people.administrator
    assert AnnualComplaintsReport.objects.count() == 2
    changes = list(AnnualReportChange.objects.filter(report__year=2024).order_by("at"))
    assert [(c.what, c.by, c.at) for c in changes] == [
        (
            "Self-assessment of 1.2: complies: yes, evidence",
            manager,
            datetime(2025, 6, 20, 12, 0, tzinfo=UTC),
        ),
        (
            "Self-assessment of 1.2: complies: yes to no, commentary",
            people.administrator,
            datetime(2025, 6, 21, 9, 0, tzinfo=UTC),
        ),
    ]


def test_saving_the_same_again_records_no_change(people: People, clock: SettableClock) -> None:
    for _ in range(2):
        self_assessment_record(
            year=2025,
            provision="6.2",
            complies=True,
            evidence="5 days",
            commentary="",
            by=people.line_manager,
            clock=clock,
        )
    assert AnnualReportChange.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"provision": "10.1"}, "The Code has no provision 10.1"),
        ({"year": 2023}, "There is no report for 2023 to 2024"),
        ({"year": 2026}, "There is no report for 2026 to 2027"),  # not begun on 20 June 2025
        ({"complies": False}, "Explain in the commentary why we do not comply with 1.2"),
        ({"evidence": "x" * 10_001}, "Keep the evidence to 10,000 characters"),
    ],
)
def test_what_cannot_be_recorded_is_refused_saying_why(
    people: People, clock: SettableClock, fields: dict[str, object], message: str
) -> None:
    asked: dict[str, object] = {
        "year": 2025,
        "provision": "1.2",
        "complies": True,
        "evidence": "",
        "commentary": "",
    } | fields
    with pytest.raises(AnnualReportError, match=message):
        self_assessment_record(**asked, by=people.line_manager, clock=clock)  # type: ignore[arg-type]


def test_only_administrators_and_line_managers_change_the_report(
    people: People, clock: SettableClock
) -> None:
    with pytest.raises(NotAllowed):
        self_assessment_record(
            year=2025,
            provision="1.2",
            complies=True,
            evidence="",
            commentary="",
            by=people.officer,
            clock=clock,
        )
    with pytest.raises(NotAllowed):
        report_part_record(year=2025, part="learning", text="x", by=people.officer, clock=clock)


def assess_all(people: People, clock: SettableClock, year: int = 2024) -> None:
    for provision in code_provisions().all():
        self_assessment_record(
            year=year,
            provision=provision.number,
            complies=provision.number != "9.4",
            evidence=f"Evidence for {provision.number}",
            commentary="" if provision.number != "9.4" else "No member named yet: by May.",
            by=people.line_manager,
            clock=clock,
        )


def test_publishing_needs_every_provision_and_the_governing_bodys_response(
    people: People, clock: SettableClock
) -> None:
    report_part_record(
        year=2024, part="learning", text="We call back.", by=people.line_manager, clock=clock
    )
    report = AnnualComplaintsReport.objects.get(year=2024)
    assert publish_problems(report) == [
        "Assess every provision of the Code: 1.2, 1.3, 1.4, 1.5, 1.6 and 67 more not yet assessed.",
        "Enter the governing body's response.",
    ]
    with pytest.raises(AnnualReportError, match="Assess every provision"):
        report_publish(year=2024, by=people.line_manager, clock=clock)

    assess_all(people, clock)
    report_part_record(
        year=2024,
        part="governing_body_response",
        text="The Board noted it on 1 May.",
        by=people.line_manager,
        clock=clock,
    )
    published = report_publish(year=2024, by=people.administrator, clock=clock)
    assert published.published_at == clock.now()
    assert published.published_by == people.administrator

    with pytest.raises(AnnualReportError, match="withdraw it before you change it"):
        report_part_record(
            year=2024, part="learning", text="More.", by=people.line_manager, clock=clock
        )
    report_withdraw(year=2024, by=people.line_manager, clock=clock)
    report_part_record(
        year=2024, part="learning", text="More.", by=people.line_manager, clock=clock
    )
    whats = list(AnnualReportChange.objects.order_by("pk").values_list("what", flat=True))
    assert whats[0] == "The learning and improvements written"
    assert whats[-4:] == [
        "The governing body's response written",
        "Published",
        "Withdrawn",
        "The learning and improvements written",
    ]


# -- the report read whole, and its PDF -----------------------------------------------------


def answered_complaint(people: People, *, received: datetime, cause: str, area: str) -> Case:
    case = case_create(
        kind=CaseKind.COMPLAINT,
        channel=Channel.LETTER,
        received_at=received,
        subject="Repair not done",
        by=people.officer,
        assign_to=people.officer,
    )
    Complaint.objects.create(
        case=case,
        created_at=received,
        root_cause=cause,
        service_area=area,
        stage_1_answered_at=received.replace(day=min(received.day + 5, 28)),
        stage_1_outcome="upheld",
    )
    return case


@pytest.fixture
def year_of_complaints(people: People) -> None:
    answered_complaint(
        people, received=datetime(2024, 4, 2, 10, tzinfo=UTC), cause="delay", area="repairs"
    )
    answered_complaint(
        people, received=datetime(2025, 2, 3, 10, tzinfo=UTC), cause="delay", area="repairs"
    )
    answered_complaint(
        people, received=datetime(2025, 3, 3, 10, tzinfo=UTC), cause="communication", area=""
    )
    # the year before and the year after count in neither
    answered_complaint(
        people, received=datetime(2024, 3, 1, 10, tzinfo=UTC), cause="delay", area="repairs"
    )
    answered_complaint(
        people, received=datetime(2025, 4, 1, 10, tzinfo=UTC), cause="delay", area="repairs"
    )


def test_the_report_reads_the_years_figures_by_root_cause_and_service_area(
    people: People, clock: SettableClock, year_of_complaints: None
) -> None:
    read = annual_report_read(year=2024, policy=HALTON)

    assert read.figures.received == 3
    assert read.by_cause == [
        ("Delay", 2),
        ("Communication: not told, not listened to or not kept informed", 1),
    ]
    assert read.by_area == [("Repairs and maintenance", 2), ("Not recorded", 1)]
    assert read.outcomes[1] == [("Upheld", 3)]
    assert read.report is None
    assert read.assessed == 0
    assert read.provisions == 72


def pdf_of(year: int) -> PdfReader:
    read = annual_report_read(year=year, policy=HALTON)
    pdf = annual_report_pdf(
        read, organisation="Halton Housing Trust", printed=datetime(2025, 6, 20, 13, tzinfo=UTC)
    )
    return PdfReader(io.BytesIO(pdf))


def test_the_pdf_is_tagged_pdf_ua_and_holds_the_figures_and_the_self_assessment(
    people: People, clock: SettableClock, year_of_complaints: None
) -> None:
    assess_all(people, clock)
    report_part_record(
        year=2024,
        part="learning",
        text="We now call every complainant back within a day.",
        by=people.line_manager,
        clock=clock,
    )
    reader = pdf_of(2024)
    root = catalog(reader)

    assert root["/MarkInfo"]["/Marked"].value is True
    assert root["/StructTreeRoot"]["/Type"] == "/StructTreeRoot"
    assert root["/Lang"] == "en-GB"
    assert reader.metadata is not None
    assert reader.metadata.title == (
        "Annual complaints performance and service improvement report 2024 to 2025"
    )
    tags = structure_tags(reader)
    assert tags.count("/H1") == 1
    assert {"/H2", "/H3", "/Table", "/TH", "/TD", "/P"} <= set(tags)
    text = " ".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split())
    assert "Complaints received 3" in flat
    assert "Delay 2" in flat
    assert "Repairs and maintenance 2" in flat
    assert "We comply with 71 of the Code's 72 provisions" in flat
    assert "No member named yet: by May." in flat
    assert "We now call every complainant back within a day." in flat
    assert "Draft: not yet published." in flat
