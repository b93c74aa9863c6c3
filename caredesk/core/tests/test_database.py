"""The configured database: migrations apply, and times go in and come out as UTC."""

import os
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from caredesk.staff.models import StaffMember


def test_the_suite_runs_on_the_database_it_was_asked_for():
    # CI runs the suite twice; the PostgreSQL run must not quietly fall back to SQLite.
    wanted = os.environ.get("DATABASE_URL", "sqlite:")
    expected = "postgresql" if wanted.startswith(("postgres:", "postgresql:")) else "sqlite"
    assert connection.vendor == expected


@pytest.mark.django_db
def test_an_aware_time_is_stored_in_utc_and_read_back_as_the_same_instant():
    # given a login at 17:30 on a summer evening in London (16:30 UTC)
    london = datetime(2025, 5, 28, 17, 30, 15, 123456, tzinfo=ZoneInfo("Europe/London"))
    user = StaffMember.objects.create(username="officer", last_login=london)
    # when it is read back
    stored = StaffMember.objects.get(pk=user.pk).last_login
    # then it is the same instant, in UTC
    assert stored == london
    assert stored.utcoffset() == timedelta(0)
    assert stored.hour == 16
