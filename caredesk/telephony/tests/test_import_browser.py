"""Importing call records from the desk, in Chromium, checked by axe-core: no violations."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from caredesk.conftest import make_staff
from caredesk.core.tests.browser import (  # noqa: F401 (fixtures)
    assert_accessible,
    browser_fixture,
    enter_app_code,
    page_fixture,
)
from caredesk.staff.models import Role
from caredesk.telephony.models import CallImport

pytestmark = pytest.mark.django_db(transaction=True)

MASTER = Path(__file__).parent / "files" / "Master.csv"


def test_an_administrator_uploads_a_file_and_sees_its_progress(page, live_server, people):
    make_staff("ada_importer", Role.ADMINISTRATOR)
    page.goto(f"{live_server.url}/staff/login/?next=/calls/import/")
    page.get_by_label("Username").fill("ada_importer")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    enter_app_code(page, "ada_importer")  # an administrator: two-factor sign-in
    expect(page.get_by_role("button", name="Import the file")).to_be_visible()
    assert_accessible(page)

    # a mistake first: no file chosen
    page.get_by_role("button", name="Import the file").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    assert_accessible(page)

    page.get_by_label("Call records file").set_input_files(str(MASTER))
    page.get_by_role("button", name="Import the file").click()
    expect(page.locator("progress")).to_be_visible()
    assert CallImport.objects.filter(file_name="Master.csv").exists()
    assert_accessible(page)
