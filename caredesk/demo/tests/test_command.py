"""`caredesk demo`: builds once, rebuilds with --fresh, says what to do, serves the policy."""

from __future__ import annotations

import io
import os

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Q

from caredesk.cases.models import Case, CaseEvent, Deadline
from caredesk.conftest import make_staff
from caredesk.customers.models import Customer
from caredesk.demo.landlords import DEMO_PASSWORD, HALTON
from caredesk.demo.tests.test_build import opened_at_reception
from caredesk.staff.models import Role, StaffMember

SMALL = ["--no-serve", "--cases", "80", "--customers", "40"]


def demo(*arguments: str) -> str:
    out = io.StringIO()
    call_command("demo", *arguments, stdout=out)
    return out.getvalue()


def counts() -> tuple[int, ...]:
    return (
        StaffMember.objects.count(),
        Customer.objects.count(),
        Case.objects.count(),
        Deadline.objects.count(),
        CaseEvent.objects.count(),
    )


def test_it_builds_prints_a_summary_and_the_logins(db):
    output = demo(*SMALL)
    assert "Built in" in output
    assert "Halton Housing Trust demo:" in output
    assert "80 cases" in output
    assert f'password "{DEMO_PASSWORD}"' in output
    for role in Role:
        assert f"  {role.label.lower()} " in output
    assert HALTON.officer_persona.username in output
    assert StaffMember.objects.get(username=HALTON.officer_persona.username).check_password(
        DEMO_PASSWORD
    )


def test_a_second_run_adds_nothing(db):
    demo(*SMALL)
    before = counts()
    output = demo(*SMALL)
    assert "already here" in output
    assert counts() == before


def test_fresh_builds_it_again(db):
    demo(*SMALL)
    # five cases gone by hand (none a visit or an appointment is kept on: those protect theirs)
    kept_on = Q(visits__isnull=False) | Q(appointments__isnull=False) | Q(interviews__isnull=False)
    Case.objects.filter(
        pk__in=Case.objects.exclude(kept_on).order_by("pk").values("pk")[:5]
    ).delete()
    output = demo(*SMALL, "--fresh")
    assert "Built in" in output
    assert Case.objects.count() == 80 + opened_at_reception()
    assert StaffMember.objects.filter(username=HALTON.officer_persona.username).count() == 1


def test_another_policy_needs_fresh_and_fresh_switches(db):
    demo(*SMALL)
    with pytest.raises(CommandError, match="--fresh"):
        demo(*SMALL, "--policy", "stonewall")
    assert Case.objects.filter(reference__startswith="HHT-").count() == 80 + opened_at_reception()
    demo(*SMALL, "--policy", "stonewall", "--fresh")
    assert Case.objects.filter(reference__startswith="SH-").count() == 80 + opened_at_reception()
    assert not Case.objects.filter(reference__startswith="HHT-").exists()
    # without --policy it keeps whichever demo is there
    assert "Stonewall Housing demo:" in demo(*SMALL)


def test_it_leaves_a_database_with_other_records_alone(db):
    make_staff("real_person")
    with pytest.raises(CommandError, match="did not make"):
        demo(*SMALL)
    with pytest.raises(CommandError, match="did not make"):
        demo(*SMALL, "--fresh")
    assert StaffMember.objects.count() == 1


def test_serving_passes_the_policy_and_the_port_to_runserver(db, monkeypatch):
    served: dict[str, object] = {}
    commands: list[str] = []

    def runserver(name, *arguments, **options):
        commands.append(name)
        if name != "runserver":
            return
        (address,) = arguments
        served.update(
            name=name,
            address=address,
            options=options,
            environment=os.environ["CAREDESK_POLICY"],
            setting=settings.CAREDESK_POLICY,
        )

    monkeypatch.setattr("caredesk.demo.management.commands.demo.call_command", runserver)
    monkeypatch.setenv("CAREDESK_POLICY", "halton")
    monkeypatch.setattr(settings, "CAREDESK_POLICY", settings.CAREDESK_POLICY)  # restored after
    monkeypatch.setenv("CAREDESK_EMAIL_BACKEND", settings.EMAIL_BACKEND)
    output = demo(
        "--cases",
        "30",
        "--customers",
        "20",
        "--policy",
        "stonewall",
        "--port",
        "8123",
        "--no-worker",
    )
    assert "caredesk: ready: http://127.0.0.1:8123/" in output
    # DEBUG off, as the demo runs: the static files are collected for WhiteNoise first
    assert commands == ["collectstatic", "runserver"]
    assert served == {
        "name": "runserver",
        "address": "127.0.0.1:8123",
        "options": {"use_reloader": False},
        "environment": "stonewall",
        "setting": "stonewall",
    }
