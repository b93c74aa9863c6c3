"""How fast is the case page, the page an officer opens a hundred times a day?

    .venv/bin/python benchmarks/case_page.py [--cases 200000] [--requests 300]
        [--database-url URL] [--fresh] [--check-budget]

A database of --cases cases in PostgreSQL (benchmarks/queue_data.py; reused when already
loaded) gets two more cases, made once through the services as the desk makes them:

- a plain case: a letter logged, one contact, its deadlines;
- a heavy case: 500 events, 100 contacts and 20 letters written on it.

Each case page is asked for --requests times in this process through Django's test
client, signed in as the benchmark officer, with production settings (no debug). Server
time is the `Server-Timing: app;dur=` header (the whole middleware stack and the view,
no network); queries are counted on every request.

Printed: median, p95 and the number of queries for each page; the Python function calls
a request makes (cProfile over 20 more requests: a count that does not change with the
machine's load, so a change can be judged on a busy machine); the ratio to the floor,
measured in this process first (reading the case row alone through the ORM, the least
any case page does); and the ratio to the page as it was before issue 16
(BEFORE_ISSUE_16, measured with this script on that code and recorded in BENCHMARKS.md).
Budget (DESIGN.md section 6): median under 15 ms and at most 10 queries, whatever the
case's history. --check-budget exits 1 when one is missed.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import secrets
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from queue_data import BENCH_OFFICER, default_url, describe, prepare

SIZE = 200_000
PLAIN = "Benchmark: a plain case"
HEAVY = "Benchmark: a case with a long history"
HEAVY_EVENTS, HEAVY_CONTACTS, HEAVY_LETTERS = 500, 100, 20
BUDGET_MS, BUDGET_QUERIES = 15.0, 10
PROFILED = 20  # requests counted for the Python calls a request makes

# Measured with this script on the code before issue 16 (commit 7492c7c), 2026-12-07:
# (median server ms, queries) for each page. See BENCHMARKS.md.
BEFORE_ISSUE_16: dict[str, tuple[float, int]] = {
    "plain case": (72.0, 18),
    "heavy case": (287.5, 23),
}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def server_timing(header: str | None) -> float:
    for part in (header or "").split(","):
        name, _, rest = part.strip().partition(";")
        if name == "app" and rest.startswith("dur="):
            return float(rest[4:])
    raise SystemExit(f"No Server-Timing app;dur= in the answer: {header!r}")


def _signing_officer() -> Any:
    """The benchmark officer, with what a letter's signature needs."""
    from caredesk.staff.models import StaffMember

    officer = StaffMember.objects.get(username=BENCH_OFFICER)
    officer.first_name = officer.first_name or "Bench"
    officer.last_name = officer.last_name or "Officer"
    officer.post_title = officer.post_title or "Customer Services Officer"
    officer.phone = officer.phone or "0161 496 0000"
    officer.email = officer.email or "bench.officer@example.org"
    officer.save()
    return officer


def build_cases() -> dict[str, str]:
    """The plain case and the heavy case (made once; found again on later runs)."""
    from caredesk.cases import services
    from caredesk.cases.intake import contact_receive
    from caredesk.cases.models import Case, CaseEvent, Direction
    from caredesk.core.active_policy import active_policy
    from caredesk.core.clock import FixedClock
    from caredesk.customers.models import Customer
    from caredesk.documents.services import letter_write

    policy = active_policy()
    references: dict[str, str] = {}
    for label, subject in (("plain case", PLAIN), ("heavy case", HEAVY)):
        found = Case.objects.filter(subject=subject).values_list("reference", flat=True).first()
        if found:
            references[label] = found
            continue
        officer = _signing_officer()
        customer = Customer.objects.filter(cases__isnull=False).order_by("pk").first()
        began = datetime.now(tz=UTC) - timedelta(days=20)
        clock = FixedClock(began)
        received = contact_receive(
            channel="letter",
            received_at=began,
            subject=subject,
            summary="Asking when the repair to the back door will be done.",
            thread=None,
            customer=customer,
            by=officer,
            policy=policy,
            clock=clock,
        )
        case = received.case
        services.case_assign(case=case, officer=officer, by=officer, clock=clock)
        if label == "heavy case":
            at = began
            for number in range(HEAVY_CONTACTS - 1):
                at += timedelta(minutes=37)
                services.contact_log(
                    case=case,
                    channel="phone",
                    direction=Direction.OUTBOUND if number % 2 else Direction.INBOUND,
                    summary=f"Call {number + 1}: talked through the repair and what comes next.",
                    by=officer,
                    clock=FixedClock(at),
                )
            for number in range(HEAVY_LETTERS):
                at += timedelta(minutes=41)
                letter_write(
                    case=case,
                    draft=f"Thank you for your letter. This is update {number + 1} on the repair.",
                    by=officer,
                    policy=policy,
                    clock=FixedClock(at),
                )
            while CaseEvent.objects.filter(case=case).count() < HEAVY_EVENTS:
                at += timedelta(minutes=13)
                services.note_add(
                    case=case,
                    text="Spoke to the repairs team; the contractor is booked.",
                    by=officer,
                    clock=FixedClock(at),
                )
        references[label] = case.reference
    return references


def measure(references: dict[str, str], requests: int) -> dict[str, dict[str, float]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from caredesk.cases.models import Case
    from caredesk.staff.models import StaffMember

    officer = StaffMember.objects.get(username=BENCH_OFFICER)
    client = Client()
    client.force_login(officer)
    results: dict[str, dict[str, float]] = {}
    for label, reference in references.items():
        floor: list[float] = []
        for _ in range(requests):
            began = time.perf_counter()
            Case.objects.select_related("customer").get(reference=reference)
            floor.append((time.perf_counter() - began) * 1000)
        for _ in range(10):  # warm up: templates compiled, connection open
            client.get(f"/cases/{reference}/")
        server: list[float] = []
        queries: list[int] = []
        size = 0
        for _ in range(requests):
            with CaptureQueriesContext(connection) as captured:
                answer = client.get(f"/cases/{reference}/")
            if answer.status_code != 200:
                raise SystemExit(f"/cases/{reference}/ answered {answer.status_code}")
            server.append(server_timing(answer.get("Server-Timing")))
            queries.append(len(captured.captured_queries))
            size = len(answer.content)
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(PROFILED):
            client.get(f"/cases/{reference}/")
        profile.disable()
        results[label] = {
            "calls": pstats.Stats(profile).total_calls / PROFILED,  # type: ignore[attr-defined]
            "median": statistics.median(server),
            "p95": percentile(server, 95),
            "queries": max(queries),
            "floor": statistics.median(floor),
            "bytes": size,
        }
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=SIZE)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--database-url", help="default: caredesk_bench_<N> on 127.0.0.1")
    parser.add_argument("--fresh", action="store_true", help="load the data again")
    parser.add_argument("--check-budget", action="store_true")
    options = parser.parse_args()
    os.environ.update(
        CAREDESK_SECRET_KEY=secrets.token_urlsafe(48),
        CAREDESK_DEBUG="false",
        CAREDESK_ALLOWED_HOSTS="testserver",
        CAREDESK_SECURE_COOKIES="false",
        CAREDESK_LOG_LEVEL="WARNING",
        CAREDESK_STATIC_ROOT=tempfile.mkdtemp(prefix="caredesk-bench-static-"),
    )
    url = options.database_url or default_url(options.cases)
    loaded = prepare(cases=options.cases, url=url, fresh=options.fresh)
    references = build_cases()
    results = measure(references, options.requests)

    print(f"case page benchmark, {datetime.now(tz=UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores")
    print(describe(loaded))
    missed = []
    for label, figures in results.items():
        before = BEFORE_ISSUE_16.get(label)
        against = (
            f"; before issue 16 {before[0]:.1f} ms and {before[1]} queries:"
            f" {before[0] / figures['median']:.1f}x faster"
            if before
            else ""
        )
        print(
            f"{label:<11} {references[label]}: median {figures['median']:.1f} ms,"
            f" p95 {figures['p95']:.1f} ms, {figures['queries']:.0f} queries,"
            f" {figures['calls']:,.0f} Python calls,"
            f" {figures['bytes'] / 1024:.0f} KB; floor (the case row alone)"
            f" {figures['floor']:.2f} ms, ratio {figures['median'] / figures['floor']:.0f}x"
            f"{against}"
        )
        if figures["median"] >= BUDGET_MS or figures["queries"] > BUDGET_QUERIES:
            missed.append(label)
    verdict = f"MISSED for {', '.join(missed)}" if missed else "met"
    print(f"budget (median under {BUDGET_MS:.0f} ms, at most {BUDGET_QUERIES} queries): {verdict}")
    return 1 if missed and options.check_budget else 0


if __name__ == "__main__":
    sys.exit(main())
