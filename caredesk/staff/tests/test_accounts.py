"""Changing one's own password; an administrator's help with someone else's sign-in."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from caredesk.conftest import make_staff
from caredesk.staff.models import AccountAction, AccountEvent, Role, StaffMember

PASSWORD = "correct horse battery staple"


def text(response) -> str:
    return " ".join(response.content.decode().split())


def sign_in(username: str, password: str = PASSWORD) -> Client:
    client = Client()
    client.post(reverse("staff:login"), {"username": username, "password": password})
    return client


@pytest.mark.django_db
def test_a_member_changes_their_own_password(people):
    client = sign_in("olu_officer")
    page = client.get("/")
    assert reverse("staff:password_change") in page.content.decode()  # in the header
    wrong = client.post(
        reverse("staff:password_change"),
        {"old_password": "nope", "new_password1": "x", "new_password2": "y"},
    )
    assert wrong.status_code == 400
    assert "Your current password is not right" in text(wrong)
    done = client.post(
        reverse("staff:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "plum tractor window seventeen",
            "new_password2": "plum tractor window seventeen",
        },
        follow=True,
    )
    assert "Your password has been changed" in text(done)
    assert client.get("/").status_code == 200  # still signed in
    assert sign_in("olu_officer", "plum tractor window seventeen").get("/").status_code == 200


@pytest.mark.django_db
def test_an_administrator_gives_a_temporary_password_which_must_be_changed(client, people):
    client.force_login(people.administrator)
    page = client.get(reverse("staff:accounts"))
    assert "Olu Officer" in text(page)
    posted = client.post(reverse("staff:account", args=["olu_officer"]), {"action": "password"})
    # post/redirect/get: shown once on the page it leads to, and a refresh gives no other
    assert posted.status_code == 302
    assert posted["Location"] == reverse("staff:account", args=["olu_officer"])
    given = client.get(posted["Location"])
    password = re.search(r'class="secret-key"><code>([a-z0-9-]+)</code>', given.content.decode())
    assert password is not None
    again = client.get(posted["Location"])
    assert 'class="secret-key"' not in again.content.decode()
    assert AccountEvent.objects.count() == 1
    # the officer signs in with it and must choose their own first
    officer = sign_in("olu_officer", password.group(1))
    response = officer.get("/")
    assert response["Location"].startswith(reverse("staff:password_change"))
    assert "You signed in with a temporary password" in text(officer.get(response["Location"]))
    officer.post(
        reverse("staff:password_change"),
        {
            "old_password": password.group(1),
            "new_password1": "plum tractor window seventeen",
            "new_password2": "plum tractor window seventeen",
        },
    )
    assert officer.get("/").status_code == 200
    assert not StaffMember.objects.get(username="olu_officer").must_change_password
    # and it is recorded
    event = AccountEvent.objects.get()
    assert (event.member, event.action, event.by) == (
        people.officer,
        AccountAction.PASSWORD_RESET,
        people.administrator,
    )


@pytest.mark.django_db
def test_an_administrator_removes_two_factor_sign_in_and_unlocks(client, people, settings):
    settings.AXES_FAILURE_LIMIT = 3
    make_staff("lee_locked", Role.OFFICER, two_factor=True)
    for _ in range(3):
        Client().post(reverse("staff:login"), {"username": "lee_locked", "password": "bad"})
    assert sign_in("lee_locked").get("/").status_code == 302  # locked out: not signed in
    client.force_login(make_staff("sam_sysadmin", Role.SYSTEM_ADMINISTRATOR))
    page = text(client.get(reverse("staff:account", args=["lee_locked"])))
    assert "Locked out after too many failed sign-ins" in page
    assert "Locked out" in text(client.get(reverse("staff:accounts")))
    client.post(reverse("staff:account", args=["lee_locked"]), {"action": "unlock"})
    client.post(reverse("staff:account", args=["lee_locked"]), {"action": "two-factor"})
    assert not TOTPDevice.objects.filter(user__username="lee_locked").exists()
    assert sign_in("lee_locked").get("/").status_code == 200  # no code asked now
    assert list(AccountEvent.objects.order_by("pk").values_list("action", flat=True)) == [
        AccountAction.UNLOCKED,
        AccountAction.TWO_FACTOR_RESET,
    ]


@pytest.mark.django_db
def test_an_administrator_cannot_take_over_a_higher_roles_account(client, people):
    make_staff("dee_dpo", Role.DATA_PROTECTION_OFFICER)
    client.force_login(people.administrator)
    page = text(client.get(reverse("staff:account", args=["dee_dpo"])))
    assert "Only a system administrator can help" in page
    refused = client.post(reverse("staff:account", args=["dee_dpo"]), {"action": "password"})
    assert refused.status_code == 403
    assert TOTPDevice.objects.filter(user__username="dee_dpo").exists()
    assert not AccountEvent.objects.exists()
    own = client.post(reverse("staff:account", args=["ada_admin"]), {"action": "two-factor"})
    assert own.status_code == 403


@pytest.mark.django_db
def test_the_temporary_password_is_shown_only_on_that_members_page(client, people):
    client.force_login(people.administrator)
    client.post(reverse("staff:account", args=["olu_officer"]), {"action": "password"})
    other = client.get(reverse("staff:account", args=["tia_teammate"]))
    assert 'class="secret-key"' not in other.content.decode()
    mine = client.get(reverse("staff:account", args=["olu_officer"]))
    assert 'class="secret-key"' in mine.content.decode()


@pytest.mark.django_db
def test_every_role_that_must_use_two_factor_is_guarded(client, people, settings):
    """An administrator who could reset an equality lead's sign-in could read special-
    category data as them; so could one for any role the setting adds."""
    settings.CAREDESK_TWO_FACTOR_ROLES = ["line_manager"]
    make_staff("eve_equality", Role.OFFICER, Role.EQUALITY_LEAD)
    client.force_login(people.administrator)
    for username in ("eve_equality", "lena_manager"):
        page = text(client.get(reverse("staff:account", args=[username])))
        assert "Only a system administrator can help" in page
        for action in ("password", "two-factor", "unlock"):
            refused = client.post(reverse("staff:account", args=[username]), {"action": action})
            assert refused.status_code == 403, (username, action)
    assert TOTPDevice.objects.filter(user__username="eve_equality").exists()
    assert not AccountEvent.objects.exists()
    # a system administrator can help them
    client.force_login(make_staff("sam_sysadmin", Role.SYSTEM_ADMINISTRATOR))
    done = client.post(reverse("staff:account", args=["eve_equality"]), {"action": "two-factor"})
    assert done.status_code == 302
    assert "Two-factor sign-in removed" in text(client.get(done["Location"]))
    assert not TOTPDevice.objects.filter(user__username="eve_equality").exists()


@pytest.mark.django_db
def test_only_administrators_reach_staff_accounts(client, people):
    client.force_login(people.officer)
    assert client.get(reverse("staff:accounts")).status_code == 403
    assert (
        client.post(
            reverse("staff:account", args=["tia_teammate"]), {"action": "password"}
        ).status_code
        == 403
    )


@pytest.mark.django_db
def test_an_administrator_records_a_members_identity_card(client, people):
    client.force_login(people.administrator)
    page = reverse("staff:account", args=["olu_officer"])
    assert "None recorded" in text(client.get(page))

    refused = client.post(
        page, {"action": "id-card", "id-card-id_card_number": "", "id-card-id_card_expires": "soon"}
    )
    done = client.post(
        page,
        {
            "action": "id-card",
            "id-card-id_card_number": " HHT 0042 ",
            "id-card-id_card_expires": "2027-03-31",
        },
        follow=True,
    )

    assert refused.status_code == 400
    assert "Enter the day the identity card expires as a date" in text(refused)
    assert "Olu Officer&#x27;s identity card is recorded." in text(done)
    assert "HHT 0042, expires 31 March 2027" in text(done)
    people.officer.refresh_from_db()
    assert people.officer.id_card_number == "HHT 0042"
    assert str(people.officer.id_card_expires) == "2027-03-31"


@pytest.mark.django_db
def test_nobody_records_their_own_identity_card(client, people):
    client.force_login(people.administrator)
    own = reverse("staff:account", args=["ada_admin"])
    assert "Save the identity card" not in text(client.get(own))

    refused = client.post(
        own,
        {
            "action": "id-card",
            "id-card-id_card_number": "X1",
            "id-card-id_card_expires": "2030-01-01",
        },
    )

    assert refused.status_code == 403
    people.administrator.refresh_from_db()
    assert people.administrator.id_card_number == ""
