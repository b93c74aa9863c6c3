"""The demo's printed administrator sign-in works with two-factor sign-in on: the key it
prints makes the codes an authenticator app would, and its recovery codes work once."""

from __future__ import annotations

import re
from base64 import b32decode

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp

from caredesk.demo.landlords import DEMO_PASSWORD, HALTON
from caredesk.demo.tests.test_command import SMALL, demo
from caredesk.staff.models import Role
from caredesk.staff.two_factor import ALWAYS_TWO_FACTOR

TWO_FACTOR_ROLES = [role for role in Role if role in ALWAYS_TWO_FACTOR]
LOGIN_LINE = re.compile(
    r"^  (?P<role>[a-z][a-z ]*?) +(?P<username>[a-z-]+\.[a-z.-]+[0-9]*) +\(", re.MULTILINE
)


def signed_in_with_password(username: str) -> Client:
    client = Client()
    response = client.post(
        reverse("staff:login"), {"username": username, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    return client


@pytest.mark.django_db
def test_the_printed_administrator_signs_in_with_the_printed_key_or_a_recovery_code():
    output = demo(*SMALL)
    username = HALTON.administrator.username
    assert username in output
    key = re.search(r"key ((?:[A-Z2-7]{4} ?)+)", output)
    codes = re.search(r"recovery code \(each works once\): ([a-z2-7, ]+)", output)
    assert key is not None, output
    assert codes is not None, output
    # with the code an app shows for the printed key
    client = signed_in_with_password(username)
    assert client.get("/")["Location"].startswith(reverse("staff:two_factor"))
    secret = key.group(1).replace(" ", "")
    code = f"{totp(b32decode(secret + '=' * (-len(secret) % 8))):06d}"
    assert client.post(reverse("staff:two_factor"), {"code": code}).status_code == 302
    assert client.get(reverse("staff:accounts")).status_code == 200
    # or with a recovery code, which is then no longer printed
    first = codes.group(1).split(", ")[0]
    client = signed_in_with_password(username)
    assert client.post(reverse("staff:two_factor"), {"code": first}).status_code == 302
    assert first not in demo(*SMALL)


@pytest.mark.django_db
def test_a_fresh_demo_wipes_the_old_devices():
    demo(*SMALL)
    output = demo(*SMALL, "--fresh")
    assert "Built in" in output
    assert output.count("then a code") == len(TWO_FACTOR_ROLES)


@pytest.mark.django_db
def test_every_role_has_a_printed_login_that_signs_in_and_opens_its_start_page():
    output = demo(*SMALL)
    printed = {match["role"]: match["username"] for match in LOGIN_LINE.finditer(output)}
    assert list(printed) == [role.label.lower() for role in Role], output
    keys = re.findall(r"key ((?:[A-Z2-7]{4} ?)+) \(time-based\)", output)
    assert len(keys) == len(TWO_FACTOR_ROLES)
    key_of = dict(zip([role.label.lower() for role in TWO_FACTOR_ROLES], keys, strict=True))
    for role, username in printed.items():
        client = signed_in_with_password(username)
        if role in key_of:
            secret = key_of[role].replace(" ", "")
            code = f"{totp(b32decode(secret + '=' * (-len(secret) % 8))):06d}"
            response = client.post(reverse("staff:two_factor"), {"code": code})
            assert response.status_code == 302, (role, response.content.decode()[:500])
        response = client.get(reverse("staff:home"), follow=True)
        assert response.status_code == 200, role
        assert response.redirect_chain == [] or not any(
            reverse("staff:two_factor") in url for url, _ in response.redirect_chain
        ), role
