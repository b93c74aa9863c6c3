"""The worker's loop in this process: one sweep then the queued tasks; stopping."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django_tasks_db.models import DBTaskResult

from caredesk.cases.models import Deadline
from caredesk.notifications.models import EmailStatus, Notification, NotificationKind
from caredesk.notifications.tasks import send_notification_email
from caredesk.notifications.tests.helpers import STONEWALL, at, letter, message
from caredesk.worker.loop import Worker

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("worker_in_this_process")]


def worker_for(clock, **options):
    lines: list[str] = []
    worker = Worker(clock=clock, policy=STONEWALL, worker_id="test", report=lines.append, **options)
    return worker, lines


def test_run_once_sweeps_then_runs_the_queued_tasks(people, clock, settings):
    settings.CAREDESK_POLICY = "stonewall"
    letter(people, clock, received=at(2025, 6, 2, 10), policy=STONEWALL)  # missed by now
    clock.moment = at(2025, 6, 20, 12)
    notification = Notification.objects.create(
        recipient=people.teammate,
        kind=NotificationKind.URGENT_MESSAGE,
        case=message(people, clock, received=at(2025, 6, 20, 11)),
        message="Queued before the sweep",
        created_at=clock.moment,
    )
    queued = send_notification_email.enqueue(notification.pk)
    worker, _ = worker_for(clock)

    report = worker.run_once()

    assert report["deadlines_escalate"].rows == 1
    assert report["deadlines_missed_digests"].rows == 1
    assert DBTaskResult.objects.get(id=queued.id).status == "SUCCESSFUL"
    assert sorted(m.to[0] for m in mail.outbox) == [
        "lena_manager@example.org",
        "tia_teammate@example.org",
    ]
    assert set(Notification.objects.values_list("email_status", flat=True)) == {EmailStatus.SENT}


def test_a_stop_between_batches_ends_the_sweep_there(people, clock):
    for day in range(2, 7):
        letter(people, clock, received=at(2025, 6, day, 10), policy=STONEWALL)
    clock.moment = at(2025, 7, 1, 12)
    worker, lines = worker_for(clock, batch_size=2)
    worker.tasks.running = True
    original = worker.drain_tasks

    def stop_after_first_batch():
        worker.stop()
        original()

    worker.drain_tasks = stop_after_first_batch

    report = worker.run_once()

    # the first batch (2 warnings, claimed too late to send) was done; nothing after it
    assert Deadline.objects.filter(warned_at__isnull=False).count() == 2
    assert Deadline.objects.filter(escalated_at__isnull=False).count() == 0
    assert Notification.objects.count() == 0
    assert lines == ["a stop: finishing the work in hand, then stopping."]
    assert report.stopped
    assert [outcome.name for outcome in report.outcomes] == ["deadlines_warn"]


def test_run_forever_returns_once_stopped(clock):
    worker, lines = worker_for(clock)
    worker.stop()

    worker.run_forever()

    assert lines[-1] == "Worker stopped."


def test_a_second_stop_exits_at_once(clock):
    worker, _ = worker_for(clock)
    worker.stop()

    with pytest.raises(SystemExit):
        worker.stop()


@pytest.mark.parametrize(
    "arguments",
    [["--interval", "0"], ["--interval", "soon"], ["--batch-size", "0"], ["--resend-after", "-1"]],
)
def test_the_command_refuses_bad_options(arguments):
    with pytest.raises(CommandError):
        call_command("worker", "--once", *arguments)
