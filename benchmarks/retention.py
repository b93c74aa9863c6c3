"""How fast does the retention schedule erase 10,000 customers whose dealings ended?

    .venv/bin/python benchmarks/retention.py [--customers 10000] [--held 2000]
        [--baseline-sample 200] [--database-url URL | --sqlite]

Makes a database afresh (PostgreSQL `caredesk_bench_retention`, or `..._<N>` at another
size: only databases with that name are dropped; or a new SQLite file with --sqlite),
migrates it, and loads, seven years before now:

- the customers due for erasure (`--customers`, plus the baseline's sample), each with
  two closed cases (a contact, a deadline met and the timeline's events each), an email
  on one of them with its file in the store, a read of their record, a call from their
  number;
- `--held` tenants just as old, whom the schedule must keep.

Measured in this process:

1. The baseline: the erasure request's path, one customer per transaction
   (`customers_erase([customer])`), on `--baseline-sample` customers, scaled up.
2. The retention schedule (`retention_apply`, as the worker's nightly sweep runs it) over
   the rest: every rule, the customers in chunks of 1,000, each its own transaction.

Then checks: every due customer erased, no held one; no due customer's name left in
any table. Budget (issue 19): 10,000 customers erased by the schedule in under 60 s.
Prints MISSED and exits 1 when the budget is missed at full size, or at any size when a
check fails.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SERVER = "postgres://postgres@127.0.0.1:5432"
NAME = "caredesk_bench_retention"
FULL = 10_000
BUDGET_SECONDS = 60.0


def database_fresh(url: str) -> None:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    assert name.startswith(NAME), f"only {NAME} databases are dropped here, not {name}"
    server = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=FULL)
    parser.add_argument("--held", type=int, default=2000)
    parser.add_argument("--baseline-sample", type=int, default=200)
    parser.add_argument("--database-url")
    parser.add_argument("--sqlite", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="caredesk-bench-retention-"))
    if args.sqlite:
        url = f"sqlite:///{work / 'bench.sqlite3'}"
    else:
        suffix = "" if args.customers == FULL else f"_{args.customers}"
        url = args.database_url or f"{SERVER}/{NAME}{suffix}"
        database_fresh(url)
    os.environ["DATABASE_URL"] = url
    os.environ["CAREDESK_MAIL_STORE"] = str(work / "store")
    os.environ["CAREDESK_STORE_UNUSED_FOR"] = "0"
    os.environ.setdefault("CAREDESK_LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caredesk.settings")

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return run(args, url)


def run(args: argparse.Namespace, url: str) -> int:
    from django.db import connection, transaction

    from caredesk.customers.models import Customer
    from caredesk.privacy.erasure import customers_erase
    from caredesk.privacy.models import ErasureBasis
    from caredesk.privacy.retention import retention_apply
    from caredesk.standards import load_policy

    policy = load_policy("halton")
    now = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
    due = args.customers + args.baseline_sample
    started = time.perf_counter()
    load(due=due, held=args.held, now=now)
    os.sync()  # the store's files are years old in life, long on disk, not just written
    print(
        f"{connection.vendor}: loaded {due:,} customers due and {args.held:,} held "
        f"in {time.perf_counter() - started:.1f} s"
    )

    sample = list(
        Customer.objects.filter(last_name__startswith="Due").order_by("pk")[: args.baseline_sample]
    )
    started = time.perf_counter()
    for customer in sample:
        with transaction.atomic():
            customers_erase([customer], at=now, basis=ErasureBasis.REQUEST)
    baseline = time.perf_counter() - started
    scaled = baseline / max(1, len(sample)) * args.customers
    print(
        f"baseline, one customer per transaction: {len(sample):,} in {baseline:.2f} s "
        f"({len(sample) / baseline:,.0f}/s), scaled to {args.customers:,}: {scaled:.1f} s"
    )

    started = time.perf_counter()
    record = retention_apply(policy=policy, now=now, dry_run=False)
    took = time.perf_counter() - started
    done = record.rules["closed_cases"]["done"]
    print(
        f"retention schedule: {done:,} customers erased in {took:.2f} s "
        f"({done / took:,.0f}/s); ratio to the baseline: {scaled / took:.1f}x faster"
    )
    for rule, figures in record.rules.items():
        print(
            f"  {rule}: due {figures['due']:,}, done {figures['done']:,}, held {figures['held']:,}"
        )

    failures = []
    if done != args.customers:
        failures.append(f"{done:,} erased, not {args.customers:,}")
    if Customer.objects.filter(last_name__startswith="Due").exists():
        failures.append("a due customer's name is still there")
    if Customer.objects.filter(last_name__startswith="Held", erased_at__isnull=False).exists():
        failures.append("a held customer was erased")
    if record.rules["closed_cases"]["held"] != args.held:
        failures.append(f"{record.rules['closed_cases']['held']:,} held, not {args.held:,}")
    for failure in failures:
        print(f"CHECK FAILED: {failure}")
    if args.customers == FULL:
        verdict = "met" if took < BUDGET_SECONDS else "MISSED"
        print(f"budget: {args.customers:,} customers under {BUDGET_SECONDS:.0f} s: {verdict}")
        if verdict == "MISSED":
            return 1
    return 1 if failures else 0


def owner(case: Any) -> Any:
    """The case's customer (every case made here has one)."""
    assert case.customer is not None
    return case.customer


def load(*, due: int, held: int, now: datetime) -> None:
    """Customers seven years past their last dealings, with what an erasure clears."""
    from django.db import transaction

    from caredesk.cases.models import (
        Case,
        CaseEvent,
        CaseStatus,
        Contact,
        Deadline,
        DeadlineStatus,
        Direction,
    )
    from caredesk.core.store import store_put
    from caredesk.customers.models import Customer, CustomerAccess, CustomerType
    from caredesk.mail.models import InboundEmail
    from caredesk.staff.models import StaffMember
    from caredesk.telephony.models import Call

    then = now - timedelta(days=365 * 7)
    with transaction.atomic():
        officer = StaffMember.objects.create_user(username="bench", password=None)
        customers = [
            Customer(
                customer_type=CustomerType.APPLICANT if n < due else CustomerType.TENANT,
                first_name=f"Bench{n}",
                last_name=f"Due{n}" if n < due else f"Held{n}",
                email=f"bench{n}@example.com",
                phone=f"01632 {n:06d}",
                address=f"{n} Bench Road\nRuncorn",
                postcode="WA7 1AA",
                created_at=then,
            )
            for n in range(due + held)
        ]
        Customer.objects.bulk_create(customers, batch_size=2000)
        cases = [
            Case(
                reference=f"BEN-{c.pk}-{k}",
                kind="general_enquiry",
                customer=c,
                channel="letter",
                received_at=then + timedelta(days=k),
                subject=f"{c.first_name} {c.last_name} asks about the rent",
                description=f"Lives at {c.address}",
                status=CaseStatus.CLOSED,
                created_at=then,
                outcome="Answered",
            )
            for c in customers
            for k in (0, 1)
        ]
        Case.objects.bulk_create(cases, batch_size=2000)
        Contact.objects.bulk_create(
            (
                Contact(
                    case=case,
                    channel="letter",
                    direction=Direction.INBOUND,
                    at=case.received_at,
                    summary=f"Letter from {owner(case).last_name}",
                    staff=officer,
                )
                for case in cases
            ),
            batch_size=2000,
        )
        Deadline.objects.bulk_create(
            (
                Deadline(
                    case=case,
                    standard_key="letter_email_response",
                    starts_at=case.received_at,
                    due_at=case.received_at + timedelta(days=14),
                    standard_due_at=case.received_at + timedelta(days=14),
                    met_at=case.received_at + timedelta(days=3),
                    status=DeadlineStatus.MET,
                )
                for case in cases
            ),
            batch_size=2000,
        )
        CaseEvent.objects.bulk_create(
            (
                CaseEvent(
                    case=case,
                    kind="note_added",
                    at=case.received_at,
                    actor=officer,
                    data={"text": f"Spoke to {owner(case).first_name}"},
                )
                for case in cases
            ),
            batch_size=2000,
        )
        emails = []
        for case in cases[::2]:
            customer = owner(case)
            raw = (
                f"From: {customer.email}\r\nSubject: rent\r\n\r\nFrom {customer.last_name}"
            ).encode()
            emails.append(
                InboundEmail(
                    case=case,
                    source="bench",
                    message_key=f"<{case.reference}@example.com>",
                    from_address=customer.email,
                    from_name=customer.name,
                    subject="rent",
                    text=f"From {customer.last_name}",
                    raw_sha256=store_put(raw),
                    raw_size=len(raw),
                    threading="reference",
                    received_at=case.received_at,
                )
            )
        InboundEmail.objects.bulk_create(emails, batch_size=2000)
        CustomerAccess.objects.bulk_create(
            (
                CustomerAccess(customer=c, staff=officer, at=then, what="the customer page")
                for c in customers
            ),
            batch_size=2000,
        )
        Call.objects.bulk_create(
            (
                Call(
                    source="bench",
                    call_key=f"call-{c.pk}",
                    caller=c.phone.replace(" ", ""),
                    caller_key=c.phone.replace(" ", ""),  # bulk_create skips save()
                    started_at=then,
                    outcome="answered",
                )
                for c in customers
            ),
            batch_size=2000,
        )


if __name__ == "__main__":
    sys.exit(main())
