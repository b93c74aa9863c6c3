"""The notices the worker's sweeps send (notifications.notices): warnings, missed
deadlines and their digests, urgent messages to the manager at once."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django_tasks_db.models import DBTaskResult

from caredesk.cases.models import CaseEvent, Deadline, EventKind
from caredesk.cases.services import case_assign, holding_reply_send, response_send
from caredesk.notifications import notices
from caredesk.notifications.models import (
    EmailStatus,
    MissedDeadline,
    Notification,
    NotificationKind,
)
from caredesk.notifications.notices import (
    deadline_escalate,
    deadline_warn,
    urgent_case_escalate,
)
from caredesk.notifications.selectors import digest_lines_list
from caredesk.notifications.tasks import escalate_urgent_case
from caredesk.notifications.tests.helpers import HALTON, STONEWALL, at, letter, message
from caredesk.staff.models import Role, StaffMember
from caredesk.worker.tests.helpers import sweep_pass

pytestmark = pytest.mark.django_db

RECEIVED = at(2025, 6, 2, 10)  # a Monday: the letter is due at 5pm on Monday 16 June
DUE = at(2025, 6, 16, 17)
WARN = at(2025, 6, 12, 17)  # from here a "1 working day" request would be due on the 16th


class Report:
    """A pass's rows done, by what the old report called them."""

    def __init__(self, report):
        self.report = report
        self.warned = report["deadlines_warn"].rows
        self.escalated = report["deadlines_escalate"].rows
        self.digests = report["deadlines_missed_digests"].rows
        self.urgent = report["urgent_escalate"].rows


def run(clock, policy=HALTON, **options):
    return Report(sweep_pass(clock=clock, policy=policy, **options))


def digests():
    return Notification.objects.filter(kind=NotificationKind.DEADLINES_MISSED)


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
    assert digests().count() == 2
    assert sorted(MissedDeadline.objects.values_list("due_at", flat=True)) == [
        DUE,
        at(2025, 6, 20, 17),
    ]


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
    assert list(Notification.objects.values_list("kind", flat=True)) == ["deadlines_missed"]
    assert Deadline.objects.get().warned_at == clock.moment  # claimed: not looked at again


# -- breaches ---------------------------------------------------------------------------------


def test_a_breach_goes_to_the_officers_line_manager_once(people, clock):
    case = letter(people, clock, received=RECEIVED)
    clock.moment = DUE + timedelta(seconds=1)

    first, second = run(clock), run(clock)

    assert (first.escalated, second.escalated) == (1, 0)
    assert (first.digests, second.digests) == (1, 0)
    notification = digests().get()
    assert notification.recipient == people.line_manager
    assert notification.case is None
    assert notification.message == "1 deadline in your team was missed."
    [line] = digest_lines_list(digest=notification, policy=HALTON)
    assert str(line) == (
        f"{case.reference} “Fence panel blown down”: Letters and emails answered within "
        "10 working days, due by 5:00pm on Monday 16 June 2025; with Olu Officer."
    )
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

    told = set(digests().values_list("recipient__username", flat=True))
    assert told == {"lena_manager", "sam_second"}
    [line] = digest_lines_list(digest=digests().first(), policy=HALTON)
    assert line.had_it == "nobody had been given it"


def test_a_breach_with_nobody_to_tell_is_recorded_on_the_case(people, clock):
    case = letter(people, clock, received=RECEIVED, assign_to=people.outsider)  # no manager
    clock.moment = DUE + timedelta(hours=1)

    report = run(clock)

    assert report.escalated == 1
    assert not digests().exists()
    assert not MissedDeadline.objects.exists()
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

    first = deadline_escalate(deadline_id=deadline.pk, clock=clock)
    again = deadline_escalate(deadline_id=deadline.pk, clock=clock)

    assert (first, again) == (True, False)
    assert MissedDeadline.objects.count() == 1
    assert CaseEvent.objects.filter(kind=EventKind.ESCALATION).count() == 1


def test_the_database_refuses_a_second_line_for_the_same_due_time(people, clock):
    deadline = letter(people, clock, received=RECEIVED).deadlines.get()
    clock.moment = DUE + timedelta(hours=1)
    assert deadline_escalate(deadline_id=deadline.pk, clock=clock)
    line = MissedDeadline.objects.get()

    with pytest.raises(IntegrityError), transaction.atomic():
        MissedDeadline.objects.create(
            recipient=line.recipient, deadline=deadline, due_at=DUE, escalated_at=clock.moment
        )


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


class Killed(BaseException):
    """The worker's process ends (SIGKILL, the machine off): no handler runs."""


def test_a_crash_mid_sweep_loses_nothing_and_repeats_nothing(people, clock, monkeypatch):
    for day in range(2, 7):  # five letters, one a day
        letter(people, clock, received=at(2025, 6, day, 10))
    clock.moment = at(2025, 7, 1, 12)  # all five are missed
    real_write = MissedDeadline.objects.bulk_create
    batches: list[int] = []

    def write_then_die(lines, *args, **kwargs):
        if len(batches) == 1:
            raise Killed
        batches.append(len(lines))
        return real_write(lines, *args, **kwargs)

    monkeypatch.setattr(MissedDeadline.objects, "bulk_create", write_then_die)
    with pytest.raises(Killed):
        run(clock, batch_size=2)
    # then: the second batch was rolled back with its lines and its events
    assert Deadline.objects.filter(escalated_at__isnull=False).count() == 2
    assert MissedDeadline.objects.count() == 2
    assert CaseEvent.objects.filter(kind=EventKind.ESCALATION).count() == 2
    assert not digests().exists()  # the killed pass never reached its digests

    monkeypatch.setattr(MissedDeadline.objects, "bulk_create", real_write)
    report = run(clock, batch_size=2)

    assert (report.escalated, report.digests) == (3, 1)
    assert Deadline.objects.filter(escalated_at__isnull=False).count() == 5
    assert CaseEvent.objects.filter(kind=EventKind.ESCALATION).count() == 5
    digest = digests().get()  # the lines the killed pass wrote are in it too
    assert digest.message == "5 deadlines in your team were missed."
    assert digest.missed.count() == 5


def test_sweeps_work_in_batches_and_stop(people, clock):
    for day in range(2, 7):
        letter(people, clock, received=at(2025, 6, day, 10))
    clock.moment = at(2025, 7, 1, 12)
    seen = []

    def between_batches():
        warned = Deadline.objects.filter(warned_at__isnull=False).count()
        seen.append((warned, Deadline.objects.filter(escalated_at__isnull=False).count()))

    report = run(clock, batch_size=2, between_batches=between_batches)

    assert (report.warned, report.escalated, report.digests) == (0, 5, 1)
    # Each sweep claims 2 + 2 + 1 (the warnings come too late, so are only claimed);
    # the worker's tasks run after each batch and after each sweep.
    assert seen[:8] == [(2, 0), (4, 0), (5, 0), (5, 0), (5, 2), (5, 4), (5, 5), (5, 5)]


def test_one_digest_per_manager_per_pass_whatever_the_batches(people, clock):
    for day in range(2, 7):
        letter(people, clock, received=at(2025, 6, day, 10))
    letter(people, clock, received=at(2025, 6, 2, 11), assign_to=people.teammate)
    clock.moment = at(2025, 7, 1, 12)

    report = run(clock, batch_size=2)

    assert (report.escalated, report.digests) == (6, 1)
    digest = digests().get()
    assert digest.recipient == people.line_manager
    assert digest.message == "6 deadlines in your team were missed."
    lines = digest_lines_list(digest=digest, policy=HALTON)
    assert [line.due_at for line in lines] == sorted(line.due_at for line in lines)
    assert {line.had_it for line in lines} == {"with Olu Officer", "with Tia Teammate"}
    # each case still has its own escalation on its timeline
    assert CaseEvent.objects.filter(kind=EventKind.ESCALATION).count() == 6


def test_the_digest_is_emailed_once_with_its_list(
    people, clock, django_capture_on_commit_callbacks, mailoutbox
):
    for day in range(2, 5):
        letter(people, clock, received=at(2025, 6, day, 10))
    clock.moment = at(2025, 7, 1, 12)

    with django_capture_on_commit_callbacks(execute=True):
        run(clock, batch_size=2)

    digest = digests().get()
    queued = DBTaskResult.objects.get(
        task_path="caredesk.notifications.tasks.send_notification_emails"
    )
    assert queued.args_kwargs == {"args": [[digest.pk]], "kwargs": {}}
    run(clock)  # the sweep sends it, as the task would have
    [email] = mailoutbox
    assert email.to == ["lena_manager@example.org"]
    assert email.subject == "Deadlines missed: 3"
    assert email.body.startswith("3 deadlines in your team were missed.\n\n- HHT-")
    assert email.body.count("; with Olu Officer.") == 3
    assert f"/notifications/{digest.pk}/" not in email.body  # all 3 are listed
    run(clock)
    assert len(mailoutbox) == 1


def test_a_pass_with_nothing_to_do_reads_once_per_sweep(
    people, clock, django_assert_max_num_queries
):
    for day in range(2, 7):
        letter(people, clock, received=at(2025, 6, day, 10))
    clock.moment = at(2025, 7, 1, 12)
    run(clock)  # escalate everything first

    # the failures on record; then a read each for: warn, escalate, digests, emails,
    # customers' emails, letters' formats, stopped call imports, tomorrow's appointment
    # reminders, days of figures to count again, reports' files half-made or lost, home
    # visits not checked out, hazards' messages to the repairs system, subject access
    # exports whose task was lost, whether the retention schedule has run today, how far
    # the read log has been looked at for unusual reading (Halton has no urgent rule; no
    # mailbox is set): no write transaction
    with django_assert_max_num_queries(16):
        sweep_pass(clock=clock, policy=HALTON)


def test_new_notifications_wait_for_their_email(people, clock):
    letter(people, clock, received=RECEIVED)
    clock.moment = WARN + timedelta(hours=1)

    notices.deadline_warn(deadline_id=Deadline.objects.get().pk, clock=clock, policy=HALTON)

    assert Notification.objects.get().email_status == EmailStatus.PENDING
