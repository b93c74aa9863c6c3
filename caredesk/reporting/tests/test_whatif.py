"""The policy what-if (caredesk.reporting.whatif): known answers, the batch path against a
slow reference worked out one case at a time with the scalar engine, the same policy on
both sides changing nothing, each policy's own calendar, and the desk page."""

from __future__ import annotations

import csv
import io
import random
import tomllib
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import unquote

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caredesk.cases.models import Case, CaseKind, Channel, Deadline, DeadlineStatus
from caredesk.cases.rules import events_on_receipt
from caredesk.cases.services import case_create, case_finish, response_send
from caredesk.conftest import make_staff
from caredesk.reporting.models import StaleDay
from caredesk.reporting.whatif import (
    CHUNK,
    DONE_AT_FIRST_CONTACT,
    Figures,
    RowKind,
    WhatIf,
    rerun_standards,
    whatif_compare,
)
from caredesk.reporting.whatif_text import (
    breaches_text,
    points_text,
    whatif_csv,
    whatif_lines,
)
from caredesk.reporting.whatif_views import last_financial_year
from caredesk.staff.models import Role
from caredesk.standards import Policy, due_at, load_policy
from caredesk.standards.policy import CaseKind as PolicyKind
from caredesk.standards.policy import Channel as PolicyChannel
from caredesk.standards.policy import DeadlineStandard
from caredesk.standards.policy_files import policy_path

HALTON = load_policy("halton")
STONEWALL = load_policy("stonewall")
ZONE = HALTON.working_calendar.zone
EMAILS = "letter_email_response"
PAGE = "/performance/what-if/"

pytestmark = pytest.mark.django_db


def variant(
    name: str = "halton",
    *,
    targets: dict[str, str] | None = None,
    calendar: dict[str, Any] | None = None,
    drop: tuple[str, ...] = (),
) -> Policy:
    """A shipped policy with some targets, calendar settings or standards changed."""
    data = tomllib.loads(policy_path(name).read_text(encoding="utf-8"))
    data["standards"] = [s for s in data["standards"] if s["key"] not in drop]
    for standard in data["standards"]:
        if standard["key"] in (targets or {}):
            standard["target"] = (targets or {})[standard["key"]]
    data["calendar"] |= calendar or {}
    data["reporting"]["targets"] = {
        k: v for k, v in data["reporting"]["targets"].items() if k not in drop
    }
    return Policy.model_validate(data)


def _uk(year: int, month: int, day: int, hour: int, minute: int = 0, micro: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, 0, micro, tzinfo=ZONE)


def _row(result: WhatIf, key: str) -> Any:  # Any: tests reach into both sides
    return next(row for row in result.all_rows if row.key == key)


# -- known answers, through the real services -------------------------------------------------


@pytest.fixture
def emails(people: Any, clock: Any) -> list[Case]:
    """Three emails received on Monday 2 June 2025, answered in 3, 6 and 9 working days."""
    clock.moment = datetime(2025, 7, 1, tzinfo=UTC)
    cases = []
    for answered in (_uk(2025, 6, 5, 12), _uk(2025, 6, 10, 12), _uk(2025, 6, 13, 12)):
        case = case_create(
            kind=CaseKind.GENERAL_ENQUIRY,
            channel=Channel.EMAIL,
            received_at=_uk(2025, 6, 2, 10),
            subject="Repair not done",
            by=people.administrator,
            policy=HALTON,
            clock=clock,
        )
        response_send(
            case=case,
            channel=Channel.EMAIL,
            summary="Answered",
            by=people.officer,
            at=answered,
            policy=HALTON,
            clock=clock,
        )
        cases.append(case)
    return cases


JUNE: dict[str, Any] = {
    "first": date(2025, 6, 1),
    "last": date(2025, 6, 30),
    "now": datetime(2025, 7, 1, tzinfo=UTC),
}


def test_emails_in_3_6_and_9_working_days_are_all_in_time_for_10_and_one_for_5(emails):
    # given three emails answered in 3, 6 and 9 working days
    five = variant(targets={EMAILS: "5 working days"})
    # when they are re-run with 5 working days instead of 10
    result = whatif_compare(current=HALTON, other=five, **JUNE)
    # then all three were in time, and one would be
    row = _row(result, EMAILS)
    assert row.kind is RowKind.COMPARED
    assert row.current.target == "10 working days"
    assert row.other.target == "5 working days"
    assert row.current.figures == Figures(started=3, in_time=3)
    assert row.other.figures == Figures(started=3, in_time=1, late=2)
    assert row.current.figures.percent == 100
    assert row.other.figures.percent == pytest.approx(100 / 3)
    assert points_text(row.points) == "down 66.7 points"
    assert breaches_text(row.more_breaches) == "2 more breaches"
    assert result.cases == 3
    assert any("down 66.7 points, 2 more breaches" in line for line in whatif_lines(result))


def test_the_stonewall_email_standard_is_compared_by_name_and_target_on_the_emails(emails):
    result = whatif_compare(current=HALTON, other=STONEWALL, **JUNE)
    matched = _row(result, f"{EMAILS} / email_response")
    assert matched.kind is RowKind.MATCHED
    assert matched.current.name == "Letters and emails answered within 10 working days"
    assert matched.other.name == "Emails replied to within 2 working days"
    assert matched.current.figures == Figures(started=3, in_time=3)
    assert matched.other.figures == Figures(started=3, late=3)
    assert points_text(matched.points) == "down 100.0 points"
    # Letters: none here, so the letter pair is there but measures nothing.
    letters = _row(result, f"{EMAILS} / letter_response")
    assert letters.current.figures == letters.other.figures == Figures()


def test_an_answer_at_the_due_instant_is_in_time_and_a_microsecond_later_is_late(people, clock):
    # Read back through SQL as whole microseconds on both databases.
    clock.moment = datetime(2025, 7, 1, tzinfo=UTC)
    due = _uk(2025, 6, 16, 17)  # 10 working days from Monday 2 June: close on Monday 16th
    for answered in (due, due + timedelta(microseconds=1)):
        case = case_create(
            kind=CaseKind.GENERAL_ENQUIRY,
            channel=Channel.LETTER,
            received_at=_uk(2025, 6, 2, 10, 0, 250_001),
            subject="Boundary",
            by=people.administrator,
            policy=HALTON,
            clock=clock,
        )
        response_send(
            case=case,
            channel=Channel.LETTER,
            summary="Answered",
            by=people.officer,
            at=answered,
            policy=HALTON,
            clock=clock,
        )
    result = whatif_compare(current=HALTON, other=HALTON, **JUNE)
    assert _row(result, EMAILS).current.figures == Figures(started=2, in_time=1, late=1)


def test_a_case_closed_unmet_is_a_breach_only_if_it_closed_after_the_other_due_time(people, clock):
    # given two emails closed unanswered, on the 4th and the 8th working day
    clock.moment = datetime(2025, 7, 1, tzinfo=UTC)
    for closed in (_uk(2025, 6, 5, 12), _uk(2025, 6, 11, 12)):
        case = case_create(
            kind=CaseKind.GENERAL_ENQUIRY,
            channel=Channel.EMAIL,
            received_at=_uk(2025, 6, 2, 10),
            subject="Closed",
            by=people.administrator,
            policy=HALTON,
            clock=clock,
        )
        clock.moment = closed
        case_finish(case=case, status="closed", by=people.officer, clock=clock)
        clock.moment = datetime(2025, 7, 1, tzinfo=UTC)
    # and one still open, received on 23 June
    case_create(
        kind=CaseKind.GENERAL_ENQUIRY,
        channel=Channel.EMAIL,
        received_at=_uk(2025, 6, 23, 10),
        subject="Open",
        by=people.administrator,
        policy=HALTON,
        clock=clock,
    )
    # when re-run with 5 working days, on 1 July (the 7th working day of the open one)
    result = whatif_compare(
        current=HALTON, other=variant(targets={EMAILS: "5 working days"}), **JUNE
    )
    row = _row(result, EMAILS)
    # then under 10 days: both closed before their due time (not measured), one open
    assert row.current.figures == Figures(started=3, ended_in_time=2, open=1)
    assert row.current.figures.measured == 0
    # under 5: the one closed on the 8th day, and the open one now overdue, are breaches
    assert row.other.figures == Figures(started=3, ended_in_time=1, ended_overdue=1, overdue_open=1)
    assert row.other.figures.percent == 0


# -- each policy's own calendar -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "answered", "target", "calendar"),
    [
        # a closure day on Thursday 5 June moves 10 working days from Monday 16 to Tuesday 17
        (
            _uk(2025, 6, 2, 10),
            _uk(2025, 6, 17, 10),
            "10 working days",
            {"closure_days": [date(2025, 6, 5)]},
        ),
        # Scotland's summer bank holiday is Monday 4 August (England's is the 25th)
        (_uk(2025, 8, 1, 10), _uk(2025, 8, 5, 10), "1 working day", {"region": "scotland"}),
        # later office hours: 17:30 is still the same working day
        (
            _uk(2025, 6, 2, 16),
            _uk(2025, 6, 3, 17, 20),
            "1 working day",
            {"office_hours": ["09:00-17:30"]},
        ),
    ],
    ids=["closure_day", "bank_holiday_region", "office_hours"],
)
def test_the_other_policys_own_calendar_sets_its_due_times(
    people, clock, received, answered, target, calendar
):
    # given a letter answered late under this site's calendar
    clock.moment = datetime(2025, 9, 1, tzinfo=UTC)
    current = variant(targets={EMAILS: target})
    case = case_create(
        kind=CaseKind.GENERAL_ENQUIRY,
        channel=Channel.LETTER,
        received_at=received,
        subject="Calendar",
        by=people.administrator,
        policy=current,
        clock=clock,
    )
    response_send(
        case=case,
        channel=Channel.LETTER,
        summary="Answered",
        by=people.officer,
        at=answered,
        policy=current,
        clock=clock,
    )
    # when re-run under the same target with the other calendar
    other = variant(targets={EMAILS: target}, calendar=calendar)
    result = whatif_compare(
        current=current,
        other=other,
        first=date(2025, 6, 1),
        last=date(2025, 8, 31),
        now=clock.now(),
    )
    # then it would have been in time
    row = _row(result, EMAILS)
    assert row.current.figures == Figures(started=1, late=1)
    assert row.other.figures == Figures(started=1, in_time=1)
    assert points_text(row.points) == "up 100.0 points"
    assert breaches_text(row.more_breaches) == "1 fewer breach"


# -- which standards are compared ------------------------------------------------------------


def test_standards_new_and_gone_are_listed_and_the_rest_compared_side_by_side():
    result = whatif_compare(
        current=HALTON,
        other=STONEWALL,
        first=date(2025, 4, 1),
        last=date(2026, 3, 31),
        now=datetime(2026, 4, 1, tzinfo=UTC),
    )
    kinds = {row.key: row.kind for row in result.rows}
    assert kinds == {
        "voicemail_return": RowKind.REMOVED,
        "phone_written_follow_up": RowKind.REMOVED,
        "letter_email_response": RowKind.REMOVED,
        "information_request": RowKind.REMOVED,
        "foi_request": RowKind.REMOVED,
        "subject_access_request": RowKind.COMPARED,
        "rectification_request": RowKind.COMPARED,
        "erasure_request": RowKind.COMPARED,
        "restriction_request": RowKind.COMPARED,
        "stairs_request": RowKind.COMPARED,
        "breach_report": RowKind.COMPARED,
        "complaint_stage_1_acknowledge": RowKind.COMPARED,
        "message_response": RowKind.NEW,
        "letter_response": RowKind.NEW,
        "email_response": RowKind.NEW,
    }
    assert [row.key for row in result.matched] == [
        "voicemail_return / message_response",
        "letter_email_response / letter_response",
        "letter_email_response / email_response",
    ]
    not_rerun = {n.key: n.policies for n in result.not_rerun}
    assert not_rerun["phone_answer_rings"] == "both policies"
    assert not_rerun["phone_answer_seconds"] == "the current policy"
    assert not_rerun["complaint_stage_1_response"] == "both policies"
    # a review of a request for information starts when it is asked for, not on receipt
    assert not_rerun["information_review"] == "both policies"
    assert "visitor_attended" in not_rerun
    lines = "\n".join(whatif_lines(result))
    assert "not in the other policy" in lines
    assert "phone answer times are counted by the call figures" in lines
    assert "Emails replied to within 2 working days" in lines
    assert "Holding replies and pauses are left out on both sides" in lines


def test_a_row_in_the_text_table_shows_both_targets_and_the_change(emails):
    result = whatif_compare(
        current=HALTON, other=variant(targets={EMAILS: "5 working days"}), **JUNE
    )
    line = next(line for line in whatif_lines(result) if line.startswith(EMAILS))
    assert line.split() == [
        EMAILS, "10", "working", "days", "100.0%", "3", "0",
        "5", "working", "days", "33.3%", "3", "2",
        "down", "66.7", "points,", "2", "more", "breaches",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("points", "text"),
    [
        (3.21, "up 3.2 points"),
        (-1.0, "down 1.0 point"),
        (0.0, "no change"),
        (0.04, "up less than 0.1 points"),
        (None, "–"),
    ],
)
def test_a_change_in_points_reads_as_words(points, text):
    assert points_text(points) == text


def test_the_default_period_is_the_last_whole_financial_year():
    assert last_financial_year(date(2026, 11, 23)) == (date(2025, 4, 1), date(2026, 3, 31))
    assert last_financial_year(date(2026, 3, 31)) == (date(2024, 4, 1), date(2025, 3, 31))
    assert last_financial_year(date(2026, 4, 1)) == (date(2025, 4, 1), date(2026, 3, 31))


# -- random records: the batch path against one case at a time ------------------------------------

# Around the clocks going forward and back, Easter and Christmas 2025, and the period's ends.
SPANS = [
    datetime(2025, 3, 29, tzinfo=UTC),
    datetime(2025, 4, 16, tzinfo=UTC),
    datetime(2025, 10, 24, tzinfo=UTC),
    datetime(2025, 12, 20, tzinfo=UTC),
]
FIRST, LAST = date(2025, 3, 31), date(2025, 12, 24)
NOW = datetime(2026, 1, 5, 12, tzinfo=UTC)
STOP_EVENTS = sorted({s.stops for p in (HALTON, STONEWALL) for s in rerun_standards(p)})

# Kinds and channels on which some standard of either policy starts, most of the time.
STARTING = sorted(
    {
        (kind, channel)
        for kind in CaseKind.values
        for channel in Channel.values
        for policy in (HALTON, STONEWALL)
        for standard in rerun_standards(policy)
        if standard.applies_to(channel=PolicyChannel(channel), kind=PolicyKind(kind))
    }
)

# Seconds after receipt, up to three weeks, spread evenly (not only small ones).
after = st.builds(
    lambda hour, second: hour * 3600 + second, st.sampled_from(range(504)), st.integers(0, 3599)
)
outcomes = st.one_of(
    st.tuples(st.just("met"), after, st.integers(0, 999_999)),
    st.tuples(st.just("ended"), after, st.just(0)),
    st.tuples(st.just("open"), st.just(0), st.just(0)),
    st.tuples(st.just("missing"), st.just(0), st.just(0)),
)
case_specs = st.fixed_dictionaries(
    {
        "received": st.builds(
            lambda base, seconds: base + timedelta(seconds=seconds),
            st.sampled_from(SPANS),
            st.integers(0, 6 * 24 * 3600),
        ),
        "kind_channel": st.one_of(
            st.sampled_from(STARTING),
            st.tuples(st.sampled_from(CaseKind.values), st.sampled_from(Channel.values)),
        ),
        "resolved": st.booleans(),
        "outcomes": st.fixed_dictionaries({event: outcomes for event in STOP_EVENTS}),
        # a deadline started later that stops on the same event, met at another time
        "later": st.none() | st.integers(-48 * 3600, 48 * 3600),
    }
)


def _starts(standard: DeadlineStandard, kind: str, channel: str, resolved: bool) -> bool:
    events = events_on_receipt(kind=kind, channel=channel, resolved_at_first_contact=resolved)
    return standard.starts in events and standard.applies_to(
        channel=PolicyChannel(channel), kind=PolicyKind(kind)
    )


def _write(specs: list[dict[str, Any]], policy: Policy, *, consistent: bool) -> None:
    """Cases and the deadlines `policy` starts on them, as the services would leave them.
    Not `consistent`: some stop events have no deadline, and some cases a later deadline
    met at another time, which the what-if must read as the earliest."""
    calendar = policy.working_calendar
    for number, spec in enumerate(specs):
        received = spec["received"]
        case = Case.objects.create(
            reference=f"W-{number}",
            kind=spec["kind_channel"][0],
            channel=spec["kind_channel"][1],
            received_at=received,
            subject="A test case",
            resolved_at_first_contact=spec["resolved"],
            created_at=received,
        )
        rows = []
        for standard in rerun_standards(policy):
            if not _starts(standard, case.kind, case.channel, case.resolved_at_first_contact):
                continue
            outcome, seconds, micros = spec["outcomes"][standard.stops]
            if outcome == "missing" and not consistent:
                continue
            if case.resolved_at_first_contact and standard.stops in DONE_AT_FIRST_CONTACT:
                outcome, seconds, micros = "met", 0, 0
            due = due_at(received, standard.target, calendar)
            row = Deadline(
                case=case,
                standard_key=standard.key,
                starts_at=received,
                standard_due_at=due,
                due_at=due,
                status=DeadlineStatus.OPEN,
            )
            finished = received + timedelta(seconds=seconds, microseconds=micros)
            if outcome == "met":
                row.met_at, row.status = finished, DeadlineStatus.MET
            elif outcome == "ended":
                row.ended_at, row.status = finished, DeadlineStatus.ENDED_UNMET
            rows.append(row)
        if spec["later"] is not None and not consistent:
            # stage 1 response, a standard of neither what-if (it starts on acknowledgement)
            met = received + timedelta(hours=30, seconds=spec["later"])
            rows.append(
                Deadline(
                    case=case,
                    standard_key="complaint_stage_1_response",
                    starts_at=received + timedelta(hours=1),
                    met_at=met,
                    status=DeadlineStatus.MET,
                )
            )
        Deadline.objects.bulk_create(rows)


def _clean() -> None:
    Deadline.objects.all().delete()
    Case.objects.all().delete()
    StaleDay.objects.all().delete()


def reference(
    policy: Policy,
    standard: DeadlineStandard,
    current: Policy,
    *,
    also: DeadlineStandard | None = None,
) -> Figures:
    """One standard's figures worked out one case at a time with the scalar engine.
    `also`: only the cases this standard (of the other side) starts on too."""
    figures = Figures()
    for case in Case.objects.prefetch_related("deadlines").order_by("pk"):
        if not FIRST <= case.received_at.astimezone(ZONE).date() <= LAST:
            continue
        args = (case.kind, case.channel, case.resolved_at_first_contact)
        if not _starts(standard, *args) or (also is not None and not _starts(also, *args)):
            continue
        figures.started += 1
        due = due_at(case.received_at, standard.target, policy.working_calendar)
        stopping = [
            d
            for d in case.deadlines.all()
            if d.standard_key in {s.key for s in current.deadline_standards()}
            and current.deadline_standard(d.standard_key).stops == standard.stops
        ]
        met = min((d.met_at for d in stopping if d.met_at is not None), default=None)
        ended = min(
            (d.ended_at for d in stopping if d.status == DeadlineStatus.ENDED_UNMET and d.ended_at),
            default=None,
        )
        known = bool(stopping)
        if case.resolved_at_first_contact and standard.stops in DONE_AT_FIRST_CONTACT:
            met, known = min(met or case.received_at, case.received_at), True
        if met is not None:
            if met <= due:
                figures.in_time += 1
            else:
                figures.late += 1
        elif ended is not None:
            if ended > due:
                figures.ended_overdue += 1
            else:
                figures.ended_in_time += 1
        elif not known:
            figures.no_record += 1
        elif due < NOW:
            figures.overdue_open += 1
        else:
            figures.open += 1
    return figures


OTHERS = {
    "stonewall": STONEWALL,
    "halton_scotland_shorter": variant(
        targets={
            EMAILS: "4 working days",
            "voicemail_return": "6 working hours",
            "foi_request": "2 months",
        },
        calendar={"region": "scotland", "closure_days": [date(2025, 4, 22), date(2025, 12, 29)]},
    ),
    "halton_without_letters": variant(drop=(EMAILS, "information_request")),
}


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    specs=st.lists(case_specs, min_size=3, max_size=25),
    other=st.sampled_from(sorted(OTHERS)),
    small=st.booleans(),
)
def test_the_batch_figures_equal_a_case_by_case_reference(specs, other, small, monkeypatch):
    try:
        # given random cases, some with no record of a stop event, some with a later
        # deadline stopping on the same event (read in pages of 3 cases, or all at once)
        monkeypatch.setattr("caredesk.reporting.whatif.CHUNK", 3 if small else CHUNK)
        _write(specs, HALTON, consistent=False)
        # when re-run through another policy, then every figure is the reference's
        _assert_equals_reference(specs, OTHERS[other])
    finally:
        _clean()


def _assert_equals_reference(specs: list[dict[str, Any]], then: Policy) -> WhatIf:
    result = whatif_compare(current=HALTON, other=then, first=FIRST, last=LAST, now=NOW)
    row: Any  # both sides are there where the kind says so
    for row in result.all_rows:
        if row.kind is RowKind.MATCHED:
            now_standard = HALTON.deadline_standard(row.current.key)
            then_standard = then.deadline_standard(row.other.key)
            assert row.current.figures == reference(
                HALTON, now_standard, HALTON, also=then_standard
            )
            assert row.other.figures == reference(then, then_standard, HALTON, also=now_standard)
            continue
        if row.current is not None:
            standard = HALTON.deadline_standard(row.current.key)
            assert row.current.figures == reference(HALTON, standard, HALTON), row.key
        if row.other is not None:
            standard = then.deadline_standard(row.other.key)
            assert row.other.figures == reference(then, standard, HALTON), row.key
    received = [s for s in specs if FIRST <= s["received"].astimezone(ZONE).date() <= LAST]
    assert result.cases == len(received)
    return result


def _random_specs(seed: int, count: int) -> list[dict[str, Any]]:
    """Many cases drawn evenly (hypothesis favours small, simple examples)."""
    rng = random.Random(seed)

    def outcome() -> tuple[str, int, int]:
        kind = rng.choices(["met", "ended", "open", "missing"], [70, 10, 15, 5])[0]
        return (kind, rng.randrange(504 * 3600), rng.randrange(1_000_000) if kind == "met" else 0)

    return [
        {
            "received": rng.choice(SPANS) + timedelta(seconds=rng.randrange(6 * 24 * 3600)),
            "kind_channel": rng.choice(STARTING)
            if rng.random() < 0.9
            else (rng.choice(CaseKind.values), rng.choice(Channel.values)),
            "resolved": rng.random() < 0.15,
            "outcomes": {event: outcome() for event in STOP_EVENTS},
            "later": rng.randrange(-48 * 3600, 48 * 3600) if rng.random() < 0.2 else None,
        }
        for _ in range(count)
    ]


@pytest.mark.parametrize("scattered", [False, True], ids=["runs_of_ids", "scattered_ids"])
@pytest.mark.parametrize("other", sorted(OTHERS))
def test_many_random_cases_in_small_pages_equal_the_reference(other, scattered, monkeypatch):
    specs = _random_specs(seed=len(other), count=300)
    monkeypatch.setattr("caredesk.reporting.whatif.CHUNK", 37)
    # each page's deadlines read by runs of ids (a new run at every gap), or found by a
    # join on the period
    monkeypatch.setattr("caredesk.reporting.whatif.GAP", 0)
    monkeypatch.setattr("caredesk.reporting.whatif.MOST_RUNS", 0 if scattered else 10**6)
    _write(specs, HALTON, consistent=False)
    result = _assert_equals_reference(specs, OTHERS[other])
    # the sample reaches every way of counting, on both sides
    for name in ("in_time", "late", "ended_overdue", "overdue_open", "ended_in_time", "no_record"):
        assert any(getattr(r.current.figures, name) for r in result.rows if r.current), name
        assert any(getattr(r.other.figures, name) for r in result.rows if r.other), name
    changes = {r.points for r in result.all_rows if r.points is not None}
    if other == "halton_without_letters":  # only standards taken out: the rest the same
        assert changes == {0}
    else:
        assert changes - {0}


def recount(policy: Policy) -> dict[str, Figures]:
    """The figures counted straight from the deadline rows, each against its own due time."""
    keys = {s.key for s in rerun_standards(policy)}
    found = {key: Figures() for key in keys}
    for deadline in Deadline.objects.select_related("case"):
        if deadline.standard_key not in keys:
            continue
        if not FIRST <= deadline.case.received_at.astimezone(ZONE).date() <= LAST:
            continue
        figures = found[deadline.standard_key]
        figures.started += 1
        due = deadline.standard_due_at
        assert due is not None
        if deadline.status == DeadlineStatus.MET:
            assert deadline.met_at is not None
            if deadline.met_at <= due:
                figures.in_time += 1
            else:
                figures.late += 1
        elif deadline.status == DeadlineStatus.ENDED_UNMET:
            assert deadline.ended_at is not None
            if deadline.ended_at > due:
                figures.ended_overdue += 1
            else:
                figures.ended_in_time += 1
        elif due < NOW:
            figures.overdue_open += 1
        else:
            figures.open += 1
    return found


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    specs=st.lists(case_specs, min_size=3, max_size=25),
    name=st.sampled_from(["halton", "stonewall"]),
)
def test_the_same_policy_on_both_sides_changes_nothing_and_equals_a_recount(specs, name):
    try:
        policy = load_policy(name)
        _write(specs, policy, consistent=True)
        result = whatif_compare(current=policy, other=policy, first=FIRST, last=LAST, now=NOW)
        assert not result.matched
        assert {row.kind for row in result.rows} <= {RowKind.COMPARED}
        counted = recount(policy)
        row: Any
        for row in result.rows:
            assert row.current.figures == row.other.figures == counted[row.key]
            assert row.more_breaches == 0
            assert row.points in (0, None)
            assert row.current.figures.no_record == 0
    finally:
        _clean()


# -- the desk page ---------------------------------------------------------------------------------

PAGE_NOW = datetime(2025, 7, 1, 9, tzinfo=UTC)


@pytest.fixture
def frozen() -> Iterator[None]:
    with time_machine.travel(PAGE_NOW, tick=False):
        yield


@pytest.fixture
def analyst(client: Any) -> Any:
    person = make_staff("pat_analyst", Role.PERFORMANCE_ANALYST)
    client.force_login(person)
    return person


def _page_rows(response: Any, caption_start: str) -> dict[str, list[str]]:
    soup: Any = BeautifulSoup(response.content.decode(), "html.parser")
    for table in soup.find_all("table"):
        caption = table.find("caption")
        if caption is not None and caption.get_text(" ", strip=True).startswith(caption_start):
            rows = {}
            for tr in table.find("tbody").find_all("tr"):
                key = tr.find("th").find("span").get_text(" ", strip=True).split(":")[0]
                rows[key] = [td.get_text(" ", strip=True) for td in tr.find_all("td")]
            return rows
    raise AssertionError(f"No table captioned {caption_start!r}")


def _errors(response: Any) -> list[str]:
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    return [p.get_text(" ", strip=True) for p in soup.select(".error-message")]


def test_the_page_with_no_parameters_shows_the_form_with_last_financial_year(
    client, analyst, frozen
):
    response = client.get(PAGE)
    assert response.status_code == 200
    soup: Any = BeautifulSoup(response.content.decode(), "html.parser")
    assert soup.find("input", {"name": "first"})["value"] == "2024-04-01"
    assert soup.find("input", {"name": "last"})["value"] == "2025-03-31"
    assert soup.find("input", {"name": "policy", "value": "stonewall"}).has_attr("checked")
    assert soup.find("input", {"name": "policy_file", "type": "file"}) is not None
    assert soup.find("table") is None


def test_an_officer_may_not_see_the_what_if(client, people):
    client.force_login(people.officer)
    assert client.get(PAGE).status_code == 403
    assert (
        client.get(
            PAGE, {"first": "2025-06-01", "last": "2025-06-30", "policy": "stonewall"}
        ).status_code
        == 403
    )


def test_an_analyst_sees_the_table_and_the_csv_says_the_same(client, analyst, emails, frozen):
    query = {"first": "2025-06-01", "last": "2025-06-30", "policy": "stonewall"}
    response = client.get(PAGE, query)
    assert response.status_code == 200
    page = _page_rows(response, "Each standard now")
    matched = _page_rows(response, "Matched standards")
    assert page[EMAILS][:4] == [
        "10 working days",
        "100.0% 3 of 3",
        "0",
        "– Not in the other policy",
    ]
    assert matched[f"{EMAILS} / email_response"][0] == (
        "10 working days Letters and emails answered within 10 working days"
    )
    assert matched[f"{EMAILS} / email_response"][4:] == [
        "0.0% 0 of 3",
        "3",
        "down 100.0 points",
        "3 more breaches",
    ]
    assert page["subject_access_request"][6:] == ["Nothing measured", "no change in breaches"]
    text = response.content.decode()
    assert "Emails replied to within 2 working days" in text
    assert "The biggest fall" in text
    # the CSV
    download = client.get(PAGE, query | {"format": "csv"})
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert "what-if-2025-06-01-to-2025-06-30.csv" in download["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(download.content.decode())))
    assert len(rows) == len(page) + len(matched)
    for row in rows:
        cells = {**page, **matched}[row["Standard key"]]
        for prefix, offset in (("Current", 0), ("Other", 3)):
            if not row[f"{prefix} standard"]:
                continue
            percent = row[f"{prefix} percent in time"]
            assert cells[offset + 1].split()[0] == (f"{percent}%" if percent else "–")
            assert cells[offset + 1].split()[1:] == [
                row[f"{prefix} met in time"],
                "of",
                row[f"{prefix} measured"],
            ]
            assert cells[offset + 2] == f"{int(row[f'{prefix} breaches']):,}"
        if row["Change in percentage points"]:
            assert cells[6] == points_text(float(row["Change in percentage points"]))


def _upload(text: str, name: str = "policy.toml") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="application/toml")


def test_an_uploaded_policy_is_compared_and_its_csv_comes_in_the_page(
    client, analyst, emails, frozen
):
    text = (
        policy_path("halton")
        .read_text()
        .replace(
            'target = "10 working days"\nholding_reply = true',
            'target = "5 working days"\nholding_reply = true',
        )
    )
    response = client.post(
        PAGE,
        {
            "first": "2025-06-01",
            "last": "2025-06-30",
            "policy": "upload",
            "policy_file": _upload(text),
        },
    )
    assert response.status_code == 200, _errors(response)
    page = _page_rows(response, "Each standard now")
    assert page[EMAILS][3:] == [
        "5 working days",
        "33.3% 1 of 3",
        "2",
        "down 66.7 points",
        "2 more breaches",
    ]
    soup: Any = BeautifulSoup(response.content.decode(), "html.parser")
    link = soup.find("a", download=True)["href"]
    assert link.startswith("data:text/csv;charset=utf-8,")
    five = variant(targets={EMAILS: "5 working days"})
    expected = whatif_compare(current=HALTON, other=five, **(JUNE | {"now": PAGE_NOW}))
    assert unquote(link.split(",", 1)[1]) == whatif_csv(expected)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ('target = "10 working days"\nholding_reply', 'target = "10 workdays"\nholding_reply'),
            "standards[letter_email_response].target",
        ),
        (("[calendar]", "[calendar\n"), "line"),
        (('region = "england-and-wales"', 'region = "wales"'), "calendar.region"),
    ],
    ids=["bad_target", "not_toml", "bad_region"],
)
def test_a_bad_uploaded_policy_says_what_is_wrong_next_to_the_field(
    client, analyst, frozen, change, message
):
    old, new = change
    text = policy_path("halton").read_text().replace(old, new, 1)
    response = client.post(
        PAGE,
        {
            "first": "2025-06-01",
            "last": "2025-06-30",
            "policy": "upload",
            "policy_file": _upload(text),
        },
    )
    assert response.status_code == 200
    errors = _errors(response)
    assert errors[0] == "Error: This policy file has 1 problem:"
    assert message in errors[1]
    assert "<table" not in response.content.decode()


def test_an_uploaded_file_too_big_or_missing_is_refused(client, analyst, frozen):
    big = client.post(
        PAGE,
        {
            "first": "2025-06-01",
            "last": "2025-06-30",
            "policy": "upload",
            "policy_file": _upload("#" * 1_100_000),
        },
    )
    assert "The file is 1.1 MB: it must be 1 MB or smaller." in " ".join(_errors(big))
    assert "The file must be 1 MB or smaller." in client.get(PAGE).content.decode()
    missing = client.post(PAGE, {"first": "2025-06-01", "last": "2025-06-30", "policy": "upload"})
    assert "Error: Choose the policy file to upload." in _errors(missing)
    both = client.post(
        PAGE,
        {
            "first": "2025-06-01",
            "last": "2025-06-30",
            "policy": "stonewall",
            "policy_file": _upload("x = 1"),
        },
    )
    assert any("choose 'A policy file I upload'" in e for e in _errors(both))


def test_dates_out_of_order_or_too_far_apart_are_refused(client, analyst, frozen):
    backwards = client.get(
        PAGE, {"first": "2025-06-30", "last": "2025-06-01", "policy": "stonewall"}
    )
    assert "Error: The last day is before the first." in _errors(backwards)
    long = client.get(PAGE, {"first": "2020-01-01", "last": "2025-06-01", "policy": "stonewall"})
    assert "Error: Choose at most two years." in _errors(long)
    junk = client.get(PAGE, {"first": "soon", "last": "2025-06-01", "policy": "nowhere"})
    assert response_errors_contain(junk, "Enter the first day as a date")


def response_errors_contain(response: Any, text: str) -> bool:
    return any(text in error for error in _errors(response))
