"""Cache-Control: no-store wherever personal data may be; HSTS over HTTPS."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse


@pytest.mark.django_db
def test_every_page_for_a_signed_in_member_is_never_stored(client, people):
    client.force_login(people.officer)
    for page in ("/", "/search/?q=jones", reverse("staff:absences")):
        response = client.get(page)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"], page
        assert "private" in response["Cache-Control"], page


@pytest.mark.django_db
def test_api_answers_are_never_stored_even_refusals(people):
    response = Client().get("/api/v1/cases")
    assert response.status_code == 401
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_public_pages_keep_their_own_caching(people):
    response = Client().get(reverse("policies:standards"))
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.django_db
def test_over_https_browsers_are_told_to_use_only_https(people, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    secure = Client().get(reverse("staff:login"), secure=True)
    assert secure["Strict-Transport-Security"] == "max-age=31536000"
    plain = Client().get(reverse("staff:login"))
    assert "Strict-Transport-Security" not in plain


@pytest.mark.django_db
def test_every_page_sends_a_content_security_policy_with_no_inline_script(people):
    policy = Client().get(reverse("staff:login"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe" not in policy
