"""The notifications page: your own, newest first; mark as read; nobody else's."""

import pytest
from django.test import Client
from django.urls import resolve, reverse

from caredesk.notifications.models import Notification
from caredesk.notifications.sweeps import deadline_warn
from caredesk.notifications.tests.helpers import HALTON, at, letter
from caredesk.staff.permissions import Can

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
    for url in (LIST, "/notifications/1/read/", "/notifications/read/"):
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
