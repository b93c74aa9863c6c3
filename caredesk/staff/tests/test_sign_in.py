"""Sessions end when idle or too old; too many wrong passwords lock a username out."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.template.loader import get_template
from django.test import Client
from django.urls import reverse

from caredesk.conftest import make_staff
from caredesk.staff.models import Role
from caredesk.staff.sign_in import SignInMiddleware

PASSWORD = "correct horse battery staple"


def text(response) -> str:
    return " ".join(response.content.decode().split())


@pytest.fixture
def session_clock(clock, monkeypatch):
    monkeypatch.setattr(SignInMiddleware, "clock", clock)
    return clock


def signed_in_officer(people) -> Client:
    client = Client()
    client.post(reverse("staff:login"), {"username": "olu_officer", "password": PASSWORD})
    return client


@pytest.mark.django_db
def test_a_session_idle_for_longer_than_the_setting_is_signed_out_and_told_why(
    people, session_clock, settings
):
    settings.CAREDESK_SESSION_IDLE_MINUTES = 30
    client = signed_in_officer(people)
    assert client.get("/").status_code == 200
    session_clock.moment += timedelta(minutes=29)
    assert client.get("/").status_code == 200  # in use: the idle time starts again
    session_clock.moment += timedelta(minutes=29)
    assert client.get("/").status_code == 200
    # when
    session_clock.moment += timedelta(minutes=31)
    response = client.get("/overdue/")
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:login") + "?next=%2Foverdue%2F"
    page = text(client.get(response["Location"]))
    assert "You have been signed out because you had not used caredesk for 30 minutes" in page
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_a_session_older_than_its_lifetime_is_signed_out_however_busy(
    people, session_clock, settings
):
    settings.CAREDESK_SESSION_MAX_HOURS = 10
    client = signed_in_officer(people)
    for _ in range(40):  # every 15 minutes for 10 hours
        session_clock.moment += timedelta(minutes=15)
        assert client.get("/").status_code == 200
    session_clock.moment += timedelta(minutes=1)
    response = client.get("/", follow=True)
    assert "signed in more than 10 hours ago" in text(response)
    assert response.redirect_chain[-1][0].startswith(reverse("staff:login"))


@pytest.mark.django_db
def test_an_htmx_request_from_an_idle_session_reloads_the_whole_page_to_sign_in(
    people, session_clock
):
    client = signed_in_officer(people)
    client.get("/")
    session_clock.moment += timedelta(hours=1)
    response = client.get(
        "/search/?q=jo", HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://testserver/search/"
    )
    assert response["HX-Redirect"] == reverse("staff:login") + "?next=%2Fsearch%2F"


@pytest.mark.django_db
def test_a_pages_own_polling_does_not_keep_an_idle_session_open(people, session_clock, settings):
    """The import progress panel asks again every second, marked as polling: only what a
    person does counts as use."""
    settings.CAREDESK_SESSION_IDLE_MINUTES = 30
    client = signed_in_officer(people)
    assert client.get("/").status_code == 200
    for _ in range(29):  # a page left open, polling for 29 minutes
        session_clock.moment += timedelta(minutes=1)
        polled = client.get("/", HTTP_HX_REQUEST="true", HTTP_X_CAREDESK_POLL="1")
        assert polled.status_code == 200
    session_clock.moment += timedelta(minutes=2)
    # then
    response = client.get("/", HTTP_HX_REQUEST="true", HTTP_X_CAREDESK_POLL="1")
    assert response["HX-Redirect"].startswith(reverse("staff:login"))
    assert "_auth_user_id" not in client.session
    # whereas an htmx request someone made (no polling header) is use
    other = signed_in_officer(people)
    for _ in range(3):
        session_clock.moment += timedelta(minutes=20)
        assert other.get("/", HTTP_HX_REQUEST="true").status_code == 200


def test_the_import_progress_panel_marks_its_polling():
    source = get_template("telephony/import_progress_panel.html").template.source  # type: ignore[attr-defined]
    assert 'hx-trigger="every 1s"' in source
    assert """hx-headers='{"X-Caredesk-Poll": "1"}'""" in source


@pytest.mark.django_db
def test_signing_in_again_starts_a_new_lifetime(people, session_clock):
    client = signed_in_officer(people)
    session_clock.moment += timedelta(hours=11)
    client.get("/")  # signed out
    client.post(reverse("staff:login"), {"username": "olu_officer", "password": PASSWORD})
    assert client.get("/").status_code == 200


# -- too many wrong passwords -----------------------------------------------------------


def try_password(client: Client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post(
        reverse("staff:login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


@pytest.mark.django_db
def test_five_wrong_passwords_lock_that_username_out_from_that_address(people, settings):
    settings.AXES_FAILURE_LIMIT = 5
    client = Client()
    for _ in range(4):
        assert try_password(client, "olu_officer", "wrong").status_code == 200
    locked = try_password(client, "olu_officer", "wrong")
    assert locked.status_code == 429
    page = text(locked)
    assert "Someone has tried to sign in to this account with the wrong password" in page
    assert "times in a row" not in page  # it may not have been them
    assert "You can try again in 15 minutes" in page
    # even the right password is refused now
    right = try_password(client, "olu_officer", PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    # a colleague in the same office (same address) still signs in
    assert try_password(Client(), "tia_teammate", PASSWORD).status_code == 302
    # and the same person from another address
    assert try_password(Client(), "olu_officer", PASSWORD, ip="10.0.0.2").status_code == 302


@pytest.mark.django_db
def test_a_lockout_ends_after_the_cool_off(people, settings):
    settings.AXES_FAILURE_LIMIT = 2
    with time_machine.travel("2025-06-20 12:00Z", tick=False) as traveller:
        for _ in range(2):
            try_password(Client(), "olu_officer", "wrong")
        assert try_password(Client(), "olu_officer", PASSWORD).status_code == 429
        traveller.shift(timedelta(minutes=16))
        assert try_password(Client(), "olu_officer", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_an_administrators_wrong_codes_are_throttled(people):
    client = Client()
    make_staff("dee_dpo", Role.DATA_PROTECTION_OFFICER)
    try_password(client, "dee_dpo", PASSWORD)
    client.post(reverse("staff:two_factor"), {"code": "000000"})
    response = client.post(reverse("staff:two_factor"), {"code": "111111"})
    assert "You have entered a wrong code too many times" in text(response)


@pytest.mark.django_db
def test_behind_a_proxy_failures_count_against_the_visitors_address(people, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.CAREDESK_PROXY_COUNT = 1

    def attempt(visitor: str, password: str):
        return Client().post(
            reverse("staff:login"),
            {"username": "olu_officer", "password": password},
            REMOTE_ADDR="10.9.9.9",  # the proxy
            HTTP_X_FORWARDED_FOR=f"1.2.3.4, {visitor}",  # the first entry is the visitor's say
        )

    attempt("192.0.2.10", "wrong")
    attempt("192.0.2.10", "wrong")
    assert attempt("192.0.2.10", PASSWORD).status_code == 429
    assert attempt("192.0.2.77", PASSWORD).status_code == 302  # another office
