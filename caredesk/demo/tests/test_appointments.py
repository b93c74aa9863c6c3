"""The demo's diary: appointments, home visits (some where nobody was in) and interviews
with their actions, told through the services."""

from __future__ import annotations

from collections import Counter

from caredesk.cases.models import Deadline
from caredesk.demo.tests.test_reception import NOW, build
from caredesk.documents.models import CaseLetter, DocumentKind
from caredesk.visits.models import Appointment, AppointmentStatus, Interview, InterviewAction


def test_haltons_diary_has_kept_missed_cancelled_and_upcoming_appointments(db):
    build("halton")

    appointments = list(Appointment.objects.all())
    statuses = Counter(appointment.status for appointment in appointments)
    assert statuses[AppointmentStatus.KEPT] >= 3
    assert statuses[AppointmentStatus.CANCELLED] == 1
    upcoming = [a for a in appointments if a.starts_at > NOW]
    assert len(upcoming) >= 3
    assert all(a.status == AppointmentStatus.BOOKED for a in upcoming)
    # the cancellation was told at once, so its notice was met
    notice = Deadline.objects.get(standard_key="appointment_change_notice")
    assert notice.met_at is not None
    for appointment in appointments:  # every one in an officer's free time when booked
        assert appointment.booked_at < appointment.starts_at


def test_nobody_in_leaves_a_calling_card_and_interviews_have_actions(db):
    build("halton")

    no_access = Appointment.objects.filter(status=AppointmentStatus.NO_ACCESS)
    cards = CaseLetter.objects.filter(kind=DocumentKind.CALLING_CARD)
    assert cards.count() == no_access.count()
    assert Interview.objects.exists()
    actions = InterviewAction.objects.all()
    assert actions.exists()
    assert all(action.deadline is not None for action in actions)  # Halton's standard
    assert any(action.done_at is not None for action in actions) or all(
        action.due_on >= NOW.date() for action in actions
    )
    # most customers were sent the summary, as a letter or an email, after the interview
    sent = Interview.objects.filter(summary_sent_at__isnull=False)
    assert sent.exists()
    assert all(i.held_at < (i.summary_sent_at or NOW) < NOW for i in sent)
    summaries = CaseLetter.objects.filter(kind=DocumentKind.INTERVIEW_SUMMARY).count()
    assert summaries == sent.filter(summary_sent_as="letter").count()


def test_stonewalls_interview_actions_are_kept_without_deadlines(db):
    build("stonewall")

    assert all(action.deadline is None for action in InterviewAction.objects.all())
