"""Reading notifications, and each email sent once through a real SMTP server."""

from datetime import timedelta

import pytest
from django.core import mail

from caredesk.errors import NotAllowed
from caredesk.notifications.models import EmailStatus, Notification
from caredesk.notifications.notices import deadline_warn
from caredesk.notifications.selectors import (
    notifications_list,
    notifications_unread_count,
    notifications_unread_list,
)
from caredesk.notifications.services import (
    MAX_EMAIL_ATTEMPTS,
    RESEND_AFTER,
    notification_email_send,
    notification_mark_all_read,
    notification_mark_read,
)
from caredesk.notifications.tests.helpers import HALTON, at, letter
from caredesk.worker.tests.helpers import only, sweep_pass

pytestmark = pytest.mark.django_db


@pytest.fixture
def warned(people, clock):
    """Two letters near their deadlines, and the officer's warnings about them."""
    first = letter(people, clock, received=at(2025, 6, 2, 10))
    second = letter(people, clock, received=at(2025, 6, 3, 10))
    clock.moment = at(2025, 6, 12, 17, 5)
    n1 = deadline_warn(deadline_id=first.deadlines.get().pk, clock=clock, policy=HALTON)
    clock.moment = at(2025, 6, 13, 17, 5)
    n2 = deadline_warn(deadline_id=second.deadlines.get().pk, clock=clock, policy=HALTON)
    assert n1 is not None
    assert n2 is not None
    return [n1, n2]


# -- reading ------------------------------------------------------------------------------


def test_a_persons_notifications_come_newest_first(people, warned):
    assert list(notifications_list(staff=people.officer)) == [warned[1], warned[0]]
    assert list(notifications_list(staff=people.teammate)) == []


def test_marking_as_read_takes_it_off_the_unread_count(people, clock, warned):
    assert notifications_unread_count(staff=people.officer) == 2

    notification_mark_read(notification=warned[0], by=people.officer, clock=clock)

    assert warned[0].read_at == clock.moment
    assert notifications_unread_count(staff=people.officer) == 1
    assert list(notifications_unread_list(staff=people.officer)) == [warned[1]]


def test_reading_twice_keeps_the_first_time(people, clock, warned):
    notification_mark_read(notification=warned[0], by=people.officer, clock=clock)
    first = warned[0].read_at
    clock.moment += timedelta(hours=1)

    notification_mark_read(notification=warned[0], by=people.officer, clock=clock)

    assert warned[0].read_at == first


def test_nobody_marks_someone_elses_notification(people, clock, warned):
    with pytest.raises(NotAllowed):
        notification_mark_read(notification=warned[0], by=people.line_manager, clock=clock)

    warned[0].refresh_from_db()
    assert warned[0].read_at is None


def test_mark_all_as_read_is_only_your_own(people, clock, warned):
    assert notification_mark_all_read(by=people.line_manager, clock=clock) == 0
    assert notification_mark_all_read(by=people.officer, clock=clock) == 2
    assert notifications_unread_count(staff=people.officer) == 0


# -- email ----------------------------------------------------------------------------------


def test_each_notification_is_emailed_once_through_a_real_smtp_server(people, clock, smtp, warned):
    # when: the queued task and the sweep both try
    statuses = [
        notification_email_send(notification_id=warned[0].pk, clock=clock),
        notification_email_send(notification_id=warned[0].pk, clock=clock),
    ]
    sweep_pass(clock=clock, policy=HALTON, sweeps=only("staff_emails"))

    assert statuses == [EmailStatus.SENT, None]
    assert len(smtp.mailbox.messages) == 2  # one each for the two notifications
    first = next(m for m in smtp.mailbox.messages if warned[0].case.reference in m["Subject"])
    assert first["To"] == "olu_officer@example.org"
    assert first["Subject"] == f"Deadline near: {warned[0].case.reference}"
    assert warned[0].message in first.get_payload()
    assert "/notifications/" in first.get_payload()
    assert len(set(smtp.mailbox.message_ids())) == 2
    warned[0].refresh_from_db()
    assert warned[0].email_status == EmailStatus.SENT
    assert warned[0].email_sent_at == clock.moment
    assert warned[0].email_attempts == 1


def test_an_email_being_sent_by_a_live_worker_is_left_alone(people, clock, warned):
    Notification.objects.filter(pk=warned[0].pk).update(
        email_status=EmailStatus.SENDING, email_claimed_at=clock.moment - timedelta(minutes=4)
    )

    assert notification_email_send(notification_id=warned[0].pk, clock=clock) is None
    assert mail.outbox == []


def test_an_email_a_dead_worker_claimed_is_sent_after_five_minutes(people, clock, warned):
    Notification.objects.filter(pk=warned[0].pk).update(
        email_status=EmailStatus.SENDING,
        email_claimed_at=clock.moment - RESEND_AFTER - timedelta(seconds=1),
        email_attempts=1,
    )

    status = notification_email_send(notification_id=warned[0].pk, clock=clock)

    assert status == EmailStatus.SENT
    assert len(mail.outbox) == 1
    warned[0].refresh_from_db()
    assert warned[0].email_attempts == 2


def test_a_refused_email_is_tried_again_later_then_given_up(people, clock, settings, warned):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    pk = warned[0].pk

    assert notification_email_send(notification_id=pk, clock=clock) == EmailStatus.PENDING
    assert notification_email_send(notification_id=pk, clock=clock) is None  # not yet
    for _ in range(MAX_EMAIL_ATTEMPTS - 1):
        clock.moment += RESEND_AFTER + timedelta(seconds=1)
        notification_email_send(notification_id=pk, clock=clock)

    refused = Notification.objects.get(pk=pk)
    assert refused.email_status == EmailStatus.FAILED
    assert refused.email_attempts == MAX_EMAIL_ATTEMPTS
    assert "ConnectionRefusedError" in refused.email_error


def test_someone_with_no_email_address_is_not_emailed(people, clock, warned):
    people.officer.email = ""
    people.officer.save()

    assert notification_email_send(notification_id=warned[0].pk, clock=clock) == (
        EmailStatus.NO_ADDRESS
    )
    assert mail.outbox == []


def test_the_sweep_sends_what_no_task_sent(people, clock, warned):
    report = sweep_pass(clock=clock, policy=HALTON)

    assert report["staff_emails"].counts == {"sent": 2}
    assert sorted(m.to[0] for m in mail.outbox) == ["olu_officer@example.org"] * 2
    assert sweep_pass(clock=clock, policy=HALTON)["staff_emails"].counts == {}


def test_the_sweep_goes_through_refused_emails_once(people, clock, settings, warned):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9

    emails = only("staff_emails")
    report = sweep_pass(clock=clock, policy=HALTON, batch_size=1, sweeps=emails)
    assert report["staff_emails"].counts == {"pending": 2}
    assert list(Notification.objects.values_list("email_attempts", flat=True)) == [1, 1]


# -- notices other apps give ----------------------------------------------------------------


def test_a_notice_given_without_a_case_lists_its_links_on_the_page_and_in_the_email(
    people, clock, client
):
    from caredesk.notifications.models import NotificationKind
    from caredesk.notifications.notices import notices_give

    links = [("Monday 22 June at 10:00", "/visits/appointments/1/"), ("Tuesday", "/v/2/")]
    [notice] = notices_give(
        recipient_ids=[people.officer.pk, people.officer.pk],
        kind=NotificationKind.APPOINTMENTS_CLASH,
        message="2 appointments clash with your annual leave.",
        at=clock.now(),
        links=links,
    )
    sweep_pass(clock=clock, policy=HALTON, sweeps=only("staff_emails"))
    client.force_login(people.officer)
    page = client.get("/notifications/").content.decode()

    [email] = mail.outbox
    assert email.subject == "Appointments clash with an absence: 2"
    assert "- Monday 22 June at 10:00: http" in email.body
    assert "/visits/appointments/1/" in email.body
    assert '<a href="/visits/appointments/1/">Monday 22 June at 10:00</a>' in page
    assert notice.email_status == EmailStatus.PENDING


def test_a_notice_given_about_a_case_again_raises_the_same_one_afresh(people, clock):
    from caredesk.notifications.models import NotificationKind
    from caredesk.notifications.notices import notices_give

    case = letter(people, clock, received=at(2025, 6, 2, 10))
    first = notices_give(
        recipient_ids=[people.line_manager.pk],
        kind=NotificationKind.LONE_WORKING,
        message="first",
        at=clock.now(),
        case=case,
    )
    notification_mark_read(notification=first[0], by=people.line_manager, clock=clock)
    clock.moment += timedelta(days=7)

    again = notices_give(
        recipient_ids=[people.line_manager.pk],
        kind=NotificationKind.LONE_WORKING,
        message="again",
        at=clock.now(),
        case=case,
    )

    assert again[0].pk == first[0].pk
    notice = Notification.objects.get()
    assert (notice.message, notice.read_at, notice.created_at) == ("again", None, clock.now())
