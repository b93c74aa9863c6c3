"""How fast are the queues with 1,000,000 cases in PostgreSQL, under 50 concurrent clients?

    .venv/bin/python benchmarks/queues.py [--cases 1000000] [--clients 50] [--requests 2000]
        [--workers 3] [--threads 1] [--fresh] [--database-url URL] [--check-budget] [--counts]

Loads the data (benchmarks/queue_data.py; reused when already loaded), serves the app
with gunicorn (gthread workers, production settings), and has N client threads, each
on its own keep-alive connection, ask for one endpoint at a time, --requests times in
all per endpoint:

- My work (`/`), as `bench_officer`, signed in through a session made by Django's
  session machinery (the same cookie the login form gives);
- the overdue list (`/overdue/`), as the same officer;
- the API list (`/api/v1/deadlines?overdue=true`), with a Bearer token made by
  `api_token_create`;
- with --counts, the overdue list's filter counts as htmx asks for them when the filter
  panel opens (the desk pages read none while it is closed); its floor is
  `queue_facets_count` in this process.

Server time is the `Server-Timing: app;dur=` header (caredesk.core.middleware, which
wraps the whole middleware stack and the view); client time is from sending the request
to reading the whole answer, so it includes waiting for a free worker thread.

The baseline, run in this process first: each endpoint's queries through the ORM, one
at a time (the selector's page of 50 with its joined rows; no HTTP, no template, no
session, no access log). That is the floor an endpoint cannot beat; the ratio says what
HTTP, rendering and 50-way concurrency on 2 cores add to it. EXPLAIN ANALYZE of each
query is printed too. Also printed: peak RSS (VmHWM) of each gunicorn process and of
this one. Budget (DESIGN.md section 6): p95 server time under 100 ms; every web process
under 300 MB RSS. --check-budget exits 1 when one is missed.
"""

from __future__ import annotations

import argparse
import http.client
import os
import resource
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from queue_data import BENCH_OFFICER, FULL_SIZE, default_url, describe, prepare

ROOT = Path(__file__).resolve().parent.parent
PAGE = 50  # rows per page: the desk's PAGE_SIZE and the API's default limit


@dataclass
class Endpoint:
    name: str
    path: str
    headers: dict[str, str]
    floor: Callable[[], object]
    explain: Callable[[], str]
    client_ms: list[float] = field(default_factory=list)
    server_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    floor_ms: list[float] = field(default_factory=list)
    seconds: float = 0.0


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def server_timing(header: str | None) -> float | None:
    for part in (header or "").split(","):
        name, _, rest = part.strip().partition(";")
        if name == "app" and rest.startswith("dur="):
            return float(rest[4:])
    return None


def vm_hwm_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found.extend(int(child) for child in text)
    return found


def endpoints(session_cookie: str, token: str, *, counts: bool = False) -> list[Endpoint]:
    from caredesk.api.pagination import keyset_page
    from caredesk.cases import selectors
    from caredesk.cases.queue_filters import Facet, QueueFilters, queue_facets_count
    from caredesk.core.active_policy import active_policy
    from caredesk.staff.models import StaffMember

    officer = StaffMember.objects.get(username=BENCH_OFFICER)

    def my_work() -> object:
        page = selectors.deadlines_page_get(
            queryset=selectors.deadlines_assigned_list(staff=officer), after=None, size=PAGE
        )
        return [row.case.customer for row in page.items]

    def overdue() -> object:
        now = datetime.now(tz=UTC)
        page = selectors.deadlines_page_get(
            queryset=selectors.deadlines_overdue_list(now=now), after=None, size=PAGE
        )
        return [row.case.customer for row in page.items]

    def api_list() -> object:
        found = selectors.deadlines_open_list(now=datetime.now(tz=UTC), overdue=True)
        return keyset_page(found, order=selectors.DEADLINE_ORDER, cursor=None, limit=PAGE).items

    def plan(make: Callable[[], object]) -> Callable[[], str]:
        def explain() -> str:
            queryset: object = make()
            return queryset.explain(analyze=True, buffers=True)  # type: ignore[attr-defined,no-any-return]

        return explain

    def overdue_counts() -> object:
        now = datetime.now(tz=UTC)
        return queue_facets_count(
            selectors.deadlines_overdue_list(now=now),
            QueueFilters(),
            facets=list(Facet),
            now=now,
            policy=active_policy(),
        )

    now = datetime.now(tz=UTC)
    desk = {"Cookie": session_cookie}
    opened = {**desk, "HX-Request": "true", "HX-Target": "filter-groups"}
    extra = [
        Endpoint(
            "Overdue's counts  (panel opened)",
            "/overdue/",
            opened,
            overdue_counts,
            plan(
                lambda: (
                    selectors.deadlines_overdue_list(now=now)
                    .order_by("due_at", "pk")
                    .values_list(
                        "standard_key",
                        "case__kind",
                        "case__channel",
                        "case__status",
                        "assigned_to",
                        "team",
                        "team__office",
                        "case__urgent",
                    )[:2000]
                )
            ),
        )
    ]
    return [
        Endpoint(
            "My work  /",
            "/",
            desk,
            my_work,
            plan(lambda: selectors.deadlines_assigned_list(staff=officer)[: PAGE + 1]),
        ),
        Endpoint(
            "Overdue  /overdue/",
            "/overdue/",
            desk,
            overdue,
            plan(lambda: selectors.deadlines_overdue_list(now=now)[: PAGE + 1]),
        ),
        Endpoint(
            "API  /api/v1/deadlines?overdue=true",
            "/api/v1/deadlines?overdue=true",
            {"Authorization": f"Bearer {token}"},
            api_list,
            plan(
                lambda: selectors.deadlines_open_list(now=now, overdue=True).order_by(
                    *selectors.DEADLINE_ORDER
                )[: PAGE + 1]
            ),
        ),
    ] + (extra if counts else [])


def sign_in() -> tuple[str, str]:
    """A session cookie for the benchmark officer, and an API token of theirs."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from caredesk.api.services import api_token_create
    from caredesk.staff.models import StaffMember

    officer = StaffMember.objects.get(username=BENCH_OFFICER)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(officer.pk)
    # the backend that signs people in (the first, axes, only refuses locked-out ones)
    store[BACKEND_SESSION_KEY] = "caredesk.staff.backends.StaffBackend"
    store[HASH_SESSION_KEY] = officer.get_session_auth_hash()
    store.save()
    token = api_token_create(owner=officer, name="benchmarks/queues.py").secret
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}", token


def start_server(
    port: int, workers: int, threads: int, env: dict[str, str]
) -> subprocess.Popen[bytes]:
    gunicorn = Path(sys.executable).parent / "gunicorn"
    command = [
        str(gunicorn),
        "caredesk.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(threads),
        "--keep-alive",
        "60",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped with code {server.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/staff/login/")
            connection.getresponse().read()
            connection.close()
            if len(children(server.pid)) == workers:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 60 s")


def drive(endpoint: Endpoint, port: int, clients: int, requests: int) -> None:
    """`clients` threads on keep-alive connections share `requests` requests."""
    counter = iter(range(requests))
    lock = threading.Lock()
    ready = threading.Barrier(clients + 1)

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        # Warm the connection (and the worker thread's database connection) first.
        connection.request("GET", endpoint.path, headers=endpoint.headers)
        connection.getresponse().read()
        ready.wait()
        while True:
            with lock:
                if next(counter, None) is None:
                    break
            began = time.perf_counter()
            connection.request("GET", endpoint.path, headers=endpoint.headers)
            response = connection.getresponse()
            body = response.read()
            took = (time.perf_counter() - began) * 1000
            server = server_timing(response.getheader("Server-Timing"))
            with lock:
                if response.status != 200 or server is None:
                    endpoint.errors.append(f"{response.status}: {body[:300]!r}")
                else:
                    endpoint.client_ms.append(took)
                    endpoint.server_ms.append(server)
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    ready.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    endpoint.seconds = time.perf_counter() - began


def time_floor(endpoint: Endpoint, repeats: int) -> None:
    endpoint.floor()  # warm: connection, plans, caches
    for _ in range(repeats):
        began = time.perf_counter()
        endpoint.floor()
        endpoint.floor_ms.append((time.perf_counter() - began) * 1000)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=FULL_SIZE)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=2000, help="per endpoint")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--floor-repeats", type=int, default=200)
    parser.add_argument("--database-url", help="default: caredesk_bench[_N] on 127.0.0.1")
    parser.add_argument("--fresh", action="store_true", help="load the data again")
    parser.add_argument("--no-explain", action="store_true")
    parser.add_argument(
        "--counts",
        action="store_true",
        help="also the filter panel's counts, as htmx asks for them when it opens",
    )
    parser.add_argument("--check-budget", action="store_true")
    options = parser.parse_args()

    # The same settings in this process (sessions, tokens) as in the server.
    secret = secrets.token_urlsafe(48)
    os.environ.update(
        CAREDESK_SECRET_KEY=secret,
        CAREDESK_DEBUG="false",
        CAREDESK_ALLOWED_HOSTS="127.0.0.1",
        CAREDESK_SECURE_COOKIES="false",
        CAREDESK_DB_CONN_MAX_AGE="60",
        CAREDESK_LOG_LEVEL="WARNING",
        # No static files are asked for; an empty folder keeps WhiteNoise from warning.
        CAREDESK_STATIC_ROOT=tempfile.mkdtemp(prefix="caredesk-bench-static-"),
    )
    url = options.database_url or default_url(options.cases)
    loaded = prepare(cases=options.cases, url=url, fresh=options.fresh)
    loader_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    session_cookie, token = sign_in()
    measured = endpoints(session_cookie, token, counts=options.counts)
    for endpoint in measured:
        time_floor(endpoint, options.floor_repeats)
    plans = [] if options.no_explain else [(e.name, e.explain()) for e in measured]
    from django.db import connections

    connections.close_all()

    port = free_port()
    load_before = os.getloadavg()
    server = start_server(port, options.workers, options.threads, dict(os.environ))
    try:
        for endpoint in measured:
            drive(endpoint, port, options.clients, options.requests)
        load_after = os.getloadavg()
        workers = children(server.pid)
        worker_rss = [vm_hwm_mb(pid) for pid in workers]
        master_rss = vm_hwm_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    own_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"queues benchmark, {datetime.now(tz=UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores")
    print(describe(loaded))
    print(
        f"gunicorn: {options.workers} workers x {options.threads} threads (gthread); "
        f"{options.clients} clients, {options.requests:,} requests per endpoint; "
        f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after"
    )
    header = (
        f"{'endpoint':<38}{'floor p50':>10}{'server p50':>11}{'p95':>8}"
        f"{'client p50':>11}{'p95':>8}{'req/s':>8}{'ratio':>7}"
    )
    print(header)
    failed = False
    for e in measured:
        if not e.server_ms:
            print(f"{e.name:<38} no successful answers; first error: {e.errors[:1]}")
            failed = True
            continue
        floor = statistics.median(e.floor_ms)
        server_p95 = percentile(e.server_ms, 95)
        print(
            f"{e.name:<38}{floor:>10.1f}{percentile(e.server_ms, 50):>11.1f}{server_p95:>8.1f}"
            f"{percentile(e.client_ms, 50):>11.1f}{percentile(e.client_ms, 95):>8.1f}"
            f"{len(e.server_ms) / e.seconds:>8.0f}{server_p95 / floor:>6.1f}x"
        )
        if e.errors:
            print(f"  {len(e.errors)} failed requests; first: {e.errors[0]}")
            failed = True
    print("(milliseconds; floor: the ORM queries in-process, one at a time;")
    print(" ratio: server p95 / floor p50)")
    rss = ", ".join(f"{mb:.0f}" for mb in worker_rss)
    print(f"peak RSS: gunicorn workers {rss} MB, master {master_rss:.0f} MB; ", end="")
    if loaded.loader_peak_rss_mb is not None:
        print(f"loader {loaded.loader_peak_rss_mb:.0f} MB; ", end="")
    print(f"this process {max(own_rss, loader_rss):.0f} MB")
    for name, text in plans:
        print(f"\nEXPLAIN ANALYZE, {name}:\n{text}")

    budgets = [
        (
            "p95 server time under 100 ms",
            all(e.server_ms and percentile(e.server_ms, 95) < 100 for e in measured),
        ),
        ("every web process under 300 MB RSS", max([*worker_rss, master_rss]) < 300),
        ("no failed requests", not failed),
    ]
    for label, met in budgets:
        print(f"budget: {label}: {'met' if met else 'MISSED'}")
    return 1 if (options.check_budget and not all(met for _, met in budgets)) or failed else 0


if __name__ == "__main__":
    sys.exit(main())
