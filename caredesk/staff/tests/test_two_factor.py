"""Two-factor sign-in, the whole way: password, then a real code from the app's key."""

from __future__ import annotations

import re
from base64 import b32decode

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from caredesk.conftest import app_code, make_staff
from caredesk.staff.models import Role
from caredesk.staff.sign_in import NEXT_STEP
from caredesk.staff.two_factor import recovery_codes_list, recovery_codes_make, two_factor_roles

PASSWORD = "correct horse battery staple"


def sign_in(client: Client, username: str, next_page: str = ""):
    url = reverse("staff:login") + (f"?next={next_page}" if next_page else "")
    return client.post(url, {"username": username, "password": PASSWORD, "next": next_page})


def text(response) -> str:
    return " ".join(response.content.decode().split())


def code_for(key_words: str, *, later: int = 0) -> str:
    """The code an app shows for a key typed in from the set-up page ('ABCD EFGH ...')."""
    key = key_words.replace(" ", "")
    key += "=" * (-len(key) % 8)
    return f"{totp(b32decode(key), 30, 0, 6, later):06d}"


@pytest.mark.django_db
def test_a_member_with_an_app_enters_its_code_after_the_password(people):
    client = Client()
    dee = make_staff("dee_dpo", Role.DATA_PROTECTION_OFFICER)
    # given the password alone
    response = sign_in(client, "dee_dpo", "/search/")
    assert response.status_code == 302
    # every page leads to the code, keeping where they were going
    page = client.get("/search/")
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("staff:two_factor"))
    form = client.get(page["Location"])
    assert "Enter the code from your authenticator app" in text(form)
    assert 'aria-label="Main"' not in form.content.decode()  # no menu until it is done
    # a wrong code says so
    wrong = client.post(reverse("staff:two_factor"), {"code": "000000", "next": "/search/"})
    assert wrong.status_code == 400
    assert "The code is not right" in text(wrong)
    assert client.get("/search/").status_code == 302
    # the right one lets them in, where they were going
    TOTPDevice.objects.filter(user=dee).update(throttling_failure_count=0)
    right = client.post(reverse("staff:two_factor"), {"code": app_code(dee), "next": "/search/"})
    assert right.status_code == 302
    assert right["Location"] == "/search/"
    assert client.get("/search/").status_code == 200


@pytest.mark.django_db
def test_an_administrator_without_an_app_must_set_it_up_before_any_other_page(people):
    client = Client()
    make_staff("ann_admin", Role.ADMINISTRATOR, two_factor=False)
    sign_in(client, "ann_admin")
    for page in ("/", "/staff/absences/", reverse("staff:password_change"), "/mail/letters/"):
        response = client.get(page)
        assert response.status_code == 302, page
        assert response["Location"].startswith(reverse("staff:two_factor_set_up"))
    set_up = client.get(reverse("staff:two_factor_set_up"))
    page = text(set_up)
    assert "Your role needs two-factor sign-in" in page
    assert "<svg" in set_up.content.decode()  # the QR code, drawn in the page
    key = re.search(r'class="secret-key"><code>([A-Z2-7 ]+)</code>', page).group(1)  # type: ignore[union-attr]
    # a wrong code: not set up
    wrong = client.post(reverse("staff:two_factor_set_up"), {"code": "123 456"})
    assert wrong.status_code == 400
    assert "The code is not right" in text(wrong)
    assert not TOTPDevice.objects.filter(user__username="ann_admin", confirmed=True).exists()
    # the code an app shows for the typed key sets it up, and gives 10 recovery codes once
    TOTPDevice.objects.filter(user__username="ann_admin").update(throttling_failure_count=0)
    done = client.post(reverse("staff:two_factor_set_up"), {"code": code_for(key)})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    assert len(codes) == 10
    assert "You will not be shown these codes again" in text(done)
    assert client.get("/staff/absences/").status_code == 200
    # signing in again needs a code; a recovery code works, once
    client.post(reverse("staff:logout"))
    sign_in(client, "ann_admin")
    assert client.get("/").status_code == 302
    used = client.post(reverse("staff:two_factor"), {"code": codes[0].upper()})
    assert used.status_code == 302
    landed = client.get(used["Location"], follow=True)
    assert "You used a recovery code. You have 9 left" in text(landed)
    client.post(reverse("staff:logout"))
    sign_in(client, "ann_admin")
    again = client.post(reverse("staff:two_factor"), {"code": codes[0]})
    assert again.status_code == 400
    assert StaticToken.objects.filter(device__user__username="ann_admin").count() == 9


@pytest.mark.django_db
def test_an_officer_needs_no_second_step_unless_they_choose_it(people):
    client = Client()
    sign_in(client, "olu_officer")
    assert client.get("/").status_code == 200
    # they may choose to set it up
    assert client.get(reverse("staff:two_factor_set_up")).status_code == 200
    device = TOTPDevice.objects.get(user=people.officer, confirmed=False)
    client.post(reverse("staff:two_factor_set_up"), {"code": app_code_unconfirmed(device)})
    assert TOTPDevice.objects.get(user=people.officer).confirmed
    client.post(reverse("staff:logout"))
    sign_in(client, "olu_officer")
    assert client.get("/")["Location"].startswith(reverse("staff:two_factor"))


def app_code_unconfirmed(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@pytest.mark.django_db
def test_the_roles_that_need_two_factor_sign_in_are_a_setting(people, settings):
    settings.CAREDESK_TWO_FACTOR_ROLES = ["officer"]
    client = Client()
    sign_in(client, "olu_officer")
    assert client.get("/")["Location"].startswith(reverse("staff:two_factor_set_up"))


@pytest.mark.django_db
def test_the_setting_only_adds_roles_to_those_that_always_need_it(people, settings):
    settings.CAREDESK_TWO_FACTOR_ROLES = []
    assert two_factor_roles() == {
        Role.ADMINISTRATOR,
        Role.SYSTEM_ADMINISTRATOR,
        Role.DATA_PROTECTION_OFFICER,
        Role.EQUALITY_LEAD,
    }
    make_staff("ann_admin", Role.ADMINISTRATOR, two_factor=False)
    make_staff("eve_equality", Role.OFFICER, Role.EQUALITY_LEAD, two_factor=False)
    for username in ("ann_admin", "eve_equality"):
        client = Client()
        sign_in(client, username)
        assert client.get("/")["Location"].startswith(reverse("staff:two_factor_set_up"))
    settings.CAREDESK_TWO_FACTOR_ROLES = ["line_manager"]
    assert {Role.LINE_MANAGER, Role.ADMINISTRATOR} <= two_factor_roles()


@pytest.mark.parametrize("value", [["administrtor"], ["administrator", "dpo"]])
def test_a_role_misspelt_in_the_setting_stops_caredesk_starting_and_says_so(settings, value):
    settings.CAREDESK_TWO_FACTOR_ROLES = value
    with pytest.raises(ImproperlyConfigured) as raised:
        apps.get_app_config("staff").ready()
    message = str(raised.value)
    assert repr(value[-1]) in message
    assert "The roles are: officer, administrator," in message
    assert "equality_lead" in message


@pytest.mark.django_db
def test_new_recovery_codes_need_a_code_from_the_app_now(client, people):
    """Someone at a computer left signed in cannot get codes that get past two-factor."""
    admin = people.administrator
    client.force_login(admin)
    old = recovery_codes_make(member=admin)
    page = client.get(reverse("staff:two_factor_set_up"))
    assert "enter the code your authenticator app shows now" in text(page)
    for posted in ({}, {"action": "new-codes"}, {"code": "000000"}, {"code": old[0]}):
        TOTPDevice.objects.filter(user=admin).update(throttling_failure_count=0)
        refused = client.post(reverse("staff:two_factor_set_up"), posted)
        assert refused.status_code == 400, posted
        assert "<li><code>" not in refused.content.decode()
        assert sorted(recovery_codes_list(member=admin)) == sorted(old)
    TOTPDevice.objects.filter(user=admin).update(throttling_failure_count=0)
    given = client.post(reverse("staff:two_factor_set_up"), {"code": app_code(admin)})
    assert given.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", given.content.decode())
    assert len(codes) == 10
    assert sorted(recovery_codes_list(member=admin)) == sorted(codes)
    assert not set(codes) & set(old)


@pytest.mark.django_db
def test_an_htmx_request_before_the_code_is_told_to_load_the_code_page_whole(people):
    """An htmx request on the way is told to load the step's page as a whole page."""
    client = Client()
    make_staff("dee_dpo", Role.DATA_PROTECTION_OFFICER)
    sign_in(client, "dee_dpo")
    response = client.get("/search/?q=x", HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == reverse("staff:two_factor")


@pytest.mark.django_db
def test_the_test_client_signs_in_with_the_code_as_a_member_would(client, people):
    """conftest's StaffClient: force_login enters the app's code, never skips set-up."""
    client.force_login(people.administrator)
    assert client.get("/staff/absences/").status_code == 200
    client.force_login(make_staff("sam_sysadmin", Role.SYSTEM_ADMINISTRATOR, two_factor=False))
    assert client.get("/staff/absences/")["Location"].startswith(reverse("staff:two_factor_set_up"))
    client.force_login(people.administrator, verified=False)
    assert NEXT_STEP not in client.session  # not yet asked: the middleware decides
    assert client.get("/staff/absences/")["Location"].startswith(reverse("staff:two_factor"))
