"""Fixtures shared by every app's tests: the personas of DESIGN.md section 5.7."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from caredesk.cases.models import Case, CaseKind, Channel
from caredesk.cases.services import case_create
from caredesk.customers.models import CustomerType
from caredesk.customers.services import customer_create
from caredesk.notifications.tests.helpers import SMTPServer
from caredesk.staff.models import Office, Role, StaffMember, Team
from caredesk.staff.sign_in import (
    DONE,
    LAST_SEEN,
    NEXT_STEP,
    SIGNED_IN_AT,
    SignInMiddleware,
    next_step_for,
)
from caredesk.staff.two_factor import two_factor_roles


@dataclass
class People:
    """The personas of DESIGN.md 5.7. Those most tests need are made at once; the rest
    on first use, so that a test's lists of people hold only whom it asked for."""

    line_manager: StaffMember
    officer: StaffMember
    teammate: StaffMember
    outsider: StaffMember  # another team, no special role
    administrator: StaffMember
    team: Team
    other_team: Team

    @cached_property
    def analyst(self) -> StaffMember:
        """A performance analyst: the figures, never a customer's record."""
        return make_staff("pat_analyst", Role.PERFORMANCE_ANALYST)

    @cached_property
    def data_protection_officer(self) -> StaffMember:
        """Reads cases and customers, changes nothing."""
        return make_staff("dee_dpo", Role.DATA_PROTECTION_OFFICER)

    @cached_property
    def scrutiny_member(self) -> StaffMember:
        """A tenant on the scrutiny panel: services' figures only, small numbers hidden."""
        return make_staff("tina_tenant", Role.SCRUTINY_PANEL)


def make_staff(
    username: str, *roles: Role, two_factor: bool | None = None, **fields: object
) -> StaffMember:
    """A member of staff with `roles`, whose password is 'correct horse battery staple'.
    Those whose roles need two-factor sign-in have an authenticator app already set up
    (app_code gives its code now), unless `two_factor` says otherwise."""
    first, _, last = username.partition("_")
    person = StaffMember.objects.create_user(
        username=username,
        password="correct horse battery staple",
        first_name=first.title(),
        last_name=last.title(),
        email=f"{username}@example.org",
        **fields,
    )
    for role in roles:
        person.groups.add(Group.objects.get_or_create(name=role.value)[0])
    if two_factor or (two_factor is None and set(roles) & two_factor_roles()):
        TOTPDevice.objects.create(user=person, name="Authenticator app", confirmed=True)
    return person


def app_code(person: StaffMember, *, later: int = 0) -> str:
    """The code the member's authenticator app shows now (or `later` steps of 30 seconds
    on): computed from the device's key as a real app does."""
    device = TOTPDevice.objects.get(user=person)
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + later)
    return f"{code:06d}"


class StaffClient(Client):
    """Django's test client, whose force_login signs in as the member would: with their
    authenticator app's code too, if they have one set up (as every administrator and
    data protection officer made by make_staff has). A member whose role needs the app
    and has none is still sent to set it up: the production check is not bypassed.
    `verified=False` stops after the password."""

    def force_login(self, user: Any, backend: str | None = None, verified: bool = True) -> None:
        super().force_login(user, backend)
        if not verified:
            return
        # what the sign-in page and the middleware's first look would have written, so
        # that the first page costs what any other does (the query-count tests)
        session = self.session
        session[SIGNED_IN_AT] = session[LAST_SEEN] = SignInMiddleware.clock.now().timestamp()
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None:
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session[NEXT_STEP] = DONE
        else:
            session[NEXT_STEP] = next_step_for(user)
        session.save()


@pytest.fixture
def client() -> StaffClient:
    """pytest-django's `client`, as a StaffClient."""
    return StaffClient()


@dataclass
class SettableClock:
    """A clock for tests: it says whatever time the test sets."""

    moment: datetime

    def now(self) -> datetime:
        return self.moment


@pytest.fixture
def clock() -> SettableClock:
    return SettableClock(datetime(2025, 6, 20, 12, 0, tzinfo=UTC))


@pytest.fixture(autouse=True)
def figures_counted_in_full_before_a_page_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """A page counts the marked days of figures for half a second at most before it reads
    them (reporting.rollups.ON_READ_SECONDS; the worker counts the rest): on a busy test
    machine that cut the count short and a page showed part of a month. Tests of pages
    count it all; the budget itself is tested directly (test_rollups)."""
    from caredesk.reporting import rollups

    monkeypatch.setattr(rollups, "ON_READ_SECONDS", 3600.0)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Argon2 is slow on purpose; tests use a fast hasher (test_models checks Argon2)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def people(db: None) -> People:
    office = Office.objects.create(name="Runcorn")
    team = Team.objects.create(name="Tenancy", office=office)
    other_team = Team.objects.create(name="Repairs", office=office)
    manager = make_staff(
        "lena_manager", Role.OFFICER, Role.LINE_MANAGER, team=team, post_title="Tenancy Manager"
    )
    return People(
        line_manager=manager,
        officer=make_staff(
            "olu_officer",
            Role.OFFICER,
            team=team,
            line_manager=manager,
            post_title="Tenancy Officer",
        ),
        teammate=make_staff("tia_teammate", Role.OFFICER, team=team, line_manager=manager),
        outsider=make_staff("oscar_outsider", Role.OFFICER, team=other_team),
        administrator=make_staff("ada_admin", Role.ADMINISTRATOR, team=team),
        team=team,
        other_team=other_team,
    )


@pytest.fixture
def smtp(settings: Any) -> Iterator[SMTPServer]:
    """A real SMTP server on a free local port, and settings that send to it."""
    with SMTPServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        yield server


@pytest.fixture
def worker_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let a test run the worker's loop in its own process. Both loops close stale
    connections; in a test that would close the test's own transaction on PostgreSQL.
    (caredesk/worker/tests/test_processes.py runs the real thing.)"""
    from django_tasks_db.management.commands import db_worker

    from caredesk.worker import loop

    monkeypatch.setattr(loop, "close_old_connections", lambda: None)
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


# -- factories shared by the apps' tests --------------------------------------------------


def letter_writer(people: People) -> StaffMember:
    """The officer, with a phone number, so that letters and emails they sign say how to
    reach them (documents refuse them unsigned)."""
    people.officer.phone = "0151 510 1234"
    people.officer.save()
    return people.officer


def customer_case(
    people: People,
    clock: SettableClock,
    *,
    subject: str = "Fence panel blown down",
    channel: str = Channel.LETTER,
    days_ago: int = 1,
    **customer_fields: Any,
) -> Case:
    """A general enquiry received `days_ago`, the officer's, for a tenant made of
    `customer_fields` (Ms Jo Jones of Runcorn unless they say otherwise)."""
    fields: dict[str, Any] = {
        "title": "Ms",
        "first_name": "Jo",
        "last_name": "Jones",
        "address": "12 Mersey Road\nRuncorn",
        "postcode": "WA7 1AA",
    } | customer_fields
    customer = customer_create(customer_type=CustomerType.TENANT, **fields)
    return case_create(
        kind=CaseKind.GENERAL_ENQUIRY,
        channel=channel,
        received_at=clock.now() - timedelta(days=days_ago),
        subject=subject,
        by=people.officer,
        customer=customer,
        assign_to=people.officer,
        clock=clock,
    )
