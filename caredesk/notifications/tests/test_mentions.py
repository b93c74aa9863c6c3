"""A note naming a colleague tells them: once per mention, on the desk and by email."""

from datetime import timedelta

from django.urls import reverse

from caredesk.cases.services import note_add
from caredesk.conftest import customer_case
from caredesk.notifications.models import EmailStatus, Notification, NotificationKind


def test_each_mention_tells_the_colleague_and_a_later_one_raises_the_notice_again(people, clock):
    case = customer_case(people, clock)
    note_add(case=case, text="@tia_teammate can you call them?", by=people.officer, clock=clock)
    notice = Notification.objects.get(kind=NotificationKind.MENTIONED)
    assert notice.recipient == people.teammate
    assert notice.case == case
    assert (
        notice.message == f"Olu Officer mentioned you in a note on {case.reference}: {case.subject}"
    )
    assert "call them" not in notice.message  # the note stays on the desk
    assert notice.email_status == EmailStatus.PENDING

    Notification.objects.filter(pk=notice.pk).update(
        read_at=clock.now(), email_status=EmailStatus.SENT
    )
    clock.moment += timedelta(hours=1)
    note_add(case=case, text="@tia_teammate reminder", by=people.officer, clock=clock)
    notice.refresh_from_db()
    assert Notification.objects.filter(kind=NotificationKind.MENTIONED).count() == 1
    assert notice.read_at is None
    assert notice.created_at == clock.now()
    assert notice.email_status == EmailStatus.PENDING


def test_writers_are_not_told_of_their_own_mention_nor_anyone_of_a_plain_note(people, clock):
    case = customer_case(people, clock)
    note_add(case=case, text="Note to self @olu_officer", by=people.officer, clock=clock)
    note_add(case=case, text="Nothing to see", by=people.officer, clock=clock)
    assert not Notification.objects.exists()


def test_the_colleague_sees_the_notice_linking_to_the_case(client, people, clock):
    case = customer_case(people, clock)
    note_add(case=case, text="@lena.manager please check", by=people.officer, clock=clock)
    client.force_login(people.line_manager)
    shown = client.get(reverse("notifications:list")).content.decode()
    assert "Mentioned in a note" in shown
    assert f'href="{reverse("cases:case", args=[case.reference])}"' in shown
