"""The retention schedule (privacy.retention) on the demo, seven years on: a dry run that
counts and changes nothing, a run that does what the dry run said, keeps the held and
the figures, and has nothing left to do the next time; and the worker's once a day."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from caredesk.conftest import People, SettableClock
from caredesk.core.clock import FixedClock
from caredesk.core.store import store_files, store_put
from caredesk.core.sweeps import SweepRun, WholeSweep
from caredesk.customers.models import Customer, CustomerAccess
from caredesk.demo.build import DemoSize, build_demo
from caredesk.mail.models import InboundEmail
from caredesk.mail.services import email_receive
from caredesk.privacy import sweeps
from caredesk.privacy.erasure import held_customers
from caredesk.privacy.models import RetentionRun
from caredesk.privacy.retention import RULE_WORDS, RULES, customers_due, retention_apply
from caredesk.privacy.tests.test_erasure import every_table, figures, store_age
from caredesk.reporting.rollups import figures_rebuild
from caredesk.standards import kept_since, load_policy
from caredesk.telephony.models import Call
from caredesk.visits.models import Visit

pytestmark = pytest.mark.django_db
HALTON = load_policy("halton")
BUILT = datetime(2026, 6, 17, 10, 30, tzinfo=UTC)
LATER = BUILT + timedelta(days=365 * 7)  # every period of the schedule has run out


@pytest.fixture(autouse=True)
def store(settings: Any, tmp_path: Path) -> Path:
    settings.CAREDESK_MAIL_STORE = tmp_path / "store"
    return tmp_path / "store"


@pytest.fixture
def demo(db: None, people: People, store: Path) -> SettableClock:
    """The demo, with what it does not make: an email never matched to a case, reads
    of records, calls, and a file of the store no row names (a message whose row failed)."""
    clock = SettableClock(BUILT)
    build_demo(policy="halton", seed=9, clock=clock, size=DemoSize(cases=240, customers=60))
    message = EmailMessage()
    message["From"], message["Subject"] = "someone@example.com", "Hello"
    message["Message-ID"] = "<never-matched@example.com>"
    message.set_content("Is this the right address for repairs? Ann Other, 01632 960555")
    message.add_attachment(b"%PDF-1.4 Ann's file", maintype="application", subtype="pdf")
    email_receive(raw=message.as_bytes(), source="test", policy=HALTON, clock=clock)
    InboundEmail.objects.filter(case__isnull=False).update(case=None)  # all never matched
    for customer in Customer.objects.order_by("pk")[:5]:
        CustomerAccess.objects.create(
            customer=customer, staff=people.officer, at=clock.now(), what="the customer page"
        )
    for n in range(3):
        Call.objects.create(
            source="test",
            call_key=f"old-{n}",
            caller=f"0163296010{n}",
            caller_name="A CALLER",
            started_at=clock.now(),
            outcome="answered",
        )
    store_put(b"a file whose row never committed")
    figures_rebuild(policy=HALTON)
    store_age(store, seconds=2 * 86400)
    return clock


def rules_of(run: RetentionRun) -> dict[str, tuple[int, int, int, int]]:
    return {
        rule: (figures["due"], figures["done"], figures["held"], figures["failed"])
        for rule, figures in run.rules.items()
    }


def test_a_dry_run_counts_and_changes_nothing_then_the_run_does_what_it_said(
    demo: SettableClock, store: Path, django_capture_on_commit_callbacks: Any
) -> None:
    cutoff = kept_since(LATER, HALTON.retention.closed_cases, HALTON.working_calendar)
    due_customers = set(
        customers_due(cutoff).exclude(held_customers()).values_list("pk", flat=True)
    )
    held = customers_due(cutoff).filter(held_customers()).count()
    assert due_customers
    assert held  # the demo's tenants, and customers with a case still open
    tables, before_figures = every_table(), figures()
    files = {digest for digest, _ in store_files()}

    dry = retention_apply(policy=HALTON, now=LATER, dry_run=True)

    said = rules_of(dry)
    assert list(said) == list(RULES)
    assert said["closed_cases"] == (len(due_customers), 0, held, 0)
    assert said["unmatched_emails"][0] == InboundEmail.objects.count()
    assert said["reception_log"][0] == Visit.objects.exclude(visitor_name="").count() > 0
    assert said["access_log"][0] >= 5
    assert said["call_numbers"][0] == 3
    assert said["unused_files"][0] == 1
    assert dry.finished
    assert dry.rules["closed_cases"]["kept_since"] == cutoff.isoformat()
    after_dry = every_table()
    assert {t for t in tables if tables[t] != after_dry[t]} == {"privacy_retentionrun"}
    assert {digest for digest, _ in store_files()} == files

    with django_capture_on_commit_callbacks(execute=True):
        run = retention_apply(policy=HALTON, now=LATER, dry_run=False)

    done = rules_of(run)
    for rule in RULES:
        due, did, kept, failed = done[rule]
        assert (kept, failed) == (said[rule][2], 0), rule
        assert did == due, rule
        if rule == "unused_files":
            # Erasure removes the erased customers' files once it commits, which in a
            # test is at its end: this rule, after it, finds them unused first.
            assert due >= said[rule][0]
        else:
            assert due == said[rule][0], rule
    erased = Customer.objects.filter(erased_at=LATER)
    assert set(erased.values_list("pk", flat=True)) >= due_customers
    assert not erased.exclude(first_name="").exists()
    assert Customer.objects.filter(erased_at__isnull=True).count() >= held
    assert not InboundEmail.objects.exclude(from_address="").exists()
    assert not Visit.objects.exclude(visitor_name="").exists()
    assert not CustomerAccess.objects.filter(at__lt=LATER - timedelta(days=800)).exists()
    assert not Call.objects.exclude(caller="").exists()
    assert Call.objects.count() == 3  # the calls stay, counted
    assert figures() == before_figures
    assert len({digest for digest, _ in store_files()}) < len(files)

    again = rules_of(retention_apply(policy=HALTON, now=LATER, dry_run=False))
    assert {rule: figures[0] for rule, figures in again.items()} == dict.fromkeys(RULES, 0)


def test_the_worker_runs_it_once_a_day(demo: SettableClock) -> None:
    (sweep,) = [s for s in sweeps.SWEEPS if s.name == "retention"]
    assert isinstance(sweep, WholeSweep)
    run = SweepRun(now=LATER, clock=FixedClock(LATER), policy=HALTON)
    first = sweep.run(run)
    assert first.counts["closed_cases"] > 0
    assert sweep.run(run).rows == 0
    assert RetentionRun.objects.filter(dry_run=False).count() == 1
    tomorrow = SweepRun(now=LATER + timedelta(days=1), clock=FixedClock(LATER), policy=HALTON)
    sweep.run(tomorrow)
    assert RetentionRun.objects.filter(dry_run=False).count() == 2


def test_nothing_is_due_while_its_period_runs(demo: SettableClock) -> None:
    soon = BUILT + timedelta(days=30)
    run = rules_of(retention_apply(policy=HALTON, now=soon, dry_run=False))
    assert {rule: figures[0] for rule, figures in run.items()} == {
        **dict.fromkeys(RULES, 0),
        "unused_files": 1,  # a day unused is enough for a file no row names
    }
    assert Visit.objects.exclude(visitor_name="").exists()
    assert not Customer.objects.filter(erased_at__isnull=False).exists()


def test_the_command_dry_run_says_what_it_would_do(demo: SettableClock, settings: Any) -> None:
    out = io.StringIO()
    call_command("retention", "--dry-run", stdout=out)
    said = out.getvalue()
    assert said.startswith("Dry run: nothing was changed.")
    for words in RULE_WORDS.values():
        assert f"{words}: " in said
    assert "Files no record names: 1 past their time" in said  # by the files' own times
    assert "anonymised" not in said
    assert RetentionRun.objects.get().dry_run


def test_the_command_says_what_it_did_to_each_kind(demo: SettableClock, settings: Any) -> None:
    out = io.StringIO()
    call_command("retention", stdout=out)
    said = out.getvalue()
    assert said.startswith("Done.")
    # reads and unnamed files are deleted; the records the figures count are anonymised
    assert re.search(
        r"^Reads of customers' records: ([\d,]+) past their time, \1 deleted", said, re.M
    )
    assert re.search(r"^Files no record names: 1 past their time, 1 deleted", said, re.M)
    assert re.search(
        r"^Customers whose dealings with us ended: ([\d,]+) past their time, \1 anonymised",
        said,
        re.M,
    )
    assert not RetentionRun.objects.get().dry_run
