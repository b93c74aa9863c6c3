"""Each sweep on its own, guarded: a row that fails holds back only itself, waits out a
back-off, and goes through once it is put right; a sweep that fails stops no other."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import OperationalError

from caredesk.cases.models import Deadline, EventKind
from caredesk.core.sweeps import Done, RowSweep, SetSweep, SweepRun, WholeSweep
from caredesk.notifications import notices, services
from caredesk.notifications.models import (
    EmailStatus,
    MissedDeadline,
    Notification,
    NotificationKind,
)
from caredesk.notifications.tests.helpers import HALTON, at, letter
from caredesk.worker.models import SweepFailure
from caredesk.worker.runner import back_off
from caredesk.worker.tests.helpers import sweep_pass

pytestmark = pytest.mark.django_db

WARN_DUE = at(2025, 6, 13, 9)  # letters of 2 June: warned from 12 June 5pm, due 16 June 5pm


def warnings() -> int:
    return Notification.objects.filter(kind=NotificationKind.DEADLINE_NEAR).count()


def failure(sweep: str) -> SweepFailure:
    return SweepFailure.objects.get(sweep=sweep)


def test_the_back_off_doubles_from_five_minutes_to_an_hour():
    waits = [back_off(attempts) for attempts in range(1, 8)]
    assert waits == [timedelta(minutes=m) for m in (5, 10, 20, 40, 60, 60, 60)]


def test_a_poisoned_deadline_and_email_hold_back_only_themselves_until_put_right(
    people, clock, monkeypatch, mailoutbox
):
    # given: five letters whose warnings are due, and one long missed
    cases = [letter(people, clock, received=at(2025, 6, 2, 10, n)) for n in range(5)]
    missed = letter(people, clock, received=at(2025, 5, 1, 10))
    clock.moment = WARN_DUE
    # and the third is poisoned: its officer already has its warning for this due time,
    # though the deadline says it was never warned (warned_at cleared by hand), so
    # writing its warning breaks the "one notice per due time" constraint
    poisoned = cases[2].deadlines.get()
    stale = Notification.objects.create(
        recipient=people.officer,
        kind=NotificationKind.DEADLINE_NEAR,
        case=cases[2],
        deadline=poisoned,
        due_at=poisoned.due_at,
        message="An earlier warning",
        created_at=WARN_DUE - timedelta(days=1),
        email_status=EmailStatus.SENT,
    )
    # and an email that cannot be made (a notice whose text the email cannot carry)
    bad = Notification.objects.create(
        recipient=people.teammate,
        kind=NotificationKind.URGENT_MESSAGE,
        case=cases[0],
        message="Poisoned",
        created_at=WARN_DUE,
    )
    real_email = services.notification_email

    def email_or_fail(notification, *, policy):
        if notification.pk == bad.pk:
            raise ValueError("this notice's email cannot be made")
        return real_email(notification, policy=policy)

    monkeypatch.setattr(services, "notification_email", email_or_fail)

    # when: the worker sweeps
    first = sweep_pass(clock=clock, policy=HALTON)

    # then: every other notice goes: four warnings, the missed letter's digest, emails
    assert (first["deadlines_warn"].rows, first["deadlines_warn"].failed) == (4, 1)
    assert (first["deadlines_escalate"].rows, first["deadlines_missed_digests"].rows) == (1, 1)
    assert missed.events.filter(kind=EventKind.ESCALATION).count() == 1
    assert warnings() == 5  # the four new ones and the stale one
    assert (first["staff_emails"].counts, first["staff_emails"].failed) == ({"sent": 5}, 1)
    assert len(mailoutbox) == 5
    # and the poisoned rows are recorded, with their errors
    poisoned.refresh_from_db()
    assert poisoned.warned_at is None
    warn_failure = failure("deadlines_warn")
    assert (warn_failure.row_id, warn_failure.attempts) == (poisoned.pk, 1)
    assert "IntegrityError" in warn_failure.last_error
    assert warn_failure.next_attempt_at == WARN_DUE + timedelta(minutes=5)
    email_failure = failure("staff_emails")
    assert (email_failure.row_id, email_failure.attempts) == (bad.pk, 1)
    assert "cannot be made" in email_failure.last_error

    # when: the next pass, a minute later
    clock.moment = WARN_DUE + timedelta(minutes=1)
    second = sweep_pass(clock=clock, policy=HALTON)

    # then: they are not tried: they wait out their back-off
    assert second.failed == 0
    assert failure("deadlines_warn").attempts == failure("staff_emails").attempts == 1

    # when: after their back-off, still poisoned
    clock.moment = WARN_DUE + timedelta(minutes=6)
    third = sweep_pass(clock=clock, policy=HALTON)

    # then: tried again, failed again, and left for longer
    assert (third["deadlines_warn"].failed, third["staff_emails"].failed) == (1, 1)
    assert failure("deadlines_warn").attempts == 2
    assert failure("deadlines_warn").next_attempt_at == clock.moment + timedelta(minutes=10)
    assert failure("staff_emails").attempts == 2

    # when: both are put right, and their next attempt comes
    stale.delete()
    monkeypatch.setattr(services, "notification_email", real_email)
    clock.moment = WARN_DUE + timedelta(minutes=7)
    assert sweep_pass(clock=clock, policy=HALTON).failed == 0  # still waiting
    assert warnings() == 4
    clock.moment = WARN_DUE + timedelta(minutes=17)
    fourth = sweep_pass(clock=clock, policy=HALTON)

    # then: they go through, and their records go
    assert (fourth["deadlines_warn"].rows, fourth["staff_emails"].counts) == (1, {"sent": 2})
    assert warnings() == 5
    assert not SweepFailure.objects.exists()
    assert Notification.objects.get(pk=bad.pk).email_status == EmailStatus.SENT
    assert sorted(m.to[0] for m in mailoutbox) == [
        *["lena_manager@example.org"],
        *["olu_officer@example.org"] * 5,
        *["tia_teammate@example.org"],
    ]


def test_a_poisoned_escalation_keeps_its_batch_and_the_digest_going(people, clock):
    # given: five letters missed; the second was escalated before, then its mark was
    # cleared by hand, so its manager's line for that due time is there already
    cases = [letter(people, clock, received=at(2025, 6, day, 10)) for day in range(2, 7)]
    clock.moment = at(2025, 7, 1, 12)
    poisoned = cases[1].deadlines.get()
    assert poisoned.due_at is not None
    MissedDeadline.objects.create(
        recipient=people.line_manager,
        deadline=poisoned,
        due_at=poisoned.due_at,
        escalated_at=clock.moment - timedelta(days=7),
    )

    report = sweep_pass(clock=clock, policy=HALTON, batch_size=2)

    # then: the other four are escalated, in the one digest; the poisoned one waits
    outcome = report["deadlines_escalate"]
    assert (outcome.rows, outcome.failed) == (4, 1)
    digest = Notification.objects.get(kind=NotificationKind.DEADLINES_MISSED)
    # (the old line, never in a digest, is gathered too)
    assert digest.message == "5 deadlines in your team were missed."
    assert Deadline.objects.filter(escalated_at__isnull=True).get() == poisoned
    assert failure("deadlines_escalate").row_id == poisoned.pk
    assert cases[1].events.filter(kind=EventKind.ESCALATION).count() == 0


def test_a_sweep_that_fails_as_a_whole_stops_no_other(people, clock, monkeypatch):
    # given: a letter whose warning is due, and another long missed
    letter(people, clock, received=at(2025, 6, 2, 10))
    letter(people, clock, received=at(2025, 5, 1, 10))
    clock.moment = WARN_DUE

    def database_down(**kwargs):
        raise OperationalError("could not read the deadlines")

    monkeypatch.setattr(notices, "escalations_claim", database_down)
    said: list[str] = []

    report = sweep_pass(clock=clock, policy=HALTON, say=said.append)

    assert report["deadlines_escalate"].error == "OperationalError: could not read the deadlines"
    assert "Sweep deadlines_escalate failed: could not read the deadlines" in said
    assert "deadlines_escalate 0, FAILED: OperationalError" in str(report)
    assert report["deadlines_warn"].rows == 1
    assert report["staff_emails"].counts == {"sent": 1}
    assert not SweepFailure.objects.exists()  # no row to blame


def test_a_row_sweep_whose_row_stays_a_candidate_still_ends(clock):
    processed: list[int] = []

    def look_at(run: SweepRun, row_id: int) -> str:
        processed.append(row_id)
        return "looked at"  # and it stays a candidate

    stuck = RowSweep(
        name="stuck", candidates=lambda run, wanted: [1, 2][: wanted.limit], process=look_at
    )

    report = sweep_pass(clock=clock, policy=HALTON, batch_size=2, sweeps=[stuck])

    assert processed == [1, 2]
    assert report["stuck"].counts == {"looked at": 2}


def test_each_batch_of_a_set_sweep_is_reported_with_its_time(clock):
    left = list(range(1, 6))

    def claim(run: SweepRun, wanted) -> list[int]:
        taken = [row for row in left if row not in wanted.skip][: wanted.limit]
        for row in taken:
            left.remove(row)
        return taken

    counted = SetSweep(
        name="counted",
        claim=claim,
        write=lambda run, ids: Done(rows=len(ids), counts={"even": sum(i % 2 == 0 for i in ids)}),
    )
    whole = WholeSweep(name="whole", run=lambda run: Done(rows=7, said=("Seven.",)))
    said: list[str] = []

    report = sweep_pass(
        clock=clock, policy=HALTON, batch_size=2, sweeps=[counted, whole], say=said.append
    )

    assert (report["counted"].rows, report["counted"].counts) == (5, {"even": 2})
    assert report["whole"].rows == 7
    assert said == ["Seven."]
    assert str(report).startswith("counted 5 (2 even) in 0.")
    assert report.table()[1].startswith("whole 7 in ")
