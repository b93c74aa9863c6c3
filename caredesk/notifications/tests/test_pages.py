"""The notifications page: your own, newest first; mark as read; nobody else's."""

import pytest
from django.test import Client
from django.urls import resolve, reverse

from caredesk.notifications.models import Notification, NotificationKind
from caredesk.notifications.notices import deadline_warn
from caredesk.notifications.tests.helpers import HALTON, at, letter
from caredesk.staff.permissions import Can
from caredesk.worker.tests.helpers import sweep_pass

pytestmark = pytest.mark.django_db
LIST = "/notifications/"


def text(response) -> str:
    return " ".join(response.content.decode().split())


@pytest.fixture
def warnings(people, clock):
    older = letter(people, clock, received=at(2025, 6, 2, 10))
    newer = letter(people, clock, received=at(2025, 6, 3, 10))
    clock.moment = at(2025, 6, 12, 17, 5)
    first = deadline_warn(deadline_id=older.deadlines.get().pk, clock=clock, policy=HALTON)
    clock.moment = at(2025, 6, 13, 17, 5)
    second = deadline_warn(deadline_id=newer.deadlines.get().pk, clock=clock, policy=HALTON)
    return [first, second]


def test_the_page_is_where_the_urls_say_and_needs_see_notifications():
    assert reverse("notifications:list") == LIST
    for url in (LIST, "/notifications/1/", "/notifications/1/read/", "/notifications/read/"):
        assert getattr(resolve(url).func, "required", None) is Can.SEE_NOTIFICATIONS


def test_signed_out_people_are_sent_to_sign_in(client, warnings):
    response = client.get(LIST)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff:login"))


def test_the_recipient_sees_their_notifications_newest_first_unread_marked(
    client, people, warnings
):
    client.force_login(people.officer)

    page = text(client.get(LIST))

    older, newer = (n.case.reference for n in warnings)
    assert "You have 2 unread notifications." in page
    assert page.index(newer) < page.index(older)
    assert page.count("Unread") == 2
    assert warnings[0].message in page


def test_someone_else_sees_none_of_them(client, people, warnings):
    client.force_login(people.teammate)

    page = text(client.get(LIST))

    assert "You have no unread notifications." in page
    for notification in warnings:
        assert notification.case.reference not in page


def test_mark_as_read_takes_away_the_unread_label(client, people, warnings):
    client.force_login(people.officer)

    response = client.post(reverse("notifications:mark_read", args=[warnings[0].pk]))

    assert response.status_code == 302
    assert response["Location"] == LIST
    page = text(client.get(LIST))
    assert "You have 1 unread notification." in page
    assert page.count("Unread") == 1
    assert Notification.objects.get(pk=warnings[0].pk).read_at is not None


def test_nobody_can_mark_another_persons_notification(client, people, warnings):
    client.force_login(people.line_manager)

    response = client.post(reverse("notifications:mark_read", args=[warnings[0].pk]))

    assert response.status_code == 404
    assert Notification.objects.get(pk=warnings[0].pk).read_at is None


def test_mark_as_read_needs_a_post_with_the_csrf_token(people, warnings):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.officer)
    url = reverse("notifications:mark_read", args=[warnings[0].pk])

    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403  # no token
    assert Notification.objects.get(pk=warnings[0].pk).read_at is None


def test_mark_all_as_read(client, people, warnings):
    client.force_login(people.officer)

    response = client.post(reverse("notifications:mark_all_read"), follow=True)

    assert "Marked 2 notifications as read." in text(response)
    assert "You have no unread notifications." in text(response)


def test_someone_with_no_role_is_refused(client, people, warnings):
    people.officer.groups.clear()
    client.force_login(people.officer)

    assert client.get(LIST).status_code == 403


@pytest.fixture
def digest(people, clock):
    """Two letters missed, on the line manager's digest."""
    letter(people, clock, received=at(2025, 6, 2, 10))
    letter(people, clock, received=at(2025, 6, 3, 10), assign_to=people.teammate)
    clock.moment = at(2025, 7, 1, 12)
    sweep_pass(clock=clock, policy=HALTON)
    return Notification.objects.get(kind=NotificationKind.DEADLINES_MISSED)


def test_a_digest_lists_its_missed_deadlines_here_and_on_its_own_page(client, people, digest):
    client.force_login(people.line_manager)

    page = text(client.get(LIST))
    own = text(client.get(reverse("notifications:digest", args=[digest.pk])))

    assert "Deadlines missed" in page
    assert "2 deadlines in your team were missed." in page
    assert page.count("“Fence panel blown down”: Letters and emails answered") == 2
    assert "due by 5:00pm on Monday 16 June 2025; with Olu Officer." in page
    assert "due by 5:00pm on Tuesday 17 June 2025; with Tia Teammate." in page
    assert own.count("Fence panel blown down") == 2
    assert own.index("Olu Officer") < own.index("Tia Teammate")  # earliest due first


def test_nobody_else_sees_a_digest(client, people, digest):
    client.force_login(people.officer)

    assert client.get(reverse("notifications:digest", args=[digest.pk])).status_code == 404
    assert "deadlines in your team" not in text(client.get(LIST))
