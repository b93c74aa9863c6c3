"""The demo build: what it contains, and that every due time is the engine's."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime

import pytest
from django.db.models import F

from caredesk.cases.models import (
    Case,
    CaseEvent,
    CaseStatus,
    Contact,
    Deadline,
    DeadlineStatus,
    EventKind,
    HoldingReply,
    ReferenceCounter,
)
from caredesk.conftest import SettableClock
from caredesk.customers.models import Customer
from caredesk.demo.build import DemoSize, build_demo, demo_summary, wipe_demo
from caredesk.demo.landlords import HALTON, STONEWALL
from caredesk.staff.models import Office, Role, StaffMember, Team
from caredesk.staff.selectors import absence_is_long, absences_away_list, cover_get
from caredesk.standards import HoldingReply as EngineHoldingReply
from caredesk.standards import Pause as EnginePause
from caredesk.standards import deadline_times, load_policy
from caredesk.standards.policy import CaseKind as PolicyKind
from caredesk.standards.policy import Channel as PolicyChannel
from caredesk.standards.warnings import warning_time
from caredesk.visits.models import Visit

# A Wednesday morning: work is due today and later this week.
NOW = datetime(2025, 6, 18, 10, 30, tzinfo=UTC)
SMALL = DemoSize(cases=400, customers=150)


@pytest.fixture
def halton(db: None) -> SettableClock:
    clock = SettableClock(NOW)
    build_demo(policy="halton", seed=7, clock=clock, size=SMALL)
    return clock


def opened_at_reception() -> int:
    """The cases visitors opened at reception (the rest of a visitor's came before)."""
    return Visit.objects.filter(arrived_at=F("case__received_at")).count()


def test_the_small_demo_has_what_was_asked_for(halton):
    assert Case.objects.count() == SMALL.cases + opened_at_reception()
    assert Customer.objects.count() == SMALL.customers
    assert 2 <= Office.objects.count() <= 4
    assert Team.objects.count() >= 5
    assert 35 <= StaffMember.objects.count() <= 45
    # every case has a timeline that starts with its creation and its first contact
    assert not Case.objects.exclude(events__kind=EventKind.CREATED).exists()
    assert Contact.objects.filter(direction="inbound").count() >= SMALL.cases


def test_every_role_is_held_and_all_staff_but_the_director_have_a_line_manager(halton):
    holders = Counter(
        role for person in StaffMember.objects.prefetch_related("groups") for role in person.roles
    )
    assert holders[Role.OFFICER] >= 25
    assert 2 <= holders[Role.ADMINISTRATOR] <= 4
    assert holders[Role.LINE_MANAGER] >= 5
    for single in (
        Role.PERFORMANCE_ANALYST,
        Role.DATA_PROTECTION_OFFICER,
        Role.SYSTEM_ADMINISTRATOR,
        Role.EQUALITY_LEAD,
        Role.SCRUTINY_PANEL,
    ):
        assert holders[single] == 1
    assert set(holders) == set(Role)
    # the director, and the tenant on the scrutiny panel (who is not staff's to manage)
    managed_by_nobody = StaffMember.objects.filter(line_manager__isnull=True)
    assert sorted(person.post_title for person in managed_by_nobody) == sorted(
        [HALTON.director.post_title, HALTON.scrutiny_panel_member.post_title]
    )
    assert StaffMember.objects.filter(same_sex_interviews=True).exists()
    assert StaffMember.objects.exclude(languages=[]).exists()


def test_an_officer_is_away_now_and_the_demo_officer_covers(halton):
    policy = load_policy("halton")
    today = NOW.date()
    officer = StaffMember.objects.get(username=HALTON.officer_persona.username)
    away = absences_away_list(on=today, policy=policy)
    covered = [absence for absence in away if absence.cover == officer]
    assert covered, "a teammate is away with the demo officer as cover"
    absence = covered[0]
    assert absence_is_long(absence=absence, policy=policy)
    assert absence.out_of_office_message
    assert cover_get(staff=absence.staff, on=today, policy=policy) == officer
    # an absence without named cover routes to the line manager
    assert any(a.cover is None for a in away)


def test_every_deadline_is_the_engines(halton):
    """Work each deadline out again as services._refresh does, from the stored rows:
    the due times through deadline_times, the warning time through warning_time."""
    policy = load_policy("halton")
    deadlines = Deadline.objects.select_related("case").prefetch_related(
        "pauses", "holding_replies", "visits"
    )
    assert deadlines.count() > SMALL.cases // 2
    for deadline in deadlines:
        standard = policy.deadline_standard(deadline.standard_key)
        case = deadline.case
        # A visitor's wait, an appointment's notice, an interview's action: the task's own
        # channel (a visit, a home visit), whichever case it is on.
        channels = ["visit", "home_visit"] if deadline.outlives_case else [case.channel]
        assert any(
            standard.applies_to(channel=PolicyChannel(channel), kind=PolicyKind(case.kind))
            for channel in channels
        ), deadline
        agreed = (
            [EngineHoldingReply(deadline.starts_at, deadline.agreed_due_at)]
            if deadline.agreed_due_at
            else []
        )
        times = deadline_times(
            start=deadline.starts_at,
            duration=standard.target,
            calendar=policy.working_calendar,
            pauses=[EnginePause(p.starts_at, p.ends_at) for p in deadline.pauses.all()],
            holding_replies=agreed
            + [
                EngineHoldingReply(r.sent_at, r.revised_due_at)
                for r in deadline.holding_replies.all()
            ],
        )
        assert deadline.standard_due_at == times.standard_due_at, case.reference
        assert deadline.revised_due_at == times.revised_due_at, case.reference
        assert deadline.due_at == times.due_at, case.reference
        warn_before = policy.warn_before(standard)
        if times.due_at is None or warn_before is None:
            assert deadline.warn_at is None
        else:
            assert deadline.warn_at == warning_time(
                starts=deadline.starts_at,
                due=times.due_at,
                before=warn_before,
                calendar=policy.working_calendar,
            ), case.reference
        if deadline.status in (DeadlineStatus.OPEN, DeadlineStatus.PAUSED):
            expected = DeadlineStatus.PAUSED if times.paused else DeadlineStatus.OPEN
            assert deadline.status == expected, case.reference
        if deadline.status == DeadlineStatus.MET:
            assert deadline.met_at is not None
            assert deadline.met_at <= NOW


def test_references_are_unique_follow_the_prefix_and_the_counters_carry_on(halton):
    references = list(
        Case.objects.order_by("received_at", "pk").values_list("reference", "received_at")
    )
    pattern = re.compile(r"^HHT-(\d{4})-(\d{6})$")
    numbers: dict[int, list[int]] = {}
    for reference, _ in references:
        match = pattern.match(reference)
        assert match, reference
        numbers.setdefault(int(match.group(1)), []).append(int(match.group(2)))
    assert len({r for r, _ in references}) == len(references)
    for year, issued in numbers.items():
        assert issued == list(range(1, len(issued) + 1))  # in the order received
        assert ReferenceCounter.objects.get(prefix="HHT", year=year).last == len(issued)


def test_the_year_has_breaches_holding_replies_waits_and_officer_work(halton):
    open_late = Deadline.objects.filter(status=DeadlineStatus.OPEN, due_at__lt=NOW)
    assert open_late.exists(), "some work is breached and still open"
    assert Deadline.objects.filter(status=DeadlineStatus.MET, met_at__gt=F("due_at")).exists()
    assert HoldingReply.objects.exists()
    assert Case.objects.filter(status=CaseStatus.WAITING_FOR_CUSTOMER).exists()
    assert Case.objects.filter(urgent=True).exists()
    assert CaseEvent.objects.filter(kind=EventKind.HOLDING_REPLY).count() == (
        HoldingReply.objects.count()
    )
    kinds = set(Case.objects.values_list("kind", flat=True))
    assert {"general_enquiry", "message", "complaint", "information_request"} <= kinds
    channels = set(Case.objects.values_list("channel", flat=True))
    assert {"phone", "email", "letter", "voicemail", "message", "web", "visit"} <= channels
    summary = demo_summary(policy="halton", clock=halton)
    assert summary.officer_due_today >= 1
    assert summary.officer_due_this_week >= 1
    assert summary.cases == SMALL.cases + opened_at_reception()
    assert [login.role for login in summary.logins] == [role.label.lower() for role in Role]


def test_most_deadlines_are_met_on_time(halton):
    met = Deadline.objects.filter(status=DeadlineStatus.MET)
    late = met.filter(met_at__gt=F("due_at")).count()
    assert 0 < late < met.count() * 0.2


def test_stonewall_is_a_london_charity_with_its_own_prefix(db):
    build_demo(policy="stonewall", seed=3, clock=SettableClock(NOW), size=DemoSize(120, 60))
    assert Case.objects.count() == 120 + opened_at_reception()
    assert all(r.startswith("SH-") for r in Case.objects.values_list("reference", flat=True))
    assert StaffMember.objects.filter(email__endswith=f"@{STONEWALL.email_domain}").count() > 30
    assert (
        Office.objects.filter(name__contains="London").exists()
        or Office.objects.filter(address__contains="London").exists()
    )


def snapshot() -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    rows += Case.objects.order_by("reference").values_list(
        "reference", "kind", "channel", "received_at", "subject", "assigned_to__username", "status"
    )
    # two actions agreed at one interview start together: their due dates tell them apart
    by = ("case__reference", "standard_key", "starts_at", "due_at", "pk")
    rows += Deadline.objects.order_by(*by).values_list(
        "case__reference", "standard_key", "due_at", "met_at", "status"
    )
    rows += Customer.objects.order_by("last_name", "first_name", "email").values_list(
        "last_name", "first_name", "email", "language", "accessible_format"
    )
    rows += StaffMember.objects.order_by("username").values_list("username", "post_title")
    rows += Visit.objects.order_by("arrived_at", "visitor_name").values_list(
        "office__name", "visitor_name", "arrived_at", "status", "finished_at", "case__reference"
    )
    rows.append((CaseEvent.objects.count(), Contact.objects.count()))
    return rows


def test_the_same_seed_builds_the_same_demo(db):
    clock = SettableClock(NOW)
    size = DemoSize(cases=150, customers=50)
    build_demo(policy="halton", seed=11, clock=clock, size=size)
    first = snapshot()
    wipe_demo()
    assert not Case.objects.exists()
    assert not StaffMember.objects.exists()
    build_demo(policy="halton", seed=11, clock=clock, size=size)
    assert snapshot() == first
    wipe_demo()
    build_demo(policy="halton", seed=12, clock=clock, size=size)
    assert snapshot() != first
