"""The personal data breach log (privacy.breaches): a breach is a case whose 72 hours
to report it to the ICO are a deadline like any other, the data protection officer's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from caredesk.cases.breach_clock import breach_case_close
from caredesk.cases.errors import BreachEndedOnItsPage, MergeRefused, NotACaseworker
from caredesk.cases.merging import case_merge
from caredesk.cases.models import CaseEvent, CaseKind, CaseStatus, Deadline, DeadlineStatus
from caredesk.cases.reopening import case_reopen
from caredesk.cases.services import case_assign, case_finish
from caredesk.cases.timing import deadline_times_apply
from caredesk.conftest import customer_case
from caredesk.errors import NotAllowed
from caredesk.notifications.models import Notification, NotificationKind
from caredesk.privacy import breaches
from caredesk.privacy.models import Breach, BreachDecision, BreachRisk
from caredesk.staff.permissions import Can, allowed
from caredesk.standards import load_policy
from caredesk.worker.tests.helpers import sweep_pass

pytestmark = pytest.mark.django_db

HALTON = load_policy("halton")
LONDON = ZoneInfo("Europe/London")
# 01:30 on Saturday 24 October 2026, British Summer Time (00:30 UTC). The clocks go
# back at 02:00 BST on Sunday 25 October (01:00 GMT). 72 elapsed hours later is 00:30
# UTC on Tuesday 27 October, which in GMT is also 00:30: on the wall clock it looks
# like 71 hours (01:30 Sat to 00:30 Tue), as an hour was lived twice.
AWARE = datetime(2026, 10, 24, 1, 30, tzinfo=LONDON)
DUE = datetime(2026, 10, 27, 0, 30, tzinfo=UTC)
WARN = datetime(2026, 10, 26, 0, 30, tzinfo=UTC)  # 24 hours before (the policy's warn_before)


def report(people, clock, *, by=None, aware=AWARE, text="A letter went to the wrong address"):
    clock.moment = max(clock.moment, aware + timedelta(hours=2))
    return breaches.breach_report(
        became_aware_at=aware,
        what_happened=text,
        how_discovered="The neighbour rang us",
        by=by or people.officer,
        policy=HALTON,
        clock=clock,
    )


def assess(breach, people, clock, *, risk=BreachRisk.UNLIKELY):
    return breaches.breach_assess(
        breach=breach,
        what_happened="A rent statement went to number 14, not 41",
        how_discovered="The neighbour rang us",
        data_categories=["contact", "financial"],
        data_affected="Name, address, rent balance",
        people_affected_count=1,
        people_affected="One tenant",
        risk_likelihood="remote" if risk == BreachRisk.UNLIKELY else "likely",
        risk_severity="minimal" if risk == BreachRisk.UNLIKELY else "severe",
        risk=risk,
        risk_reasoning="The neighbour returned it unopened"
        if risk == BreachRisk.UNLIKELY
        else "Arrears and a new address of someone fleeing violence",
        containment="Letter collected",
        by=people.data_protection_officer,
        policy=HALTON,
        clock=clock,
    )


def decide(breach, people, clock, **fields):
    fields.setdefault("report", True)
    fields.setdefault("at", clock.now())
    return breaches.breach_decide(
        breach=breach, by=people.data_protection_officer, policy=HALTON, clock=clock, **fields
    )


def deadline_of(breach: Breach) -> Deadline:
    return Deadline.objects.get(case=breach.case, standard_key="breach_report")


# -- the 72 hours ----------------------------------------------------------------------


def test_the_72_hours_are_elapsed_hours_across_the_clocks_going_back(people, clock):
    breach = report(people, clock)
    deadline = deadline_of(breach)
    assert breach.case.kind == CaseKind.PERSONAL_DATA_BREACH
    assert breach.case.received_at == AWARE
    assert deadline.due_at == DUE
    assert deadline.due_at - AWARE == timedelta(hours=72)
    local = deadline.due_at.astimezone(LONDON)
    assert (local.day, local.hour, local.minute, local.utcoffset()) == (27, 0, 30, timedelta(0))
    assert deadline.warn_at == WARN


def test_across_the_clocks_going_forward_the_wall_clock_shows_73_hours(people, clock):
    # 09:00 GMT on Saturday 28 March 2026 (09:00 UTC); the clocks go forward at 01:00
    # GMT on Sunday 29 March. Due 09:00 UTC Tuesday 31 March, which is 10:00 BST.
    aware = datetime(2026, 3, 28, 9, 0, tzinfo=LONDON)
    breach = report(people, clock, aware=aware)
    due = deadline_of(breach).due_at
    assert due == datetime(2026, 3, 31, 9, 0, tzinfo=UTC)
    assert due.astimezone(LONDON).hour == 10


@settings(max_examples=200, deadline=None)
@given(
    aware=st.datetimes(
        min_value=datetime(2026, 1, 1),
        max_value=datetime(2027, 12, 31, 23, 59, 59),
        timezones=st.just(UTC),
    ),
    policy_name=st.sampled_from(["halton", "stonewall"]),
)
def test_for_any_awareness_in_2026_and_2027_the_due_time_is_72_elapsed_hours_later(
    aware, policy_name
):
    policy = load_policy(policy_name)
    deadline = Deadline(standard_key="breach_report", starts_at=aware)
    deadline_times_apply(deadline, pauses=[], holding_replies=[], policy=policy)
    assert deadline.due_at == aware + timedelta(hours=72)
    assert deadline.warn_at == aware + timedelta(hours=48)


def test_awareness_later_than_now_is_refused(people, clock):
    clock.moment = AWARE
    with pytest.raises(breaches.BreachAwareInFuture):
        breaches.breach_report(
            became_aware_at=AWARE + timedelta(minutes=1),
            what_happened="Lost laptop",
            by=people.officer,
            policy=HALTON,
            clock=clock,
        )
    assert not Breach.objects.exists()


# -- the decision -------------------------------------------------------------------------


def test_reported_in_time_meets_the_72_hours(people, clock):
    breach = assess(report(people, clock), people, clock, risk=BreachRisk.RISK)
    clock.moment = DUE - timedelta(hours=1)
    breach = decide(breach, people, clock, ico_reference="IC-123456-A1B2")
    deadline = deadline_of(breach)
    assert deadline.status == DeadlineStatus.MET
    assert deadline.met_at == DUE - timedelta(hours=1)
    assert deadline.met_standard
    assert breach.decision == BreachDecision.REPORTED
    assert breach.reported_to_ico_at == DUE - timedelta(hours=1)
    texts = list(
        CaseEvent.objects.filter(case=breach.case, kind="breach").values_list("data", flat=True)
    )
    assert texts[-1]["text"] == "Reported to the ICO (reference IC-123456-A1B2)."


def test_a_decision_after_the_72_hours_needs_the_reasons_for_the_delay_and_is_late(people, clock):
    breach = assess(report(people, clock), people, clock, risk=BreachRisk.RISK)
    clock.moment = DUE + timedelta(hours=5)
    with pytest.raises(breaches.BreachDelayUnexplained):
        decide(breach, people, clock)
    assert deadline_of(breach).status == DeadlineStatus.OPEN
    breach = decide(breach, people, clock, delay_reason="The officer was on a course")
    deadline = deadline_of(breach)
    assert deadline.status == DeadlineStatus.MET
    assert not deadline.met_standard  # late, as any other
    assert breach.delay_reason == "The officer was on a course"


def test_a_decision_dated_within_the_72_hours_but_recorded_later_is_in_time(people, clock):
    breach = assess(report(people, clock), people, clock, risk=BreachRisk.RISK)
    clock.moment = DUE + timedelta(days=1)
    breach = decide(breach, people, clock, at=DUE - timedelta(minutes=1))
    assert deadline_of(breach).met_standard


def test_not_reporting_needs_the_reason(people, clock):
    breach = assess(report(people, clock), people, clock)
    with pytest.raises(breaches.BreachReasonMissing):
        decide(breach, people, clock, report=False, reason="  ")
    breach = decide(breach, people, clock, report=False, reason="Returned unopened")
    assert breach.decision == BreachDecision.NOT_REPORTED
    assert breach.not_reported_reason == "Returned unopened"
    assert breach.decided_not_to_report_at == clock.now()
    assert deadline_of(breach).status == DeadlineStatus.MET


def test_a_breach_that_is_a_risk_to_people_cannot_be_decided_not_reported(people, clock):
    breach = assess(report(people, clock), people, clock, risk=BreachRisk.RISK)
    with pytest.raises(breaches.BreachMustBeReported):
        decide(breach, people, clock, report=False, reason="We would rather not")


def test_the_risk_is_assessed_before_the_decision_and_decided_only_once(people, clock):
    breach = report(people, clock)
    with pytest.raises(breaches.BreachNotAssessed):
        decide(breach, people, clock)
    breach = decide(assess(breach, people, clock, risk=BreachRisk.RISK), people, clock)
    with pytest.raises(breaches.BreachAlreadyDecided):
        decide(breach, people, clock)


def test_a_decision_before_awareness_or_in_the_future_is_refused(people, clock):
    breach = assess(report(people, clock), people, clock, risk=BreachRisk.RISK)
    for at in (AWARE - timedelta(minutes=1), clock.now() + timedelta(minutes=1)):
        with pytest.raises(breaches.BreachTimeOutOfRange):
            decide(breach, people, clock, at=at)


# -- Article 34: telling the people affected ------------------------------------------------


def test_a_high_risk_breach_is_closed_only_once_the_people_told_are_recorded(people, clock):
    breach = decide(
        assess(report(people, clock), people, clock, risk=BreachRisk.HIGH), people, clock
    )
    dpo = people.data_protection_officer
    with pytest.raises(breaches.BreachPeopleNotRecorded):
        breaches.breach_close(breach=breach, note="", by=dpo, policy=HALTON, clock=clock)
    with pytest.raises(breaches.BreachPeopleNotRecorded):
        breaches.breach_people_told(breach=breach, told=False, by=dpo, policy=HALTON, clock=clock)
    with pytest.raises(breaches.BreachTimeOutOfRange):
        breaches.breach_people_told(
            breach=breach, told=True, how="By phone", by=dpo, policy=HALTON, clock=clock
        )
    breach = breaches.breach_people_told(
        breach=breach,
        told=True,
        at=clock.now(),
        how="By phone, then a letter",
        by=dpo,
        policy=HALTON,
        clock=clock,
    )
    assert breach.people_told_at == clock.now()
    breach = breaches.breach_close(
        breach=breach, note="Check addresses twice", by=dpo, policy=HALTON, clock=clock
    )
    assert breach.closed_at == clock.now()
    breach.case.refresh_from_db()
    assert breach.case.status == CaseStatus.CLOSED


def test_people_not_told_with_a_reason_lets_a_high_risk_breach_close(people, clock):
    breach = decide(
        assess(report(people, clock), people, clock, risk=BreachRisk.HIGH), people, clock
    )
    dpo = people.data_protection_officer
    breaches.breach_people_told(
        breach=breach,
        told=False,
        reason="The laptop was encrypted",
        by=dpo,
        policy=HALTON,
        clock=clock,
    )
    breaches.breach_close(breach=breach, note="", by=dpo, policy=HALTON, clock=clock)
    with pytest.raises(breaches.BreachClosed):
        breaches.breach_people_told(
            breach=breach, told=False, reason="x", by=dpo, policy=HALTON, clock=clock
        )


def test_a_breach_is_closed_only_once_decided(people, clock):
    breach = report(people, clock)
    with pytest.raises(breaches.BreachUndecided):
        breaches.breach_close(
            breach=breach, note="", by=people.data_protection_officer, policy=HALTON, clock=clock
        )


@pytest.mark.parametrize(
    ("what_happened", "said"),
    [
        ("  ", "Enter what happened."),
        ("x" * 5001, "What happened must be 5,000 characters or fewer."),
        (
            "Lost\x00",
            "What happened contains a NUL character, which cannot be stored. "
            "Remove it and try again.",
        ),
    ],
)
def test_what_happened_that_cannot_be_kept_is_refused_saying_why(
    people, clock, what_happened, said
):
    with pytest.raises(breaches.BreachError) as refused:
        report(people, clock, text=what_happened)
    assert refused.value.message == said
    assert not Breach.objects.exists()


# -- only the officer's decision ends a breach -------------------------------------------


def test_a_breach_case_is_not_resolved_closed_reopened_or_merged_as_any_other_case(people, clock):
    # given: a breach, and an ordinary case of no customer
    breach = report(people, clock)
    case = breach.case
    # when / then: whoever works cases, and the officer too, is refused, and why is said
    for status in (CaseStatus.RESOLVED, CaseStatus.CLOSED):
        for who in (people.officer, people.line_manager, people.data_protection_officer):
            with pytest.raises(BreachEndedOnItsPage) as refused:
                case_finish(case=case, status=status, outcome="Sorted", by=who, clock=clock)
            assert refused.value.message == (
                f"{case.reference} is a personal data breach, so you cannot resolve or close "
                "it here. Only the data protection officer can close it, on the breach's "
                "page, once they have reported it to the ICO or decided not to."
            )
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert deadline_of(breach).status == DeadlineStatus.OPEN
    other = customer_case(people, clock)
    for kept, merged in ((other, case), (case, other)):
        with pytest.raises(MergeRefused, match="is a personal data breach, so it cannot be merged"):
            case_merge(kept=kept, merged=merged, by=people.officer, policy=HALTON, clock=clock)
    # nor is its case closed by someone who does not manage privacy, through cases itself
    with pytest.raises(NotAllowed):
        breach_case_close(case=case, outcome="Closed", by=people.line_manager, clock=clock)


def test_the_officers_decision_closes_the_case_and_it_is_not_reopened_from_the_case_page(
    people, clock
):
    dpo = people.data_protection_officer
    breach = decide(assess(report(people, clock), people, clock), people, clock)
    breaches.breach_close(breach=breach, note="", by=dpo, policy=HALTON, clock=clock)
    case = breach.case
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.outcome == "Breach reported to the ICO."
    with pytest.raises(BreachEndedOnItsPage, match="so you cannot reopen it here"):
        case_reopen(case=case, reason="More came to light", by=people.officer, clock=clock)


def test_the_case_page_offers_no_resolve_or_close_for_a_breach_and_links_the_officer_to_it(
    client, people, clock
):
    breach = report(people, clock)
    case_page = reverse("cases:case", args=[breach.case.reference])
    everything = case_page + "?actions=all"
    # given: someone who works cases
    client.force_login(people.officer)
    html = client.get(everything).content.decode()
    assert "Only the data protection officer can close it" in html
    assert "Resolve or close" not in html
    assert reverse("cases:finish", args=[breach.case.reference]) not in html
    assert reverse("cases:merge", args=[breach.case.reference]) not in html
    assert reverse("privacy:breach_of_case", args=[breach.case.reference]) not in html  # 403 there
    # when they close it anyway (an old page, a form of their own): refused, and still open
    for sent in (
        {"status": "closed", "outcome": "Sorted"},
        {"status": "closed", "outcome": "Sorted", "confirmed": "on"},
    ):
        refused = client.post(reverse("cases:finish", args=[breach.case.reference]), sent)
        assert refused.status_code == 400
        said = refused.content.decode()
        assert 'class="error-summary"' in said
        assert "is a personal data breach, so you cannot resolve or close it here" in said
        assert "Are you sure" not in said
    breach.case.refresh_from_db()
    assert breach.case.status == CaseStatus.OPEN
    # the data protection officer is linked to the breach's page from the case page
    client.force_login(people.data_protection_officer)
    html = client.get(case_page).content.decode()
    link = reverse("privacy:breach_of_case", args=[breach.case.reference])
    assert f'href="{link}"' in html
    assert "Resolve or close" not in html
    went = client.get(link)
    assert went.status_code == 302
    assert went["Location"] == reverse("privacy:breach", args=[breach.pk])
    client.force_login(people.officer)
    assert client.get(link).status_code == 403


# -- who may do what, and whose the case is -------------------------------------------------


def test_an_officers_report_goes_to_the_data_protection_officer_who_takes_no_casework(
    people, clock
):
    dpo = people.data_protection_officer
    breach = report(people, clock, by=people.officer)
    assert breach.case.assigned_to == dpo
    assert deadline_of(breach).assigned_to == dpo
    assert not allowed(dpo, Can.WORK_CASES)  # given the breach, not casework
    told = Notification.objects.get(kind=NotificationKind.BREACH_REPORTED)
    assert told.recipient == dpo
    assert "by 12:30am on Tuesday 27 October 2026" in told.message
    assert told.links == [["Open the breach", reverse("privacy:breach", args=[breach.pk])]]


def test_a_breach_is_given_only_to_those_who_manage_privacy(people, clock):
    breach = report(people, clock)
    with pytest.raises(NotACaseworker):
        case_assign(case=breach.case, officer=people.officer, by=people.line_manager)
    ordinary = customer_case(people, clock)
    with pytest.raises(NotACaseworker):  # nor an ordinary case to the data protection officer
        case_assign(case=ordinary, officer=people.data_protection_officer, by=people.line_manager)
    case_assign(case=breach.case, officer=people.data_protection_officer, by=people.line_manager)


def test_the_officer_may_report_but_not_assess_or_decide_and_the_dpo_decides(people, clock):
    breach = report(people, clock, by=people.officer)
    with pytest.raises(NotAllowed):
        breaches.breach_assess(
            breach=breach,
            what_happened="x",
            how_discovered="",
            data_categories=["contact"],
            data_affected="x",
            people_affected_count=None,
            people_affected="x",
            risk_likelihood="remote",
            risk_severity="minimal",
            risk="unlikely",
            risk_reasoning="x",
            containment="",
            by=people.officer,
            policy=HALTON,
            clock=clock,
        )
    assess(breach, people, clock, risk=BreachRisk.RISK)
    for outsider in (people.officer, people.line_manager, people.analyst):
        with pytest.raises(NotAllowed):
            breaches.breach_decide(
                breach=breach, report=True, at=clock.now(), by=outsider, policy=HALTON, clock=clock
            )
    assert decide(breach, people, clock).decision == BreachDecision.REPORTED


def test_the_scrutiny_panel_cannot_report_a_breach(people, clock):
    with pytest.raises(NotAllowed):
        report(people, clock, by=people.scrutiny_member)


def test_without_a_data_protection_officer_the_breach_is_still_recorded_unassigned(people, clock):
    breach = report(people, clock, by=people.officer)
    assert breach.case.assigned_to is None
    assert not Notification.objects.exists()


# -- the warning --------------------------------------------------------------------------


def test_the_data_protection_officer_is_warned_24_hours_before_the_72_end(people, clock):
    breach = report(people, clock, by=people.data_protection_officer)
    clock.moment = WARN - timedelta(minutes=1)
    assert sweep_pass(clock=clock, policy=HALTON)["deadlines_warn"].rows == 0
    clock.moment = WARN + timedelta(minutes=1)
    assert sweep_pass(clock=clock, policy=HALTON)["deadlines_warn"].rows == 1
    warning = Notification.objects.get(kind=NotificationKind.DEADLINE_NEAR)
    assert warning.recipient == people.data_protection_officer
    assert warning.case == breach.case
    assert warning.due_at == DUE
    assert "Personal data breaches reported to the ICO" in warning.message


# -- the pages ------------------------------------------------------------------------------


def test_any_member_of_staff_reports_a_breach_on_its_page(client, people, clock):
    people.data_protection_officer  # noqa: B018 (there is one to tell)
    client.force_login(people.officer)
    page = reverse("privacy:breach_report")
    assert "Report a data breach" in client.get(page).content.decode()
    response = client.post(
        page,
        {"became_aware_at": "2025-06-20T09:15", "what_happened": "Email to the wrong tenant"},
    )
    assert response.status_code == 302
    breach = Breach.objects.get()
    assert breach.became_aware_at == datetime(2025, 6, 20, 8, 15, tzinfo=UTC)
    assert breach.case.assigned_to == people.data_protection_officer


def test_the_report_form_refuses_bad_input_with_a_400_and_the_error_summary(client, people, clock):
    client.force_login(people.officer)
    response = client.post(
        reverse("privacy:breach_report"), {"became_aware_at": "2999-01-01T09:00"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert "Write what happened" in html
    response = client.post(
        reverse("privacy:breach_report"),
        {"became_aware_at": "2999-01-01T09:00", "what_happened": "Lost laptop"},
    )
    assert response.status_code == 400
    assert "later than now" in response.content.decode()
    assert not Breach.objects.exists()


def test_the_log_shows_open_breaches_first_with_the_time_left(client, people, clock):
    dpo = people.data_protection_officer
    later = report(people, clock, by=dpo, aware=datetime(2025, 6, 19, 9, 0, tzinfo=UTC))
    sooner = report(people, clock, by=dpo, aware=datetime(2025, 6, 18, 9, 0, tzinfo=UTC))
    clock.moment = datetime(2025, 6, 20, 12, 0, tzinfo=UTC)
    client.force_login(dpo)
    html = client.get(reverse("privacy:breaches")).content.decode()
    assert html.index(sooner.case.reference) < html.index(later.case.reference)
    assert "Data breaches" in html
    assert "Due in" in html or "Overdue by" in html or "Due today" in html


def test_the_breach_page_records_the_assessment_and_the_decision(client, people, clock):
    dpo = people.data_protection_officer
    breach = report(people, clock, by=dpo, aware=datetime(2025, 6, 20, 9, 0, tzinfo=UTC))
    client.force_login(dpo)
    page = reverse("privacy:breach", args=[breach.pk])
    assert client.get(page).status_code == 200
    refused = client.post(page, {"action": "assess", "what_happened": "x"})
    assert refused.status_code == 400
    assert 'class="error-summary"' in refused.content.decode()
    assert "Choose the kinds of personal data affected" in refused.content.decode()
    done = client.post(
        page,
        {
            "action": "assess",
            "what_happened": "Email to the wrong tenant",
            "data_categories": ["contact", "health"],
            "data_affected": "A support plan",
            "people_affected_count": "1",
            "people_affected": "One tenant",
            "risk_likelihood": "likely",
            "risk_severity": "severe",
            "risk": "high",
            "risk_reasoning": "Health data",
            "containment": "Recipient deleted it",
        },
    )
    assert done.status_code == 302
    refused = client.post(page, {"action": "decide", "report": "0", "at": "2025-06-20T11:00"})
    assert refused.status_code == 400
    assert "must be reported to the ICO" in refused.content.decode()
    done = client.post(
        page, {"action": "decide", "report": "1", "at": "2025-06-20T11:00", "ico_reference": "IC-1"}
    )
    assert done.status_code == 302
    breach.refresh_from_db()
    assert breach.reported_to_ico_at == datetime(2025, 6, 20, 10, 0, tzinfo=UTC)
    html = client.get(page).content.decode()
    assert "Reported to the ICO" in html
    assert "Telling the people affected" in html


def test_the_log_and_the_breach_page_are_the_data_protection_officers_only(client, people, clock):
    breach = report(people, clock)
    for person in (people.officer, people.analyst, people.line_manager):
        client.force_login(person)
        assert client.get(reverse("privacy:breaches")).status_code == 403
        assert client.get(reverse("privacy:breach", args=[breach.pk])).status_code == 403
    client.force_login(people.scrutiny_member)
    assert client.get(reverse("privacy:breach_report")).status_code == 403


def test_the_menu_shows_data_breaches_to_the_officer_and_the_report_link_to_all_staff(
    client, people
):
    client.force_login(people.data_protection_officer)
    html = client.get(reverse("privacy:breaches")).content.decode()
    assert f'href="{reverse("privacy:breaches")}" aria-current="page">Data breaches' in html
    client.force_login(people.officer)
    html = client.get(reverse("cases:overdue")).content.decode()
    assert "Data breaches" not in html
    assert f'href="{reverse("privacy:breach_report")}">Report a data breach' in html
