"""The sweeps: near deadlines warn the officer, breaches and urgent messages the manager."""

from datetime import timedelta

import pytest
from django.db import IntegrityError
from django_tasks_db.models import DBTaskResult

from caredesk.cases.models import CaseEvent, Deadline, EventKind
from caredesk.cases.services import case_assign, holding_reply_send, response_send
from caredesk.notifications import sweeps
from caredesk.notifications.models import EmailStatus, Notification, NotificationKind
from caredesk.notifications.sweeps import (
    deadline_escalate,
    deadline_warn,
    sweep,
    urgent_case_escalate,
)
from caredesk.notifications.tasks import escalate_urgent_case
from caredesk.notifications.tests.helpers import HALTON, STONEWALL, at, letter, message
from caredesk.staff.models import Role, StaffMember

pytestmark = pytest.mark.django_db

RECEIVED = at(2025, 6, 2, 10)  # a Monday: the letter is due at 5pm on Monday 16 June
DUE = at(2025, 6, 16, 17)
WARN = at(2025, 6, 12, 17)  # from here a "1 working day" request would be due on the 16th


def run(clock, policy=HALTON, **options):
    return sweep(clock=clock, policy=policy, **options)


# -- when to warn: the policy's warn_before, through the engine ----------------------------


def test_a_deadline_stores_its_warning_time_from_the_policy(people, clock):
    case = letter(people, clock, received=RECEIVED)

    deadline = case.deadlines.get()

    assert deadline.due_at == DUE
    assert deadline.warn_at == WARN


def test_a_standard_can_warn_sooner_than_the_policy_default(people, clock):
    # Stonewall 2.8: messages within 24 hours; its own warn_before is 4 hours.
    case = message(people, clock, received=at(2025, 6, 2, 10))

    deadline = case.deadlines.get()

    assert deadline.due_at == at(2025, 6, 3, 10)
    assert deadline.warn_at == at(2025, 6, 3, 6)


def test_a_holding_reply_moves_the_warning_with_the_due_date(people, clock):
    case = letter(people, clock, received=RECEIVED)
    deadline = case.deadlines.get()
    clock.moment = at(2025, 6, 10, 9)

    holding_reply_send(
        deadline=deadline,
        reason="Waiting for the contractor's report",
        revised=at(2025, 6, 20, 17),
        by=people.officer,
        policy=HALTON,
        clock=clock,
    )

    deadline.refresh_from_db()
    assert deadline.warn_at == at(2025, 6, 18, 17)


# -- near deadlines -------------------------------------------------------------------------


def test_nobody_is_warned_before_the_warning_time(people, clock):
    letter(people, clock, received=RECEIVED)
    clock.moment = WARN - timedelta(seconds=1)

    report = run(clock)

    assert report.warned == 0
    assert not Notification.objects.exists()


def test_the_officer_is_warned_once_when_the_deadline_is_near(people, clock):
    case = letter(people, clock, received=RECEIVED)
    clock.moment = WARN + timedelta(minutes=5)

    first = run(clock)
    second = run(clock)

    assert (first.warned, second.warned) == (1, 0)
    notification = Notification.objects.get()
    assert notification.recipient == people.officer
    assert notification.kind == NotificationKind.DEADLINE_NEAR
    assert notification.deadline == case.deadlines.get()
    assert notification.message == (
        f"{case.reference} “Fence panel blown down” is due by 5:00pm on Monday 16 June 2025: "
        "Letters and emails answered within 10 working days."
    )
    event = case.events.get(kind=EventKind.DEADLINE_WARNING)
    assert event.data["to"] == [people.officer.pk]
    assert event.actor is None
    assert event.at == clock.moment


def test_a_holding_reply_after_the_warning_brings_a_warning_for_the_revised_date(people, clock):
    case = letter(people, clock, received=RECEIVED)
    clock.moment = WARN + timedelta(minutes=5)
    assert run(clock).warned == 1
    holding_reply_send(
        deadline=case.deadlines.get(),
        reason="Waiting for the contractor's report",
        revised=at(2025, 6, 20, 17),
        by=people.officer,
        policy=HALTON,
        clock=clock,
    )
    assert run(clock).warned == 0  # the new warning time (18 June, 5pm) is not here yet

    clock.moment = at(2025, 6, 18, 17, 5)
    assert run(clock).warned == 1

    dues = list(
        Notification.objects.filter(kind=NotificationKind.DEADLINE_NEAR)
        .order_by("created_at")
        .values_list("due_at", flat=True)
    )
    assert dues == [DUE, at(2025, 6, 20, 17)]


def test_missing_a_revised_date_after_a_breach_is_escalated_again(people, clock):
    case = letter(people, clock, received=RECEIVED)
    clock.moment = DUE + timedelta(hours=1)
    assert run(clock).escalated == 1
    holding_reply_send(
        deadline=case.deadlines.get(),
        reason="Sorry for the delay: the surveyor is off sick",
        revised=at(2025, 6, 20, 17),
        by=people.officer,
        policy=HALTON,
        clock=clock,
    )
    assert run(clock).escalated == 0

    clock.moment = at(2025, 6, 20, 17, 1)
    assert run(clock).escalated == 1
    assert Notification.objects.filter(kind=NotificationKind.DEADLINE_BREACHED).count() == 2


def test_an_unassigned_deadline_is_warned_once_someone_has_it(people, clock):
    case = letter(people, clock, received=RECEIVED, assign_to=None)
    clock.moment = WARN + timedelta(hours=1)
    assert run(clock).warned == 0

    case_assign(case=case, officer=people.teammate, by=people.line_manager, clock=clock)
    run(clock)

    assert Notification.objects.get().recipient == people.teammate


def test_a_deadline_met_in_time_brings_no_warning_and_no_escalation(people, clock):
    case = letter(people, clock, received=RECEIVED)
    clock.moment = at(2025, 6, 5, 12)
    response_send(case=case, channel="letter", summary="Fixed", by=people.officer, clock=clock)
    clock.moment = DUE + timedelta(days=3)

    report = run(clock)

    assert (report.warned, report.escalated) == (0, 0)
    assert not Notification.objects.exists()


def test_a_deadline_already_missed_is_escalated_not_warned(people, clock):
    letter(people, clock, received=RECEIVED)
    clock.moment = DUE + timedelta(hours=1)  # the worker was not running at WARN

    report = run(clock)

    assert (report.warned, report.escalated) == (0, 1)
    assert list(Notification.objects.values_list("kind", flat=True)) == ["deadline_breached"]
    assert Deadline.objects.get().warned_at == clock.moment  # claimed: not looked at again


# -- breaches ---------------------------------------------------------------------------------


def test_a_breach_goes_to_the_officers_line_manager_once(people, clock):
    case = letter(people, clock, received=RECEIVED)
    clock.moment = DUE + timedelta(seconds=1)

    first, second = run(clock), run(clock)

    assert (first.escalated, second.escalated) == (1, 0)
    notification = Notification.objects.get(kind=NotificationKind.DEADLINE_BREACHED)
    assert notification.recipient == people.line_manager
    assert "missed its deadline" in notification.message
    assert "It is with Olu Officer." in notification.message
    event = case.events.get(kind=EventKind.ESCALATION)
    assert event.data["reason"] == "deadline_missed"
    assert event.data["to"] == [people.line_manager.pk]


def test_not_breached_until_the_due_time_has_passed(people, clock):
    letter(people, clock, received=RECEIVED)
    clock.moment = DUE

    assert run(clock).escalated == 0


def test_without_a_line_manager_the_teams_line_managers_are_told(people, clock):
    second_manager = StaffMember.objects.create_user(
        username="sam_second", email="sam@example.org", team=people.team
    )
    from django.contrib.auth.models import Group

    second_manager.groups.add(Group.objects.get(name=Role.LINE_MANAGER.value))
    letter(people, clock, received=RECEIVED, assign_to=None, team=people.team)
    clock.moment = DUE + timedelta(hours=1)

    run(clock)

    told = set(
        Notification.objects.filter(kind=NotificationKind.DEADLINE_BREACHED).values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"lena_manager", "sam_second"}


def test_a_breach_with_nobody_to_tell_is_recorded_on_the_case(people, clock):
    case = letter(people, clock, received=RECEIVED, assign_to=people.outsider)  # no manager
    clock.moment = DUE + timedelta(hours=1)

    report = run(clock)

    assert report.escalated == 1
    assert not Notification.objects.filter(kind=NotificationKind.DEADLINE_BREACHED).exists()
    event = case.events.get(kind=EventKind.ESCALATION)
    assert event.data["to"] == []
    assert event.data["note"] == "There is no line manager to tell."


# -- urgent messages (Stonewall 2.8) ----------------------------------------------------------


def test_an_urgent_message_is_queued_for_the_line_manager_when_it_is_logged(
    people, clock, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = message(people, clock, received=at(2025, 6, 20, 11), urgent=True)

    queued = DBTaskResult.objects.get()
    assert queued.task_path == "caredesk.notifications.tasks.escalate_urgent_case"
    assert queued.args_kwargs == {"args": [case.pk], "kwargs": {}}


def test_the_urgent_task_tells_the_line_manager_at_once(people, clock, settings):
    settings.CAREDESK_POLICY = "stonewall"
    case = message(people, clock, received=at(2025, 6, 20, 11), urgent=True)

    told = escalate_urgent_case.call(case.pk)

    assert told == 1
    notification = Notification.objects.get()
    assert notification.kind == NotificationKind.URGENT_MESSAGE
    assert notification.recipient == people.line_manager
    assert notification.deadline is None
    assert notification.message.startswith(f"Urgent: {case.reference}")
    assert case.events.get(kind=EventKind.ESCALATION).data["reason"] == "urgent"
    assert escalate_urgent_case.call(case.pk) is None  # already done


def test_the_sweep_catches_an_urgent_message_whose_task_never_ran(people, clock):
    message(people, clock, received=at(2025, 6, 20, 11), urgent=True)

    report = run(clock, policy=STONEWALL)

    assert report.urgent == 1
    assert Notification.objects.get().recipient == people.line_manager
    assert run(clock, policy=STONEWALL).urgent == 0


def test_an_urgent_message_logged_by_an_administrator_goes_to_the_assignees_manager(people, clock):
    case = message(people, clock, received=at(2025, 6, 20, 11), urgent=True)

    told = urgent_case_escalate(case_id=case.pk, clock=clock, policy=STONEWALL)

    assert told is not None
    assert [n.recipient for n in told] == [people.line_manager]


def test_halton_has_no_urgent_rule_so_nothing_is_escalated(
    people, clock, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message(people, clock, received=at(2025, 6, 20, 11), urgent=True, policy=HALTON)

    assert not DBTaskResult.objects.exists()
    assert run(clock, policy=HALTON).urgent == 0
    assert not Notification.objects.exists()


def test_urgent_letters_are_outside_the_rule(people, clock):
    letter(people, clock, received=at(2025, 6, 20, 11), urgent=True, policy=STONEWALL)

    assert run(clock, policy=STONEWALL).urgent == 0


# -- claims: exactly once -------------------------------------------------------------------


def test_a_claim_succeeds_once(people, clock):
    deadline = letter(people, clock, received=RECEIVED).deadlines.get()
    clock.moment = DUE + timedelta(hours=1)

    first = deadline_escalate(deadline_id=deadline.pk, clock=clock, policy=HALTON)
    again = deadline_escalate(deadline_id=deadline.pk, clock=clock, policy=HALTON)

    assert first is not None
    assert len(first) == 1
    assert again is None
    assert Notification.objects.count() == 1


def test_the_database_refuses_a_second_copy_of_a_notification(people, clock):
    deadline = letter(people, clock, received=RECEIVED).deadlines.get()
    clock.moment = WARN + timedelta(hours=1)
    notification = deadline_warn(deadline_id=deadline.pk, clock=clock, policy=HALTON)
    assert notification is not None

    with pytest.raises(IntegrityError):
        Notification.objects.create(
            recipient=notification.recipient,
            kind=notification.kind,
            case=notification.case,
            deadline=deadline,
            due_at=notification.due_at,
            message="again",
            created_at=clock.moment,
        )


def test_a_crash_mid_sweep_loses_nothing_and_repeats_nothing(people, clock, monkeypatch):
    for day in range(2, 7):  # five letters, one a day
        letter(people, clock, received=at(2025, 6, day, 10))
    clock.moment = at(2025, 7, 1, 12)  # all five are missed
    real_create = Notification.objects.create
    made: list[dict[str, object]] = []

    def create_then_die(**fields):
        if len(made) == 3:
            raise RuntimeError("the worker is killed")
        made.append(fields)
        return real_create(**fields)

    monkeypatch.setattr(Notification.objects, "create", create_then_die)
    with pytest.raises(RuntimeError):
        run(clock, batch_size=2)
    # then: the fourth claim was rolled back with its notification and its event
    assert Deadline.objects.filter(escalated_at__isnull=False).count() == 3
    assert Notification.objects.count() == 3
    assert CaseEvent.objects.filter(kind=EventKind.ESCALATION).count() == 3

    monkeypatch.setattr(Notification.objects, "create", real_create)
    run(clock, batch_size=2)

    assert Deadline.objects.filter(escalated_at__isnull=False).count() == 5
    assert Notification.objects.filter(kind=NotificationKind.DEADLINE_BREACHED).count() == 5
    assert CaseEvent.objects.filter(kind=EventKind.ESCALATION).count() == 5


def test_sweeps_work_in_batches_and_stop(people, clock):
    for day in range(2, 7):
        letter(people, clock, received=at(2025, 6, day, 10))
    clock.moment = at(2025, 7, 1, 12)
    calls = []

    report = run(clock, batch_size=2, between_batches=lambda: calls.append(1))

    assert (report.warned, report.escalated) == (0, 5)
    # Both sweeps read 2 + 2 + 1 (the warnings come too late, so are only claimed);
    # Halton has no urgent rule, so that sweep does not run.
    assert len(calls) == 3 + 3


def test_a_batch_reads_its_candidates_in_one_query(people, clock, django_assert_max_num_queries):
    for day in range(2, 7):
        letter(people, clock, received=at(2025, 6, day, 10))
    clock.moment = at(2025, 7, 1, 12)
    run(clock)  # escalate everything first

    # warn, escalate, emails, customers' emails, letters' formats, stopped call imports,
    # days of figures to count again: nothing left to claim
    with django_assert_max_num_queries(8):
        sweeps.sweep(clock=clock, policy=HALTON)


def test_new_notifications_wait_for_their_email(people, clock):
    letter(people, clock, received=RECEIVED)
    clock.moment = WARN + timedelta(hours=1)

    sweeps.deadline_warn(deadline_id=Deadline.objects.get().pk, clock=clock, policy=HALTON)

    assert Notification.objects.get().email_status == EmailStatus.PENDING
