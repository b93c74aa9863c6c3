"""How fast does the reception board refresh with 50 visitors waiting (issue 17)?

    .venv/bin/python benchmarks/reception.py [--history 20000] [--waiting 50]
        [--requests 300] [--database-url URL] [--fresh] [--check-budget]

A PostgreSQL database of its own (default `caredesk_bench_reception_<history>`; created
if missing, migrated with `caredesk migrate`, loaded once and reused: a marker table
records what was loaded) holds 4 offices with their details and duty officers, 2,000
customers, and --history past visits over the last 12 months at those offices (40% at
the office measured), each with its case, contact and the waits Halton's policy measures
(met when seen; a few late, a few visitors who left), written with COPY as
benchmarks/queue_data.py writes its cases (the waits' due times from the engine's batch).
Then --waiting visitors arrive at the office measured through the reception log's
service (`visits.reception.visitor_arrive`, so each has its case and its waits), most of
them customers, some with an appointment or asking for something.

Measured in this process through Django's test client, signed in as an officer, with
production settings (no debug): the board (`GET /visits/reception/<office>/board/`, the
htmx fragment the reception page asks for every 15 seconds) and the whole reception page,
--requests times each. Server time is the `Server-Timing: app;dur=` header; queries are
counted on every request; the Python calls a request makes are cProfile's count over 20
more. The floor, measured first in this process: the board's selector alone
(`visits.selectors.visitors_waiting_list`: its reads and the rows built, no HTTP or
template). The board's query is EXPLAINed (ANALYZE) and the plan's key line printed: it
must use the partial index `visitors_waiting`, so history never slows it.

Budget (issue 17): the board with 50 visitors waiting refreshes in under 100 ms (p95
server time), in a fixed number of queries. --check-budget exits 1 when it is missed.
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
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import psycopg
from psycopg import sql

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from case_page import percentile, server_timing
from queue_data import (
    MICROS,
    NULL,
    SERVER,
    _copy,
    _load_customers,
    _maintenance_url,
    _migrate,
    _text,
    _times,
    setup_django,
)

HISTORY = 20_000
WAITING = 50
CUSTOMERS = 2_000
MARKER = "bench_reception_data"
SEED = 20261207
OFFICER = "bench_reception_officer"
OFFICES = (
    ("Bench: Kingsway House", 0.4),  # the office measured
    ("Bench: Halton Lea", 0.3),
    ("Bench: Old Town", 0.2),
    ("Bench: Ditton", 0.1),
)
BUDGET_MS = 100.0
PROFILED = 20
DAY = 86_400 * MICROS


# -- the database ------------------------------------------------------------------------


def default_url(history: int) -> str:
    return f"{SERVER}/caredesk_bench_reception_{history}"


def _database(url: str, *, fresh: bool) -> None:
    """Create the database if missing; with `fresh`, drop it first (only a database
    named for benchmarks: "bench" in its name)."""
    admin, name = _maintenance_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            if "bench" not in name:
                raise SystemExit(f"--fresh drops only a benchmark's database; not '{name}'.")
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            exists = None
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _marker(url: str) -> tuple[int, int, float] | None:
    with psycopg.connect(url) as conn:
        found = conn.execute("SELECT to_regclass(%s)", [MARKER]).fetchone()
        if found is None or found[0] is None:
            return None
        row = conn.execute(f"SELECT history, waiting, load_seconds FROM {MARKER}").fetchone()
    return None if row is None else (int(row[0]), int(row[1]), float(row[2]))


@dataclass(frozen=True)
class Loaded:
    url: str
    visits: int
    waiting: int
    load_seconds: float
    reused: bool


def prepare(*, history: int, waiting: int, url: str, fresh: bool) -> Loaded:
    _database(url, fresh=fresh)
    marker = _marker(url)
    reused = marker is not None
    if marker is not None and marker[:2] != (history, waiting):
        raise SystemExit(
            f"{urlsplit(url).path.lstrip('/')} holds {marker[0]:,} past visits and "
            f"{marker[1]} waiting: run with --fresh to load {history:,} and {waiting}."
        )
    _migrate(url)
    setup_django(url)
    if marker is None:
        with psycopg.connect(url) as conn:
            row = conn.execute("SELECT EXISTS (SELECT 1 FROM staff_office)").fetchone()
        if row == (True,):
            raise SystemExit("The database has offices the benchmark did not load: --fresh.")
        began = time.perf_counter()
        _load(url, history=history, waiting=waiting)
        seconds = time.perf_counter() - began
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"CREATE TABLE {MARKER} (history int, waiting int, load_seconds float8)")
            conn.execute(f"INSERT INTO {MARKER} VALUES (%s, %s, %s)", [history, waiting, seconds])
        marker = (history, waiting, seconds)
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM visits_visit").fetchone()
    assert row is not None
    return Loaded(url, int(row[0]), waiting, marker[2], reused=reused)


def _load(url: str, *, history: int, waiting: int) -> None:
    from django.contrib.auth.models import Group

    from caredesk.staff.models import Office, Role, StaffMember, Team
    from caredesk.visits.models import OfficeDetails

    rng = np.random.default_rng(SEED)
    now = datetime.now(tz=UTC).replace(microsecond=0)
    groups = {group.name: group for group in Group.objects.all()}
    offices = [Office.objects.create(name=name, address=f"{name}, Halton") for name, _ in OFFICES]
    team = Team.objects.create(name="Bench: Customer Services", office=offices[0])
    staff = []
    for number in range(6):
        person = StaffMember(
            username=OFFICER if number == 0 else f"bench_reception_{number}",
            first_name=f"Officer{number}",
            last_name="Bench",
            email=f"reception{number}@example.org",
            team=team,
            office=offices[number % len(offices)],
        )
        person.set_unusable_password()
        person.save()
        person.groups.add(groups[Role.OFFICER.value])
        staff.append(person)
    for number, office in enumerate(offices):
        OfficeDetails.objects.create(
            office=office, slug=f"bench-{number}", duty_officer=staff[number + 1]
        )
    with psycopg.connect(url) as conn:
        conn.execute("SET synchronous_commit = off")
        conn.execute("SET timezone = 'UTC'")
        _load_customers(conn, rng, CUSTOMERS, now)
        _load_history(conn, rng, history=history, offices=offices, staff=staff, now=now)
        conn.commit()
    with psycopg.connect(url, autocommit=True) as conn:
        for table in (
            "customers_customer",
            "cases_case",
            "cases_contact",
            "cases_deadline",
            "visits_visit",
            "visits_visit_deadlines",
        ):
            conn.execute(
                sql.SQL("SELECT setval(pg_get_serial_sequence({}, 'id'), max(id)) FROM {}").format(
                    sql.Literal(table), sql.Identifier(table)
                )
            )
        conn.execute("VACUUM ANALYZE")
    _arrive(offices[0], staff, waiting=waiting, now=datetime.now(tz=UTC))


def _load_history(
    conn: psycopg.Connection[Any],
    rng: np.random.Generator,
    *,
    history: int,
    offices: list[Any],
    staff: list[Any],
    now: datetime,
) -> None:
    """Past visits, each with its case, contact and waits (seen, a few late or gone)."""
    from caredesk.cases.models import Case, Contact, Deadline, ReferenceCounter
    from caredesk.core.active_policy import active_policy
    from caredesk.standards import due_at_batch
    from caredesk.visits.models import Visit

    policy = active_policy()
    now_micros = int(now.timestamp()) * MICROS
    # Weekdays, 09:00 to 16:30 UTC (about office hours in London), over the last year.
    days = rng.integers(1, 366, history)
    arrived = now_micros - days * DAY
    arrived -= arrived % DAY
    arrived += rng.integers(9 * 3600, 16 * 3600 + 1800, history) * MICROS
    weekday = (arrived // DAY + 3) % 7
    arrived -= np.where(weekday >= 5, (weekday - 4) * DAY, 0)  # weekend: the Friday before
    arrived = np.sort(arrived)
    ids = np.arange(1, history + 1, dtype=np.int64)
    office = np.array([o.pk for o in offices])[
        rng.choice(len(offices), history, p=[share for _, share in OFFICES])
    ]
    appointment = rng.random(history) < 0.25
    appointment_at = arrived + rng.choice([-10, -5, 5, 10, 15], history) * 60 * MICROS
    left = rng.random(history) < 0.03
    wait = np.where(
        rng.random(history) < 0.07,
        rng.uniform(6, 15, history),
        rng.uniform(0.5, 4.8, history),
    )
    starts = np.where(appointment, np.maximum(arrived, appointment_at), arrived)
    finished = (starts + wait * 60 * MICROS).astype(np.int64) // MICROS * MICROS
    customer = np.where(rng.random(history) < 0.2, -1, rng.integers(1, CUSTOMERS + 1, history))
    officer = np.array([p.pk for p in staff])[rng.integers(0, len(staff), history)]

    years = arrived.view("datetime64[us]").astype("datetime64[Y]").astype(np.int64) + 1970
    numbers = np.zeros(history, dtype=np.int64)
    prefix = policy.organisation.reference_prefix
    for year in np.unique(years).tolist():
        chosen = years == year
        numbers[chosen] = np.arange(1, int(chosen.sum()) + 1)
        ReferenceCounter.objects.update_or_create(
            prefix=prefix, year=year, defaults={"last": int(chosen.sum())}
        )
    _copy(
        conn,
        Case,
        {
            "id": _text(ids),
            "reference": [
                f"{prefix}-{y}-{n:06d}"
                for y, n in zip(years.tolist(), numbers.tolist(), strict=True)
            ],
            "kind": "general_enquiry",
            "customer_id": [NULL if c < 0 else str(c) for c in customer.tolist()],
            "channel": "visit",
            "received_at": _times(arrived),
            "subject": "Rent account query",
            "description": "",
            "status": "closed",
            "created_at": _times(arrived),
        },
    )
    _copy(
        conn,
        Contact,
        {
            "id": _text(ids),
            "case_id": _text(ids),
            "channel": "visit",
            "direction": "inbound",
            "at": _times(arrived),
            "staff_id": _text(officer),
            "summary": "Visit: rent account query",
        },
    )
    names = [f"Visitor {n}" for n in ids.tolist()]
    _copy(
        conn,
        Visit,
        {
            "id": _text(ids),
            "office_id": _text(office),
            "case_id": _text(ids),
            "contact_id": _text(ids),
            "visitor_name": names,
            "arrived_at": _times(arrived),
            "appointment_at": _times(appointment_at, appointment),
            "logged_by_id": _text(officer),
            "acknowledged_at": _times(arrived + 60 * MICROS),
            "acknowledged_by_id": _text(officer),
            "status": ["left" if gone else "seen" for gone in left.tolist()],
            "finished_at": _times(finished),
            "seen_by_id": [NULL if gone else str(o) for gone, o in zip(left, officer, strict=True)],
        },
    )
    # The waits: every visitor attended to within 5 minutes; those with an appointment
    # seen within 5 minutes of it. Due times from the engine.
    rows: list[tuple[np.ndarray[Any, Any], str, np.ndarray[Any, Any]]] = [
        (np.flatnonzero(np.ones(history, dtype=bool)), "visitor_attended", arrived),
        (np.flatnonzero(appointment), "visitor_with_appointment_seen", starts[appointment]),
    ]
    visit_of, keys, start_at, due = [], [], [], []
    for index, key, start in rows:
        target = policy.deadline_standard(key).target
        batch = due_at_batch(start.view("datetime64[us]"), target, policy.working_calendar)
        visit_of.append(index)
        keys += [key] * index.size
        start_at.append(start)
        due.append(batch.astype("datetime64[us]").view(np.int64))
    visit_index = np.concatenate(visit_of)
    gone = left[visit_index]
    ended = finished[visit_index]
    count = visit_index.size
    deadline_ids = np.arange(1, count + 1, dtype=np.int64)
    _copy(
        conn,
        Deadline,
        {
            "id": _text(deadline_ids),
            "case_id": _text(ids[visit_index]),
            "standard_key": keys,
            "starts_at": _times(np.concatenate(start_at)),
            "due_at": _times(np.concatenate(due)),
            "standard_due_at": _times(np.concatenate(due)),
            "met_at": _times(ended, ~gone),
            "ended_at": _times(ended, gone),
            "status": ["ended_unmet" if g else "met" for g in gone.tolist()],
            "assigned_to_id": _text(officer[visit_index]),
            "outlives_case": "t",
        },
    )
    _copy(
        conn,
        Visit.deadlines.through,
        {
            "id": _text(deadline_ids),
            "visit_id": _text(ids[visit_index]),
            "deadline_id": _text(deadline_ids),
        },
    )


def _arrive(office: Any, staff: list[Any], *, waiting: int, now: datetime) -> None:
    """The visitors waiting now, through the reception log's service, the first an hour
    ago and the last a minute ago."""
    from caredesk.core.active_policy import active_policy
    from caredesk.core.clock import FixedClock
    from caredesk.customers.models import Customer
    from caredesk.visits.reception import Asked, visitor_arrive

    policy = active_policy()
    customers = list(Customer.objects.order_by("pk")[:waiting])
    for number in range(waiting):
        at = now - timedelta(seconds=60 + (waiting - number) * 70)
        visitor_arrive(
            office=office,
            visitor_name=f"Walk-in {number}" if number % 5 == 4 else "",
            customer=None if number % 5 == 4 else customers[number],
            reason="Rent account query",
            arrived_at=at,
            appointment_at=at + timedelta(minutes=10) if number % 4 == 0 else None,
            appointment_with=staff[0] if number % 8 == 0 else None,
            asked=Asked(
                private_room=number % 7 == 0, interpreter_language="Polish" * (number == 3)
            ),
            by=staff[1],
            policy=policy,
            clock=FixedClock(at),
        )


# -- measuring ---------------------------------------------------------------------------


def explain(office_id: int) -> str:
    """The board's query, EXPLAINed with ANALYZE: the plan's line naming how it finds the
    visitors waiting."""
    from caredesk.visits.models import Visit, VisitStatus

    plan = (
        Visit.objects.filter(office_id=office_id, status=VisitStatus.WAITING)
        .select_related("case", "case__customer", "appointment_with", "acknowledged_by")
        .order_by("arrived_at", "pk")
        .explain(analyze=True)
    )
    lines = plan.splitlines()
    key = [line.strip() for line in lines if "visit" in line and "Scan" in line]
    took = [line.strip() for line in lines if line.startswith("Execution Time")]
    return "; ".join(key[:1] + took)


def measure(office_id: int, requests: int) -> dict[str, dict[str, float]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from caredesk.core.active_policy import active_policy
    from caredesk.staff.models import Office, StaffMember
    from caredesk.visits.selectors import visitors_waiting_list

    officer = StaffMember.objects.get(username=OFFICER)
    office = Office.objects.get(pk=office_id)
    policy = active_policy()
    client = Client()
    client.force_login(officer)
    floor: list[float] = []
    for _ in range(requests):
        began = time.perf_counter()
        rows = visitors_waiting_list(office=office, now=datetime.now(tz=UTC), policy=policy)
        floor.append((time.perf_counter() - began) * 1000)
    shown = len(rows)
    results: dict[str, dict[str, float]] = {}
    pages = {
        "board": f"/visits/reception/{office_id}/board/",
        "reception page": f"/visits/reception/{office_id}/",
    }
    for label, path in pages.items():
        for _ in range(10):  # warm up: templates compiled, connection open
            client.get(path)
        server: list[float] = []
        queries: list[int] = []
        size = 0
        for _ in range(requests):
            with CaptureQueriesContext(connection) as captured:
                answer = client.get(path)
            if answer.status_code != 200:
                raise SystemExit(f"{path} answered {answer.status_code}")
            server.append(server_timing(answer.get("Server-Timing")))
            queries.append(len(captured.captured_queries))
            size = len(answer.content)
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(PROFILED):
            client.get(path)
        profile.disable()
        results[label] = {
            "calls": pstats.Stats(profile).total_calls / PROFILED,  # type: ignore[attr-defined]
            "median": statistics.median(server),
            "p95": percentile(server, 95),
            "queries": max(queries),
            "fewest": min(queries),
            "floor": statistics.median(floor),
            "bytes": size,
            "shown": shown,
        }
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--history", type=int, default=HISTORY, help="past visits")
    parser.add_argument("--waiting", type=int, default=WAITING, help="visitors waiting now")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--database-url", help="default: caredesk_bench_reception_<history>")
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
    url = options.database_url or default_url(options.history)
    loaded = prepare(history=options.history, waiting=options.waiting, url=url, fresh=options.fresh)
    from caredesk.staff.models import Office

    office_id = Office.objects.get(name=OFFICES[0][0]).pk
    results = measure(office_id, options.requests)

    print(
        f"reception board benchmark, {datetime.now(tz=UTC):%Y-%m-%d %H:%M} UTC,"
        f" {os.cpu_count()} cores"
    )
    how = "reused" if loaded.reused else "loaded"
    print(
        f"{urlsplit(url).path.lstrip('/')}: {loaded.visits:,} visits ({loaded.waiting} waiting"
        f" at {OFFICES[0][0]}), {how} (loading took {loaded.load_seconds:.1f} s)"
    )
    print(f"the board's query: {explain(office_id)}")
    missed = []
    for label, figures in results.items():
        print(
            f"{label:<14} median {figures['median']:.1f} ms, p95 {figures['p95']:.1f} ms,"
            f" {figures['fewest']:.0f}-{figures['queries']:.0f} queries,"
            f" {figures['calls']:,.0f} Python calls, {figures['bytes'] / 1024:.0f} KB;"
            f" floor (the board's selector, {figures['shown']:.0f} rows)"
            f" {figures['floor']:.2f} ms, ratio {figures['median'] / figures['floor']:.1f}x"
        )
    board = results["board"]
    if board["p95"] >= BUDGET_MS:
        missed.append("board")
    verdict = f"MISSED for {', '.join(missed)}" if missed else "met"
    print(f"budget (the board's p95 under {BUDGET_MS:.0f} ms): {verdict}")
    return 1 if missed and options.check_budget else 0


if __name__ == "__main__":
    sys.exit(main())
