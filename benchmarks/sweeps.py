"""How fast does the worker escalate a burst of 30,000 missed deadlines, at 200,000 cases?

    .venv/bin/python benchmarks/sweeps.py [--cases 200000] [--overdue 30000]
        [--baseline-sample 1000] [--batch-size 100] [--fresh] [--database-url URL]

Loads 200,000 cases into PostgreSQL with benchmarks/queue_data.py's loader (its own
database, `caredesk_bench_sweeps`; reused when already loaded), then makes a burst:
the 30,000 most recently due deadlines that were met become open, never met and never
escalated (as after an outage, or on the first day with imported history), their cases
open, their warnings already sent. The days the roll-up triggers marked are cleared, so
the passes below count no figures again (benchmarks/reporting.py measures that).

Measured, each from the same starting state (notices, lines, events, tasks and failure
records of the runs before are deleted, the burst's escalation marks cleared):

1. The baseline, in this process: the worker's old path, one deadline per transaction
   (claim it, one notice per line manager, its event, one queued email task), with the
   queued tasks run after each batch of 100 as the old loop ran them, on a sample
   (`--baseline-sample`), scaled to the burst. Its connections are counted too.
2. One worker's pass in this process (`Worker.run_once`, as `caredesk worker --once`
   runs it, connections kept): the burst claimed 100 at a time in one statement each,
   each batch's lines and events written in bulk, then one digest per line manager, its
   email, and the other sweeps. Budget (issue 14): 30,000 escalations under 30 s.
3. Two workers at once, each a `caredesk worker --once` process, then the checks of
   exactly once: each deadline escalated once, one ESCALATION event for each, each
   missed deadline in exactly one digest of each manager to tell, at most one digest
   per manager per pass. Connections opened by the two (pg_stat_database.sessions) are
   printed.

Prints MISSED and exits 1 when the budget is missed (at full size only: 200,000 cases
and 30,000 deadlines), and exits 1 at any size when a check of exactly once fails.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# The workers' emails go nowhere (the benchmark times the sweep, not a mail server).
os.environ.setdefault("CAREDESK_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
os.environ.setdefault("CAREDESK_LOG_LEVEL", "WARNING")

from queue_data import SERVER, describe, prepare

ROOT = Path(__file__).resolve().parent.parent
FULL_CASES = 200_000
FULL_OVERDUE = 30_000
BUDGET_SECONDS = 30.0
BURST = "bench_sweeps_burst"


def default_url(cases: int) -> str:
    suffix = "" if cases == FULL_CASES else f"_{cases}"
    return f"{SERVER}/caredesk_bench_sweeps{suffix}"


# -- the burst ------------------------------------------------------------------------------


def burst_make(url: str, overdue: int) -> int:
    """Make (once per database) the burst of open, overdue, unescalated deadlines."""
    with psycopg.connect(url, autocommit=True) as conn:
        found = conn.execute("SELECT to_regclass(%s)", [BURST]).fetchone()
        if found is not None and found[0] is not None:
            row = conn.execute(f"SELECT count(*) FROM {BURST}").fetchone()
            assert row is not None
            if int(row[0]) == overdue:
                return overdue
            raise SystemExit(
                f"This database holds a burst of {row[0]:,}, not {overdue:,}: use --fresh."
            )
    with psycopg.connect(url) as conn:
        conn.execute("SET timezone = 'UTC'")
        conn.execute(
            f"CREATE TABLE {BURST} AS SELECT id FROM cases_deadline"
            " WHERE status = 'met' AND due_at < now() - interval '1 day'"
            " ORDER BY due_at DESC, id DESC LIMIT %s",
            [overdue],
        )
        conn.execute(
            "UPDATE cases_deadline SET status = 'open', met_at = NULL, ended_at = NULL,"
            " time_taken = NULL, escalated_at = NULL, warned_at = COALESCE(warn_at, due_at)"
            f" WHERE id IN (SELECT id FROM {BURST})"
        )
        conn.execute(
            "UPDATE cases_case SET status = 'open' WHERE id IN"
            f" (SELECT case_id FROM cases_deadline WHERE id IN (SELECT id FROM {BURST}))"
        )
        conn.execute("DELETE FROM reporting_staleday")  # figures are not what is measured
        row = conn.execute(f"SELECT count(*) FROM {BURST}").fetchone()
        conn.commit()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE cases_deadline")
        conn.execute("VACUUM ANALYZE cases_case")
    assert row is not None
    if int(row[0]) < overdue:
        raise SystemExit(f"Only {row[0]:,} deadlines could be made overdue; load more cases.")
    return overdue


def reset(url: str) -> None:
    """Back to the burst, not yet escalated: what earlier runs made goes."""
    with psycopg.connect(url) as conn:
        conn.execute(
            f"UPDATE cases_deadline SET escalated_at = NULL WHERE id IN (SELECT id FROM {BURST})"
        )
        conn.execute(
            "TRUNCATE notifications_misseddeadline, notifications_notification,"
            " django_tasks_database_dbtaskresult, worker_sweepfailure"
        )
        conn.execute("DELETE FROM cases_caseevent WHERE kind IN ('escalation', 'deadline_warning')")
        conn.execute("DELETE FROM reporting_staleday")
        conn.commit()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE cases_deadline")


# -- 1. the old path: one deadline per transaction -------------------------------------------


def old_deadline_escalate(*, deadline_id: int, now: datetime, policy: Any) -> bool:
    """The worker's escalation before issue 14 (notifications/sweeps.py), step for step."""
    from caredesk.cases import events
    from caredesk.cases.models import Deadline
    from caredesk.core.db import write_transaction
    from caredesk.core.tasks import enqueue_after_commit
    from caredesk.notifications.models import Notification, NotificationKind
    from caredesk.notifications.notices import TO_ESCALATE
    from caredesk.notifications.selectors import line_managers_list
    from caredesk.notifications.wording import when

    with write_transaction():
        claim = Deadline.objects.filter(TO_ESCALATE, pk=deadline_id, due_at__lt=now)
        if claim.update(escalated_at=now) != 1:
            return False
        deadline = Deadline.objects.select_related("case", "assigned_to__line_manager", "team").get(
            pk=deadline_id
        )
        assert deadline.due_at is not None
        case, officer = deadline.case, deadline.assigned_to
        managers = line_managers_list(staff=officer, team=deadline.team)
        message = (
            f"{case.reference} “{case.subject}” missed its deadline: "
            f"{policy.standard_name(deadline.standard_key)}, due by "
            f"{when(deadline.due_at, policy)}. "
            + (f"It is with {officer}." if officer else "Nobody has been given it yet.")
        )
        for manager in managers:
            notice = Notification.objects.create(
                recipient=manager,
                kind=NotificationKind.DEADLINE_BREACHED,
                case=case,
                deadline=deadline,
                due_at=deadline.due_at,
                message=message,
                created_at=now,
            )
            enqueue_after_commit("caredesk.notifications.tasks.send_notification_email", notice.pk)
        events.record(
            events.deadline_escalated(
                case=case,
                at=now,
                standard=deadline.standard_key,
                due_at=deadline.due_at,
                to=[manager.pk for manager in managers],
            )
        )
    return True


def baseline(sample: int, policy: Any) -> tuple[float, int, int]:
    """(seconds, escalated, connections opened) for the old path on `sample` deadlines."""
    from django.db.backends.signals import connection_created
    from django_tasks_db.compat import DEFAULT_TASK_BACKEND_ALIAS
    from django_tasks_db.management.commands.db_worker import Worker as TasksWorker

    from caredesk.cases.models import Deadline
    from caredesk.core.clock import system_clock
    from caredesk.notifications.notices import TO_ESCALATE

    tasks = TasksWorker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name=DEFAULT_TASK_BACKEND_ALIAS,
        startup_delay=False,
        max_tasks=None,
        worker_id="baseline",
        excluded_queue_names=[],
    )
    opened: list[int] = []

    def count(**kwargs: Any) -> None:
        opened.append(1)

    connection_created.connect(count, weak=False)
    done = 0
    began = time.perf_counter()
    now = system_clock.now()
    try:
        while done < sample:
            candidates = Deadline.objects.filter(TO_ESCALATE, due_at__lt=now)
            ids = list(
                candidates.order_by("due_at", "pk").values_list("pk", flat=True)[
                    : min(100, sample - done)
                ]
            )
            if not ids:
                break
            done += sum(old_deadline_escalate(deadline_id=pk, now=now, policy=policy) for pk in ids)
            tasks.running = True
            tasks.run()  # the old loop ran the queued tasks after each batch
    finally:
        connection_created.disconnect(count)
    return time.perf_counter() - began, done, len(opened)


# -- 2. one worker, in this process -------------------------------------------------------------


def one_worker(batch_size: int, policy: Any) -> tuple[float, Any, int]:
    from django.db.backends.signals import connection_created

    from caredesk.core.clock import system_clock
    from caredesk.worker.loop import Worker, connections_keep

    connections_keep()
    opened: list[int] = []

    def count(**kwargs: Any) -> None:
        opened.append(1)

    worker = Worker(
        clock=system_clock,
        policy=policy,
        worker_id="bench",
        batch_size=batch_size,
        report=lambda line: None,
    )
    connection_created.connect(count, weak=False)
    try:
        began = time.perf_counter()
        report = worker.run_once()
        seconds = time.perf_counter() - began
    finally:
        connection_created.disconnect(count)
    return seconds, report, len(opened)


# -- 3. two workers at once ---------------------------------------------------------------------


def sessions(url: str) -> int:
    name = urlsplit(url).path.lstrip("/")
    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("SELECT pg_stat_clear_snapshot()")
        row = conn.execute(
            "SELECT sessions FROM pg_stat_database WHERE datname = %s", [name]
        ).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def two_workers(url: str, batch_size: int) -> tuple[float, list[str], int, float]:
    env = {**os.environ, "DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}
    command = [
        sys.executable,
        "-m",
        "caredesk",
        "worker",
        "--once",
        "--batch-size",
        str(batch_size),
    ]
    before = sessions(url)
    began = time.perf_counter()
    workers = [
        subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = []
    for worker in workers:
        out, err = worker.communicate(timeout=1800)
        if worker.returncode != 0:
            raise SystemExit(f"A worker failed:\n{out}\n{err}")
        outputs.append(out)
    seconds = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the largest child
    time.sleep(1.0)  # a backend's session is counted as it ends
    return seconds, outputs, sessions(url) - before, peak


@dataclass
class Checks:
    escalated: int
    events: int
    distinct_events: int
    lines: int
    distinct_lines: int
    lines_not_in_a_digest: int
    deadlines_with_lines: int
    deadlines_nobody_to_tell: int
    digests: int
    most_digests_of_a_pass: int
    most_digests_of_a_manager: int
    notices_emailed: int

    def failures(self, overdue: int, passes: int) -> list[str]:
        wrong = []
        if self.escalated != overdue:
            wrong.append(f"{self.escalated:,} of {overdue:,} deadlines escalated")
        if not self.events == self.distinct_events == overdue:
            wrong.append(f"{self.events:,} escalation events ({self.distinct_events:,} distinct)")
        if self.lines != self.distinct_lines:
            wrong.append(f"{self.lines - self.distinct_lines:,} lines twice")
        if self.lines_not_in_a_digest:
            wrong.append(f"{self.lines_not_in_a_digest:,} lines in no digest")
        if self.deadlines_with_lines + self.deadlines_nobody_to_tell != overdue:
            wrong.append("deadlines missing from every digest")
        if self.most_digests_of_a_pass > 1:
            wrong.append("a manager had two digests from one pass")
        if self.most_digests_of_a_manager > passes:
            wrong.append(f"a manager had {self.most_digests_of_a_manager} digests")
        if self.notices_emailed != self.digests:
            wrong.append(f"{self.notices_emailed} digests emailed of {self.digests}")
        return wrong


def checks(url: str) -> Checks:
    def one(conn: psycopg.Connection[Any], query: str) -> int:
        row = conn.execute(query).fetchone()
        assert row is not None
        return int(row[0] or 0)

    burst = f"(SELECT id FROM {BURST})"
    escalations = "FROM cases_caseevent WHERE kind = 'escalation'"
    digests = "FROM notifications_notification WHERE kind = 'deadlines_missed'"
    with psycopg.connect(url) as conn:
        return Checks(
            escalated=one(
                conn,
                f"SELECT count(*) FROM cases_deadline WHERE id IN {burst}"
                " AND escalated_at IS NOT NULL",
            ),
            events=one(conn, f"SELECT count(*) {escalations}"),
            distinct_events=one(
                conn,
                "SELECT count(*) FROM (SELECT DISTINCT case_id, data->>'standard',"
                f" data->>'due_at' {escalations}) AS e",
            ),
            lines=one(conn, "SELECT count(*) FROM notifications_misseddeadline"),
            distinct_lines=one(
                conn,
                "SELECT count(*) FROM (SELECT DISTINCT deadline_id, due_at, recipient_id"
                " FROM notifications_misseddeadline) AS l",
            ),
            lines_not_in_a_digest=one(
                conn, "SELECT count(*) FROM notifications_misseddeadline WHERE digest_id IS NULL"
            ),
            deadlines_with_lines=one(
                conn, "SELECT count(DISTINCT deadline_id) FROM notifications_misseddeadline"
            ),
            deadlines_nobody_to_tell=one(conn, f"SELECT count(*) {escalations} AND data ? 'note'"),
            digests=one(conn, f"SELECT count(*) {digests}"),
            most_digests_of_a_pass=one(
                conn,
                f"SELECT max(n) FROM (SELECT count(*) AS n {digests}"
                " GROUP BY recipient_id, created_at) AS d",
            ),
            most_digests_of_a_manager=one(
                conn,
                f"SELECT max(n) FROM (SELECT count(*) AS n {digests} GROUP BY recipient_id) AS d",
            ),
            notices_emailed=one(conn, f"SELECT count(*) {digests} AND email_status = 'sent'"),
        )


def sweep_seconds(output: str, name: str) -> float:
    line = next((line for line in output.splitlines() if line.startswith("Sweep: ")), "")
    found = re.search(rf"{name} [\d,]+(?: \([^)]*\))?(?:, [^;]*)? in ([\d.]+) s", line)
    return float(found.group(1)) if found else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=FULL_CASES)
    parser.add_argument("--overdue", type=int, default=FULL_OVERDUE)
    parser.add_argument("--baseline-sample", type=int, default=1_000)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--database-url", help="default: caredesk_bench_sweeps[_N] on 127.0.0.1")
    parser.add_argument("--fresh", action="store_true", help="drop the database and load again")
    options = parser.parse_args()
    url = options.database_url or default_url(options.cases)
    full_size = options.cases >= FULL_CASES and options.overdue >= FULL_OVERDUE

    loaded = prepare(cases=options.cases, url=url, fresh=options.fresh)
    print(describe(loaded))
    began = time.perf_counter()
    overdue = burst_make(url, options.overdue)
    made = time.perf_counter() - began
    print(
        f"Burst: {overdue:,} open deadlines overdue, not escalated ({made:.1f} s to make or find)."
    )

    from caredesk.core.active_policy import active_policy

    policy = active_policy()
    failed: list[str] = []

    # 1. the baseline
    reset(url)
    sample = min(options.baseline_sample, overdue)
    old_seconds, old_done, old_connections = baseline(sample, policy)
    old_rate = old_done / old_seconds
    print(
        f"\nBaseline, one deadline per transaction (the old path), {old_done:,} deadlines:"
        f" {old_seconds:.1f} s, {old_rate:,.0f} a second; {old_connections:,} connections"
        f" opened. Scaled to {overdue:,}: {overdue / old_rate:,.0f} s."
    )

    # 2. one worker's pass
    reset(url)
    seconds, report, opened = one_worker(options.batch_size, policy)
    escalated = report["deadlines_escalate"].rows
    rate = escalated / report["deadlines_escalate"].seconds
    print(
        f"\nOne worker, in sets of {options.batch_size} (`Worker.run_once`): {seconds:.2f} s"
        f" for the whole pass; {escalated:,} escalated in"
        f" {report['deadlines_escalate'].seconds:.2f} s ({rate:,.0f} a second);"
        f" {opened} connections opened."
    )
    for line in report.table():
        print(f"  {line}")
    print(f"  Against the baseline: {rate / old_rate:.1f}x the rate.")
    one = checks(url)
    failed += [f"one worker: {problem}" for problem in one.failures(overdue, passes=1)]
    print(
        f"  Checks: {one.escalated:,} escalated, {one.events:,} escalation events, {one.lines:,}"
        f" lines in {one.digests} digests ({one.deadlines_nobody_to_tell:,} with nobody to"
        f" tell), at most {one.most_digests_of_a_pass} digest per manager per pass."
    )
    if full_size and seconds > BUDGET_SECONDS:
        print(
            f"  MISSED: {seconds:.1f} s for {overdue:,} escalations (budget {BUDGET_SECONDS:g} s)."
        )
        failed.append("budget")
    elif full_size:
        budget = f"{BUDGET_SECONDS:g} s"
        print(f"  {seconds:.1f} s for {overdue:,} escalations: within the budget of {budget}.")
    else:
        size = f"{FULL_OVERDUE:,} at {FULL_CASES:,} cases"
        print(f"  (The budget, {BUDGET_SECONDS:g} s, is for {size}.)")

    # 3. two workers at once
    reset(url)
    two_seconds, outputs, two_sessions, peak = two_workers(url, options.batch_size)
    both = checks(url)
    failed += [f"two workers: {problem}" for problem in both.failures(overdue, passes=2)]
    each = [sweep_seconds(out, "deadlines_escalate") for out in outputs]
    print(
        f"\nTwo workers at once (`caredesk worker --once` x 2): {two_seconds:.1f} s from start"
        f" to both done (each process starts Django first); escalation sweeps"
        f" {each[0]:.1f} s and {each[1]:.1f} s; {two_sessions} connections opened in all;"
        f" peak RSS {peak:.0f} MB (budget 300 MB)."
    )
    if peak > 300:
        print(f"  MISSED: a worker process peaked at {peak:.0f} MB (budget 300 MB).")
        failed.append("worker RSS")
    print(
        f"  Checks: {both.escalated:,} escalated once each, {both.events:,} escalation events"
        f" ({both.distinct_events:,} distinct), {both.lines:,} lines ({both.distinct_lines:,}"
        f" distinct, {both.lines_not_in_a_digest} in no digest) in {both.digests} digests,"
        f" at most {both.most_digests_of_a_pass} per manager per pass and"
        f" {both.most_digests_of_a_manager} per manager; {both.notices_emailed} emailed."
    )
    for out in outputs:
        line = next((line for line in out.splitlines() if line.startswith("Sweep: ")), "")
        print(f"  {line[:300]}")

    if failed:
        print("\nFAILED: " + "; ".join(failed))
        return 1
    print("\nExactly once: every check passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
